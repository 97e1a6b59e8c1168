"""Identified citizens leave a callback request without the SMS code; the request
carries the citizen, the staff queue says "identified", and /my/ lists it."""

import pytest

from callbacks.models import CallbackRequest
from notifications.models import Message
from tests.callbacks.test_views import form_data

pytestmark = pytest.mark.django_db


def test_identified__callback_without_the_sms_code(client, friday, topic, citizen, identify):
    identify(citizen)

    response = client.post("/en/callbacks/", form_data(topic, phone="050 765 4321"))

    assert response.status_code == 302
    callback = CallbackRequest.objects.get()
    assert callback.citizen == citizen
    assert not Message.objects.filter(event="code").exists()
    my_page = client.get("/en/my/")
    assert "Your callback requests" in my_page.text
    assert "Cancel the request" in my_page.text


def test_identified__landline_accepted(client, friday, topic, citizen, identify):
    identify(citizen)

    response = client.post("/en/callbacks/", form_data(topic, phone="016 123 4567"))

    assert response.status_code == 302
    assert CallbackRequest.objects.get().citizen == citizen


def test_anonymous__asked_for_the_code(client, offices, pin_clock, topic):
    from tests.conftest import FRIDAY_14

    pin_clock(FRIDAY_14)

    response = client.post("/en/callbacks/", form_data(topic))

    assert 'name="code"' in response.text
    assert not CallbackRequest.objects.exists()


def test_staff_queue__identified_request_marked(
    client, friday, topic, citizen, identify, phone_staff, make_callback, staff_login
):
    identify(citizen)
    client.post("/en/callbacks/", form_data(topic, phone="050 765 4321"))
    make_callback(CallbackRequest.objects.get().window_start, phone="040 111 2222")
    staff_login(phone_staff)

    queue = client.get("/staff/callbacks/")

    assert queue.text.count('class="identified"') == 1
    assert "Matti Meikäläinen" in queue.text


def test_identified_cancel__own_request(client, friday, topic, citizen, identify):
    identify(citizen)
    client.post("/en/callbacks/", form_data(topic, phone="050 765 4321"))
    callback = CallbackRequest.objects.get()

    response = client.post(f"/en/callbacks/mine/{callback.reference}/cancel/")

    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == CallbackRequest.Status.CANCELLED


def test_identified_cancel__someone_elses__404(client, friday, topic, citizen, identify):
    from citizens.identity import citizen_identify
    from dev_identity.persons import BY_KEY

    client.post("/en/callbacks/", form_data(topic))  # proven number, anonymous
    callback = CallbackRequest.objects.get()
    other = citizen_identify(identity_code=BY_KEY["aino"].identity_code, name="Aino")
    identify(other)

    assert client.post(f"/en/callbacks/mine/{callback.reference}/cancel/").status_code == 404
    callback.refresh_from_db()
    assert callback.status == CallbackRequest.Status.PENDING


def test_identified_cancel__anonymous__404(client, friday, topic):
    client.post("/en/callbacks/", form_data(topic))
    callback = CallbackRequest.objects.get()

    assert client.post(f"/en/callbacks/mine/{callback.reference}/cancel/").status_code == 404
