"""Identified citizens book without the SMS code, with their name prefilled; the
booking carries the citizen, and a person holds at most two upcoming bookings, whatever
numbers they give, held by the database."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from appointments import rules
from appointments.models import Appointment, Slot
from citizens.identity import citizen_identify
from dev_identity.persons import BY_KEY
from notifications.models import Message
from tests.appointments.test_phone_cap import _slots
from tests.factories import helsinki

PERSON_CAP = rules.PERSON_CAP


def _numbers():
    return (f"040 765 43{n:02d}" for n in range(100))


@pytest.mark.django_db
def test_third_upcoming_booking_of_a_person__refused_whatever_the_number(
    now, tornio, make_slot, book, citizen
):
    first, second, third = _slots(make_slot, tornio, 3)
    numbers = _numbers()
    book(first, phone=next(numbers), citizen=citizen)
    book(second, phone=next(numbers), citizen=citizen)

    with pytest.raises(ValidationError) as error:
        book(third, phone=next(numbers), citizen=citizen)

    assert error.value.error_list[0].code == PERSON_CAP
    with translation.override("fi"):
        assert "ma 7.12.2026 9.00" in error.value.messages[0]
    assert Slot.objects.get(pk=third.pk).booked_count == 0


@pytest.mark.django_db
def test_person_cap__cancel_frees_a_place__started_ones_no_longer_count(
    now, pin_clock, tornio, make_slot, book, citizen
):
    first, second, third, *_, fourth = _slots(make_slot, tornio, 7)  # fourth: a week on
    numbers = _numbers()
    booking = book(first, phone=next(numbers), citizen=citizen)
    book(second, phone=next(numbers), citizen=citizen)
    rules.appointment_cancel(appointment=booking)
    assert book(third, phone=next(numbers), citizen=citizen).citizen_place == 1

    pin_clock(helsinki(2026, 12, 7, 9, 40))  # the second (9.30) has started

    assert book(fourth, phone=next(numbers), citizen=citizen).citizen_place is not None


@pytest.mark.django_db
def test_person_cap__another_person__not_affected(now, tornio, make_slot, book, citizen):
    other = citizen_identify(identity_code=BY_KEY["aino"].identity_code, name="Aino Virtanen")
    slots = _slots(make_slot, tornio, 4)
    numbers = _numbers()
    for slot in slots[:2]:
        book(slot, phone=next(numbers), citizen=citizen)

    for slot in slots[2:]:
        assert book(slot, phone=next(numbers), citizen=other).citizen == other


@pytest.mark.django_db
def test_person_cap__held_by_the_database(now, tornio, make_slot, book, citizen):
    from django.db import IntegrityError, transaction

    first, second = _slots(make_slot, tornio, 2)
    numbers = _numbers()
    booking = book(first, phone=next(numbers), citizen=citizen)
    other = book(second, phone=next(numbers), citizen=citizen)

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=other.pk).update(citizen_place=booking.citizen_place)


@pytest.mark.django_db(transaction=True)
def test_twenty_bookings_of_one_person_racing__at_most_two_stored(
    now, tornio, make_slot, book, citizen
):
    slots = _slots(make_slot, tornio, 20)
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt(slot, number):
        try:
            barrier.wait()
            book(slot, phone=f"040 765 43{number:02d}", citizen=citizen)
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.error_list[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(slot, n)) for n, slot in enumerate(slots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked"] * 2 + [PERSON_CAP] * 18
    stored = Appointment.objects.filter(citizen=citizen)
    assert sorted(stored.values_list("citizen_place", flat=True)) == [1, 2]
    assert sum(Slot.objects.values_list("booked_count", flat=True)) == 2


@pytest.mark.django_db
def test_purge__forgets_the_citizen(now, tornio, make_slot, book, citizen):
    (slot,) = _slots(make_slot, tornio, 1)
    booking = book(slot, citizen=citizen)

    rules.appointments_purge(before=slot.ends_at + datetime.timedelta(days=1))

    booking.refresh_from_db()
    assert booking.citizen is None
    assert booking.citizen_place is None


# --- Through the pages ----------------------------------------------------------------


@pytest.fixture
def wednesday(offices, pin_clock):
    from tests.appointments import public_helpers

    pin_clock(public_helpers.NOW)
    public_helpers.generate_slots()
    return public_helpers


def test_identified__details_prefilled_with_the_name(client, wednesday, citizen, identify):
    identify(citizen)
    slot = wednesday.slot_on(citizen_office(wednesday))
    params = {"office": slot.office.slug, "topic": wednesday.topic().pk, "slot": slot.pk}

    response = client.get(wednesday.url("details", **params))

    assert 'value="Matti Meikäläinen"' in response.text


def citizen_office(helpers):
    from offices.models import Office

    return Office.objects.get(slug="tornio")


def test_identified__books_without_the_sms_code(client, wednesday, citizen, identify):
    identify(citizen)
    slot = wednesday.slot_on(citizen_office(wednesday))
    data = wednesday.details(slot, name="Matti Meikäläinen", phone="040 765 4321")

    confirm = client.post(wednesday.url("confirm"), data)
    assert confirm.status_code == 200
    assert 'name="code"' not in confirm.text
    token = __import__("re").search(r'name="submission_token" value="([^"]+)"', confirm.text)[1]
    booked = client.post(
        wednesday.url("confirm"), {**data, "action": "book", "submission_token": token}
    )

    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.citizen == citizen
    assert appointment.citizen_place == 1
    assert not Message.objects.filter(event="code").exists()  # no SMS code sent
    my_page = client.get("/en/my/")
    assert appointment.reference in my_page.text
    assert "/appointments/manage/" in my_page.text  # the private link, from its sealed copy


def test_anonymous__still_asked_for_the_sms_code(client, wednesday):
    slot = wednesday.slot_on(citizen_office(wednesday))

    confirm = client.post(wednesday.url("confirm"), wednesday.details(slot))

    assert 'name="code"' in confirm.text
    assert not Appointment.objects.exists()
