"""At most APPOINTMENTS_PER_PHONE upcoming bookings per number, held by the database."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from appointments import rules
from appointments.models import Appointment, Slot
from tests.appointments import public_helpers
from tests.factories import UserFactory, helsinki

PHONE = "040 123 4567"


def _slots(make_slot, tornio, count, capacity=1):
    first = helsinki(2026, 12, 7, 9, 0)
    return [
        make_slot(tornio, first + datetime.timedelta(days=7 * (n // 6), minutes=30 * (n % 6)),
                  capacity=capacity)
        for n in range(count)
    ]  # fmt: skip


@pytest.mark.django_db
def test_third_upcoming_booking_of_a_number__refused_listing_the_two(now, tornio, make_slot, book):
    first, second, third = _slots(make_slot, tornio, 3)
    book(first, phone=PHONE)
    book(second, phone="+358401234567")  # the same number written otherwise

    with pytest.raises(ValidationError) as error:
        book(third, phone=PHONE)

    (message,) = error.value.message_dict["phone"]
    assert error.value.error_dict["phone"][0].code == rules.PHONE_CAP
    assert "ma 7.12.2026 9.00" in message
    assert "ma 7.12.2026 9.30" in message
    assert Slot.objects.get(pk=third.pk).booked_count == 0  # nothing half-done


@pytest.mark.django_db
def test_cancelling_one__frees_a_place_for_the_number(now, tornio, make_slot, book):
    first, second, third = _slots(make_slot, tornio, 3)
    booking = book(first, phone=PHONE)
    book(second, phone=PHONE)

    rules.appointment_cancel(appointment=booking)

    assert book(third, phone=PHONE).phone_place == 1


@pytest.mark.django_db
def test_a_booking_that_has_started__no_longer_counts(now, pin_clock, tornio, make_slot, book):
    first, second, third = _slots(make_slot, tornio, 3)
    book(first, phone=PHONE)
    book(second, phone=PHONE)
    pin_clock(helsinki(2026, 12, 7, 9, 10))  # the first has started

    assert book(third, phone=PHONE, booked_by=UserFactory()).phone_place == 1


@pytest.mark.django_db
def test_other_numbers__not_affected(now, tornio, make_slot, book):
    slots = _slots(make_slot, tornio, 3)

    for n, slot in enumerate(slots):
        book(slot, phone=f"040 555 000{n}")

    assert Appointment.objects.count() == 3


@pytest.mark.django_db
def test_staff_with_the_right__may_book_past_the_cap_with_a_recorded_reason(
    now, tornio, make_slot, book
):
    slots = _slots(make_slot, tornio, 3)
    book(slots[0], phone=PHONE)
    book(slots[1], phone=PHONE)

    third = book(slots[2], phone=PHONE, booked_by=UserFactory(), cap_override_reason="Omaishoitaja")

    assert (third.phone_place, third.cap_override_reason) == (None, "Omaishoitaja")


@pytest.mark.django_db
def test_admin__phone_staff_held_to_the_cap_an_administrator_may_override(
    now, client, phone_staff, superuser, tornio, make_slot, book, topic, staff_login
):
    slots = _slots(make_slot, tornio, 3)
    book(slots[0], phone=PHONE)
    book(slots[1], phone=PHONE)
    data = {
        "slot": slots[2].pk,
        "topic": topic.pk,
        "name": "Matti Virtanen",
        "phone": PHONE,
        "email": "",
        "language": "fi",
        "note": "",
        "cap_override_reason": "Soittaa omaisen puolesta",
    }
    staff_login(phone_staff)

    refused = client.post(reverse("admin:appointments_appointment_add"), data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.has_error("phone", code=rules.PHONE_CAP)
    staff_login(superuser)
    assert client.post(reverse("admin:appointments_appointment_add"), data).status_code == 302
    assert Appointment.objects.get(slot=slots[2]).cap_override_reason == (
        "Soittaa omaisen puolesta"
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_bookings_of_one_number_racing__at_most_two_stored(now, tornio, make_slot, book):
    slots = _slots(make_slot, tornio, 20)
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt(slot):
        try:
            barrier.wait()
            book(slot, phone=PHONE, name="Sama Numero")
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.error_dict["phone"][0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(slot,)) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked"] * 2 + [rules.PHONE_CAP] * 18
    stored = Appointment.objects.filter(phone="+358401234567")
    assert sorted(stored.values_list("phone_place", flat=True)) == [1, 2]
    assert sum(Slot.objects.values_list("booked_count", flat=True)) == 2


def test_citizen_post__with_a_cap_override_reason__is_still_capped(slots, client):
    """The override is staff's: a citizen's form has no such field, whatever is posted."""
    tornio = slots["tornio"]
    for index in range(2):
        public_helpers.book(public_helpers.slot_on(tornio, index=index), phone="040 123 4567")
    data = {
        **public_helpers.details(public_helpers.slot_on(tornio, index=2), phone="040 123 4567"),
        "cap_override_reason": "Minä itse",
        "action": "book",
    }

    response = client.post(public_helpers.url("confirm"), data)

    assert response.status_code == 200
    assert Appointment.objects.filter(phone="+358401234567").count() == 2
