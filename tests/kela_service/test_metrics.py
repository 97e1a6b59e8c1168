"""/metrics for Prometheus: closed without the token, request latency per view, and the
service's gauges against a hand-made set with known answers."""

import datetime

import pytest
from django.db import OperationalError
from django_q.models import OrmQ
from django_q.tasks import async_task
from prometheus_client.parser import text_string_to_metric_families

from appointments import rules
from appointments.models import Appointment, Slot
from callbacks.models import CallbackRequest
from callbacks.rules import callback_create
from notifications.models import Message, Status
from notifications.outbox import notify
from offices.models import Office, Topic
from tests.appointments.public_helpers import generate_slots
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-scrape-token"
# Wednesday 2 December 2026, 10:00 in Helsinki.
NOW = helsinki(2026, 12, 2, 10, 0)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token=TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def samples(response):
    """{(name, frozenset(labels)): value} of a scrape."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(scraped, name, **labels):
    return scraped[(name, frozenset(labels.items()))]


def test_no_token_configured__404(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert scrape(client, "").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_without_the_right_token__401(client, token, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"kela_" not in response.content


def test_request_latency_per_view(client, token, offices):
    before = samples(scrape(client))
    key = ("django_http_requests_latency_seconds_by_view_method_count",)
    labels = frozenset({"view": "home", "method": "GET"}.items())
    count_before = before.get((*key, labels), 0)

    client.get("/")
    client.get("/")
    after = samples(scrape(client))

    assert after[(*key, labels)] == count_before + 2
    assert scrape(client)["Content-Type"].startswith("text/plain; version=")


@pytest.fixture
def hand_made(offices, pin_clock):
    """At 10:00: one web booking two hours ago, then two web and one phone-staff in the
    last hour; a callback request from 7:00 for 9:00–9:30 (overdue) and two from the
    last hour; two messages queued and one failed; two tasks queued 90 s and 30 s ago."""
    topic = Topic.objects.order_by("pk").first()
    pin_clock(NOW - datetime.timedelta(hours=3))
    generate_slots(weeks=2)
    callback_create(
        phone="040 100 0001", window_start=helsinki(2026, 12, 2, 9, 0), topic=topic, language="fi"
    )
    free = iter(Slot.objects.filter(office__slug="tornio", starts_at__gt=NOW).order_by("starts_at"))

    def book(n, source):
        rules.appointment_book(
            slot=next(free), name="Asiakas", phone=f"040 200 000{n}", topic=topic, source=source
        )

    pin_clock(NOW - datetime.timedelta(hours=2))
    book(1, Appointment.Source.WEB)
    pin_clock(NOW - datetime.timedelta(minutes=50))
    book(2, Appointment.Source.WEB)
    book(3, Appointment.Source.WEB)
    book(4, Appointment.Source.PHONE_STAFF)
    for n, start in enumerate([helsinki(2026, 12, 2, 10, 30), helsinki(2026, 12, 2, 11, 0)]):
        callback_create(phone=f"040 300 000{n}", window_start=start, topic=topic, language="sv")
    Message.objects.all().delete()  # the bookings' own: this set counts its own
    phone_office = Office.objects.get(slug="phone")
    for event in ("moved:1", "moved:2"):  # one message per object, event and channel
        notify(obj=phone_office, event=event, channel="sms", to="040 123 4567", body="Hei")
    failed = notify(
        obj=phone_office,
        event="cancelled",
        channel="email",
        to="a@example.com",
        subject="Hei",
        body="Hei",
    )
    Message.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    OrmQ.objects.all().delete()  # the messages' delivery task: this set queues its own
    pin_clock(NOW - datetime.timedelta(seconds=90))
    async_task("math.floor", 1.5)
    pin_clock(NOW - datetime.timedelta(seconds=30))
    async_task("math.floor", 2.5)
    pin_clock(NOW)
    return NOW


def test_service_gauges__known_answers(client, token, hand_made):
    scraped = samples(scrape(client))

    assert value(scraped, "kela_database_up") == 1
    assert value(scraped, "kela_appointments_booked_last_hour", source="web") == 2
    assert value(scraped, "kela_appointments_booked_last_hour", source="phone_staff") == 1
    assert value(scraped, "kela_appointments_booked_last_hour", source="desk") == 0
    assert value(scraped, "kela_callbacks_requested_last_hour") == 2
    assert value(scraped, "kela_callbacks_open") == 3
    assert value(scraped, "kela_callbacks_overdue") == 1
    assert value(scraped, "kela_notifications", status="queued") == 2
    assert value(scraped, "kela_notifications", status="failed") == 1
    assert value(scraped, "kela_task_queue_length") == 2
    assert value(scraped, "kela_task_queue_oldest_seconds") == 90


def test_service_gauges__a_callback_called__no_longer_overdue(client, token, hand_made):
    CallbackRequest.objects.filter(window_end__lt=NOW).update(status=CallbackRequest.Status.DONE)

    scraped = samples(scrape(client))

    assert value(scraped, "kela_callbacks_overdue") == 0
    assert value(scraped, "kela_callbacks_open") == 2


def test_empty_service__zeros_not_gaps(client, token, offices):
    scraped = samples(scrape(client))

    assert value(scraped, "kela_appointments_booked_last_hour", source="desk") == 0
    assert value(scraped, "kela_task_queue_length") == 0
    assert value(scraped, "kela_task_queue_oldest_seconds") == 0


def test_database_down__request_metrics_still_and_database_up_0(
    client, token, offices, monkeypatch, caplog
):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CallbackRequest.objects, "open", unreachable)

    response = scrape(client)
    scraped = samples(response)

    assert response.status_code == 200
    assert value(scraped, "kela_database_up") == 0
    assert not any(name.startswith("kela_callbacks") for name, _ in scraped)
    assert any(name.startswith("django_http_requests") for name, _ in scraped)
    assert "Metrics: the database did not answer (OperationalError)" in caplog.text
