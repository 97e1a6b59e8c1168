import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import defaults, i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from appointments.models import Appointment
from callbacks.models import CallbackRequest
from citizens import identity
from offices import services
from offices.models import Office

from .ratelimit import shared_cache_answers

logger = logging.getLogger(__name__)

# Errors that say the database cannot be reached or cannot serve now (PEP 249's
# OperationalError: a lost connection, a server shutting down, a lock timeout), not a
# fault in the code: the citizen is asked to try again, the log gets one line.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER = 30


def home(request):
    """The front page: the places named and what each of their services is, from the
    offices' data (a third office needs no template change)."""
    places = list(Office.objects.active())
    context = {
        "service_points": [office for office in places if not office.is_phone_service],
        "places": services.office_services(places),
    }
    return render(request, "home.html", context)


def person_bookings(citizen):
    """(appointments, callback requests) of an identified citizen: made while identified,
    or with a number they have proven on their page."""
    phones = identity.proven_phones(citizen)
    appointments = Appointment.objects.filter(
        Q(citizen=citizen) | Q(phone__in=phones)
    ).select_related("slot__office", "topic")
    callbacks = (
        CallbackRequest.objects.filter(Q(citizen=citizen) | Q(phone__in=phones))
        .select_related("topic")
        .order_by("-window_start", "-pk")
    )
    return appointments, callbacks


@never_cache
@require_GET
def my_page(request):
    """The identified citizen's own page: who they are, their appointments and callback
    requests made while identified (upcoming first), and the way to log in if they are
    not (``citizens.views``)."""
    citizen = identity.current(request)
    if getattr(request, "citizen_timed_out", False):
        messages.info(
            request,
            _("You were logged out after %(minutes)s minutes without activity.")
            % {"minutes": settings.CITIZEN_IDLE_MINUTES},
        )
    context = {"citizen": citizen}
    if citizen is not None:
        now = timezone.now()
        appointments, callbacks = person_bookings(citizen)
        appointments = appointments.order_by("slot__starts_at", "pk")
        context.update(
            upcoming=[a for a in appointments if a.is_active and a.slot.starts_at > now],
            past=[a for a in appointments if not a.is_active or a.slot.starts_at <= now][::-1],
            open_callbacks=[c for c in callbacks if c.is_open],
            closed_callbacks=[c for c in callbacks if not c.is_open],
        )
    return render(request, "my.html", context)


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


def _one_line(error):
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


@never_cache
@require_GET
def livez(request):
    """Liveness (Kubernetes' convention): this process answers requests. Asks neither
    the database nor the cache, so that an outage of either never gets a healthy
    process restarted; ``/healthz`` is the readiness check. Also the ceiling of what
    this stack serves (bench/)."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: the database and the shared cache.

    - 200 ``{"status": "ok", "database": true, "cache": true}``;
    - 200 ``{"status": "degraded", "database": true, "cache": false}`` when the cache
      (Redis) does not answer: citizens are still served and the rate limits count per
      process, so a load balancer must keep sending traffic (taking every instance out
      would turn a weaker rate limit into an outage); monitoring alerts on "degraded",
      the log has the rate limit's one warning a minute;
    - 503 ``{"status": "unavailable", "database": false, "cache": ...}`` when the
      database does not answer: nothing can be served.
    """
    cache_ok = shared_cache_answers()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unavailable (%s)", _one_line(error))
        response = JsonResponse(
            {"status": "unavailable", "database": False, "cache": cache_ok}, status=503
        )
        response._has_been_logged = True  # above, with the reason
        return response
    status = "ok" if cache_ok else "degraded"
    return JsonResponse({"status": status, "database": True, "cache": cache_ok})


@requires_csrf_token
def server_error(request):
    """``handler500``: an unhandled exception.

    When the database cannot be reached, the user gets a 503 page in their language
    (or JSON on the API) asking them to try again in a moment, with ``Retry-After``,
    and the log one line per failed request instead of a traceback; Django reconnects
    by itself on a later request. Anything else is Django's 500 page, logged with its
    traceback."""
    error = sys.exception()
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return defaults.server_error(request)
    logger.error(
        "Database unavailable: %s %s answered 503 (%s)",
        request.method,
        request.path,
        _one_line(error),
    )
    if request.path_info.startswith("/api/"):
        message = _("The service is temporarily unavailable. Please try again in a moment.")
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    # Logged above, once: Django would add the traceback of every such request.
    response._has_been_logged = True
    return response


def csrf_failure(request, reason=""):
    """A failed CSRF check (usually an expired session cookie) in the site's layout and
    the user's language, with the way back, instead of Django's bare page."""
    return render(request, "403_csrf.html", status=403)
