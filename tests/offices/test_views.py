"""Public pages in fi/sv/en, the office page's hours and status, /healthz, set_language.

UI text is still being translated, so these tests read structure, addresses, times and
the holiday names that come from the holidays package, not translated UI strings.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import OperationalError

from offices.models import ServiceKind
from tests.factories import DateExceptionFactory, HoursPeriodFactory, OfficeFactory, helsinki

pytestmark = pytest.mark.django_db

PREFIXES = {"fi": "", "sv": "/sv", "en": "/en"}
CHRISTMAS_EVE = {"fi": "Jouluaatto", "sv": "Julafton", "en": "Christmas Eve"}
PUBLIC_PAGES = [
    "/",
    "/offices/",
    "/offices/kemi/",
    "/phone-service/",
    "/accessibility/",
    "/privacy/",
]


class _Tables(HTMLParser):
    """Rows of every <table> as lists of cell texts, and the row marked aria-current."""

    def __init__(self):
        super().__init__()
        self.tables, self.current_rows = [], []
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
            if ("aria-current", "date") in attrs:
                self.current_rows.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def body_rows(table):
    """Table rows without the header row."""
    return table[1:]


def html_lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def status_section(response):
    html = response.content.decode()
    start = html.index('aria-labelledby="status-heading"')
    return html[start : html.index("</section>", start)]


# --- Every public page in every language --------------------------------------------------


@pytest.mark.parametrize("language", PREFIXES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_page__each_language__answers_200_with_its_lang_attribute(
    client, offices, language, page
):
    response = client.get(PREFIXES[language] + page)

    assert response.status_code == 200
    assert html_lang(response) == language
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", PREFIXES)
def test_office_list__lists_service_points_with_addresses_and_language_links(
    client, offices, language
):
    OfficeFactory(slug="closed-down", name="Suljettu", is_active=False)

    response = client.get(f"{PREFIXES[language]}/offices/")

    html = response.content.decode()
    assert "Laivurinkatu 12" in html
    assert "95400 Tornio" in html
    assert "Meripuistokatu 16" in html
    assert "94100 Kemi" in html
    assert f'href="{PREFIXES[language]}/offices/kemi/"' in html
    assert "Suljettu" not in html
    assert "/offices/phone/" not in html


def test_home__links_each_service_point(client, offices):
    html = client.get("/en/").content.decode()

    assert 'href="/en/offices/tornio/"' in html
    assert 'href="/en/offices/kemi/"' in html
    assert "Laivurinkatu 12" in html


# --- The office page: two weeks of hours ----------------------------------------------------


# The one written style of dates and times per language (offices/formats).
CHRISTMAS_WEEK_DAYS = {
    "fi": [
        "ma 21.12.2026",
        "ti 22.12.2026",
        "ke 23.12.2026",
        "to 24.12.2026",
        "pe 25.12.2026",
        "la 26.12.2026",
        "su 27.12.2026",
    ],
    "sv": [
        "må 21.12.2026",
        "ti 22.12.2026",
        "on 23.12.2026",
        "to 24.12.2026",
        "fr 25.12.2026",
        "lö 26.12.2026",
        "sö 27.12.2026",
    ],
    "en": [
        "Mon 21 Dec 2026",
        "Tue 22 Dec 2026",
        "Wed 23 Dec 2026",
        "Thu 24 Dec 2026",
        "Fri 25 Dec 2026",
        "Sat 26 Dec 2026",
        "Sun 27 Dec 2026",
    ],
}
NEW_YEARS_EVE_DAY = {"fi": "to 31.12.2026", "sv": "to 31.12.2026", "en": "Thu 31 Dec 2026"}
KEMI_HOURS = {"fi": "12.00–16.00", "sv": "12.00–16.00", "en": "12:00–16:00"}


@pytest.mark.parametrize("language", PREFIXES)
def test_office_page__christmas_week__both_weeks_with_holidays_named(
    client, offices, pin_clock, language
):
    pin_clock(helsinki(2026, 12, 21, 10, 0))

    response = client.get(f"{PREFIXES[language]}/offices/kemi/")

    html = response.content.decode()
    assert "Meripuistokatu 16" in html
    this_week, next_week = tables(response).tables
    assert len(body_rows(this_week)) == 7
    assert len(body_rows(next_week)) == 7
    # Columns: day, appointments, info point, notes.
    assert len(this_week[0]) == 4
    assert [row[0] for row in body_rows(this_week)] == CHRISTMAS_WEEK_DAYS[language]
    christmas_eve = body_rows(this_week)[3]
    assert christmas_eve[-1] == CHRISTMAS_EVE[language]
    assert KEMI_HOURS[language] not in " ".join(christmas_eve)
    # This week Kemi never opens; next week Thu 31.12. does (Fri 1.1. is New Year's Day).
    assert KEMI_HOURS[language] not in str(this_week)
    new_years_eve = body_rows(next_week)[3]
    assert new_years_eve[0] == NEW_YEARS_EVE_DAY[language]
    assert new_years_eve[1:3] == [KEMI_HOURS[language], KEMI_HOURS[language]]
    new_years_day = body_rows(next_week)[4]
    assert KEMI_HOURS[language] not in " ".join(new_years_day)
    assert new_years_day[-1]  # the holiday is named
    assert response.context["today"] == datetime.date(2026, 12, 21)


def test_office_page__today_is_marked_current(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 23, 23, 30))

    parsed = tables(client.get("/offices/tornio/"))

    assert len(parsed.current_rows) == 1
    assert "23.12." in parsed.current_rows[0][0]


def test_office_page__after_local_midnight__today_is_the_helsinki_date(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 28, 0, 30))  # Sun 27th 22:30 UTC

    response = client.get("/offices/tornio/")

    assert response.context["today"] == datetime.date(2026, 12, 28)
    first_row = body_rows(tables(response).tables[0])[0]
    assert "28.12." in first_row[0]  # the week starts on Monday 28th, not the 21st


def test_office_page__exception_reason_shown_beside_the_holiday(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 21, 10, 0))
    DateExceptionFactory(
        office=offices["tornio"],
        date=datetime.date(2026, 12, 22),
        service=ServiceKind.SELF_SERVICE,
        closed=True,
        reason="Laitehuolto",
    )

    this_week = tables(client.get("/offices/tornio/")).tables[0]

    tuesday = body_rows(this_week)[1]
    assert tuesday[1:] == ["9.00–12.00", tuesday[2], "Laitehuolto"]
    assert "9.00–12.00" not in tuesday[2]  # self-service closed


def test_phone_service_page__hours_and_christmas_named(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 21, 10, 0))

    response = client.get("/en/phone-service/")

    this_week = tables(response).tables[0]
    assert [row[-1] for row in body_rows(this_week)][3] == "Christmas Eve"
    assert body_rows(this_week)[0][1:3] == ["9:00–16:00", "9:00–16:00"]
    assert "020 692 210" in response.content.decode()


# --- Open now / opens next ------------------------------------------------------------------


def test_office_page__while_open__open_now_until_closing(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 21, 10, 0))  # Monday

    response = client.get("/offices/tornio/")

    status = response.context["status"][ServiceKind.SELF_SERVICE]
    assert status.open_now.start == helsinki(2026, 12, 21, 9, 0)
    assert status.open_now.closes == "12:00"
    section = status_section(response)
    # Only the self-service computers: the appointment service never reads "open now".
    assert section.count('class="open"') == 1
    assert "avoinna nyt, klo 12.00 asti" in section
    assert "vain varatulla ajalla, ei asiointia ilman ajanvarausta" in section


def test_office_page__at_closing_time__closed_and_opens_next_morning(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 21, 12, 0))

    response = client.get("/offices/tornio/")

    status = response.context["status"][ServiceKind.SELF_SERVICE]
    assert status.open_now is None
    assert status.next.start == helsinki(2026, 12, 22, 9, 0)
    section = status_section(response)
    assert 'class="open"' not in section
    assert "avautuu ti 22.12.2026 klo 9.00" in section


def test_office_page__before_christmas__kemi_opens_next_after_the_holidays(
    client, offices, pin_clock
):
    pin_clock(helsinki(2026, 12, 21, 10, 0))

    response = client.get("/offices/kemi/")

    status = response.context["status"][ServiceKind.INFO_POINT]
    assert status.open_now is None
    assert status.next.start == helsinki(2026, 12, 31, 12, 0)
    assert "31.12." in status_section(response)


def test_office_page__on_sunday__next_opening_more_than_a_week_ahead_is_found(
    client, offices, pin_clock
):
    # Sun 20.12.: the page shows 14.–27.12., but Kemi next opens on Thu 31.12.
    pin_clock(helsinki(2026, 12, 20, 12, 0))

    response = client.get("/offices/kemi/")

    assert len(tables(response).tables) == 2
    status = response.context["status"][ServiceKind.INFO_POINT]
    assert status.next is not None
    assert status.next.start == helsinki(2026, 12, 31, 12, 0)
    assert "31.12." in status_section(response)


def test_phone_service_page__friday_evening__opens_monday_at_nine(client, offices, pin_clock):
    pin_clock(helsinki(2026, 12, 4, 17, 0))

    response = client.get("/phone-service/")

    status = response.context["status"][ServiceKind.PHONE]
    assert status.open_now is None
    assert status.next.start == helsinki(2026, 12, 7, 9, 0)


def test_phone_service_page__not_set_up__still_answers(client, db):
    response = client.get("/phone-service/")

    assert response.status_code == 200
    assert "status" not in response.context


# --- 404 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/offices/nowhere/", "/sv/offices/nowhere/", "/offices/phone/", "/offices/old/"]
)
def test_office_page__unknown_inactive_or_phone_slug__404(client, offices, path):
    OfficeFactory(slug="old", is_active=False)

    assert client.get(path).status_code == 404


# --- Query counts ------------------------------------------------------------------------------


def _more_rows(office):
    for month in range(1, 7):
        HoursPeriodFactory(
            office=office, name=f"M{month}", valid_from=datetime.date(2026, month, 2)
        )
    for day in range(21, 28):
        DateExceptionFactory(office=office, date=datetime.date(2026, 12, day), reason=f"R{day}")


@pytest.mark.parametrize("more", [False, True])
def test_office_page__query_count_is_constant(
    client, offices, pin_clock, django_assert_num_queries, more
):
    pin_clock(helsinki(2026, 12, 21, 10, 0))
    if more:
        _more_rows(offices["kemi"])

    # The office, its periods and exceptions, the hours in force, rules and descriptions.
    with django_assert_num_queries(7):
        assert client.get("/offices/kemi/").status_code == 200


@pytest.mark.parametrize("extra_offices", [0, 5])
@pytest.mark.parametrize("page", ["/", "/offices/"])
def test_office_lists__query_count_is_constant(
    client, offices, django_assert_num_queries, extra_offices, page
):
    for n in range(extra_offices):
        OfficeFactory(slug=f"extra-{n}")

    # The list of offices; the front page also their services (periods, rules, texts).
    with django_assert_num_queries(4 if page == "/" else 1):
        assert client.get(page).status_code == 200


def test_phone_service_page__query_count_is_constant(
    client, offices, pin_clock, django_assert_num_queries
):
    pin_clock(helsinki(2026, 12, 21, 10, 0))
    _more_rows(offices["phone"])

    with django_assert_num_queries(7):
        assert client.get("/phone-service/").status_code == 200


# --- /healthz and set_language ----------------------------------------------------------------


def test_healthz__database_answers__200_uncached(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True}
    assert "no-cache" in response["Cache-Control"]


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz__database_cursor_raises__503(client, db, monkeypatch):
    monkeypatch.setattr("kela_service.views.connection", _BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False, "cache": True}


SWITCHES = [
    ("sv", "/offices/kemi/", "/sv/offices/kemi/"),
    ("en", "/offices/?x=1", "/en/offices/?x=1"),
    ("sv", "/", "/sv/"),
    ("fi", "/sv/offices/kemi/", "/offices/kemi/"),
    ("en", "/sv/offices/kemi/", "/en/offices/kemi/"),
    ("sv", "/en/phone-service/", "/sv/phone-service/"),
    ("fi", "/en/", "/"),
]


def _switch(client, language, next_url, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies["django_language"].value == language
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert html_lang(page) == language


@pytest.mark.parametrize(("language", "next_url", "expected"), SWITCHES)
def test_set_language__post__redirects_to_the_same_page_in_that_language(
    client, offices, language, next_url, expected
):
    _switch(client, language, next_url, expected)


def test_set_language__foreign_next_url__goes_home_not_away(client, offices):
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "https://evil.example/sv/"})

    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_language_switcher__on_a_page__posts_to_set_language_with_this_path(client, offices):
    html = client.get("/sv/offices/kemi/").content.decode()

    assert 'action="/i18n/setlang/"' in html
    assert 'name="next" type="hidden" value="/sv/offices/kemi/"' in html


def test_office_page__office_without_hours__renders(client, db):
    OfficeFactory(slug="new-office", name="Uusi", street_address="Kauppakatu 1")

    response = client.get("/offices/new-office/")

    assert response.status_code == 200
    assert "Kauppakatu 1" in response.content.decode()
    assert response.context["services"] == []
    assert len(tables(response).tables) == 2


def test_office_page__swedish__uses_the_swedish_name(client, offices):
    swedish = client.get("/sv/offices/tornio/").text
    finnish = client.get("/offices/tornio/").text

    assert "FPA:s serviceställe Torneå" in swedish
    assert "Kelan palvelupiste Tornio" in finnish


def test_office_page__plain_map_link_and_no_embedded_map(client, offices):
    html = client.get("/en/offices/kemi/").content.decode()

    assert (
        'href="https://www.openstreetmap.org/search?query=Meripuistokatu+16%2C+94100+Kemi"' in html
    )
    assert "<iframe" not in html


def test_phone_service_page__number_is_a_tel_link(client, offices):
    html = client.get("/en/phone-service/").content.decode()

    assert '<a href="tel:+35820692210">020 692 210</a>' in html
