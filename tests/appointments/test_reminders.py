import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from appointments.models import Appointment
from appointments.reminders import reminders_send
from appointments.rules import appointment_cancel
from tests.factories import helsinki

SUNDAY_NOON = helsinki(2026, 12, 6, 12, 0)


def remind():
    out = io.StringIO()
    call_command("send_appointment_reminders", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_reminders__tomorrows_appointments_with_email__get_one_each(
    pin_clock, tornio, make_slot, book
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    monday = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=5)
    tuesday = make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    wanted = book(monday, email="maija@example.fi")
    book(monday, email="")  # no address
    appointment_cancel(appointment=book(monday, email="peruttu@example.fi"))
    book(tuesday, email="tiistai@example.fi")  # not tomorrow
    pin_clock(SUNDAY_NOON)

    assert remind().strip() == "Sent 1 reminders."

    assert [message.to for message in mail.outbox] == [["maija@example.fi"]]
    wanted.refresh_from_db()
    assert wanted.reminder_sent_at == SUNDAY_NOON
    assert remind().strip() == "Sent 0 reminders."
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminders__in_the_citizens_language_with_the_calendar_file(
    pin_clock, tornio, make_slot, book
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), email="asa@example.fi", language="sv")
    pin_clock(SUNDAY_NOON)

    remind()

    (message,) = mail.outbox
    assert "/sv/appointments/manage/" in message.body
    assert message.attachments[0][0].endswith(".ics")


@pytest.mark.django_db
def test_reminders__after_a_move__are_sent_again_for_the_new_day(
    pin_clock, tornio, make_slot, book
):
    from appointments.rules import appointment_rebook

    pin_clock(helsinki(2026, 12, 3, 8, 0))
    appointment = book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), email="m@example.fi")
    pin_clock(SUNDAY_NOON)
    remind()
    appointment_rebook(
        appointment=appointment, new_slot=make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    )
    pin_clock(helsinki(2026, 12, 7, 12, 0))

    remind()

    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_reminders__two_runs_at_the_same_time__send_one_email_per_appointment(
    pin_clock, tornio, make_slot, book
):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    slot = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=30)
    for number in range(30):
        book(slot, name=f"Asiakas {number}", email=f"asiakas{number}@example.fi")
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

    assert errors == []
    assert sum(sent for sent, _ in results) == 30
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(f"asiakas{n}@example.fi" for n in range(30))
    assert not Appointment.objects.filter(reminder_sent_at__isnull=True).exists()
