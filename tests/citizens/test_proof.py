"""Proof of the phone number by an SMS code: the rules, and the code step of both
citizen flows (booking, callback request)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from appointments.models import Appointment
from callbacks.models import CallbackRequest
from citizens import rules
from citizens.models import PhoneCode
from notifications.sms import sms_text_problem
from tests.appointments import public_helpers
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

NOW = helsinki(2026, 12, 2, 10, 0)
MOBILE = "040 765 4321"


@pytest.fixture
def now(pin_clock):
    return pin_clock(NOW)


def sent_code(deliver, sms_outbox, phone="+358407654321"):
    """The code of the last SMS to ``phone``, as the citizen reads it."""
    deliver()
    texts = [sms["text"] for sms in sms_outbox if sms["to"] == phone]
    return re.search(r"\b(\d{6})\b", texts[-1])[1]


# --- The rules ---------------------------------------------------------------------------


def test_code__sent_by_sms_stored_only_as_a_hash(now, deliver, sms_outbox):
    row = rules.code_send(phone=MOBILE, address="192.0.2.10")

    code = sent_code(deliver, sms_outbox)

    assert row.phone == "+358407654321"
    assert code not in row.code_hash
    assert len(row.code_hash) == 64


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_code_sms__gsm7_one_message_in_every_language(now, language):
    with translation.override(language):
        text = rules.SMS_TEXT % {"code": "123456", "minutes": rules.CODE_MINUTES}

    assert sms_text_problem(text) == ""


def test_code__right_once_then_used(now, deliver, sms_outbox):
    rules.code_send(phone=MOBILE, address="192.0.2.10")
    code = sent_code(deliver, sms_outbox)

    rules.code_check(phone=MOBILE, code=code)

    with pytest.raises(ValidationError) as error:
        rules.code_check(phone=MOBILE, code=code)
    assert error.value.code == rules.CODE_EXPIRED


def test_code__five_wrong_tries__then_even_the_right_one_is_refused(now, deliver, sms_outbox):
    rules.code_send(phone=MOBILE, address="192.0.2.10")
    code = sent_code(deliver, sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    for _ in range(rules.CODE_TRIES):
        with pytest.raises(ValidationError) as error:
            rules.code_check(phone=MOBILE, code=wrong)
        assert error.value.code == rules.WRONG_CODE
    with pytest.raises(ValidationError) as error:
        rules.code_check(phone=MOBILE, code=code)
    assert error.value.code == rules.CODE_EXPIRED


def test_code__after_ten_minutes__expired(now, pin_clock, deliver, sms_outbox):
    rules.code_send(phone=MOBILE, address="192.0.2.10")
    code = sent_code(deliver, sms_outbox)
    pin_clock(NOW + datetime.timedelta(minutes=rules.CODE_MINUTES, seconds=1))

    with pytest.raises(ValidationError) as error:
        rules.code_check(phone=MOBILE, code=code)
    assert error.value.code == rules.CODE_EXPIRED


def test_codes_per_number__limited_in_an_hour(now, pin_clock, settings):
    settings.PHONE_CODES_PER_NUMBER = 3
    for n in range(3):
        rules.code_send(phone=MOBILE, address=f"192.0.2.{n}")

    with pytest.raises(ValidationError) as error:
        rules.code_send(phone=MOBILE, address="198.51.100.1")
    assert error.value.code == rules.TOO_MANY_CODES
    pin_clock(NOW + datetime.timedelta(hours=1, minutes=1))
    rules.code_send(phone=MOBILE, address="198.51.100.1")


def test_codes_per_network__a_whole_slash_24_counts_as_one(now, settings):
    settings.PHONE_CODES_PER_NETWORK = 2
    rules.code_send(phone="040 100 0001", address="203.0.113.1")
    rules.code_send(phone="040 100 0002", address="203.0.113.77")

    with pytest.raises(ValidationError) as error:
        rules.code_send(phone="040 100 0003", address="203.0.113.200")  # the same /24
    assert error.value.code == rules.TOO_MANY_CODES
    rules.code_send(phone="040 100 0003", address="203.0.114.1")  # another network


def test_ipv6__the_slash_64_is_the_network():
    assert rules.network_of("2001:db8::1") == rules.network_of("2001:db8::ffff:1")
    assert rules.network_of("2001:db8::1") != rules.network_of("2001:db8:0:1::1")


@pytest.mark.parametrize("phone", ["016 123 4567", "09 123 4567", "+46 70 123 4567"])
def test_landline_or_foreign_number__cannot_be_proven(offices, phone):
    with pytest.raises(ValidationError) as error:
        rules.code_send(phone=phone, address="192.0.2.10")
    assert error.value.code == rules.NOT_PROVABLE
    assert not PhoneCode.objects.exists()


def test_proof_in_the_session__lasts_an_hour(now, pin_clock):
    session = {}
    rules.prove(session, MOBILE)

    assert rules.is_proven(session, "+358407654321")
    pin_clock(NOW + datetime.timedelta(minutes=rules.PROOF_MINUTES, seconds=1))
    assert not rules.is_proven(session, MOBILE)


# --- The booking flow --------------------------------------------------------------------


@pytest.fixture
def slot(offices, now):
    public_helpers.generate_slots([offices["tornio"]], weeks=2)
    return public_helpers.slot_on(offices["tornio"])


def book(client, slot, **fields):
    data = public_helpers.details(slot, **{"phone": MOBILE, **fields})
    return client.post(public_helpers.url("confirm"), data)


def test_booking__unproven_number__code_step_first_and_nothing_booked(
    client, slot, deliver, sms_outbox
):
    response = book(client, slot, action="book")  # a bot skipping the pages

    assert response.status_code == 200
    assert "citizens/includes/code_step.html" in [t.name for t in response.templates]
    assert not Appointment.objects.exists()
    assert sent_code(deliver, sms_outbox)


def test_booking__wrong_code__error_and_nothing_booked(client, slot, deliver, sms_outbox):
    book(client, slot)
    code = sent_code(deliver, sms_outbox)

    response = book(client, slot, action="prove", code=f"{(int(code) + 1) % 10**6:06d}")

    assert response.context["proof"].form.has_error("code", code=rules.WRONG_CODE)
    assert not Appointment.objects.exists()


def test_booking__right_code__confirm_page_then_booked(client, slot, deliver, sms_outbox):
    book(client, slot)
    code = sent_code(deliver, sms_outbox)

    confirm = book(client, slot, action="prove", code=code)
    token = confirm.context["submission_token"]
    booked = book(client, slot, action="book", submission_token=token)

    assert booked.status_code == 302
    assert Appointment.objects.get().phone == "+358407654321"


def test_booking__back_from_editing__the_code_already_sent_still_works(
    client, slot, deliver, sms_outbox
):
    book(client, slot)
    book(client, slot, action="edit")
    book(client, slot)  # Continue again: no second code

    assert PhoneCode.objects.count() == 1
    code = sent_code(deliver, sms_outbox)
    assert book(client, slot, action="prove", code=code).context["summary"]


def test_booking__landline__refused_on_the_details_page(client, slot):
    response = book(client, slot, phone="016 123 4567")

    assert response.context["form"].has_error("phone", code=rules.NOT_PROVABLE)
    assert not PhoneCode.objects.exists()


# --- The callback flow -------------------------------------------------------------------


def test_callback__code_step_then_stored(client, offices, pin_clock, deliver, sms_outbox):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    data = {
        "window": "2026-12-04T15:00",
        "phone": MOBILE,
        "topic": public_helpers.topic().pk,
        "language": "fi",
        "message": "",
    }

    first = client.post("/callbacks/", data)
    assert "proof" in first.context
    assert not CallbackRequest.objects.exists()
    code = sent_code(deliver, sms_outbox)

    stored = client.post("/callbacks/", {**data, "action": "prove", "code": code})

    assert stored.status_code == 302
    assert CallbackRequest.objects.get().phone == "+358407654321"
