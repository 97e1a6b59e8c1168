"""The citizen's booking wizard through the test client: steps, validation, races, abuse."""

import datetime
import re

import pytest
from django.test import override_settings

from appointments.models import Appointment, Slot
from offices.models import Office, ServiceKind, Topic, WeeklyRule
from tests.appointments.public_helpers import (
    MONDAY,
    NOW,
    PREFIXES,
    book,
    booked_by_web,
    details,
    fill,
    generate_slots,
    slot_on,
    topic,
    url,
)
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

STEP_TEXT = {
    "fi": ("Vaihe {} / 3", ["Paikka ja asia", "Päivä ja aika", "Omat tiedot"]),
    "sv": ("Steg {} av 3", ["Plats och ärende", "Dag och tid", "Dina uppgifter"]),
    "en": ("Step {} of 3", ["Place and topic", "Day and time", "Your details"]),
}
# The days of the month calendar that have free times (links with ?day=).
CALENDAR_DAY = re.compile(r'<td class="free[^"]*"><a href="[^"]*day=([\d-]+)"')


def calendar_days(client, office, **params):
    """The free days of every month the day-and-time page's calendar can show."""
    html = client.get(url("days", office=office, topic=topic().pk, **params)).content.decode()
    days = CALENDAR_DAY.findall(html)
    months = re.findall(r'<a href="[^"]*month=([\d-]+)">', html.split("month-nav", 1)[-1])
    later = [month for month in months if month > params.get("month", "")]
    if later:
        days += calendar_days(client, office, month=later[0])
    return days


def h1(response):
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


def assert_step(response, language, number):
    template, labels = STEP_TEXT[language]
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert template.format(number) in html
    assert h1(response) == labels[number - 1]
    assert 'aria-current="step"' in html


# --- Each step in each language ------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_step_1__in_each_language__offers_places_and_topics_in_that_language(
    client, slots, language
):
    response = client.get(url("start", language))

    assert_step(response, language, 1)
    html = response.content.decode()
    assert 'value="tornio"' in html
    assert 'value="kemi"' in html
    assert 'value="phone"' in html
    assert getattr(topic(), f"name_{language}") in html


def test_step_1__office_in_query__preselects_that_office(client, slots):
    html = client.get(url("start", office="kemi")).content.decode()

    assert re.search(r'value="kemi"[^>]*checked', html)
    assert not re.search(r'value="tornio"[^>]*checked', html)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_step_2__in_each_language__lists_the_days_with_free_times(client, slots, language):
    response = client.get(url("days", language, office="tornio", topic=topic().pk))

    assert_step(response, language, 2)
    assert "<table" in response.content.decode()
    days = calendar_days(client, "tornio")
    # Tornio: Mondays and Tuesdays, 7 Dec 2026 .. 26 Jan 2027 (the 8-week horizon).
    assert days[0] == "2026-12-07"
    assert days[-1] == "2027-01-26"
    assert len(days) == 16
    assert all(datetime.date.fromisoformat(day).weekday() in (0, 1) for day in days)


def test_step_2__full_and_blocked_days__are_not_listed(client, slots):
    tornio = slots["tornio"]
    for slot in Slot.objects.for_office(tornio).on_date(MONDAY):
        fill(slot)
    Slot.objects.for_office(tornio).on_date(MONDAY + datetime.timedelta(days=1)).update(
        is_blocked=True
    )

    days = calendar_days(client, "tornio")
    assert days[0] == "2026-12-14"


def test_step_2__minimum_notice__hides_times_too_soon(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 7, 9, 30))  # Monday: 9:00-11:30 are inside the notice
    generate_slots()

    html = client.get(url("times", office="tornio", topic=topic().pk, day="2026-12-07"))
    times = re.findall(r"(\d\d?\.\d\d)–", html.content.decode())

    assert times == ["11.30"]


