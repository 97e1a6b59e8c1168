"""The development identity provider's own login state, and 404 while it is off.

Mounted in the same process as the app, the provider must not share the app's
session: a test person's login there, or the provider's logout (which flushes the
session), would otherwise overwrite the app's (a citizen's or a staff member's). Under
``PREFIX`` this middleware, placed right after Django's ``SessionMiddleware``, swaps in
a session of the provider's own, read from and written to a cookie of its own
(``COOKIE_NAME``, path ``PREFIX``: the app never sees it), and puts the app's session
back before the response goes out, untouched.
"""

from importlib import import_module

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_vary_headers

PREFIX = "/dev-idp/"
COOKIE_NAME = "devidp_sessionid"


class DevProviderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if not settings.OIDC_DEV_PROVIDER:
            raise Http404
        from .provider import ensure_client

        ensure_client()
        app_session = request.session
        request.session = self.store(request.COOKIES.get(COOKIE_NAME))
        try:
            response = self.get_response(request)
        finally:
            own, request.session = request.session, app_session
        self._keep(request, own, response)
        return response

    @staticmethod
    def _keep(request, session, response):
        if session.is_empty():
            if COOKIE_NAME in request.COOKIES:
                response.delete_cookie(COOKIE_NAME, path=PREFIX, samesite="Lax")
            return
        patch_vary_headers(response, ("Cookie",))
        if session.modified and response.status_code < 500:
            session.save()
            response.set_cookie(
                COOKIE_NAME,
                session.session_key,
                max_age=settings.SESSION_COOKIE_AGE,
                path=PREFIX,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
