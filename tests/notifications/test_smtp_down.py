"""SMTP down (connection refused), then up: the message waits with backoff and is sent
once the server answers. A real SMTP server (aiosmtpd) on a local port."""

import datetime
import email
import socket

import pytest
from aiosmtpd.controller import Controller

from notifications.models import Status
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
