import csv
import datetime
import io

import pytest
from django.urls import reverse

from appointments import rules
from appointments.models import Appointment
from appointments.views.staff import DAY_PAGE_SIZE
from tests.appointments.conftest import finnish
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


def day_url(office="tornio", day=MONDAY):
    return reverse("staff:day", kwargs={"office": office, "day": day.isoformat()})


def csv_url(office="tornio", day=MONDAY):
    return reverse("staff:day_csv", kwargs={"office": office, "day": day.isoformat()})


@pytest.fixture
def staff_client(client, office_staff, staff_login):
    staff_login(office_staff)
    return client


def test_day_list__anonymous__redirects_to_the_admin_login(client, offices):
    response = client.get(day_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_day_list__other_office__is_forbidden(staff_client):
    assert staff_client.get(day_url("kemi")).status_code == 403
    assert staff_client.get(csv_url("kemi")).status_code == 403


def test_day_list__user_without_offices__is_forbidden(client, offices, staff_login):
    staff_login(UserFactory())

    assert client.get(day_url()).status_code == 403


def test_day_list__own_office__shows_the_days_appointments(
    now, staff_client, tornio, tornio_slot, make_slot, book
):
    book(tornio_slot, name="Maija Meikäläinen", language="sv")
    book(make_slot(tornio, helsinki(2026, 12, 8, 9, 0)), name="Huomisen Asiakas")

    response = staff_client.get(day_url())

    assert response.status_code == 200
    text = response.text
    assert "Maija Meikäläinen" in text
    assert "040 1234567" in text
    assert "9.00–9.30" in text
    assert "Huomisen Asiakas" not in text
    assert day_url(day=MONDAY - datetime.timedelta(days=1)) in text
    assert day_url(day=MONDAY + datetime.timedelta(days=1)) in text
    assert csv_url() in text


def test_day_list__no_appointments__says_so(now, staff_client):
    response = staff_client.get(day_url())

    assert response.status_code == 200
    assert finnish("No appointments on this day.") in response.text


def test_day_list__not_a_date__is_404(staff_client):
    assert staff_client.get("/staff/tornio/2026-02-30/").status_code == 404


def test_day_list__superuser__sees_every_office(client, superuser, offices, staff_login):
    staff_login(superuser)

    assert client.get(day_url("kemi")).status_code == 200
    assert client.get(day_url("phone")).status_code == 200


def test_day_list__phone_service_group__sees_the_phone_service(
    client, phone_staff, offices, staff_login
):
    staff_login(phone_staff)

    assert client.get(day_url("phone")).status_code == 200
    assert client.get(day_url("tornio")).status_code == 403


@pytest.mark.parametrize("count", [1, 500])
def test_day_list__one_or_500_appointments__same_query_count_and_one_form(
    now,
    client,
    phone_staff,
    phone_office,
    many_bookings,
    django_assert_num_queries,
    count,
    staff_login,
):
    many_bookings(phone_office, helsinki(2026, 12, 7, 0, 0), count, minutes=2)
    staff_login(phone_staff)

    # ... one INSERT: the access record of the day's appointments; the staff header's offices
    # +1 since the staff door: the second factor's device of the session (django-otp)
    # -1 since the office and whether the user may see it are one query (visible_office)
    # +1 since the list is paged: the day's counts, then its first page
    with django_assert_num_queries(11):
        response = client.get(day_url("phone"))

    assert response.text.count('<tr class="status-booked">') == min(count, DAY_PAGE_SIZE)
    # One form for the marks (one CSRF token), three buttons a booked row.
    assert response.text.count("<form") == 3  # the marks, the language menu, log out
    assert response.text.count('form="marks"') == 3 * min(count, DAY_PAGE_SIZE)


def test_day_list__a_big_day__in_pages_the_count_for_the_whole_day(
    now, client, phone_staff, phone_office, many_bookings, staff_login
):
    many_bookings(phone_office, helsinki(2026, 12, 7, 0, 0), DAY_PAGE_SIZE + 5, minutes=2)
    staff_login(phone_staff)

    first = client.get(day_url("phone"))
    second = client.get(day_url("phone"), {"page": 2})
    beyond = client.get(day_url("phone"), {"page": 99})
    nonsense = client.get(day_url("phone"), {"page": "x\x00"})

    assert first.text.count('<tr class="status-booked">') == DAY_PAGE_SIZE
    assert second.text.count('<tr class="status-booked">') == 5
    assert f"{DAY_PAGE_SIZE + 5} " in first.text  # "105 appointments": the whole day
    assert 'rel="next"' in first.text
    assert 'rel="prev"' in second.text
    assert beyond.text.count('<tr class="status-booked">') == 5  # the last page
    assert nonsense.status_code in (200, 400)


def test_mark__on_page_two__back_to_page_two(
    now, client, phone_staff, phone_office, many_bookings, staff_login
):
    booked = many_bookings(phone_office, helsinki(2026, 12, 7, 0, 0), DAY_PAGE_SIZE + 1, minutes=2)
    staff_login(phone_staff)
    last = max(booked, key=lambda appointment: appointment.slot.starts_at)

    response = client.post(
        f"{day_url('phone')}?page=2", {"appointment": last.pk, "status": "arrived"}
    )

    assert response.status_code == 302
    assert response.url == f"{day_url('phone')}?page=2"
    last.refresh_from_db()
    assert last.status == Appointment.Status.ARRIVED


def test_mark__arrived__sets_the_status_and_redirects_back(
    now, staff_client, office_staff, tornio_slot, book
):
    appointment = book(tornio_slot)

    response = staff_client.post(day_url(), {"appointment": appointment.pk, "status": "arrived"})

    assert response.status_code == 302
    assert response.url == day_url()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ARRIVED
    assert appointment.updated_by == office_staff
    followed = staff_client.get(response.url)
    assert finnish(Appointment.Status.ARRIVED.label) in followed.text


def test_mark__cancelled_appointment__shows_an_error(now, staff_client, tornio_slot, book):
    from appointments.rules import appointment_cancel

    appointment = appointment_cancel(appointment=book(tornio_slot))

    response = staff_client.post(
        day_url(), {"appointment": appointment.pk, "status": "done"}, follow=True
    )

    assert finnish(rules.error[rules.NOT_ACTIVE]) in response.text
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_mark__cancel_is_not_offered_here(now, staff_client, tornio_slot, book):
    appointment = book(tornio_slot)

    staff_client.post(day_url(), {"appointment": appointment.pk, "status": "cancelled"})

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_mark__appointment_of_another_office__is_404(now, staff_client, kemi, make_slot, book):
    other = book(make_slot(kemi, helsinki(2026, 12, 7, 12, 0)))

    response = staff_client.post(day_url(), {"appointment": other.pk, "status": "arrived"})

    assert response.status_code == 404


def test_mark__without_the_permission__is_forbidden(
    now, client, tornio, tornio_slot, book, staff_login
):
    viewer = UserFactory()
    tornio.staff.add(viewer)
    staff_login(viewer)
    appointment = book(tornio_slot)

    response = client.post(day_url(), {"appointment": appointment.pk, "status": "arrived"})

    assert response.status_code == 403


def test_mark__without_a_csrf_token__is_refused(now, office_staff, tornio_slot, book, staff_login):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    staff_login(office_staff, client=client)
    appointment = book(tornio_slot)

    response = client.post(day_url(), {"appointment": appointment.pk, "status": "arrived"})

    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_csv__lists_the_day_and_neutralises_formulas(
    now, staff_client, tornio, tornio_slot, make_slot, book
):
    book(tornio_slot, name="=HYPERLINK(1)")
    book(make_slot(tornio, helsinki(2026, 12, 7, 9, 30)), name="Åsa Öberg")

    response = staff_client.get(csv_url())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    # What Finnish Excel opens in columns: UTF-8 with a byte order mark, semicolons.
    assert response.content.startswith("\ufeffKellonaika;Varaustunnus;".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 8  # the header, in Finnish like the staff pages
    assert rows[1][3] == "040 1234567"  # text with its leading zero, not a number
    assert [row[0] for row in rows[1:]] == ["9.00", "9.30"]
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[2][2] == "Åsa Öberg"


def test_mark__the_day_lists_button__marks_that_appointment(now, staff_client, tornio_slot, book):
    appointment = book(tornio_slot)
    page = staff_client.get(day_url()).text
    assert f'name="mark" value="{appointment.pk}:no_show"' in page

    response = staff_client.post(day_url(), {"mark": f"{appointment.pk}:no_show"})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


@pytest.mark.parametrize("value", ["", ":", "abc", "1:", ":arrived", "1:2:3", "\x00:arrived"])
def test_mark__a_button_value_that_is_no_mark__is_404_or_an_error_not_a_500(
    now, staff_client, tornio_slot, book, value
):
    appointment = book(tornio_slot)

    response = staff_client.post(day_url(), {"mark": value.replace("1", str(appointment.pk))})

    assert response.status_code in (302, 404)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


@pytest.mark.parametrize("value", ["abc", "1e3", "-1", "\u0661", "9" * 30, ""])
def test_mark__appointment_id_that_is_not_a_number__is_404(
    now, staff_client, tornio_slot, book, value
):
    book(tornio_slot)

    response = staff_client.post(day_url(), {"appointment": value, "status": "arrived"})

    assert response.status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
@pytest.mark.parametrize("url_name", ["staff:day", "staff:day_csv"])
def test_day_list__date_outside_the_known_years__is_404(staff_client, day, url_name):
    response = staff_client.get(reverse(url_name, kwargs={"office": "tornio", "day": day}))

    assert response.status_code == 404
