"""SMTP down (connection refused), then up: the message waits with backoff and is sent
once the server answers. A real SMTP server (aiosmtpd) on a local port."""

import datetime
import email
import socket

import pytest
from aiosmtpd.controller import Controller

from notifications.models import Message, Status
from notifications.outbox import deliver_due
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

T0 = helsinki(2026, 12, 3, 8, 0)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """SMTP settings for a local port where nothing listens yet; ``smtp.start()``
    brings the server up."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    inbox.start = controller.start
    yield inbox
    if getattr(controller, "_thread", None):
        controller.stop()


def test_smtp_down_then_up__retried_with_backoff_and_sent_once(pin_clock, queue, smtp):
    pin_clock(T0)
    message = queue(
        "email",
        subject="Ajanvaraus vahvistettu",
        body="Aika varattu.",
        attachments=[("kela.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )

    assert deliver_due(now=T0).retried == 1
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == T0 + datetime.timedelta(seconds=60)

    # Still down at the second attempt: the wait doubles.
    assert deliver_due(now=T0 + datetime.timedelta(seconds=60)).retried == 1
    message.refresh_from_db()
    assert message.next_attempt_at == T0 + datetime.timedelta(seconds=60 + 120)

    smtp.start()
    assert deliver_due(now=T0 + datetime.timedelta(seconds=179)).total == 0  # not yet due
    assert deliver_due(now=T0 + datetime.timedelta(seconds=180)).sent == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")
    [(recipients, received)] = smtp.messages
    assert recipients == ["maija@example.com"]
    assert received["Subject"] == "Ajanvaraus vahvistettu"
    assert received["Message-ID"] == message.provider_id
    assert [part.get_filename() for part in received.walk() if part.get_filename()] == ["kela.ics"]
    assert deliver_due(now=T0 + datetime.timedelta(hours=1)).total == 0
    assert len(smtp.messages) == 1


class Picky(Inbox):
    """Refuses unknown@ for good (550) and defers mail with "later" in it (451)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("unknown@"):
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if b"later" in envelope.content:
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_smtp_refusals__a_deferral_retried_a_bad_address_failed_the_rest_sent(
    pin_clock, queue, settings
):
    pin_clock(T0)
    inbox = Picky()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        queue("email", event="a", body="Hei.")
        deferred = queue("email", event="b", body="Try later.")
        refused = queue("email", event="c", to="unknown@example.com")
        last = queue("email", event="d", body="Hei taas.")

        report = deliver_due(now=T0)
    finally:
        controller.stop()

    assert (report.sent, report.retried, report.failed) == (2, 1, 1)
    statuses = {m.event: m.status for m in Message.objects.all()}
    assert statuses == {"a": Status.SENT, "b": Status.QUEUED, "c": Status.FAILED, "d": Status.SENT}
    assert len(inbox.messages) == 2
    deferred.refresh_from_db()
    refused.refresh_from_db()
    assert "451" in deferred.last_error
    assert "550" in refused.last_error
    assert last.reference.hex in {received["Message-ID"][1:33] for _, received in inbox.messages}
