"""What citizens are told about their appointment: e-mail (with an .ics) and SMS through
the outbox, written with the change and sent by the worker (``deliver``)."""

import datetime
import smtplib

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import translation

from appointments import notices, rules
from appointments.models import Appointment
from notifications.models import Message
from notifications.sms import sms_text_problem
from tests.appointments.public_helpers import MONDAY, book, details, slot_on, url
from tests.factories import helsinki

pytestmark = pytest.mark.django_db


def calendar_of(message):
    """The parsed .ics attached to ``message`` and its event."""
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def book_on_the_web(client, slot, language="fi", **fields):
    response = client.post(
        url("confirm", language), {**details(slot, language=language, **fields), "action": "book"}
    )
    assert response.status_code == 302
    return Appointment.objects.get(name=fields.get("name", "Maija Meikäläinen"))


def test_booking_on_the_web__queues_an_email_and_an_sms_with_the_booking(client, slots):
    appointment = book_on_the_web(client, slot_on(slots["tornio"]))

    queued = Message.objects.for_object(appointment)
    assert sorted(queued.values_list("event", "channel", "status")) == [
        ("confirmed", "email", "queued"),
        ("confirmed", "sms", "queued"),
    ]
    assert mail.outbox == []  # nothing is sent inside the citizen's request


def test_booking_with_email__the_worker_sends_a_confirmation_in_the_chosen_language_with_ics(
    client, slots, deliver
):
    slot = slot_on(slots["tornio"])
    appointment = book_on_the_web(client, slot, "sv")

    deliver()

    (message,) = mail.outbox
    assert message.to == ["maija@example.com"]
    assert message.subject == "Din tid hos FPA må 7.12.2026 är bokad"
    assert appointment.reference in message.body
    manage_url = f"{settings.SITE_URL}/sv/appointments/manage/{appointment.manage_token}/"
    assert manage_url in message.body
    assert "må 7.12.2026 9.00–9.30" in message.body
    calendar, event = calendar_of(message)
    assert calendar["METHOD"] == "PUBLISH"
    assert event.decoded("DTSTART") == slot.starts_at
    assert event.decoded("DTEND") == slot.ends_at
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert str(event["UID"]) == f"{appointment.reference}@kela-service"
    assert str(event["SUMMARY"]) == f"Tid hos FPA: {appointment.topic.name_sv}"
    assert "Laivurinkatu 12" in str(event["LOCATION"])
    assert appointment.manage_token in str(event["DESCRIPTION"])


def test_booking__the_worker_sends_the_sms_in_the_chosen_language(
    client, slots, deliver, sms_outbox
):
    appointment = book_on_the_web(client, slot_on(slots["tornio"]), "fi")

    deliver()

    (sms,) = sms_outbox
    assert sms["to"] == "+358401234567"
    assert sms["text"] == (
        f"Kela: aikasi on varattu ma 7.12.2026 klo 9.00, Tornio, Laivurinkatu 12. "
        f"Tunnus {appointment.reference}"
    )


def test_booking_without_email__sends_only_the_sms(client, slots, deliver, sms_outbox):
    book_on_the_web(client, slot_on(slots["tornio"]), email="")

    deliver()

    assert mail.outbox == []
    assert len(sms_outbox) == 1


def test_booking_with_a_landline__gets_no_sms_but_the_email(slots, deliver, sms_outbox):
    # Staff book for a caller with a landline (citizens cannot prove one online).
    book(slot_on(slots["tornio"]), phone="016 123 4567", email="maija@example.com")

    deliver()

    assert sms_outbox == []
    assert len(mail.outbox) == 1


def test_phone_appointment__ics_location_says_we_call_the_given_number(client, slots, deliver):
    book_on_the_web(client, slot_on(slots["phone"], MONDAY, 4))

    deliver()

    (message,) = mail.outbox
    _calendar, event = calendar_of(message)
    assert str(event["LOCATION"]) == "Kelan puhelinpalvelu, soitamme sinulle numeroon 040 1234567"
    assert "040 1234567" in message.body
    assert message.subject == "Kelan ajanvarauksesi ma 7.12.2026 on vahvistettu"