def test_step_2__missing_topic__shows_step_1_with_a_linked_error(client, slots):
    response = client.get(url("days", office="tornio"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'href="#id_topic_0"' in html
    assert 'id="id_topic_0"' in html
    assert re.search(r'value="tornio"[^>]*checked', html)


def test_step_2__no_free_times__suggests_the_phone_service_and_a_callback(client, slots):
    Slot.objects.for_office(slots["kemi"]).update(is_blocked=True)

    html = client.get(url("days", office="kemi", topic=topic().pk)).content.decode()

    assert "Seuraavan 8 viikon aikana ei ole vapaita aikoja." in html
    assert "/appointments/?office=phone" in html
    assert 'href="/callbacks/"' in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_step_3__in_each_language__lists_the_free_times_of_the_day(client, slots, language):
    fill(slot_on(slots["tornio"], MONDAY, 1))  # 09:30 is taken

    response = client.get(
        url("times", language, office="tornio", topic=topic().pk, day="2026-12-07")
    )

    assert_step(response, language, 2)
    times = re.findall(r"(\d\d?[.:]\d\d)–\d\d?[.:]\d\d</label>", response.content.decode())
    separator = ":" if language == "en" else "."
    assert times == [
        t.replace(":", separator) for t in ["9:00", "10:00", "10:30", "11:00", "11:30"]
    ]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_step_4__in_each_language__language_defaults_to_the_page_language(client, slots, language):
    slot = slot_on(slots["tornio"])

    response = client.get(url("details", language, office="tornio", topic=topic().pk, slot=slot.pk))

    assert_step(response, language, 3)
    html = response.content.decode()
    assert re.search(rf'name="language" value="{language}"[^>]*checked', html)
    assert 'autocomplete="tel"' in html
    assert 'maxlength="500"' in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_full_booking__in_each_language__books_and_shows_reference_and_manage_link(
    client, slots, language
):
    slot = slot_on(slots["tornio"])
    data = details(slot, language=language)
    prefix = PREFIXES[language]

    review = client.post(url("confirm", language), data)
    assert review.status_code == 200
    assert "Maija Meikäläinen" in review.content.decode()
    assert not Appointment.objects.exists()

    response = client.post(url("confirm", language), {**data, "action": "book"})

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/appointments/booked/{appointment.manage_token}/"
    assert appointment.slot == slot
    assert appointment.booked_by is None
    assert appointment.channel == Appointment.Channel.OFFICE
    assert appointment.language == language
    assert str(appointment.phone) == "+358401234567"
    slot.refresh_from_db()
    assert slot.booked_count == 1

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert appointment.reference in html
    assert f"http://testserver{prefix}/appointments/manage/{appointment.manage_token}/" in html
    # The success panel holds the summary; then what to bring, the map and the calendar.
    panel = html.split('<div class="confirmation-panel">', 1)[1].split("</div>\n<section", 1)[0]
    assert "Maija Meikäläinen" in panel
    assert "openstreetmap.org/search?query=Laivurinkatu+12" in html
    assert f"{prefix}/appointments/manage/{appointment.manage_token}/calendar.ics" in html


def test_full_booking__by_phone__is_a_phone_appointment(client, slots):
    slot = slot_on(slots["phone"], MONDAY, 3)

    response = client.post(url("confirm", "en"), {**details(slot), "action": "book"})

    html = client.get(response["Location"]).content.decode()
    assert "order a one-time code in OmaKela before the call" in html
    assert "openstreetmap" not in html
    appointment = Appointment.objects.get()
    assert appointment.channel == Appointment.Channel.PHONE
    assert appointment.slot.office.slug == "phone"


def confirm_page_token(client, slot):
    """The hidden submission token of the confirm page for ``slot``."""
    review = client.post(url("confirm"), details(slot))
    return re.search(r'name="submission_token" value="([^"]+)"', review.text)[1]


@pytest.mark.parametrize("capacity", [1, 2])
def test_book__clicked_twice_on_one_confirm_page__books_once_and_both_show_it(
    client, slots, capacity
):
    slot = slot_on(slots["tornio"])
    Slot.objects.filter(pk=slot.pk).update(capacity=capacity)
    data = {**details(slot), "submission_token": confirm_page_token(client, slot)}

    first = client.post(url("confirm"), {**data, "action": "book"})
    second = client.post(url("confirm"), {**data, "action": "book"})

    appointment = Appointment.objects.get()
    assert (first.status_code, second.status_code) == (302, 302)
    assert (
        first["Location"]
        == second["Location"]
        == f"/appointments/booked/{appointment.manage_token}/"
    )
    slot.refresh_from_db()
    assert slot.booked_count == 1


def test_confirm_page__each_showing__has_a_new_token(client, slots):
    slot = slot_on(slots["tornio"])

    assert confirm_page_token(client, slot) != confirm_page_token(client, slot)


def test_book__another_confirm_page_for_a_taken_time__is_told_it_was_taken(client, slots):
    slot = slot_on(slots["tornio"])
    mine = {**details(slot), "submission_token": confirm_page_token(client, slot)}
    theirs = {
        **details(slot, name="Toinen Asiakas"),
        "submission_token": confirm_page_token(client, slot),
    }
    client.post(url("confirm"), {**mine, "action": "book"})

    response = client.post(url("confirm"), {**theirs, "action": "book"})

    assert response.status_code == 409
    assert Appointment.objects.get().name == "Maija Meikäläinen"


def test_confirm_page__shows_everything_with_a_confirm_button(client, slots):
    slot = slot_on(slots["kemi"], datetime.date(2026, 12, 3), 2)  # Thu 13:00

    html = client.post(url("confirm"), details(slot)).content.decode()

    for text in [
        "Kelan palvelupiste Kemi",
        "Meripuistokatu 16",
        "to 3.12.2026 13.00–13.30",
        topic().name_fi,
        "Maija Meikäläinen",
        "040 1234567",
        "maija@example.com",
        "Asia koskee asumistukea.",
        'value="book"',
    ]:
        assert text in html


def test_confirm__change_details__returns_to_the_details_with_everything_kept(client, slots):
    slot = slot_on(slots["tornio"])

    response = client.post(url("confirm"), {**details(slot), "action": "edit"})

    html = response.content.decode()
    assert h1(response) == "Omat tiedot"
    assert 'value="Maija Meikäläinen"' in html
    assert 'value="040 123 4567"' in html
    assert "Asia koskee asumistukea." in html
    assert "error-summary" not in html


# --- Validation keeps input ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Kirjoita nimesi."),
        ("phone", "", "Kirjoita puhelinnumerosi."),
        ("phone", "12", "Anna kelvollinen puhelinnumero"),
        ("phone", "040 123 456 789 012", "Anna kelvollinen puhelinnumero"),
        ("email", "maija@", "sähköpostiosoite"),
        ("note", "x" * 501, "500"),
        ("language", "de", "Valitse"),
    ],
)
def test_details__invalid_field__shows_a_linked_error_and_keeps_the_rest(
    client, slots, field, value, message
):
    slot = slot_on(slots["tornio"])

    response = client.post(url("confirm"), details(slot, **{field: value}))

    html = response.content.decode()
    assert response.status_code == 200
    assert h1(response) == "Omat tiedot"
    assert 'class="error-summary"' in html
    assert message in html
    assert re.search(rf'href="#id_{field}(_0)?"', html)
    kept_values = {
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "email": "maija@example.com",
        "note": "Asia koskee asumistukea.",
    }
    for other, kept in kept_values.items():
        if other != field:
            assert kept in html
    assert not Appointment.objects.exists()


