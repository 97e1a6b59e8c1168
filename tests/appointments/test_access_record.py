"""Every look at a booking is on record: the staff day list, its CSV export, the
affected list and the admin's pages each leave one row (one INSERT) with the user, the
office and the bookings seen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AccessRecord
from access.records import records_about, subject_key
from appointments.models import Appointment
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


@pytest.fixture
def staff_client(client, office_staff, staff_login, now):
    staff_login(office_staff)  # at the pinned time: a staff session lasts 8 hours
    return client


@pytest.fixture
def mondays(now, tornio, kemi, make_slot, book):
    """Two bookings on Monday at Tornio, one at Kemi, one on Tuesday at Tornio."""
    return {
        "maija": book(make_slot(tornio, helsinki(2026, 12, 7, 9, 0)), phone="040 123 4567"),
        "matti": book(make_slot(tornio, helsinki(2026, 12, 7, 10, 0)), phone="040 765 4321"),
        "kemi": book(make_slot(kemi, helsinki(2026, 12, 7, 9, 0)), phone="040 111 2222"),
        "tuesday": book(make_slot(tornio, helsinki(2026, 12, 8, 9, 0)), phone="040 333 4444"),
    }


def views():
    """The rows of page views (logins are recorded too)."""
    return AccessRecord.objects.exclude(action__in=["login", "login_failed", "lockout"])


def test_day_list__leaves_one_row_with_user_office_day_and_bookings_seen(
    staff_client, office_staff, mondays
):
    response = staff_client.get(
        reverse("staff:day", kwargs={"office": "tornio", "day": MONDAY.isoformat()}),
        REMOTE_ADDR="192.0.2.40",
    )

    assert response.status_code == 200
    row = views().get()
    assert (row.action, row.user, row.office, row.day) == ("view", office_staff, "tornio", MONDAY)
    assert row.model == "appointments.appointment"
    assert row.reference_list == [mondays["maija"].reference, mondays["matti"].reference]
    assert row.count == 2
    assert row.address == "192.0.2.40"
    assert subject_key(phone=mondays["maija"].phone) in row.subjects
    assert "358401234567" not in row.subjects


def test_day_csv__leaves_one_export_row_with_the_bookings_exported(
    staff_client, office_staff, mondays
):
    response = staff_client.get(
        reverse("staff:day_csv", kwargs={"office": "tornio", "day": MONDAY.isoformat()})
    )

    assert response.status_code == 200
    row = views().get()
    assert (row.action, row.user, row.office, row.day) == (
        "export",
        office_staff,
        "tornio",
        MONDAY,
    )
    assert row.reference_list == [mondays["maija"].reference, mondays["matti"].reference]


def test_day_list__marking_arrived__records_the_list_shown_not_the_post(staff_client, mondays):
    url = reverse("staff:day", kwargs={"office": "tornio", "day": MONDAY.isoformat()})

    staff_client.post(url, {"appointment": mondays["maija"].pk, "status": "arrived"})

    assert views().count() == 0


def test_day_list__other_office__forbidden_and_no_row(staff_client, mondays):
    url = reverse("staff:day", kwargs={"office": "kemi", "day": MONDAY.isoformat()})

    assert staff_client.get(url).status_code == 403
    assert views().count() == 0


def test_affected_list__leaves_one_row_with_the_affected_bookings(
    staff_client, office_staff, mondays
):
    Appointment.objects.filter(pk=mondays["matti"].pk).update(affected_at=timezone.now())

    response = staff_client.get(reverse("staff:affected", kwargs={"office": "tornio"}))

    assert response.status_code == 200
    row = views().get()
    assert (row.user, row.office, row.reference_list) == (
        office_staff,
        "tornio",
        [mondays["matti"].reference],
    )


def test_admin_change_view__leaves_one_row_with_user_office_and_the_booking(
    client, phone_staff, mondays, staff_login
):
    staff_login(phone_staff)
    booking = mondays["kemi"]

    response = client.get(reverse("admin:appointments_appointment_change", args=[booking.pk]))

    assert response.status_code == 200
    row = views().get()
    assert (row.action, row.user, row.office, row.reference_list) == (
        "view",
        phone_staff,
        "kemi",
        [booking.reference],
    )
    assert row.page == f"/admin/appointments/appointment/{booking.pk}/change/"
    assert list(records_about(phone="040 111 2222")) == [row]


def test_admin_add_view__shows_nobody_and_leaves_no_row(client, phone_staff, mondays, staff_login):
    staff_login(phone_staff)

    assert client.get(reverse("admin:appointments_appointment_add")).status_code == 200
    assert views().count() == 0


def test_admin_changelist__one_row_per_office_of_the_bookings_shown(
    client, phone_staff, mondays, staff_login
):
    staff_login(phone_staff)

    response = client.get(reverse("admin:appointments_appointment_changelist"))

    assert response.status_code == 200
    rows = {row.office: row for row in views()}
    assert set(rows) == {"tornio", "kemi"}
    assert sorted(rows["tornio"].reference_list) == sorted(
        mondays[name].reference for name in ("maija", "matti", "tuesday")
    )
    assert rows["kemi"].reference_list == [mondays["kemi"].reference]
    assert {row.user for row in rows.values()} == {phone_staff}


def test_admin_changelist__search_by_phone__records_what_it_found(
    client, phone_staff, mondays, staff_login
):
    staff_login(phone_staff)

    client.get(reverse("admin:appointments_appointment_changelist"), {"q": "040 765 4321"})

    row = views().get()
    assert row.reference_list == [mondays["matti"].reference]
    assert row.page == "/admin/appointments/appointment/"
