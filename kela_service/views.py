import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from offices.models import Office

logger = logging.getLogger(__name__)


def home(request):
    offices = Office.objects.active().service_points()
    return render(request, "home.html", {"offices": offices})


def accessibility(request):
    return render(request, "accessibility.html")


def privacy(request):
    return render(
        request, "privacy.html", {"retention_days": settings.PERSONAL_DATA_RETENTION_DAYS}
    )


def set_language(request):
    """Django's ``set_language``, resolving ``next`` in the language of its own path.

    /i18n/setlang/ has no language prefix, so it runs in Finnish (the default language
    has no prefix either); Django's view then cannot resolve a /sv/... or /en/... ``next``
    and sends the user back to the page they left, still in Swedish or English.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or translation.get_language()):
        return i18n.set_language(request)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def csrf_failure(request, reason=""):
    """A failed CSRF check (usually an expired session cookie) in the site's layout and
    the user's language, with the way back, instead of Django's bare page."""
    return render(request, "403_csrf.html", status=403)