def test_details__swedish_errors__are_in_swedish(client, slots):
    slot = slot_on(slots["tornio"])

    html = client.post(url("confirm", "sv"), details(slot, name="", phone="1")).content.decode()

    assert "Skriv ditt namn." in html
    assert "Ange ett giltigt telefonnummer" in html


# --- A lost race ---------------------------------------------------------------------


def test_race__slot_taken_between_confirm_page_and_booking__keeps_everything_typed(client, slots):
    slot = slot_on(slots["tornio"])
    data = details(slot)
    assert client.post(url("confirm"), data).status_code == 200  # the confirm page
    fill(slot)  # someone else takes the time meanwhile

    response = client.post(url("confirm"), {**data, "action": "book"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "Tämä aika ehdittiin juuri varata" in html
    assert 'href="#chosen-time"' in html
    assert 'id="chosen-time"' in html
    for kept in ["Maija Meikäläinen", "040 123 4567", "maija@example.com", "asumistukea"]:
        assert kept in html
    # Other free times are offered right there, and a way to all days.
    alternatives = re.findall(r'name="slot" value="(\d+)"[^>]* id="alternative_', html)
    assert str(slot.pk) not in alternatives
    assert str(slot_on(slots["tornio"], MONDAY, 1).pk) == alternatives[0]
    assert "/appointments/days/?office=tornio" in html
    assert not booked_by_web().exists()


def test_race__choosing_an_offered_other_time__books_it(client, slots):
    slot = slot_on(slots["tornio"])
    other = slot_on(slots["tornio"], MONDAY, 1)
    fill(slot)

    # The form sends the old slot first and the chosen alternative last.
    data = details(slot)
    body = {**data, "slot": [slot.pk, other.pk], "action": "book"}
    response = client.post(url("confirm"), body)

    assert response.status_code == 302
    assert booked_by_web().get().slot == other


def test_race__no_choice_made_after_losing__shows_the_same_message_again(client, slots):
    slot = slot_on(slots["tornio"])
    fill(slot)

    response = client.post(url("confirm"), {**details(slot), "action": "book"})

    assert response.status_code == 409
    assert "Maija Meikäläinen" in response.content.decode()


def test_race__slot_blocked_meanwhile__is_not_booked_and_keeps_input(client, slots):
    slot = slot_on(slots["tornio"])
    Slot.objects.filter(pk=slot.pk).update(is_blocked=True)

    response = client.post(url("confirm"), {**details(slot), "action": "book"})

    assert response.status_code == 409
    assert "Maija Meikäläinen" in response.content.decode()
    assert not booked_by_web().exists()


# --- Tampered input never gives a 500 ------------------------------------------------

BAD_VALUES = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e3",
    "١٢",  # Arabic-Indic digits
    "99999999999999999999999999",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "<script>alert(1)</script>",
    "x" * 5000,
    "2026-13-01",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "2026-12-02T10:00",
    "tornio/../kemi",
]


@pytest.mark.parametrize("param", ["office", "topic", "day", "slot"])
@pytest.mark.parametrize("step", ["start", "days", "times", "details"])
def test_wizard_get__tampered_parameter__redirects_or_renders_never_500(
    client, two_weeks, step, param
):
    good = {
        "office": "tornio",
        "topic": topic().pk,
        "day": "2026-12-07",
        "slot": slot_on(two_weeks["tornio"]).pk,
    }
    for value in [*BAD_VALUES, ["tornio", "kemi"]]:
        response = client.get(url(step, **{**good, param: value}), follow=True)

        # A NUL byte in a query string is refused before any view (kela_service.middleware).
        assert response.status_code == (400 if value == "\x00" else 200), value
        assert response.redirect_chain == [] or all(
            location.startswith("/appointments/") for location, _status in response.redirect_chain
        )


@pytest.mark.parametrize("field", ["office", "topic", "slot", "name", "phone", "language"])
def test_wizard_post__tampered_field__redirects_or_shows_errors_never_500(client, two_weeks, field):
    slot = slot_on(two_weeks["tornio"])

    for value in BAD_VALUES:
        data = {**details(slot, **{field: value}), "action": "book"}
        response = client.post(url("confirm"), data)

        assert response.status_code in (200, 302, 409), value
    # An odd name, or digits that happen to be a Finnish number ("2026-13-01" is
    # 020 261 301), may book; nothing else can, and never another time.
    assert set(Appointment.objects.values_list("slot", flat=True)) <= {slot.pk}
    if field not in ("name", "phone"):
        assert not Appointment.objects.exists()


def test_wizard__slot_of_another_office__goes_back_to_choosing_a_time(client, slots):
    kemi_slot = slot_on(slots["kemi"], datetime.date(2026, 12, 3))

    response = client.get(url("details", office="tornio", topic=topic().pk, slot=kemi_slot.pk))
    post = client.post(url("confirm"), {**details(kemi_slot, office="tornio"), "action": "book"})

    assert response.status_code == 302
    assert response["Location"].startswith("/appointments/days/?office=tornio")
    assert post.status_code == 302
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("state", ["past", "too_soon", "blocked", "full", "beyond_horizon"])
def test_details__unbookable_slot__redirects_to_choose_another_time(
    client, offices, pin_clock, state
):
    pin_clock(helsinki(2026, 12, 7, 10, 0))
    generate_slots()
    tornio = offices["tornio"]
    slot = {
        "past": lambda: slot_on(tornio, MONDAY, 0),
        "too_soon": lambda: slot_on(tornio, MONDAY, 3),  # 10:30, less than 2 h away
        "blocked": lambda: slot_on(tornio, MONDAY + datetime.timedelta(days=7)),
        "full": lambda: fill(slot_on(tornio, MONDAY + datetime.timedelta(days=8))),
        "beyond_horizon": lambda: slot_on(tornio, datetime.date(2027, 2, 8)),
    }[state]()
    if state == "blocked":
        Slot.objects.filter(pk=slot.pk).update(is_blocked=True)

    response = client.get(url("details", office="tornio", topic=topic().pk, slot=slot.pk))

    assert response.status_code == 302
    assert "/appointments/days/" in response["Location"]
    follow = client.get(response["Location"])
    assert "Aika ei ole enää vapaana" in follow.content.decode()


def test_times__day_without_free_times__redirects_to_days_with_a_message(client, slots):
    response = client.get(url("times", office="tornio", topic=topic().pk, day="2026-12-09"))

    assert response.status_code == 302
    assert response["Location"].startswith("/appointments/days/")


def test_confirm__get__redirects_to_the_start(client, slots):
    response = client.get(url("confirm"))

    assert response.status_code == 302
    assert response["Location"] == "/appointments/"


def test_confirm__inactive_topic__goes_back_to_step_1(client, slots):
    slot = slot_on(slots["tornio"])
    Topic.objects.filter(pk=topic().pk).update(is_active=False)

    response = client.post(url("confirm"), {**details(slot), "action": "book"})

    assert response.status_code == 302
    assert response["Location"].startswith("/appointments/?office=tornio")
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("change", ["inactive", "no appointment hours"])
def test_confirm__office_no_longer_booked__goes_back_to_step_1(client, slots, change):
    # The POST's office is checked against rules.bookable_offices, as at step 1.
    slot = slot_on(slots["tornio"])
    if change == "inactive":
        Office.objects.filter(slug="tornio").update(is_active=False)
    else:
        WeeklyRule.objects.filter(
            period__office__slug="tornio", service=ServiceKind.APPOINTMENTS
        ).delete()

    response = client.post(url("confirm"), {**details(slot), "action": "book"})

    assert response.status_code == 302
    assert response["Location"].startswith("/appointments/")
    assert "office=tornio" not in response["Location"]
    assert not Appointment.objects.exists()


# --- Abuse ---------------------------------------------------------------------------


@override_settings(PUBLIC_POST_RATE="2/m")
def test_booking_post__over_the_rate__answers_429_in_the_users_language(client, slots):
    slot = slot_on(slots["tornio"])

    first = client.post(url("confirm", "sv"), details(slot))
    second = client.post(url("confirm", "sv"), details(slot))
    third = client.post(url("confirm", "sv"), {**details(slot), "action": "book"})

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 429]
    assert "För många försök" in third.content.decode()
    assert not Appointment.objects.exists()