def test_smtp_down__the_booking_stands_and_the_email_waits(client, slots, deliver, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(mail.get_connection().__class__, "send_messages", refuse)

    appointment = book_on_the_web(client, slot_on(slots["tornio"]))
    deliver()

    assert appointment.status == Appointment.Status.BOOKED
    email = Message.objects.for_object(appointment).get(channel="email")
    assert (email.status, email.attempts) == ("queued", 1)
    assert "down" in email.last_error


def test_ics_across_the_dst_change__keeps_the_local_start(offices, pin_clock):
    pin_clock(helsinki(2027, 3, 20, 12, 0))
    rules.slots_generate(
        start=datetime.date(2027, 3, 29),
        end=datetime.date(2027, 3, 30),
        offices=[offices["tornio"]],
    )
    # Tuesday after the change to summer time (UTC+3): 09:00 local is 06:00 UTC.
    appointment = book(
        slot_on(offices["tornio"], datetime.date(2027, 3, 30)), email="maija@example.com"
    )

    calendar = icalendar.Calendar.from_ical(notices.calendar_file(appointment))

    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2027, 3, 30, 6, 0, tzinfo=datetime.UTC)


@override_settings(SITE_URL="https://ajanvaraus.example.fi")
def test_reminder_email__uses_site_url_and_the_citizens_language(slots):
    appointment = book(slot_on(slots["kemi"], datetime.date(2026, 12, 3), 3), email="a@b.fi")

    with translation.override("en"):
        subject, body, attachments = notices.email_parts(appointment, notices.REMINDER)

    assert subject == "Reminder: your Kela appointment tomorrow at 13:30"
    url_ = f"https://ajanvaraus.example.fi/en/appointments/manage/{appointment.manage_token}/"
    assert url_ in body
    (_name, content, _type) = attachments[0]
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART") == appointment.slot.starts_at
    assert "Meripuistokatu 16" in str(event["LOCATION"])


def test_cancel_on_the_web__sends_a_cancelling_ics_once(client, slots, deliver, sms_outbox):
    appointment = book(slot_on(slots["tornio"]), email="maija@example.com")
    deliver()
    mail.outbox.clear()
    sms_outbox.clear()

    client.post(f"/appointments/manage/{appointment.manage_token}/cancel/")
    client.post(f"/appointments/manage/{appointment.manage_token}/cancel/")
    deliver()

    (message,) = mail.outbox  # exactly one
    assert message.subject == "Kelan ajanvarauksesi ma 7.12.2026 on peruttu"
    calendar, event = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == f"{appointment.reference}@kela-service"
    (sms,) = sms_outbox
    assert (
        sms["text"]
        == f"Kela: aikasi ma 7.12.2026 klo 9.00 on peruttu. Tunnus {appointment.reference}"
    )


def test_move_on_the_web__sends_the_new_time(client, slots, deliver):
    appointment = book(slot_on(slots["tornio"]), email="maija@example.com")
    new_slot = slot_on(slots["tornio"], MONDAY + datetime.timedelta(days=1), 2)
    deliver()
    mail.outbox.clear()

    client.post(f"/appointments/manage/{appointment.manage_token}/move/", {"slot": new_slot.pk})
    deliver()

    (message,) = mail.outbox  # exactly one
    assert message.subject == "Kelan ajanvarauksesi on siirretty päivälle ti 8.12.2026"
    _calendar, event = calendar_of(message)
    assert event.decoded("DTSTART") == new_slot.starts_at
    assert str(event["UID"]) == f"{appointment.reference}@kela-service"


def test_sent_email_with_the_private_link__its_body_is_blanked(client, slots, deliver):
    appointment = book_on_the_web(client, slot_on(slots["tornio"]))

    deliver()

    email = Message.objects.for_object(appointment).get(channel="email")
    assert (email.status, email.body) == ("sent", "")


# --- The SMS texts: GSM-7, one SMS, in every language --------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("event", list(notices.SMS_TEXTS))
@pytest.mark.parametrize("office", ["tornio", "kemi", "phone"])
@override_settings(SITE_URL="https://ajanvaraus.kela.fi")
def test_sms_text__every_event_language_and_place__fits_one_gsm7_sms(
    slots, language, event, office
):
    day = {"tornio": MONDAY, "kemi": datetime.date(2026, 12, 3), "phone": MONDAY}[office]
    appointment = book(slot_on(slots[office], day, 2), language=language)

    with translation.override(language):
        text = notices.sms_text(appointment, event)

    assert sms_text_problem(text) == ""
    assert appointment.reference in text or event == notices.AFFECTED
    assert appointment.name not in text  # nothing personal beyond what the message needs
