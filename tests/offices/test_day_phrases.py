"""The day phrases of the staff's slot search, on a pinned day: Wednesday 2 December
2026 (and Tuesday 1 December for "today is that weekday")."""

import datetime

import pytest

from offices.day_phrases import DaySpan, find_days, parse_date

WEDNESDAY = datetime.date(2026, 12, 2)
TUESDAY = datetime.date(2026, 12, 1)


def day(month, day_, year=2026):
    return DaySpan.day(datetime.date(year, month, day_))


@pytest.mark.parametrize(
    ("phrase", "spans"),
    [
        # Dates: without a year the next such date from today, today included.
        ("3.12", [day(12, 3)]),
        ("3.12.", [day(12, 3)]),
        ("3.12.2026", [day(12, 3)]),
        ("2026-12-03", [day(12, 3)]),
        ("2.12.", [day(12, 2)]),
        ("1.12.", [day(12, 1, 2027)]),
        ("15.1.", [day(1, 15, 2027)]),
        # Weekdays: the next such day (today is Wednesday).
        ("ti", [day(12, 8)]),
        ("tiistai", [day(12, 8)]),
        ("tiistaina", [day(12, 8)]),
        ("tis", [day(12, 8)]),
        ("tisdag", [day(12, 8)]),
        ("tue", [day(12, 8)]),
        ("Tuesday", [day(12, 8)]),
        ("to", [day(12, 3)]),
        ("torstaina", [day(12, 3)]),
        ("tors", [day(12, 3)]),
        ("thu", [day(12, 3)]),
        ("pe", [day(12, 4)]),
        ("fre", [day(12, 4)]),
        ("fri", [day(12, 4)]),
        ("ma", [day(12, 7)]),
        ("mån", [day(12, 7)]),
        ("mon", [day(12, 7)]),
        # Today is Wednesday: today while it has free times, else next Wednesday.
        ("ke", [day(12, 2), day(12, 9)]),
        ("ons", [day(12, 2), day(12, 9)]),
        ("wed", [day(12, 2), day(12, 9)]),
        # Relative days.
        ("tänään", [day(12, 2)]),
        ("idag", [day(12, 2)]),
        ("i dag", [day(12, 2)]),
        ("today", [day(12, 2)]),
        ("huomenna", [day(12, 3)]),
        ("i morgon", [day(12, 3)]),
        ("imorgon", [day(12, 3)]),
        ("tomorrow", [day(12, 3)]),
        ("ylihuomenna", [day(12, 4)]),
        ("i övermorgon", [day(12, 4)]),
        ("day after tomorrow", [day(12, 4)]),
        # Next week: Monday to Friday.
        ("ensi viikko", [DaySpan(datetime.date(2026, 12, 7), datetime.date(2026, 12, 11))]),
        ("ensi viikolla", [DaySpan(datetime.date(2026, 12, 7), datetime.date(2026, 12, 11))]),
        ("nästa vecka", [DaySpan(datetime.date(2026, 12, 7), datetime.date(2026, 12, 11))]),
        ("next week", [DaySpan(datetime.date(2026, 12, 7), datetime.date(2026, 12, 11))]),
        ("this week", [DaySpan(datetime.date(2026, 12, 2), datetime.date(2026, 12, 4))]),
        ("tällä viikolla", [DaySpan(datetime.date(2026, 12, 2), datetime.date(2026, 12, 4))]),
        ("denna vecka", [DaySpan(datetime.date(2026, 12, 2), datetime.date(2026, 12, 4))]),
    ],
)
def test_find_days__each_phrase__its_days(phrase, spans):
    assert find_days(phrase, WEDNESDAY) == (spans, [])


def test_find_days__weekday_that_is_today__today_first_then_a_week_later():
    assert find_days("tiistai", TUESDAY)[0] == [day(12, 1), day(12, 8)]


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Kemi 3.12. 12:30", ["kemi", "12:30"]),
        ("tornio ti 9.00", ["tornio", "9.00"]),
        ("puhelin huomenna", ["puhelin"]),
        ("kemi next week", ["kemi"]),
    ],
)
def test_find_days__other_words__left_for_the_search(text, rest):
    assert find_days(text, WEDNESDAY)[1] == rest


def test_find_days__day_after_tomorrow__not_read_as_tomorrow():
    assert find_days("day after tomorrow", WEDNESDAY)[0] == [day(12, 4)]


def test_find_days__no_day_phrase__no_days():
    assert find_days("kemi 10:30", WEDNESDAY) == ([], ["kemi", "10:30"])


@pytest.mark.parametrize("word", ["12.30", "31.2.", "0.1.", "3.13", "31.12.9999", "3.122026", "x"])
def test_parse_date__not_a_date__none(word):
    assert parse_date(word, WEDNESDAY) is None
