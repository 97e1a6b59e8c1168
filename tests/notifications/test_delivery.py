"""deliver_due(): claim, send, mark; retries with backoff; leases that expire."""

import datetime

import pytest
from django.core import mail

from notifications import sms
from notifications.models import Message, Status
from notifications.outbox import backoff, deliver_due, messages_claim, messages_retry
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

NOW = helsinki(2026, 12, 3, 8, 0)


@pytest.fixture
def now(pin_clock):
    return pin_clock(NOW)


class Refusing:
    """An SMS backend that refuses everything (as a provider that is down)."""

    def __init__(self, error=None):
        self.error = error or sms.SendError("provider down")
        self.calls = 0

    def send(self, **kwargs):
        self.calls += 1
        raise self.error


@pytest.fixture
def refusing(monkeypatch):
    backend = Refusing()
    monkeypatch.setattr("notifications.outbox.sms_backend", lambda: backend)
    return backend


def test_deliver_due__sms__sent_once_and_marked(now, queue, sms_outbox):
    message = queue("sms", body="Aika varattu.")

    report = deliver_due()

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert sms_outbox == [
        {"to": "+358401234567", "text": "Aika varattu.", "reference": message.reference.hex}
    ]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (Status.SENT, 1, NOW)
    assert message.provider_id == "memory-1"
    assert (message.leased_until, message.lease_token) == (None, None)
    assert deliver_due().sent == 0
    assert len(sms_outbox) == 1


def test_deliver_due__email__sent_with_its_attachment_and_message_id(now, queue, settings):
    settings.SITE_URL = "https://ajanvaraus.kela.example"
    message = queue(
        "email",
        subject="Ajanvaraus",
        body="Aika varattu.",
        attachments=[("kela.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar")],
    )

    deliver_due()

    [email] = mail.outbox
    assert (email.to, email.subject, email.body) == (
        ["maija@example.com"],
        "Ajanvaraus",
        "Aika varattu.",
    )
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.attachments == [("kela.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")]
    message_id = f"<{message.reference.hex}@ajanvaraus.kela.example>"
    assert email.extra_headers["Message-ID"] == message_id
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Status.SENT, message_id)


def test_deliver_due__sensitive_message__body_blanked_once_sent(now, queue, sms_outbox):
    message = queue("sms", body="Koodisi on 123456.", sensitive=True)

    deliver_due()

    assert sms_outbox[0]["text"] == "Koodisi on 123456."
    message.refresh_from_db()
    assert (message.status, message.body) == (Status.SENT, "")


def test_deliver_due__failure__queued_again_with_the_error_and_growing_backoff(
    now, queue, refusing, settings
):
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    message = queue("sms")

    report = deliver_due()

    assert (report.sent, report.retried) == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.last_error == "SendError: provider down"
    assert message.next_attempt_at == NOW + datetime.timedelta(seconds=60)
    assert deliver_due().total == 0  # not due yet

    deliver_due(now=NOW + datetime.timedelta(seconds=60))

    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == NOW + datetime.timedelta(seconds=60 + 120)


def test_backoff__doubles_up_to_an_hour(settings):
    settings.NOTIFICATIONS_RETRY_SECONDS = 60

    waits = [backoff(attempts).total_seconds() for attempts in range(1, 9)]

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_deliver_due__last_attempt_fails__message_failed(now, queue, refusing, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    message = queue("sms")

    at = NOW
    for _ in range(3):
        deliver_due(now=at)
        at += datetime.timedelta(hours=2)
    deliver_due(now=at)

    message.refresh_from_db()
    assert (message.status, message.attempts, refusing.calls) == (Status.FAILED, 3, 3)
    assert message.last_error == "SendError: provider down"


def test_deliver_due__permanent_refusal__failed_at_once(now, queue, refusing):
    refusing.error = sms.PermanentSendError("GatewayAPI 422: bad msisdn")
    message = queue("sms")

    report = deliver_due()

    assert report.failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)


def test_deliver_due__expired_message__failed_unsent(now, queue, sms_outbox):
    message = queue("sms", expires_at=NOW - datetime.timedelta(minutes=1))

    deliver_due()

    assert sms_outbox == []
    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        Status.FAILED,
        "Expired before it could be sent",
    )


def test_messages_claim__leased_message__not_claimed_again_until_the_lease_expires(
    now, queue, settings
):
    settings.NOTIFICATIONS_LEASE_SECONDS = 300
    message = queue("sms")

    [claimed] = messages_claim(limit=10)

    assert claimed == message
    assert claimed.leased_until == NOW + datetime.timedelta(seconds=300)
    assert messages_claim(limit=10) == []
    assert messages_claim(limit=10, now=NOW + datetime.timedelta(seconds=299)) == []
    [again] = messages_claim(limit=10, now=NOW + datetime.timedelta(seconds=301))
    assert (again, again.attempts) == (message, 2)
    assert again.lease_token != claimed.lease_token


def test_deliver_due__worker_died_holding_it__sent_after_the_lease_expired(now, queue, sms_outbox):
    message = queue("sms")
    messages_claim(limit=10)  # a worker that dies before sending

    assert deliver_due().total == 0
    deliver_due(now=NOW + datetime.timedelta(minutes=6))

    assert len(sms_outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)


def test_deliver_due__workers_died_on_every_attempt__failed_without_sending_again(
    now, queue, sms_outbox, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    message = queue("sms")
    messages_claim(limit=10)
    messages_claim(limit=10, now=NOW + datetime.timedelta(minutes=6))

    deliver_due(now=NOW + datetime.timedelta(minutes=12))

    assert sms_outbox == []
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Status.FAILED, "Worker lost")


def test_deliver_due__limit__sends_no_more(now, queue, sms_outbox):
    for n in range(25):
        queue("sms", event=f"e{n}")

    assert deliver_due(limit=12).sent == 12
    assert deliver_due().sent == 13
    assert len(sms_outbox) == 25


def test_deliver_due__oldest_due_first(now, queue, sms_outbox):
    late = queue("sms", event="late")
    early = queue("sms", event="early")
    Message.objects.filter(pk=early.pk).update(next_attempt_at=NOW - datetime.timedelta(hours=1))

    deliver_due(limit=1)

    assert [m["reference"] for m in sms_outbox] == [early.reference.hex]
    assert late.reference.hex not in [m["reference"] for m in sms_outbox]


def test_messages_retry__failed_ones_queued_now_with_fresh_attempts(now, queue, sms_outbox):
    failed = queue("sms", event="failed")
    sent = queue("sms", event="sent")
    Message.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=8)
    Message.objects.filter(pk=sent.pk).update(status=Status.SENT, attempts=1)

    assert messages_retry(Message.objects.all()) == 1

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (Status.QUEUED, 0, NOW)
    assert deliver_due().sent == 1
    assert [m["reference"] for m in sms_outbox] == [failed.reference.hex]
