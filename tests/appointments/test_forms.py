import pytest

from appointments import rules
from appointments.forms import AppointmentForm
from appointments.models import Appointment
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tornio_slot, topic):
    return {
        "slot": tornio_slot.pk,
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "email": "maija@example.fi",
        "language": "sv",
        "topic": topic.pk,
        "note": "Asumistuki",
    }


def test_appointment_form__citizen_with_valid_data__books_through_the_rules(now, data):
    form = AppointmentForm(data)

    assert form.is_valid(), form.errors
    appointment = form.save()

    assert appointment.pk
    assert appointment.booked_by is None
    assert str(appointment.phone) == "+358401234567"
    appointment.slot.refresh_from_db()
    assert appointment.slot.booked_count == 1


def test_appointment_form__staff__records_who_booked(now, data):
    staff = UserFactory()

    appointment = AppointmentForm(data, user=staff)
    assert appointment.is_valid()
    saved = appointment.save()

    assert (saved.booked_by, saved.updated_by) == (staff, staff)


def test_appointment_form__full_slot__says_the_time_was_just_taken(now, data, tornio_slot, book):
    book(tornio_slot)

    form = AppointmentForm(data)

    assert not form.is_valid()
    assert form.has_error("slot", code=rules.SLOT_TAKEN)
    assert form.errors["slot"] == [str(rules.error[rules.SLOT_TAKEN])]


def test_appointment_form__slot_taken_after_validation__save_keeps_the_typed_data(
    now, data, tornio_slot, book
):
    form = AppointmentForm(data)
    assert form.is_valid()
    book(tornio_slot, name="Nopeampi")  # someone else takes the last place meanwhile

    assert form.save() is None

    assert not form.is_valid()
    assert form.has_error("slot", code=rules.SLOT_TAKEN)
    assert form.data["name"] == "Maija Meikäläinen"
    assert Appointment.objects.filter(name="Maija Meikäläinen").count() == 0


def test_appointment_form__blocked_slot__is_unavailable(now, data, tornio_slot):
    tornio_slot.is_blocked = True
    tornio_slot.save()

    form = AppointmentForm(data)

    assert form.has_error("slot", code="slot_unavailable")


def test_appointment_form__citizen_too_soon__error_on_the_slot(pin_clock, kemi, make_slot, data):
    pin_clock(helsinki(2026, 12, 3, 11, 30))
    data["slot"] = make_slot(kemi, helsinki(2026, 12, 3, 12, 30)).pk

    assert AppointmentForm(data).has_error("slot", code="too_soon")
    assert AppointmentForm(data, user=UserFactory()).is_valid()


def test_appointment_form__past_slot__is_unavailable(now, kemi, make_slot, data):
    data["slot"] = make_slot(kemi, helsinki(2026, 12, 2, 12, 0)).pk

    assert AppointmentForm(data, user=UserFactory()).has_error("slot", code=rules.SLOT_UNAVAILABLE)


def test_appointment_form__slot_queryset__limits_the_choices(now, tornio, make_slot, data):
    other = make_slot(tornio, helsinki(2026, 12, 8, 9, 0))
    form = AppointmentForm(data, slot_queryset=tornio.slots.exclude(pk=data["slot"]))

    assert form.has_error("slot", code="invalid_choice")
    assert list(form.fields["slot"].queryset) == [other]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "", "required"),
        ("phone", "123", "invalid"),
        ("email", "not-an-email", "invalid"),
        ("note", "x" * (Appointment.NOTE_MAX_LENGTH + 1), "max_length"),
        ("language", "de", "invalid_choice"),
    ],
)
def test_appointment_form__bad_field__error_on_that_field(now, data, field, value, code):
    data[field] = value

    form = AppointmentForm(data)

    assert form.has_error(field, code=code)


def test_appointment_form__inactive_topic__is_not_a_choice(now, data, topic):
    topic.is_active = False
    topic.save()

    assert AppointmentForm(data).has_error("topic", code="invalid_choice")


def test_appointment_form__slot_label__shows_office_and_local_time(now, tornio_slot):
    label = AppointmentForm().fields["slot"].label_from_instance(tornio_slot)

    assert label.startswith("Tornio, ")
    assert "ma 7.12.2026 9.00–9.30" in label
