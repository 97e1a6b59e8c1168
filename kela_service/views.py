import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
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
