"""Fixtures for the appointment tests: the staff groups, slots and bookings."""

import datetime
import itertools

import pytest
from django.utils import translation

from appointments import rules
from appointments.models import Slot
from offices.models import Topic
from tests.appointments import public_helpers
from tests.factories import helsinki

# A Thursday morning: Tornio's next appointment day is Monday 7.12., Kemi's is today.
NOW = helsinki(2026, 12, 3, 8, 0)


@pytest.fixture
def now(pin_clock):
    return pin_clock(NOW)


@pytest.fixture
def topic(offices):
    return Topic.objects.order_by("ordering").first()


@pytest.fixture
def make_slot():
    def make(office, starts_at, *, capacity=1, minutes=30, **fields):
        return Slot.objects.create(
            office=office,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes),
            capacity=capacity,
            **fields,
        )

    return make


@pytest.fixture
def tornio_slot(tornio, make_slot):
    """Monday 7.12.2026 09:00 at Tornio, capacity 1."""
    return make_slot(tornio, helsinki(2026, 12, 7, 9, 0))


@pytest.fixture
def many_slots():
    """``many_slots(office, start, count)``: ``count`` slots 5 minutes apart (bulk)."""

    def make(office, start, count, *, minutes=5):
        return Slot.objects.bulk_create(
            Slot(
                office=office,
                starts_at=start + datetime.timedelta(minutes=minutes * n),
                ends_at=start + datetime.timedelta(minutes=minutes * (n + 1)),
            )
            for n in range(count)
        )

    return make


@pytest.fixture
def many_bookings(topic, many_slots):
    """``many_bookings(office, start, count)``: ``count`` bookings 5 minutes apart, by
    the rules in bulk (``appointments_load``), each by its own number."""

    def make(office, start, count, *, minutes=5):
        slots = many_slots(office, start, count, minutes=minutes)
        return rules.appointments_load(
            bookings=[
                rules.Load(slot=slot, name=f"Asiakas {n}", phone=f"040 2{n:06d}", topic=topic)
                for n, slot in enumerate(slots)
            ]
        )

    return make


@pytest.fixture
def book(topic):
    """``book(slot, ...)`` through the rules; each call without a ``phone`` is another
    citizen (040 123 4567, then 040 123 4568, ...: a number holds at most two upcoming
    bookings, tests/appointments/test_phone_cap.py)."""
    numbers = itertools.count(4567)

    def book_slot(slot, *, name="Maija Meikäläinen", phone=None, **fields):
        fields.setdefault("booked_by", None)
        phone = phone or f"040 123 {next(numbers)}"
        return rules.appointment_book(slot=slot, name=name, phone=phone, topic=topic, **fields)

    return book_slot


def finnish(text):
    """``text`` (a lazy string or a msgid) as the Finnish pages show it."""
    with translation.override("fi"):
        return translation.gettext(str(text))


# --- The citizen-side tests (tests/appointments/public_helpers.py) -------------------


@pytest.fixture
def wednesday(offices, pin_clock, prove_phone):
    """The citizen tests' clock: Wednesday 2.12.2026 10:00 (``public_helpers.NOW``), and
    the details' number (040 123 4567) proven in the test client's session, as after
    the code step (tests/citizens tests the step itself)."""
    pin_clock(public_helpers.NOW)
    prove_phone("040 123 4567")
    return offices


@pytest.fixture
def slots(wednesday):
    """Ten weeks of slots at every office from that Wednesday."""
    public_helpers.generate_slots()
    return wednesday


@pytest.fixture
def two_weeks(wednesday):
    """Fewer slots, Tornio and Kemi only, for the many tampering tests."""
    public_helpers.generate_slots([wednesday["tornio"], wednesday["kemi"]], weeks=2)
    return wednesday
