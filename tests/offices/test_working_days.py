"""Working days against holidays.Finland, computed independently, and holiday names."""

import datetime

import holidays
import pytest
from django.utils import translation

from offices import hours
from offices.hours import holiday_name, is_working_day, next_working_day

FIRST, LAST = datetime.date(2026, 1, 1), datetime.date(2030, 12, 31)


def test_is_working_day__every_date_2026_to_2030__matches_holidays_finland():
    finnish = holidays.Finland(years=range(FIRST.year, LAST.year + 1))
    day, checked, working = FIRST, 0, 0
    while day <= LAST:
        expected = day.weekday() < 5 and day not in finnish
        assert is_working_day(day) == expected, day
        checked += 1
        working += expected
        day += datetime.timedelta(days=1)
    assert checked == 1826
    # Around 250 working days a year: the calendar is neither empty nor all weekdays.
    assert 5 * 245 < working < 5 * 255


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 12, 24),  # Christmas Eve (Kela is closed)
        datetime.date(2026, 6, 19),  # Midsummer Eve
        datetime.date(2027, 3, 26),  # Good Friday
        datetime.date(2027, 3, 29),  # Easter Monday
        datetime.date(2027, 5, 6),  # Ascension Day
        datetime.date(2028, 12, 6),  # Independence Day on a Wednesday
    ],
)
def test_is_working_day__weekday_public_holiday__is_not_a_working_day(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


def test_is_working_day__weekend__is_not_and_ordinary_weekday__is():
    assert not is_working_day(datetime.date(2026, 11, 28))  # Saturday
    assert not is_working_day(datetime.date(2026, 11, 29))  # Sunday
    assert is_working_day(datetime.date(2026, 11, 30))  # Monday
    assert is_working_day(datetime.date(2026, 12, 23))  # Wednesday before Christmas


@pytest.mark.parametrize(
    ("day", "include_today", "expected"),
    [
        # DOMAIN.md worked examples.
        (datetime.date(2026, 12, 4), False, datetime.date(2026, 12, 7)),
        (datetime.date(2026, 12, 23), False, datetime.date(2026, 12, 28)),
        (datetime.date(2027, 3, 25), False, datetime.date(2027, 3, 30)),
        (datetime.date(2026, 11, 28), True, datetime.date(2026, 11, 30)),
        (datetime.date(2027, 6, 24), False, datetime.date(2027, 6, 28)),
        # include_today on a working day is that day; without it, the next one.
        (datetime.date(2026, 12, 4), True, datetime.date(2026, 12, 4)),
        (datetime.date(2026, 11, 30), False, datetime.date(2026, 12, 1)),
        # New Year: Thu 31.12.2026 -> Fri 1.1.2027 is a holiday -> Mon 4.1.2027.
        (datetime.date(2026, 12, 31), False, datetime.date(2027, 1, 4)),
    ],
)
def test_next_working_day__worked_examples__skip_weekends_and_holidays(
    day, include_today, expected
):
    assert next_working_day(day, include_today=include_today) == expected


@pytest.mark.parametrize(
    ("language", "christmas_eve", "midsummer_eve"),
    [
        ("fi", "Jouluaatto", "Juhannusaatto"),
        ("sv", "Julafton", "Midsommarafton"),
        ("en", "Christmas Eve", "Midsummer Eve"),
    ],
)
def test_holiday_name__in_each_language__names_the_holiday(language, christmas_eve, midsummer_eve):
    assert holiday_name(datetime.date(2026, 12, 24), language) == christmas_eve
    assert holiday_name(datetime.date(2027, 6, 25), language) == midsummer_eve


@pytest.mark.parametrize(
    ("language", "expected"), [("fi", "Joulupäivä"), ("sv", "Juldagen"), ("en", "Christmas Day")]
)
def test_holiday_name__without_language__follows_the_active_language(language, expected):
    with translation.override(language):
        assert holiday_name(datetime.date(2026, 12, 25)) == expected


def test_holiday_name__ordinary_day__is_none():
    assert holiday_name(datetime.date(2026, 12, 23), "fi") is None
    assert holiday_name(datetime.date(2026, 11, 28), "en") is None  # a plain Saturday


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-04", datetime.date(2026, 12, 4)),
        ("2100-12-31", datetime.date(2100, 12, 31)),
        ("2101-01-01", None),
        ("1999-12-31", None),
        ("9999-12-31", None),
        ("2026-02-30", None),
        ("20261204", None),
        ("", None),
        (None, None),
        ("2026-12-04\x00", None),
    ],
)
def test_parse_date__accepts_only_iso_dates_in_sane_years(value, expected):
    assert hours.parse_date(value) == expected
