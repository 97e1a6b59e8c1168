"""An identified citizen proves a phone number on their page with the same SMS code:
the bookings and callback requests made with it without logging in join their page."""

import re

import pytest

from callbacks.rules import callback_create
from citizens.models import ProvenPhone
from notifications.outbox import deliver_due
from tests.conftest import FRIDAY_14
from tests.factories import helsinki

pytestmark = pytest.mark.django_db


def _code(sms_outbox, number="+358401234567"):
    deliver_due()
    texts = [message["text"] for message in sms_outbox if message["to"] == number]
    return re.search(r"\b(\d{6})\b", texts[-1])[1]


@pytest.fixture
def topic(offices):
    from offices.models import Topic

    return Topic.objects.order_by("ordering").first()


@pytest.fixture
def anonymous_callback(offices, pin_clock, topic):
    """A callback request left without logging in, with 040 123 4567."""
    pin_clock(FRIDAY_14)
    return callback_create(
        phone="040 123 4567",
        window_start=helsinki(2026, 12, 4, 14, 30),
        topic=topic,
        language="en",
    )


def test_my_phone__anonymous__to_my_page(client):
    assert client.get("/en/my/phone/")["Location"] == "/en/my/"


def test_my_phone__proven_by_sms__anonymous_bookings_listed(
    client, anonymous_callback, citizen, identify, sms_outbox
):
    identify(citizen)
    assert anonymous_callback.reference not in client.get("/en/my/").text

    step = client.post("/en/my/phone/", {"phone": "040 123 4567"})
    assert 'name="code"' in step.text
    done = client.post(
        "/en/my/phone/",
        {"phone": "+358401234567", "action": "prove", "code": _code(sms_outbox)},
    )

    assert done["Location"] == "/en/my/"
    assert ProvenPhone.objects.get().phone == "+358401234567"
    page = client.get("/en/my/")
    assert f"/callbacks/mine/{anonymous_callback.reference}/cancel/" in page.text
    cancel = client.post(f"/en/callbacks/mine/{anonymous_callback.reference}/cancel/")
    assert cancel.status_code == 302


def test_my_phone__wrong_code__not_added(client, anonymous_callback, citizen, identify):
    identify(citizen)
    client.post("/en/my/phone/", {"phone": "040 123 4567"})

    response = client.post(
        "/en/my/phone/", {"phone": "+358401234567", "action": "prove", "code": "000000"}
    )

    assert response.status_code == 200
    assert not ProvenPhone.objects.exists()
    page = client.get("/en/my/")
    assert f"/callbacks/mine/{anonymous_callback.reference}/cancel/" not in page.text


def test_my_phone__landline__refused(client, citizen, identify):
    identify(citizen)

    response = client.post("/en/my/phone/", {"phone": "016 123 4567"})

    assert 'name="code"' not in response.text
    assert "error-summary" in response.text
