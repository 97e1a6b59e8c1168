"""appointments_load: many bookings at once by the booking rules, all or nothing."""

import pytest
from django.core.exceptions import ValidationError

from appointments import rules
from appointments.models import Appointment
from tests.factories import helsinki

pytestmark = pytest.mark.django_db


def load(topic, slot, phone="040 765 4321"):
    return rules.Load(slot=slot, name="Maija Meikäläinen", phone=phone, topic=topic)


def test_appointments_load__free_slots__booked_with_places_links_and_counts(
    tornio, make_slot, now, topic
):
    first = make_slot(tornio, helsinki(2026, 12, 7, 9, 0), capacity=2)
    second = make_slot(tornio, helsinki(2026, 12, 7, 9, 30))

    booked = rules.appointments_load(
        bookings=[load(topic, first, "040 111 1111"), load(topic, first), load(topic, second)]
    )

    assert len(booked) == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked_count, second.booked_count) == (2, 1)
    # 040 765 4321 holds two places, as two bookings one by one would.
    places = Appointment.objects.filter(phone="+358407654321").values_list("phone_place", flat=True)
    assert sorted(places) == [1, 2]
    assert not Appointment.objects.filter(manage_token_hash__isnull=True).exists()


@pytest.mark.parametrize("problem", ["blocked", "full", "phone_cap"])
def test_appointments_load__one_refusal__books_nothing(tornio, make_slot, now, topic, problem):
    good = make_slot(tornio, helsinki(2026, 12, 7, 9, 0))
    bad = make_slot(tornio, helsinki(2026, 12, 7, 9, 30), is_blocked=problem == "blocked")
    bookings = [load(topic, good, "040 111 1111"), load(topic, bad, "040 222 2222")]
    if problem == "full":
        bookings.append(load(topic, bad, "040 333 3333"))
    if problem == "phone_cap":
        third = make_slot(tornio, helsinki(2026, 12, 7, 10, 0))
        bookings = [load(topic, good), load(topic, bad), load(topic, third)]

    with pytest.raises(ValidationError) as error:
        rules.appointments_load(bookings=bookings)

    expected = {
        "blocked": rules.SLOT_UNAVAILABLE,
        "full": rules.SLOT_TAKEN,
        "phone_cap": rules.PHONE_CAP,
    }
    refusal = error.value
    if hasattr(refusal, "error_dict"):  # the phone cap names the phone field
        (refusal,) = refusal.error_dict["phone"]
    assert refusal.code == expected[problem]
    assert not Appointment.objects.exists()
    good.refresh_from_db()
    assert good.booked_count == 0
