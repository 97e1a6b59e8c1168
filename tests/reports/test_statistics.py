"""Service statistics against a hand-made week with known answers: Monday 30 November
to Sunday 6 December 2026, looked at on Friday 4 December at 17:00."""

import datetime

import pytest
from django.urls import reverse

from appointments import rules as appointment_rules
from appointments.models import Appointment, Slot
from callbacks import rules as callback_rules
from callbacks.models import CallbackAttempt, CallbackRequest
from desk.models import OralApplication, Visit
from offices.models import Topic
from reports import figures
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)
SUNDAY = datetime.date(2026, 12, 6)
THURSDAY = datetime.date(2026, 12, 3)
FRIDAY_17 = helsinki(2026, 12, 4, 17, 0)


def url(office, **params):
    return reverse("reports:statistics", kwargs={"office": office}), params


@pytest.fixture
def topic(offices):
    return Topic.objects.order_by("ordering", "pk").first()


def slot(office, *at):
    start = helsinki(*at)
    return Slot.objects.create(
        office=office, starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
    )


@pytest.fixture
def week(offices, topic, pin_clock, phone_staff):
    """The hand-made week (see each block's comment for what it should count)."""
    tornio, kemi, phone = offices["tornio"], offices["kemi"], offices["phone"]
    # Tornio, Monday: two web bookings and one by phone staff; one arrived, one done,
    # one no-show. Tuesday: one desk booking, and a cancelled one that never counts.
    pin_clock(helsinki(2026, 11, 23, 10, 0))
    booked = []
    for n, (booked_by, source) in enumerate(
        [(None, None), (None, None), (phone_staff, None), (phone_staff, "desk"), (None, None)]
    ):
        day = 30 if n < 3 else 1
        month = 11 if n < 3 else 12
        booked.append(
            appointment_rules.appointment_book(
                slot=slot(tornio, 2026, month, day, 9 + n),
                name=f"Asiakas {n}",
                phone=f"040 100 000{n}",
                topic=topic,
                booked_by=booked_by,
                source=source,
            )
        )
    for appointment, status in zip(booked[:3], ["arrived", "done", "no_show"], strict=True):
        Appointment.objects.filter(pk=appointment.pk).update(status=status)
    appointment_rules.appointment_cancel(appointment=booked[4])

    # Phone service, Thursday: three requests (one called in its window, one late, one
    # never called and overdue) and a cancelled one.
    pin_clock(helsinki(2026, 12, 3, 9, 0))
    requests = [
        callback_rules.callback_create(
            phone=f"040 200 000{n}", window_start=start, topic=topic, language="fi"
        )
        for n, start in enumerate(
            ["2026-12-03T10:00", "2026-12-03T10:30", "2026-12-03T11:00", "2026-12-03T11:30"]
        )
    ]
    CallbackAttempt.objects.create(
        callback=requests[0], made_at=helsinki(2026, 12, 3, 10, 20), outcome="done"
    )
    CallbackAttempt.objects.create(
        callback=requests[1], made_at=helsinki(2026, 12, 3, 11, 15), outcome="done"
    )
    CallbackRequest.objects.filter(pk__in=[requests[0].pk, requests[1].pk]).update(status="done")
    CallbackRequest.objects.filter(pk=requests[3].pk).update(status="cancelled")

    # Kemi's desk, Thursday: waits of 4, 10 and 6 minutes (median 6); one oral
    # application at the desk. The phone service took one by phone on Friday.
    for arrived, called, outcome in [
        ((12, 0), (12, 4), "advised"),
        ((12, 5), (12, 15), "oral_application"),
        ((12, 10), (12, 16), "e_service"),
    ]:
        visit = Visit.objects.create(
            office=kemi,
            topic=topic,
            arrived_at=helsinki(2026, 12, 3, *arrived),
            called_at=helsinki(2026, 12, 3, *called),
            finished_at=helsinki(2026, 12, 3, 12, 30),
            outcome=outcome,
        )
        if outcome == "oral_application":
            OralApplication.objects.create(
                office=kemi,
                channel="desk",
                topic=topic,
                taken_on=THURSDAY,
                case_reference="A-1",
                visit=visit,
            )
    OralApplication.objects.create(
        office=phone,
        channel="phone",
        topic=topic,
        taken_on=datetime.date(2026, 12, 4),
        case_reference="P-1",
    )
    pin_clock(FRIDAY_17)
    return offices


