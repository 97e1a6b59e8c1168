"""Fixtures for the outbox tests: an object to notify about, the SMS backends (the fake
GatewayAPI server is tests/conftest.py's ``fake_gatewayapi``)."""

import pytest

from notifications import kinds
from notifications.outbox import notify
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def any_event_kind(monkeypatch):
    """The outbox knows nothing of the apps' event kinds: its tests make up their own,
    which no app declares (tests/kela_service/test_event_kinds.py tests the check)."""
    monkeypatch.setattr(kinds, "check", lambda event: None)


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


@pytest.fixture
def gatewayapi(settings, fake_gatewayapi, live_server):
    """SMS through the fake GatewayAPI; its receipts come back to the live server."""
    settings.SMS_URL = fake_gatewayapi.sms_url()
    settings.SMS_WEBHOOK_SECRET = fake_gatewayapi.webhook_secret
    settings.SITE_URL = live_server.url
    return fake_gatewayapi
