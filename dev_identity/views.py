"""The development identity provider's pages: the test persons (one button each, as
the Suomi.fi test service lists them), and the authorisation endpoint that sends a
citizen who has not chosen a person there."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from oauth2_provider import views as oauth2_views
from oauth2_provider.models import get_application_model

from .persons import BY_KEY, PERSONS

BACKEND = "django.contrib.auth.backends.ModelBackend"


class AuthorizationView(oauth2_views.AuthorizationView):
    login_url = reverse_lazy("dev_identity:login")


def _next(request):
    """The authorisation request to go back to: only the provider's own endpoint."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    authorize = reverse("oauth2_provider:authorize")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return None
    if urlsplit(target).path != authorize:
        return None
    return target


def _log_in(request, person):
    """The test person is logged in at the provider (its own session: see
    ``middleware``); no signal, so the access record sees no staff login."""
    user, _created = get_user_model().objects.get_or_create(username=person.username)
    if user.has_usable_password():
        user.set_unusable_password()
    user.last_login = timezone.now()
    user.save()
    request.session.cycle_key()
    request.session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    request.session[BACKEND_SESSION_KEY] = BACKEND
    request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    request.user = user


def _cancelled(target):
    """Back to the client with ``error=access_denied``, as a provider answers a citizen
    who cancels; None unless the request names a registered client and redirect URI."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(target).query).items()}
    application = (
        get_application_model().objects.filter(client_id=query.get("client_id", "")).first()
    )
    redirect_uri = query.get("redirect_uri", "")
    if application is None or not application.redirect_uri_allowed(redirect_uri):
        return None
    answer = {"error": "access_denied", "state": query.get("state", "")}
    return HttpResponseRedirect(f"{redirect_uri}?{urlencode(answer)}")


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    target = _next(request)
    if target is None:
        return HttpResponseBadRequest("Bad request", content_type="text/plain")
    if request.method == "POST":
        if "cancel" in request.POST:
            return _cancelled(target) or HttpResponseBadRequest(
                "Bad request", content_type="text/plain"
            )
        person = BY_KEY.get(request.POST.get("person", ""))
        if person is not None:
            _log_in(request, person)
            return HttpResponseRedirect(target)
    return render(request, "dev_identity/login.html", {"persons": PERSONS, "next": target})
