"""The staff door: what every request to a staff or admin page passes
(``STAFF_PATH_PREFIXES``: /admin/ and /staff/), whatever its view.

- ``StaffNoStoreMiddleware``: ``Cache-Control: no-store`` (day lists, their CSV, the
  admin): no browser or proxy keeps a copy of citizens' data.
- ``StaffIdleTimeoutMiddleware``: 30 minutes (``STAFF_IDLE_TIMEOUT``) without a staff
  request logs the user out; the login page then says why.
- ``SecondFactorRequiredMiddleware``: no staff or admin view runs for a session that
  has not passed the second factor; it goes to the login, or to the enrolment of an
  app when the account has no device yet. New staff URLs are covered by being there.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .devices import has_device

LAST_ACTIVITY_KEY = "accounts.last_activity"
# The last activity is written at most once a minute, not on every request.
ACTIVITY_REFRESH_SECONDS = 60


def is_staff_path(request):
    return request.path_info.startswith(tuple(settings.STAFF_PATH_PREFIXES))


def connect():
    user_logged_in.connect(stamp_login, dispatch_uid="accounts.stamp_login")


def stamp_login(sender, request, user, **kwargs):
    """A login is activity: the idle time counts from it."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_ACTIVITY_KEY] = int(time.time())


class StaffNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_staff_path(request):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_path(request) and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.STAFF_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.STAFF_IDLE_TIMEOUT // 60},
                )
                if request.path_info != resolve_url(settings.LOGIN_URL):
                    return redirect_to_login(request.get_full_path())
            elif last is None or now - last >= ACTIVITY_REFRESH_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    # The pages a session without the second factor may open: the way in and out.
    OPEN_URL_NAMES = ("admin:login", "accounts:logout", "accounts:enrol")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_staff_path(request) or self._is_open(request):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and user.is_verified():
            return self.get_response(request)
        here = request.get_full_path()
        if user.is_authenticated and not has_device(user):
            return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': here})}")
        return redirect_to_login(here)

    def _is_open(self, request):
        return request.path_info in set(_paths(self.OPEN_URL_NAMES))


def _paths(names):
    """The paths of the URL names that the URLconf has (a test's own may lack some)."""
    for name in names:
        try:
            yield reverse(name)
        except NoReverseMatch:
            continue
