import pytest
from django.core.exceptions import ValidationError

from appointments import rules
from appointments.models import Appointment, Slot
from offices.references import REFERENCE_ALPHABET
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

YESTERDAY_NOON = helsinki(2026, 12, 2, 12, 0)


def _refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


def test_appointment_book__free_slot__books_it_and_counts_the_place(now, tornio_slot, book):
    appointment = book(tornio_slot, email="maija@example.fi", language="sv")

    tornio_slot.refresh_from_db()
    assert tornio_slot.booked_count == 1
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.channel == Appointment.Channel.OFFICE
    assert str(appointment.phone) == "+358401234567"
    assert appointment.booked_by is None
    assert len(appointment.reference) == 8
    assert set(appointment.reference) <= set(REFERENCE_ALPHABET)


def test_appointment_book__phone_service_slot__is_a_phone_appointment(
    now, phone_office, make_slot, book
):
    slot = make_slot(phone_office, helsinki(2026, 12, 4, 10, 0))

    assert book(slot).channel == Appointment.Channel.PHONE


def test_appointment_book__full_slot__raises_slot_taken_and_keeps_the_count(now, tornio_slot, book):
    book(tornio_slot)

    with pytest.raises(ValidationError) as error:
        book(tornio_slot, name="Toinen Asiakas")

    assert error.value.code == rules.SLOT_TAKEN
    tornio_slot.refresh_from_db()
    assert tornio_slot.booked_count == 1
    assert Appointment.objects.count() == 1


def test_appointment_book__capacity_three__takes_three_then_refuses(now, tornio, make_slot, book):
    slot = make_slot(tornio, helsinki(2026, 12, 7, 9, 30), capacity=3)
    for number in range(3):
        book(slot, name=f"Asiakas {number}")

    with pytest.raises(ValidationError) as error:
        book(slot)

    assert error.value.code == rules.SLOT_TAKEN
    slot.refresh_from_db()
    assert slot.booked_count == 3


def test_appointment_book__blocked_slot__is_unavailable(now, tornio, make_slot, book):
    slot = make_slot(tornio, helsinki(2026, 12, 7, 10, 0), is_blocked=True)

    with pytest.raises(ValidationError) as error:
        book(slot)

    assert error.value.code == "slot_unavailable"


def test_appointment_book__invalid_phone__books_nothing(now, tornio_slot, book):
    with pytest.raises(ValidationError) as error:
        book(tornio_slot, phone="12")

    assert "phone" in error.value.error_dict
    tornio_slot.refresh_from_db()
    assert tornio_slot.booked_count == 0


def test_appointment_book__citizen_within_minimum_notice__is_too_soon(
    pin_clock, kemi, make_slot, book
):
    pin_clock(helsinki(2026, 12, 3, 11, 0))
    slot = make_slot(kemi, helsinki(2026, 12, 3, 12, 30))

    with pytest.raises(ValidationError) as error:
        book(slot)

    assert error.value.code == "too_soon"


def test_appointment_book__staff_within_minimum_notice__may_book(pin_clock, kemi, make_slot, book):
    pin_clock(helsinki(2026, 12, 3, 11, 0))
    slot = make_slot(kemi, helsinki(2026, 12, 3, 12, 30))
    staff = UserFactory()

    appointment = book(slot, booked_by=staff)

    assert appointment.booked_by == staff
    assert appointment.updated_by == staff


def test_appointment_book__citizen_beyond_the_horizon__is_too_far(now, tornio, make_slot, book):
    slot = make_slot(tornio, helsinki(2027, 2, 1, 9, 0))  # 8 weeks and 4 days ahead

    with pytest.raises(ValidationError) as error:
        book(slot)

    assert error.value.code == "too_far"


def test_appointment_book__slot_in_the_past__is_unavailable_even_for_staff(
    now, kemi, make_slot, book
):
    slot = make_slot(kemi, YESTERDAY_NOON)

    with pytest.raises(ValidationError) as error:
        book(slot, booked_by=UserFactory())

    assert error.value.code == "slot_unavailable"