# --- Query counts of the availability pages ------------------------------------------


def _many_slots(office, day, count, booked):
    """``count`` slots on ``day`` (5 minutes apart, capacity 2), ``booked`` of them with
    one appointment."""
    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=NOW.tzinfo)
    created = Slot.objects.bulk_create(
        Slot(
            office=office,
            starts_at=start + datetime.timedelta(minutes=5 * i),
            ends_at=start + datetime.timedelta(minutes=5 * i + 5),
            capacity=2,
        )
        for i in range(count)
    )
    for slot in created[:booked]:
        book(slot)


def _many_days(office, count):
    for i in range(count):
        day = MONDAY + datetime.timedelta(days=i)
        _many_slots(office, day, 1, 1)


@pytest.mark.parametrize("count", [1, 50])
def test_times_page__query_count__does_not_grow_with_slots_and_appointments(
    client, offices, pin_clock, django_assert_num_queries, count
):
    pin_clock(NOW)
    _many_slots(offices["phone"], MONDAY, count, booked=count)
    params = {"office": "phone", "topic": topic().pk, "day": MONDAY.isoformat()}

    with django_assert_num_queries(3):  # office, topic, the window's free times (the day's too)
        response = client.get(url("times", **params))

    assert response.content.decode().count('name="slot"') == count


