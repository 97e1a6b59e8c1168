"""Fixtures for the outbox tests: an object to notify about, the SMS backends."""

import pytest

from notifications import sms
from notifications.outbox import notify
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    """SMS go to ``notifications.sms.memory_outbox`` unless a test says otherwise."""
    settings.SMS_URL = "memory://"
    sms.memory_outbox.clear()
    yield
    sms.memory_outbox.clear()


@pytest.fixture
def sms_outbox():
    return sms.memory_outbox


@pytest.fixture
def subject(db):
    """Something to notify about (the callers' bookings are not the outbox's concern)."""
    return UserFactory(username="citizen")


@pytest.fixture
def queue(subject):
    """``queue("sms", event="confirmed")``: one queued message about ``subject``."""

    def make(channel="sms", *, event="confirmed", obj=None, **fields):
        fields.setdefault("to", "040 123 4567" if channel == "sms" else "maija@example.com")
        fields.setdefault("body", "Aika varattu ma 7.12. klo 9.00, Tornio. Viite ABC123.")
        if channel == "email":
            fields.setdefault("subject", "Ajanvaraus vahvistettu")
        return notify(obj=obj or subject, event=event, channel=channel, **fields)

    return make
