"""Emails to citizens: confirmation, reminder, move and cancel notices, each with an .ics."""

import datetime
import smtplib

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from appointments import emails, rules
from appointments.models import Appointment
from tests.appointments.public_helpers import (
    MONDAY,
    book,
    details,
    slot_on,
    url,
)
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


def book_on_the_web(client, slot, captured, language="fi", **fields):
    with captured(execute=True):
        response = client.post(
            url("confirm", language),
            {**details(slot, language=language, **fields), "action": "book"},
        )
    assert response.status_code == 302
    return Appointment.objects.get(name=fields.get("name", "Maija Meikäläinen"))


def test_booking_with_email__sends_a_confirmation_in_the_chosen_language_with_ics(
    client, slots, django_capture_on_commit_callbacks
):
    slot = slot_on(slots["tornio"])

    appointment = book_on_the_web(client, slot, django_capture_on_commit_callbacks, "sv")

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


def test_booking_without_email__sends_nothing(client, slots, django_capture_on_commit_callbacks):
    book_on_the_web(client, slot_on(slots["tornio"]), django_capture_on_commit_callbacks, email="")

    assert mail.outbox == []


def test_phone_appointment__ics_location_says_we_call_the_given_number(
    client, slots, django_capture_on_commit_callbacks
):
    slot = slot_on(slots["phone"], MONDAY, 4)

    book_on_the_web(client, slot, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    _calendar, event = calendar_of(message)
    assert str(event["LOCATION"]) == "Kelan puhelinpalvelu, soitamme sinulle numeroon 040 1234567"
    assert "040 1234567" in message.body
    assert message.subject == "Kelan ajanvarauksesi ma 7.12.2026 on vahvistettu"


def test_email_failure__does_not_undo_or_break_the_booking(
    client, slots, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)

    appointment = book_on_the_web(
        client, slot_on(slots["tornio"]), django_capture_on_commit_callbacks
    )

    assert appointment.status == Appointment.Status.BOOKED


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

    _calendar, event = calendar_of(emails.build_confirmation(appointment))

    assert event.decoded("DTSTART") == datetime.datetime(2027, 3, 30, 6, 0, tzinfo=datetime.UTC)


@override_settings(SITE_URL="https://ajanvaraus.example.fi")
def test_build_reminder__uses_site_url_and_the_citizens_language(slots):
    appointment = book(slot_on(slots["kemi"], datetime.date(2026, 12, 3), 3), email="a@b.fi")
    Appointment.objects.filter(pk=appointment.pk).update(language="en")
    appointment.refresh_from_db()

    message = emails.build_reminder(appointment)

    assert message.subject == "Reminder: your Kela appointment tomorrow at 13:30"
    url_ = f"https://ajanvaraus.example.fi/en/appointments/manage/{appointment.manage_token}/"
    assert url_ in message.body
    _calendar, event = calendar_of(message)
    assert event.decoded("DTSTART") == appointment.slot.starts_at
    assert "Meripuistokatu 16" in str(event["LOCATION"])


def test_cancel_on_the_web__sends_a_cancelling_ics(
    client, slots, django_capture_on_commit_callbacks
):
    appointment = book(slot_on(slots["tornio"]), email="maija@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/appointments/manage/{appointment.manage_token}/cancel/")

    (message,) = mail.outbox  # exactly one
    assert message.subject == "Kelan ajanvarauksesi ma 7.12.2026 on peruttu"
    calendar, event = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == f"{appointment.reference}@kela-service"


def test_move_on_the_web__sends_the_new_time(client, slots, django_capture_on_commit_callbacks):
    appointment = book(slot_on(slots["tornio"]), email="maija@example.com")
    new_slot = slot_on(slots["tornio"], MONDAY + datetime.timedelta(days=1), 2)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/appointments/manage/{appointment.manage_token}/move/", {"slot": new_slot.pk})

    (message,) = mail.outbox  # exactly one
    assert message.subject == "Kelan ajanvarauksesi on siirretty päivälle ti 8.12.2026"
    _calendar, event = calendar_of(message)
    assert event.decoded("DTSTART") == new_slot.starts_at
    assert str(event["UID"]) == f"{appointment.reference}@kela-service"