@pytest.mark.parametrize("count", [1, 50])
def test_days_page__query_count__does_not_grow_with_slots_and_appointments(
    client, offices, pin_clock, django_assert_num_queries, count
):
    pin_clock(NOW)
    _many_days(offices["phone"], count)
    params = {"office": "phone", "topic": topic().pk}

    with django_assert_num_queries(3):  # office, topic, the window's free times (the day's too)
        response = client.get(url("days", **params))

    # The calendar shows December: its days from Monday 7 December with free times.
    assert len(CALENDAR_DAY.findall(response.content.decode())) == min(count, 25)


# --- Three screens -----------------------------------------------------------------------


def test_details_page__carries_a_submission_token_and_books_with_one_button(client, slots):
    slot = slot_on(slots["tornio"])
    html = client.get(url("details", office="tornio", topic=topic().pk, slot=slot.pk))
    html = html.content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', html)[1]
    assert 'name="action" value="book"' in html

    response = client.post(
        url("confirm"), {**details(slot), "submission_token": token, "action": "book"}
    )

    appointment = Appointment.objects.get()
    assert response["Location"] == f"/appointments/booked/{appointment.manage_token}/"
    # A second click of the same page's button finds that booking, books nothing more.
    again = client.post(
        url("confirm"), {**details(slot), "submission_token": token, "action": "book"}
    )
    assert again["Location"] == response["Location"]
    assert Appointment.objects.count() == 1


