"""What each service says it is: the mode from the hours, the weekly days in each
language's written style, the staff's descriptions, and the places named from data."""

import datetime

import pytest
from django.utils import translation

from offices.models import ServiceDescription, ServiceKind, Weekday, WeeklyRule
from offices.services import Mode, office_services, weekly_text
from tests.factories import HoursPeriodFactory, OfficeFactory

pytestmark = pytest.mark.django_db

NINE, NOON, FOUR = datetime.time(9), datetime.time(12), datetime.time(16)


def entries(offices):
    return {entry.office.slug: entry for entry in office_services(offices.values())}


def test_office_services__tornio__by_appointment_only_and_self_service(offices):
    tornio = entries(offices)["tornio"]

    assert tornio.kinds == [ServiceKind.APPOINTMENTS, ServiceKind.SELF_SERVICE]
    assert tornio.appointment_only
    appointments, computers = tornio.services
    assert appointments.mode == Mode.APPOINTMENT
    assert not appointments.walk_in
    assert computers.mode == Mode.SELF_SERVICE
    assert computers.walk_in
    with translation.override("fi"):
        assert office_services([offices["tornio"]])[0].get("self_service").days == (
            "ma–ti 9.00–12.00"
        )
    assert "vain ajanvarauksella" in appointments.description.lower()


def test_office_services__kemi__info_point_is_walk_in_and_comes_first(offices):
    kemi = entries(offices)["kemi"]

    assert kemi.kinds == [ServiceKind.INFO_POINT, ServiceKind.APPOINTMENTS]
    assert not kemi.appointment_only
    assert kemi.services[0].mode == Mode.WALK_IN
    assert "ohjaa sinut sopivimpaan Kelan palveluun" in kemi.services[0].description


@pytest.mark.parametrize(
    ("language", "days", "words"),
    [
        ("fi", "ma–pe 9.00–16.00", ("kertakäyttöinen koodi", "suullisen hakemuksen")),
        ("sv", "må–fr 9.00–16.00", ("engångskod", "muntlig ansökan")),
        ("en", "Mon–Fri 9:00–16:00", ("one-time code", "oral application")),
    ],
)
def test_office_services__phone_service__hours_code_and_oral_application_in_each_language(
    offices, language, days, words
):
    with translation.override(language):
        phone = office_services([offices["phone"]])[0]
    assert phone.services[0].kind == ServiceKind.PHONE
    assert phone.services[0].mode == Mode.PHONE
    assert phone.services[0].days == days
    for word in words:
        assert word in phone.services[0].description


def test_office_services__mode_follows_the_hours_not_the_copy(offices):
    """Staff give Tornio an info point: it is no longer "by appointment only"."""
    period = offices["tornio"].periods.get()
    WeeklyRule.objects.create(
        period=period,
        service=ServiceKind.INFO_POINT,
        weekday=Weekday.MONDAY,
        opens=NINE,
        closes=NOON,
    )

    tornio = entries(offices)["tornio"]
    assert ServiceKind.INFO_POINT in tornio.kinds
    assert not tornio.appointment_only


def test_office_services__a_period_in_force_wins_and_an_ended_one_is_ignored(offices):
    office = OfficeFactory(slug="rovaniemi")
    old = HoursPeriodFactory(
        office=office, valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    WeeklyRule.objects.create(
        period=old, service=ServiceKind.INFO_POINT, weekday=0, opens=NINE, closes=NOON
    )
    current = HoursPeriodFactory(office=office, valid_from=datetime.date(2026, 1, 1))
    WeeklyRule.objects.create(
        period=current, service=ServiceKind.APPOINTMENTS, weekday=2, opens=NINE, closes=FOUR
    )

    (entry,) = office_services([office], today=datetime.date(2026, 12, 1))
    assert entry.kinds == [ServiceKind.APPOINTMENTS]


def test_office_services__three_queries_for_any_number_of_offices(
    offices, django_assert_num_queries
):
    places = list(offices.values())
    with django_assert_num_queries(3):
        office_services(places)


def test_weekly_text__joins_runs_of_days_with_the_same_hours():
    rules = [(0, NINE, NOON), (1, NINE, NOON), (3, NOON, FOUR), (4, NOON, FOUR), (6, NINE, NOON)]
    with translation.override("en"):
        assert weekly_text(rules) == "Mon–Tue 9:00–12:00, Thu–Fri 12:00–16:00, Sun 9:00–12:00"


def test_description__active_language_with_finnish_fallback(offices):
    description = ServiceDescription.objects.create(
        office=OfficeFactory(slug="oulu"),
        service="appointments",
        text_fi="Suomeksi",
        text_sv="",
        text_en="In English",
    )
    with translation.override("sv"):
        assert description.text == "Suomeksi"
    with translation.override("en"):
        assert description.text == "In English"


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [
        ("", "Kelan palvelut Torniossa, Kemissä ja Oulussa"),
        ("/sv", "FPA:s tjänster i Torneå, Kemi och Uleåborg"),
        ("/en", "Kela's services in Tornio, Kemi and Oulu"),
    ],
)
def test_home__a_third_office__named_in_the_title_without_template_changes(
    client, offices, prefix, heading
):
    OfficeFactory(
        slug="oulu", name="Oulu", name_sv="Uleåborg", name_fi_inessive="Oulussa", ordering=5
    )

    html = client.get(f"{prefix}/").content.decode()
    assert f"<h1>{heading}</h1>" in html


def test_office_page__kemi__walk_in_info_point_and_no_claim_that_an_expert_needs_a_booking(
    client, offices
):
    html = client.get("/en/offices/kemi/").content.decode()

    assert "Walk-in, no appointment needed" in html
    assert "Thu–Fri 12:00–16:00" in html
    assert "directs you to the most suitable Kela service" in html
    assert "needs an appointment" not in html
    assert "By appointment only" not in html


def test_office_page__tornio__by_appointment_only_and_the_computers_explained(client, offices):
    html = client.get("/en/offices/tornio/").content.decode()

    assert "By appointment only: there is no walk-in service." in html
    assert "online services on your own, without an appointment" in html
    assert "Mon–Tue 9:00–12:00" in html


def test_booking_start__each_place_with_its_days_and_what_it_is(client, offices):
    html = client.get("/en/appointments/").content.decode()

    assert "Appointment times: Mon–Tue 9:00–12:00" in html
    assert "Appointment times: Thu–Fri 12:00–16:00" in html
    assert "Appointment times: Mon–Fri 9:00–16:00" in html
    assert "A callback request is different" in html


def test_admin__office_change_page__edits_the_descriptions(staff_login, superuser, offices):
    response = staff_login(superuser).get(f"/admin/offices/office/{offices['kemi'].pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="descriptions-0-text_fi"' in html
    assert 'name="descriptions-0-text_sv"' in html
    assert 'name="descriptions-0-text_en"' in html