def by_day(days):
    return {day.day: day for day in days}


def test_tornio__appointments_by_source_arrived_and_no_show(week):
    days = by_day(figures.office_figures(week["tornio"], MONDAY, SUNDAY))
    whole = figures.total(list(days.values()))

    assert days[MONDAY].booked == {"web": 2, "phone_staff": 1, "desk": 0}
    assert (days[MONDAY].arrived, days[MONDAY].no_show) == (2, 1)
    assert days[datetime.date(2026, 12, 1)].booked == {"web": 0, "phone_staff": 0, "desk": 1}
    assert (whole.appointments, whole.arrived, whole.no_show) == (4, 2, 1)


def test_phone_service__callbacks_in_time_to_the_decimal_and_overdue(week):
    days = by_day(figures.office_figures(week["phone"], MONDAY, SUNDAY))
    thursday = days[THURSDAY]

    assert (thursday.callbacks, thursday.callbacks_in_time, thursday.callbacks_due) == (3, 1, 3)
    assert thursday.in_time_percent == 33.3
    assert thursday.callbacks_overdue == 1
    assert days[datetime.date(2026, 12, 4)].oral == {"desk": 0, "phone": 1}
    assert days[MONDAY].in_time_percent is None


def test_kemi__desk_visits_by_outcome_median_wait_and_oral_applications(week):
    thursday = by_day(figures.office_figures(week["kemi"], MONDAY, SUNDAY))[THURSDAY]

    assert thursday.visits["advised"] == 1
    assert thursday.visits["oral_application"] == 1
    assert thursday.visits["e_service"] == 1
    assert thursday.median_wait == 6
    assert thursday.oral == {"desk": 1, "phone": 0}


def test_page__phone_service__table_chart_and_finnish_numbers(
    week, client, phone_staff, staff_login
):
    staff_login(phone_staff)
    path, params = url("phone", day="2026-12-02")

    page = client.get(path, params)

    assert page.status_code == 200
    assert "33,3 %" in page.text
    assert "<svg" in page.text
    assert "<table" in page.text


def test_csv__semicolons_and_the_week(week, client, phone_staff, staff_login):
    staff_login(phone_staff)
    path, params = url("phone", day="2026-12-02", format="csv")

    response = client.get(path, params)

    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('statistics-phone-2026-11-30.csv"')
    assert "Soittopyynnöt;0;0;0;3;0;0;0;3" in text


def test_page__office_staff__own_office_only(week, client, office_staff, staff_login):
    staff_login(office_staff)  # Tornio's

    assert client.get(url("tornio")[0]).status_code == 200
    assert client.get(url("kemi")[0]).status_code == 403
    assert client.get(url("atlantis")[0]).status_code == 404


def test_page__anonymous__to_the_login(client, offices):
    assert client.get(url("tornio")[0]).status_code == 302


@pytest.mark.parametrize(
    ("day", "status"), [("x", 200), ("9999-99-99", 200), ("", 200), ("\x00", 400)]
)
def test_page__bad_day__this_week_never_500(week, client, phone_staff, day, status, staff_login):
    staff_login(phone_staff)

    assert client.get(url("phone")[0], {"day": day}).status_code == status


@pytest.mark.parametrize("visits", [1, 500])
def test_page__queries_the_same_for_1_and_500_visits(
    offices, topic, pin_clock, client, visits, django_assert_num_queries, staff_login
):
    pin_clock(FRIDAY_17)
    superuser = UserFactory(username="root", is_superuser=True)
    Visit.objects.bulk_create(
        Visit(
            office=offices["kemi"],
            topic=topic,
            arrived_at=helsinki(2026, 12, 3, 12, 0),
            called_at=helsinki(2026, 12, 3, 12, 5),
            finished_at=helsinki(2026, 12, 3, 12, 10),
            outcome="advised",
        )
        for _ in range(visits)
    )
    staff_login(superuser)
    client.get(url("kemi")[0])

    # session, user, office, appointments, visits, oral applications, the header's offices
    # +1 since the staff door: the second factor's device of the session (django-otp)
    with django_assert_num_queries(8):
        page = client.get(url("kemi")[0])

    assert page.status_code == 200