def test_appointment_cancel__frees_the_place_at_once(now, tornio_slot, book):
    appointment = book(tornio_slot)

    cancelled = rules.appointment_cancel(appointment=appointment)

    tornio_slot.refresh_from_db()
    assert cancelled.status == Appointment.Status.CANCELLED
    assert cancelled.cancelled_at == now
    assert tornio_slot.booked_count == 0
    assert book(tornio_slot, name="Seuraava").is_active


def test_appointment_cancel__twice__frees_only_one_place(now, tornio, make_slot, book):
    slot = make_slot(tornio, helsinki(2026, 12, 7, 11, 0), capacity=2)
    first = book(slot)
    book(slot)

    rules.appointment_cancel(appointment=first)
    rules.appointment_cancel(appointment=first)

    slot.refresh_from_db()
    assert slot.booked_count == 1


def test_appointment_cancel__citizen_after_the_start__is_too_late(pin_clock, tornio_slot, book):
    pin_clock(helsinki(2026, 12, 3, 8, 0))
    appointment = book(tornio_slot)
    pin_clock(helsinki(2026, 12, 7, 9, 15))

    with pytest.raises(ValidationError) as error:
        rules.appointment_cancel(appointment=appointment)

    assert error.value.code == "too_late"
    staff_cancelled = rules.appointment_cancel(appointment=appointment, by=UserFactory())
    assert staff_cancelled.status == Appointment.Status.CANCELLED


def test_appointment_rebook__free_new_slot__moves_the_place(
    now, tornio, tornio_slot, make_slot, book
):
    new_slot = make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    appointment = book(tornio_slot)

    moved = rules.appointment_rebook(appointment=appointment, new_slot=new_slot)

    _refresh(tornio_slot, new_slot)
    assert moved.slot == new_slot
    assert (tornio_slot.booked_count, new_slot.booked_count) == (0, 1)


def test_appointment_rebook__taken_new_slot__keeps_the_old_time(
    now, tornio, tornio_slot, make_slot, book
):
    full = make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    book(full, name="Nopeampi")
    appointment = book(tornio_slot)

    with pytest.raises(ValidationError) as error:
        rules.appointment_rebook(appointment=appointment, new_slot=full)

    assert error.value.code == rules.SLOT_TAKEN
    appointment.refresh_from_db()
    _refresh(tornio_slot, full)
    assert appointment.slot == tornio_slot
    assert (tornio_slot.booked_count, full.booked_count) == (1, 1)


def test_appointment_rebook__to_a_phone_slot__changes_the_channel(
    now, phone_office, tornio_slot, make_slot, book
):
    phone_slot = make_slot(phone_office, helsinki(2026, 12, 4, 14, 0))
    appointment = book(tornio_slot)

    moved = rules.appointment_rebook(appointment=appointment, new_slot=phone_slot)

    assert moved.channel == Appointment.Channel.PHONE


def test_appointment_rebook__cancelled_booking__is_refused(
    now, tornio, tornio_slot, make_slot, book
):
    appointment = rules.appointment_cancel(appointment=book(tornio_slot))

    with pytest.raises(ValidationError) as error:
        rules.appointment_rebook(
            appointment=appointment, new_slot=make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
        )

    assert error.value.code == "not_active"


def test_appointment_set_status__arrived__records_who(now, tornio_slot, book):
    staff = UserFactory()
    appointment = book(tornio_slot)

    marked = rules.appointment_set_status(
        appointment=appointment, status=Appointment.Status.ARRIVED, by=staff
    )

    assert marked.status == Appointment.Status.ARRIVED
    assert marked.updated_by == staff
    tornio_slot.refresh_from_db()
    assert tornio_slot.booked_count == 1


def test_appointment_set_status__cancelled__frees_the_place(now, tornio_slot, book):
    appointment = book(tornio_slot)

    rules.appointment_set_status(
        appointment=appointment, status=Appointment.Status.CANCELLED, by=UserFactory()
    )

    assert Slot.objects.get(pk=tornio_slot.pk).booked_count == 0


def test_appointment_set_status__on_a_cancelled_booking__is_refused(now, tornio_slot, book):
    appointment = rules.appointment_cancel(appointment=book(tornio_slot))

    with pytest.raises(ValidationError) as error:
        rules.appointment_set_status(
            appointment=appointment, status=Appointment.Status.ARRIVED, by=UserFactory()
        )

    assert error.value.code == "not_active"
