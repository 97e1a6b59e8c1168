from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from .ratelimit import client_address


class StaffAwareLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except on the staff pages.

    Public pages carry their language in the path (Finnish unprefixed, /sv/, /en/), so
    an unprefixed path means Finnish. The admin, the staff pages and the development
    identity provider (/dev-idp/) have no prefix;
    there the language comes from the language cookie (set by the switcher on the public
    pages) or the browser's Accept-Language, Finnish when neither says.
    """

    STAFF_PATHS = ("/admin/", "/staff/", "/dev-idp/")

    def process_request(self, request):
        if not request.path_info.startswith(self.STAFF_PATHS):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None


class ClientAddressMiddleware:
    """``request.client_address``: the client's address as the proxies tell it
    (``ratelimit.client_address``), computed once, for the apps, which do not import
    the project package."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_address = client_address(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy``: the browser features in ``PERMISSIONS_POLICY``
    (camera, microphone, geolocation, payment, ...) are denied to every page and to
    anything framed in one (``feature=()``). Set on every response, static files too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RejectNulBytesMiddleware:
    """404 for a path with a NUL byte (no page has one), 400 for a NUL byte in the query
    string or the cookies.

    No browser sends one there, PostgreSQL cannot store or compare one ("text fields
    cannot contain NUL bytes" is a 500 from any view or admin filter that puts it in a
    query), and every view would otherwise need to guard against it: refuse it once,
    here. Form fields are left to the forms, which refuse a NUL byte as a field error
    and keep what was typed (Django's character fields do). Placed after the locale
    middleware so that the page is in the user's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return render(request, "404.html", status=404)
        if self._has_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request):
        cookies = ((name, [value]) for name, value in request.COOKIES.items())
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for source in (request.GET.lists(), cookies)
            for key, values in source
        )