def test_unproven_number__code_step__then_the_code_books_at_once(
    client, slots, sms_outbox, deliver
):
    slot = slot_on(slots["tornio"])
    data = {**details(slot, phone="040 765 4321"), "submission_token": "t" * 32, "action": "book"}

    code_page = client.post(url("confirm"), data).content.decode()
    assert 'name="code"' in code_page
    assert f'name="submission_token" value="{"t" * 32}"' in code_page
    assert not Appointment.objects.exists()

    deliver()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["text"])[1]
    response = client.post(url("confirm"), {**data, "action": "prove", "code": code})

    appointment = Appointment.objects.get()
    assert response["Location"] == f"/appointments/booked/{appointment.manage_token}/"


def test_day_and_time__month_link__shows_that_month_and_its_first_free_days_times(client, slots):
    html = client.get(url("days", "en", office="tornio", topic=topic().pk, month="2027-01"))
    html = html.content.decode()

    assert "<caption>January 2027</caption>" in html
    assert "Free times on Mon 4 Jan 2027" in html
    assert "Previous month: December 2026" in html
    assert 'aria-current="date"' in html


@pytest.mark.parametrize("month", ["", "2027-13", "1999-01", "x", "2027-01-01", "9" * 30])
def test_day_and_time__odd_month__never_500(client, slots, month):
    response = client.get(url("days", office="tornio", topic=topic().pk, month=month))

    assert response.status_code == 200
    assert "<table" in response.content.decode()
