"""Staff flows in a real browser: a phone-service worker books in the admin, an office
worker marks an arrival on the daily list (which axe-core finds accessible)."""

import datetime

import pytest
from django.utils import timezone

from appointments import rules
from appointments.models import Appointment, Slot
from offices import hours
from offices.models import Topic
from tests.e2e.conftest import admin_login, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tornio_slot(offices):
    """The first Tornio slot at least a day ahead (generated from the real hours)."""
    today = hours.localdate()
    rules.slots_generate(
        start=today, end=today + datetime.timedelta(days=14), offices=[offices["tornio"]]
    )
    return (
        Slot.objects.for_office(offices["tornio"])
        .filter(starts_at__gt=timezone.now() + datetime.timedelta(days=1))
        .select_related("office")
        .first()
    )


def test_phone_service__books_for_a_caller_in_the_admin_with_the_slot_picker(
    page, phone_staff, tornio_slot
):
    topic = Topic.objects.order_by("ordering").first()
    day = hours.localdate(tornio_slot.starts_at)
    admin_login(page, "phone-staff")

    page.goto("/admin/appointments/appointment/add/")
    page.locator(".field-slot .select2-selection").click()
    page.locator(".select2-search__field").fill(f"tornio {day:%d.%m.}")
    page.locator(".select2-results__option", has_text=str(tornio_slot)).click()
    page.select_option("#id_topic", str(topic.pk))
    page.fill("#id_name", "Pekka Puhelin")
    page.fill("#id_phone", "040 555 1234")
    page.click("input[name=_save]")

    page.wait_for_selector(".messagelist .success")
    appointment = Appointment.objects.get(name="Pekka Puhelin")
    assert appointment.slot_id == tornio_slot.pk
    assert appointment.booked_by.username == "phone-staff"
    assert str(appointment.phone) == "+358405551234"
    assert Slot.objects.get(pk=tornio_slot.pk).booked_count == 1


def test_office_staff__sees_the_day_list_and_marks_an_arrival(page, office_staff, tornio_slot):
    topic = Topic.objects.order_by("ordering").first()
    appointment = rules.appointment_book(
        slot=tornio_slot,
        name="Maija Meikäläinen",
        phone="040 123 4567",
        topic=topic,
        language="sv",
        booked_by=office_staff,
    )
    day = hours.localdate(tornio_slot.starts_at)
    admin_login(page, "tornio-staff")

    page.goto(f"/staff/tornio/{day.isoformat()}/")
    row = page.locator("tr", has_text="Maija Meikäläinen")
    assert row.is_visible()
    assert "040 1234567" in row.inner_text()
    assert_accessible(page)

    row.locator("button[value$=':arrived']").click()  # the one mark form's button

    page.wait_for_selector("tr.status-arrived")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ARRIVED
    assert appointment.updated_by == office_staff
    assert_accessible(page)
