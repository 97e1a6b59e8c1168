"""Reminders the day before, queued through the outbox once per booking."""

import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from appointments.models import Appointment
from appointments.reminders import reminders_send
from appointments.rules import appointment_cancel, appointment_rebook
from tests.factories import helsinki

SUNDAY_NOON = helsinki(2026, 12, 6, 12, 0)


def remind():
    out = io.StringIO()
    call_command("send_appointment_reminders", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def delivered(deliver):
    """Delivery of what was queued before the reminders (the confirmations)."""

    def run():
        deliver()
        mail.outbox.clear()

    return run


@pytest.mark.django_db
def test_reminders__tomorrows_bookings__each_reminded_once_by_email_and_sms(
    pin_clock, tornio, make_slot, book, deliver, delivered, sms_outbox
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    monday = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=5)
    tuesday = make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    wanted = book(monday, email="maija@example.fi")
    landline = book(monday, email="", phone="016 123 4567")  # nothing to send to
    appointment_cancel(appointment=book(monday, email="peruttu@example.fi"))
    book(tuesday, email="tiistai@example.fi")  # not tomorrow
    delivered()
    sms_outbox.clear()
    pin_clock(SUNDAY_NOON)

    assert remind() == "Queued reminders for 1 appointments."
    deliver()

    assert [message.to for message in mail.outbox] == [["maija@example.fi"]]
    assert [sms["text"][:14] for sms in sms_outbox] == ["Kela muistuttaa"[:14]]
    wanted.refresh_from_db()
    assert wanted.reminder_sent_at == SUNDAY_NOON
    landline.refresh_from_db()
    assert landline.reminder_sent_at == SUNDAY_NOON  # looked at once, not every run
    assert remind() == "Queued reminders for 0 appointments."
    deliver()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminders__before_the_reminder_hour__wait(pin_clock, tornio, make_slot, book):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), email="m@example.fi")
    pin_clock(helsinki(2026, 12, 6, 0, 30))  # no SMS in the night

    assert reminders_send() == 0
    pin_clock(SUNDAY_NOON)
    assert reminders_send() == 1


@pytest.mark.django_db
def test_reminders__in_the_citizens_language_with_the_calendar_file(
    pin_clock, tornio, make_slot, book, deliver, delivered
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), email="asa@example.fi", language="sv")
    delivered()
    pin_clock(SUNDAY_NOON)

    remind()
    deliver()

    (message,) = mail.outbox
    assert "/sv/appointments/manage/" in message.body
    assert message.attachments[0][0].endswith(".ics")


@pytest.mark.django_db
def test_reminders__after_a_move__are_sent_again_for_the_new_day(
    pin_clock, tornio, make_slot, book, deliver, delivered
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    appointment = book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), email="m@example.fi")
    delivered()
    pin_clock(SUNDAY_NOON)
    remind()
    deliver()
    appointment_rebook(
        appointment=appointment, new_slot=make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    )
    pin_clock(helsinki(2026, 12, 7, 12, 0))

    remind()
    deliver()

    subjects = [message.subject for message in mail.outbox]
    assert len([s for s in subjects if "muistutus" in s.lower() or "reminder" in s.lower()]) == 2


@pytest.mark.django_db(transaction=True)
def test_reminders__two_runs_at_the_same_time__remind_each_booking_once(
    pin_clock, tornio, make_slot, book, deliver
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    slot = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=30)
    for number in range(30):
        book(slot, name=f"Asiakas {number}", email=f"asiakas{number}@example.fi")
    deliver()
    mail.outbox.clear()  # the confirmations
    pin_clock(SUNDAY_NOON)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(reminders_send())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deliver()

    assert errors == []
    assert sum(results) == 30
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(f"asiakas{n}@example.fi" for n in range(30))
    assert not Appointment.objects.filter(reminder_sent_at__isnull=True).exists()
