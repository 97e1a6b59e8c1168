"""No over-booking under concurrency: real threads, each with its own database
connection, all released at once by a barrier, against one slot.

Runs on SQLite (the file test database; IMMEDIATE transactions queue writers on the
30 s busy timeout) and on PostgreSQL (row lock of the conditional UPDATE)."""

import datetime
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from appointments import rules
from appointments.forms import AppointmentForm
from appointments.models import Appointment, Slot, new_submission_token
from citizens import rules as citizen_rules
from tests.appointments.public_helpers import details, url
from tests.factories import helsinki

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def race(attempt, threads=THREADS):
    """Run ``attempt(number)`` in ``threads`` threads at once; return a Counter of
    outcomes: "booked", a ValidationError code, or the repr of any other exception."""
    barrier = threading.Barrier(threads)
    outcomes = []
    lock = threading.Lock()

    def run(number):
        try:
            barrier.wait()
            outcome = attempt(number)
        except ValidationError as error:
            outcome = error.code
        except Exception as error:
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return Counter(outcomes)


def book_with_rules(slot, topic):
    def attempt(number):
        rules.appointment_book(
            slot=slot, name=f"Asiakas {number}", phone=f"040 123 {4500 + number}", topic=topic
        )
        return "booked"

    return attempt


def book_with_form(slot, topic):
    def attempt(number):
        form = AppointmentForm(
            {
                "slot": slot.pk,
                "name": f"Asiakas {number}",
                "phone": f"040 123 {4500 + number}",
                "email": "",
                "language": "fi",
                "topic": topic.pk,
                "note": "",
            }
        )
        if form.is_valid() and form.save() is not None:
            return "booked"
        slot_errors = form.errors.as_data().get("slot", [])
        return slot_errors[0].code if slot_errors else form.errors.as_json()

    return attempt


@pytest.mark.parametrize("book", [book_with_rules, book_with_form], ids=["rules", "form"])
@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_bookings__of_one_slot__never_exceed_its_capacity(
    now, tornio, topic, make_slot, book, capacity
):
    slot = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=capacity)

    outcomes = race(book(slot, topic))

    assert outcomes == {"booked": capacity, rules.SLOT_TAKEN: THREADS - capacity}
    slot = Slot.objects.get(pk=slot.pk)
    assert slot.booked_count == capacity
    assert Appointment.objects.filter(slot=slot).active().count() == capacity


def book_on_one_confirm_page(slot, token):
    """Every thread presses "Book" on the same confirm page (a double click, or more):
    one browser session, in which the number was proven by its code."""
    browser = Client()
    session = browser.session
    citizen_rules.prove(session, details(slot)["phone"])
    session.save()

    def attempt(number):
        client = Client()
        client.cookies.load({settings.SESSION_COOKIE_NAME: session.session_key})
        response = client.post(
            url("confirm"), {**details(slot), "submission_token": token, "action": "book"}
        )
        return (response.status_code, response.get("Location"))

    return attempt


def test_concurrent_clicks_on_one_confirm_page__book_once_and_all_show_that_booking(
    now, tornio, make_slot
):
    slot = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=2)

    outcomes = race(book_on_one_confirm_page(slot, new_submission_token()), threads=8)

    appointment = Appointment.objects.get()
    assert outcomes == {(302, f"/appointments/booked/{appointment.manage_token}/"): 8}
    assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_concurrent_slot_generation__counts_each_slot_once(now, tornio):
    def attempt(number):
        return rules.slots_generate(
            start=datetime.date(2026, 12, 7), end=datetime.date(2027, 1, 31), offices=[tornio]
        )

    outcomes = race(attempt, threads=8)

    created = Slot.objects.for_office(tornio).count()
    assert created > 0
    assert sum(outcomes.elements()) == created
