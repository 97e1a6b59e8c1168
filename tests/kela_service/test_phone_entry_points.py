"""Letters in a phone number are refused at every entry point that takes one.

The phone-number parser reads letters as keypad digits ("040 ABC 4567" would become
+358402224567): a citizen who types O for 0 would get a booking tied to someone else's
number. Each entry point has its own test, so that no form can lose the check unseen.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appointments.models import Appointment
from callbacks import rules as callback_rules
from callbacks.models import CallbackRequest
from offices.phone import PHONE_LETTERS
from tests.appointments import public_helpers

pytestmark = pytest.mark.django_db

LETTERED = ["040 ABC 4567", "+3584OOOOOOO", "O40 123 4567"]


@pytest.fixture
def wednesday(offices, pin_clock):
    pin_clock(public_helpers.NOW)
    public_helpers.generate_slots([offices["tornio"]], weeks=2)
    return offices


def _codes(form, field="phone"):
    return [error.code for error in form.errors.as_data()[field]]


@pytest.mark.parametrize("phone", LETTERED)
def test_citizen_booking_form__letters_in_phone__refused_and_nothing_booked(
    client, wednesday, phone
):
    slot = public_helpers.slot_on(wednesday["tornio"])

    response = client.post(public_helpers.url("confirm"), public_helpers.details(slot, phone=phone))

    assert response.status_code == 200
    assert _codes(response.context["form"]) == [PHONE_LETTERS]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("phone", LETTERED)
def test_citizen_booking_form__letters_in_phone_on_the_final_book__nothing_booked(
    client, wednesday, phone
):
    slot = public_helpers.slot_on(wednesday["tornio"])
    data = public_helpers.details(slot, phone=phone, action="book", submission_token="t" * 20)

    client.post(public_helpers.url("confirm"), data)

    assert not Appointment.objects.exists()


@pytest.mark.parametrize("phone", LETTERED)
def test_admin_booking_form__letters_in_phone__refused_and_nothing_booked(
    client, phone_staff, wednesday, phone, staff_login
):
    staff_login(phone_staff)
    slot = public_helpers.slot_on(wednesday["tornio"])
    data = {
        "slot": slot.pk,
        "topic": public_helpers.topic().pk,
        "name": "Matti Virtanen",
        "phone": phone,
        "email": "",
        "language": "fi",
        "note": "",
    }

    response = client.post(reverse("admin:appointments_appointment_add"), data)

    assert response.status_code == 200
    assert _codes(response.context["adminform"].form) == [PHONE_LETTERS]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("phone", LETTERED)
def test_find_booking_form__letters_in_phone__refused(client, wednesday, phone):
    data = {"reference": "K7QX4MPA", "phone": phone}

    response = client.post(public_helpers.url("find"), data)

    assert _codes(response.context["form"]) == [PHONE_LETTERS]


@pytest.mark.parametrize("phone", LETTERED)
def test_appointment_book_rule__letters_in_phone__refused(wednesday, phone):
    slot = public_helpers.slot_on(wednesday["tornio"])

    with pytest.raises(ValidationError) as error:
        public_helpers.book(slot, phone=phone)

    assert error.value.error_dict["phone"][0].code == PHONE_LETTERS
    assert not Appointment.objects.exists()


def _callback_data(phone):
    return {
        "window": "2026-12-04T15:00",
        "phone": phone,
        "topic": public_helpers.topic().pk,
        "language": "fi",
        "message": "",
    }


@pytest.mark.parametrize("phone", LETTERED)
def test_callback_form__letters_in_phone__refused_and_nothing_stored(client, friday, phone):
    response = client.post(reverse("callbacks:request"), _callback_data(phone))

    assert response.status_code == 200
    assert _codes(response.context["form"]) == [PHONE_LETTERS]
    assert not CallbackRequest.objects.exists()


@pytest.mark.parametrize("phone", LETTERED)
def test_callback_admin_form__letters_in_phone__refused_and_nothing_stored(
    client, phone_staff, friday, phone, staff_login
):
    staff_login(phone_staff)

    response = client.post(reverse("admin:callbacks_callbackrequest_add"), _callback_data(phone))

    assert response.status_code == 200
    assert _codes(response.context["adminform"].form) == [PHONE_LETTERS]
    assert not CallbackRequest.objects.exists()


@pytest.mark.parametrize("phone", LETTERED)
def test_callback_create_rule__letters_in_phone__refused(friday, phone):
    with pytest.raises(ValidationError) as error:
        callback_rules.callback_create(
            phone=phone,
            window_start="2026-12-04T15:00",
            topic=public_helpers.topic(),
            language="fi",
        )

    assert error.value.error_dict["phone"][0].code == PHONE_LETTERS
