"""What citizens are told about their callback request, by SMS through the outbox, and
how a change of the phone-service hours reaches open requests."""

import datetime

import pytest
from django.test import override_settings
from django.utils import translation

from callbacks import notices, rules
from callbacks.models import CallbackRequest
from notifications.models import Message
from notifications.sms import sms_text_problem
from offices.models import DateException, ServiceKind
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


def test_request__queues_an_sms_with_its_window(friday, make_callback, deliver, sms_outbox):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0), phone="040 123 4567")

    deliver()

    (sms,) = sms_outbox
    assert sms["to"] == "+358401234567"
    assert sms["text"] == (
        f"Kela soittaa sinulle pe 4.12.2026 klo 15.00-15.30. Tunnus {callback.reference}"
    )


def test_request_from_a_landline__no_sms(friday, make_callback, deliver, sms_outbox):
    make_callback(helsinki(2026, 12, 4, 15, 0), phone="016 123 4567")

    deliver()

    assert sms_outbox == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("event", list(notices.SMS_TEXTS))
@override_settings(SITE_URL="https://ajanvaraus.kela.fi")
def test_sms_text__every_event_and_language__fits_one_gsm7_sms(
    friday, make_callback, language, event
):
    callback = make_callback(helsinki(2026, 12, 7, 15, 30), language=language)

    with translation.override(language):
        text = notices.sms_text(callback, event)

    assert sms_text_problem(text) == ""


def _close_phone_service(offices, day):
    return DateException.objects.create(
        office=offices["phone"], date=day, service=ServiceKind.PHONE, closed=True, reason="Huolto"
    )


def test_phone_service_closed__open_requests_that_day_are_affected_and_told(
    friday, offices, make_callback
):
    monday = make_callback(helsinki(2026, 12, 7, 10, 0))
    today = make_callback(helsinki(2026, 12, 4, 15, 0))

    _close_phone_service(offices, MONDAY)

    monday.refresh_from_db()
    today.refresh_from_db()
    assert monday.affected_at is not None
    assert monday.status == CallbackRequest.Status.PENDING  # staff may still call
    assert today.affected_at is None
    (sms,) = Message.objects.for_object(monday).filter(event="affected")
    assert "/callbacks/" in sms.body


def test_phone_service_reopened__requests_restored_and_unsent_notices_withdrawn(
    friday, offices, make_callback
):
    monday = make_callback(helsinki(2026, 12, 7, 10, 0))
    closure = _close_phone_service(offices, MONDAY)

    closure.delete()

    monday.refresh_from_db()
    assert monday.affected_at is None
    assert not Message.objects.for_object(monday).filter(event="affected").exists()


def test_follow_hours__idempotent(friday, offices, make_callback):
    make_callback(helsinki(2026, 12, 7, 10, 0))
    _close_phone_service(offices, MONDAY)

    assert rules.callbacks_follow_hours() == (0, 0)


def test_shorter_phone_hours__only_windows_outside_them_are_affected(
    friday, offices, make_callback
):
    morning = make_callback(helsinki(2026, 12, 7, 9, 0))
    afternoon = make_callback(helsinki(2026, 12, 7, 14, 0))

    DateException.objects.create(
        office=offices["phone"],
        date=MONDAY,
        service=ServiceKind.PHONE,
        closed=False,
        opens=datetime.time(9),
        closes=datetime.time(12),
        reason="Lyhennetty päivä",
    )

    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert (morning.affected_at is None, afternoon.affected_at is not None) == (True, True)
