"""/metrics for Prometheus: django-prometheus' request metrics (latency per view and
method, responses by status) and the service's own gauges, read from the database at
each scrape.

Not public: a scrape sends ``Authorization: Bearer <METRICS_TOKEN>``; without a token
set, the endpoint does not exist (404), so a deployment that forgot it shows nothing.
Behind the TLS proxy, let only the monitoring network reach the path as well.

With several gunicorn workers each has its own counters: gunicorn.conf.py points
``PROMETHEUS_MULTIPROC_DIR`` at a folder they share, and a scrape sums them all
(prometheus_client's multiprocess mode). The domain gauges come from the database,
which every instance shares: any instance answers for the whole service.
"""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from django_q.models import OrmQ
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from appointments.models import Appointment
from callbacks.models import CallbackRequest
from notifications.models import Message, Status

logger = logging.getLogger(__name__)

HOUR = datetime.timedelta(hours=1)
OUTBOX_STATES = (Status.QUEUED, Status.FAILED)


def gauge(name, documentation, value=None, labels=(), samples=()):
    family = GaugeMetricFamily(name, documentation, value=value, labels=labels or None)
    for label_values, sample in samples:
        family.add_metric(label_values, sample)
    return family


def oldest_task_age(now):
    """Seconds the oldest task in the queue has waited (0 with none queued). The
    queue's rows carry their task signed; ``started`` is when it was queued."""
    oldest = OrmQ.objects.order_by("pk").first()
    if oldest is None:
        return 0.0
    queued_at = oldest.task.get("started")
    return max((now - queued_at).total_seconds(), 0.0) if queued_at else 0.0


class ServiceCollector:
    """The service's gauges, from the database at scrape time."""

    def collect(self):
        now = timezone.now()
        try:
            booked = dict(
                Appointment.objects.filter(created_at__gte=now - HOUR)
                .values_list("source")
                .annotate(n=Count("pk"))
                .order_by()
            )
            callbacks = CallbackRequest.objects
            requested = callbacks.filter(created_at__gte=now - HOUR).count()
            open_now = callbacks.open().count()
            overdue = callbacks.overdue(now).count()
            messages = dict(
                Message.objects.filter(status__in=OUTBOX_STATES)
                .values_list("status")
                .annotate(n=Count("pk"))
                .order_by()
            )
            queued_tasks = OrmQ.objects.count()
            oldest = oldest_task_age(now)
        except DatabaseError as error:
            # The database is down: say so, and the request metrics still come through.
            logger.warning("Metrics: the database did not answer (%s)", type(error).__name__)
            yield gauge("kela_database_up", "Whether the database answered this scrape.", 0)
            return
        yield gauge("kela_database_up", "Whether the database answered this scrape.", 1)
        yield gauge(
            "kela_appointments_booked_last_hour",
            "Appointments booked in the last hour, by source (web, phone staff, desk).",
            labels=["source"],
            samples=[([source], booked.get(source, 0)) for source in Appointment.Source.values],
        )
        yield gauge(
            "kela_callbacks_requested_last_hour",
            "Callback requests made in the last hour.",
            requested,
        )
        yield gauge("kela_callbacks_open", "Callback requests still to be called.", open_now)
        yield gauge(
            "kela_callbacks_overdue",
            "Open callback requests whose window has ended.",
            overdue,
        )
        yield gauge(
            "kela_notifications",
            "Messages (SMS, e-mail) in the outbox still queued or failed.",
            labels=["status"],
            samples=[([status], messages.get(status, 0)) for status in OUTBOX_STATES],
        )
        yield gauge("kela_task_queue_length", "Tasks waiting for a worker.", queued_tasks)
        yield gauge(
            "kela_task_queue_oldest_seconds",
            "How long the oldest waiting task has waited, in seconds.",
            oldest,
        )


def authorised(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    return constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}")


@never_cache
@require_GET
def metrics(request):
    if not authorised(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    service = CollectorRegistry(auto_describe=False)
    service.register(ServiceCollector())
    # django-prometheus' own export: this process's request metrics, or those of every
    # worker of this gunicorn (PROMETHEUS_MULTIPROC_DIR).
    body = ExportToDjangoView(request).content + generate_latest(service)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
