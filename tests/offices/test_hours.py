"""Opening hours: the seeded offices, DST, precedence, instants and query counts."""

import datetime

import pytest

from offices import hours
from offices.models import Office, ServiceKind, Weekday
from tests.factories import (
    DateExceptionFactory,
    HoursPeriodFactory,
    WeeklyRuleFactory,
    helsinki,
    office_with_hours,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
APPOINTMENTS = ServiceKind.APPOINTMENTS
SELF_SERVICE = ServiceKind.SELF_SERVICE
INFO_POINT = ServiceKind.INFO_POINT
PHONE = ServiceKind.PHONE
MON_TO_FRI = [0, 1, 2, 3, 4]


def t(hour, minute=0):
    return datetime.time(hour, minute)


def d(*args):
    return datetime.date(*args)


def real_duration(interval):
    """Elapsed time (subtracting datetimes with one tzinfo gives wall-clock time)."""
    return interval.end.astimezone(UTC) - interval.start.astimezone(UTC)


def as_text(intervals):
    return [(i.opens, i.closes) for i in intervals]


def by_date(days):
    return {day.date: day for day in days}


def weekday_office(slug="test-office"):
    """An office with appointments Mon–Fri 09:00–12:00, year-round from 2026."""
    return office_with_hours(slug, [(APPOINTMENTS, MON_TO_FRI, t(9), t(12))])


# --- The seeded offices (DOMAIN.md) ---------------------------------------------------


def test_opening_hours__kemi_christmas_week__info_point_never_open_and_holidays_named(kemi):
    days = hours.opening_hours(kemi, d(2026, 12, 21), d(2026, 12, 27), language="fi")

    assert [day.date for day in days] == [d(2026, 12, n) for n in range(21, 28)]
    assert all(day.services[INFO_POINT] == [] for day in days)
    assert all(day.services[APPOINTMENTS] == [] for day in days)
    week = by_date(days)
    assert week[d(2026, 12, 24)].holiday == "Jouluaatto"
    assert week[d(2026, 12, 25)].holiday == "Joulupäivä"
    assert week[d(2026, 12, 26)].holiday == "Tapaninpäivä"
    assert not week[d(2026, 12, 24)].working_day
    assert not week[d(2026, 12, 25)].working_day
    assert week[d(2026, 12, 23)].working_day
    assert week[d(2026, 12, 23)].holiday is None


def test_opening_hours__kemi_christmas_week_in_english__holiday_names_in_english(kemi):
    week = by_date(hours.opening_hours(kemi, d(2026, 12, 24), d(2026, 12, 25), language="en"))

    assert week[d(2026, 12, 24)].holiday == "Christmas Eve"
    assert week[d(2026, 12, 25)].holiday == "Christmas Day"


def test_opening_hours__kemi_first_january_week__info_point_12_to_16_thursday_and_friday(kemi):
    days = hours.opening_hours(kemi, d(2027, 1, 7), d(2027, 1, 8))

    assert [as_text(day.services[INFO_POINT]) for day in days] == [
        [("12:00", "16:00")],
        [("12:00", "16:00")],
    ]
    assert days[0].services[INFO_POINT][0].start == helsinki(2027, 1, 7, 12, 0)
    assert days[1].services[INFO_POINT][0].end == helsinki(2027, 1, 8, 16, 0)


def test_opening_hours__tornio_monday_and_tuesday__self_service_9_to_12(tornio):
    days = hours.opening_hours(tornio, d(2026, 12, 21), d(2026, 12, 22))

    assert [as_text(day.services[SELF_SERVICE]) for day in days] == [
        [("09:00", "12:00")],
        [("09:00", "12:00")],
    ]
    assert INFO_POINT not in days[0].services


def test_opening_hours__tornio_wednesday_to_sunday__closed(tornio):
    days = hours.opening_hours(tornio, d(2027, 1, 13), d(2027, 1, 17))

    assert all(day.is_closed() for day in days)
    assert hours.opening_hours(tornio, d(2027, 1, 11))[0].is_closed() is False


def test_opening_hours__phone_service__every_working_day_9_to_16(phone_office):
    days = hours.opening_hours(phone_office, d(2026, 12, 21), d(2027, 1, 10))

    for day in days:
        expected = [("09:00", "16:00")] if hours.is_working_day(day.date) else []
        assert as_text(day.services[PHONE]) == expected, day.date
    assert sum(1 for day in days if day.services[PHONE]) == 11


def test_offered_services__seeded_offices__in_service_kind_order(tornio, kemi, phone_office):
    assert hours.offered_services(tornio) == [APPOINTMENTS, SELF_SERVICE]
    assert hours.offered_services(kemi) == [APPOINTMENTS, INFO_POINT]
    assert hours.offered_services(phone_office) == [APPOINTMENTS, PHONE]


def test_office_manager_phone_service__returns_the_phone_service_office(phone_office):
    assert Office.objects.phone_service() == phone_office


# --- DST -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "offset_before", "offset_after"),
    [
        # Summer time starts Sun 2027-03-28 (Good Friday 26th and Easter Monday 29th closed).
        (d(2027, 3, 25), d(2027, 3, 30), 2, 3),
        # Summer time ends Sun 2026-10-25.
        (d(2026, 10, 23), d(2026, 10, 26), 3, 2),
    ],
)
def test_opening_hours__dst_week__nine_oclock_stays_local_with_new_utc_offset(
    phone_office, before, after, offset_before, offset_after
):
    days = by_date(hours.opening_hours(phone_office, before, after))

    first = days[before].services[PHONE][0]
    second = days[after].services[PHONE][0]
    assert first.start.utcoffset() == datetime.timedelta(hours=offset_before)
    assert second.start.utcoffset() == datetime.timedelta(hours=offset_after)
    assert (first.opens, first.closes) == ("09:00", "16:00")
    assert (second.opens, second.closes) == ("09:00", "16:00")
    assert first.start.astimezone(UTC).hour == 9 - offset_before
    assert second.start.astimezone(UTC).hour == 9 - offset_after
    # Seven real hours on both sides.
    assert real_duration(first) == real_duration(second) == datetime.timedelta(hours=7)


def test_opening_hours__on_the_dst_sundays__an_office_open_on_sunday_keeps_local_times():
    office = office_with_hours("sunday-office", [(APPOINTMENTS, [Weekday.SUNDAY], t(2), t(5))])

    # Sun 2026-03-29 (Easter Sunday 2027-03-28 is a holiday, so 2026 here).
    march = hours.opening_intervals(office, APPOINTMENTS, d(2026, 3, 29))
    october = hours.opening_intervals(office, APPOINTMENTS, d(2026, 10, 25))

    assert as_text(march) == [("02:00", "05:00")]
    # 03:00–04:00 local does not exist on the spring-forward night: two real hours.
    assert real_duration(march[0]) == datetime.timedelta(hours=2)
    assert as_text(october) == [("02:00", "05:00")]
    # 03:00–04:00 local happens twice on the fall-back night: four real hours.
    assert real_duration(october[0]) == datetime.timedelta(hours=4)


def test_is_open__across_dst__at_nine_local_on_both_sides(phone_office):
    assert hours.is_open(phone_office, PHONE, datetime.datetime(2027, 3, 25, 7, 0, tzinfo=UTC))
    assert not hours.is_open(phone_office, PHONE, datetime.datetime(2027, 3, 30, 5, 59, tzinfo=UTC))
    assert hours.is_open(phone_office, PHONE, datetime.datetime(2027, 3, 30, 6, 0, tzinfo=UTC))


# --- Precedence (offices.hours docstring) ---------------------------------------------


def test_precedence__closed_exception_for_the_service__beats_its_special_hours():
    office = weekday_office()
    day = d(2027, 1, 12)
    DateExceptionFactory(office=office, date=day, service=APPOINTMENTS, closed=True)
    DateExceptionFactory(
        office=office, date=day, service=APPOINTMENTS, closed=False, opens=t(13), closes=t(14)
    )

    assert hours.opening_intervals(office, APPOINTMENTS, day) == []


def test_precedence__closed_exception_for_one_service__leaves_the_other_open():
    office = office_with_hours(
        "two-services",
        [(APPOINTMENTS, MON_TO_FRI, t(9), t(12)), (SELF_SERVICE, MON_TO_FRI, t(9), t(15))],
    )
    day = d(2027, 1, 12)
    DateExceptionFactory(office=office, date=day, service=SELF_SERVICE, closed=True)

    result = hours.opening_hours(office, day)[0]

    assert result.services[SELF_SERVICE] == []
    assert as_text(result.services[APPOINTMENTS]) == [("09:00", "12:00")]
    assert result.exceptions == ["Staff training"]


def test_precedence__special_hours__replace_weekly_hours_and_split_in_time_order():
    office = weekday_office()
    day = d(2027, 1, 12)
    for opens, closes in [(t(14), t(16)), (t(8), t(10, 30))]:
        DateExceptionFactory(
            office=office, date=day, service=APPOINTMENTS, closed=False, opens=opens, closes=closes
        )

    assert as_text(hours.opening_intervals(office, APPOINTMENTS, day)) == [
        ("08:00", "10:30"),
        ("14:00", "16:00"),
    ]
    # The next day keeps its weekly hours.
    assert as_text(hours.opening_intervals(office, APPOINTMENTS, d(2027, 1, 13))) == [
        ("09:00", "12:00")
    ]


def test_precedence__special_hours__open_a_public_holiday(kemi):
    christmas_eve = d(2026, 12, 24)
    DateExceptionFactory(
        office=kemi,
        date=christmas_eve,
        service=INFO_POINT,
        closed=False,
        opens=t(10),
        closes=t(12),
        reason="Christmas info",
    )

    day = hours.opening_hours(kemi, christmas_eve, language="fi")[0]

    assert as_text(day.services[INFO_POINT]) == [("10:00", "12:00")]
    assert day.services[APPOINTMENTS] == []  # the holiday still closes the rest
    assert day.holiday == "Jouluaatto"
    assert day.exceptions == ["Christmas info"]


def test_precedence__special_hours__beat_an_office_wide_closure():
    office = office_with_hours(
        "closure",
        [(APPOINTMENTS, MON_TO_FRI, t(9), t(12)), (SELF_SERVICE, MON_TO_FRI, t(9), t(12))],
    )
    day = d(2027, 1, 12)
    DateExceptionFactory(office=office, date=day, service="", closed=True, reason="Moving")
    DateExceptionFactory(
        office=office, date=day, service=SELF_SERVICE, closed=False, opens=t(10), closes=t(11)
    )

    result = hours.opening_hours(office, day)[0]

    assert result.services[APPOINTMENTS] == []
    assert as_text(result.services[SELF_SERVICE]) == [("10:00", "11:00")]


def test_precedence__office_wide_closure__closes_every_service_of_that_office_only(tornio, kemi):
    day = d(2027, 1, 11)  # a Monday
    DateExceptionFactory(office=tornio, date=day, service="", closed=True)

    result = hours.opening_hours(tornio, day)[0]

    assert result.is_closed()
    assert result.services[SELF_SERVICE] == []
    assert result.services[APPOINTMENTS] == []
    kemi_thursday = hours.opening_intervals(kemi, INFO_POINT, d(2027, 1, 14))
    assert as_text(kemi_thursday) == [("12:00", "16:00")]
    assert hours.opening_intervals(tornio, SELF_SERVICE, d(2027, 1, 12)) != []


def test_precedence__public_holiday__closes_weekly_hours(phone_office):
    # Epiphany, Wed 2027-01-06.
    assert hours.opening_intervals(phone_office, PHONE, d(2027, 1, 6)) == []
    assert hours.opening_intervals(phone_office, PHONE, d(2027, 1, 5)) != []


def test_precedence__seasonal_period__latest_start_wins_until_its_end_date():
    office = weekday_office("seasonal")
    summer = HoursPeriodFactory(
        office=office, name="Summer", valid_from=d(2027, 6, 1), valid_until=d(2027, 8, 31)
    )
    for weekday in MON_TO_FRI:
        WeeklyRuleFactory(period=summer, weekday=weekday, opens=t(10), closes=t(11))

    def on(day):
        return as_text(hours.opening_intervals(office, APPOINTMENTS, day))

    assert on(d(2027, 5, 31)) == [("09:00", "12:00")]  # Monday before summer
    assert on(d(2027, 6, 1)) == [("10:00", "11:00")]  # first day of summer
    assert on(d(2027, 8, 31)) == [("10:00", "11:00")]  # last day (inclusive)
    assert on(d(2027, 9, 1)) == [("09:00", "12:00")]  # back to year-round


def test_precedence__latest_start_wins__even_with_no_rules_for_the_service():
    office = weekday_office("summer-closed")
    HoursPeriodFactory(
        office=office, name="Summer closure", valid_from=d(2027, 7, 1), valid_until=d(2027, 7, 31)
    )

    assert hours.opening_intervals(office, APPOINTMENTS, d(2027, 7, 15)) == []
    assert hours.opening_intervals(office, APPOINTMENTS, d(2027, 8, 2)) != []


def test_precedence__three_overlapping_periods__the_latest_start_wins():
    office = weekday_office("nested")
    for start, opens in [(d(2027, 6, 1), t(10)), (d(2027, 6, 14), t(13))]:
        period = HoursPeriodFactory(
            office=office, name=f"From {start}", valid_from=start, valid_until=d(2027, 6, 30)
        )
        WeeklyRuleFactory(period=period, weekday=Weekday.WEDNESDAY, opens=opens, closes=t(14))

    def on(day):
        return as_text(hours.opening_intervals(office, APPOINTMENTS, day))

    assert on(d(2027, 6, 9)) == [("10:00", "14:00")]
    assert on(d(2027, 6, 16)) == [("13:00", "14:00")]
    assert on(d(2027, 7, 7)) == [("09:00", "12:00")]


def test_precedence__outside_every_period__closed():
    office = office_with_hours("none-yet", [])
    period = HoursPeriodFactory(
        office=office, name="Pilot", valid_from=d(2027, 2, 1), valid_until=d(2027, 2, 28)
    )
    WeeklyRuleFactory(period=period, weekday=Weekday.MONDAY)
    # office_with_hours gave a year-round period from 2026 without rules: the pilot
    # period (latest start) decides February, the empty one the rest.
    assert hours.opening_intervals(office, APPOINTMENTS, d(2027, 2, 1)) != []
    assert hours.opening_intervals(office, APPOINTMENTS, d(2027, 3, 1)) == []
    assert hours.opening_intervals(office, APPOINTMENTS, d(2025, 2, 3)) == []


def test_opening_hours__range_crossing_a_period_end__uses_each_days_period():
    office = weekday_office("crossing")
    spring = HoursPeriodFactory(
        office=office, name="Spring", valid_from=d(2027, 4, 1), valid_until=d(2027, 4, 30)
    )
    for weekday in MON_TO_FRI:
        WeeklyRuleFactory(period=spring, weekday=weekday, opens=t(8), closes=t(9))

    days = by_date(hours.opening_hours(office, d(2027, 4, 29), d(2027, 5, 3)))

    assert as_text(days[d(2027, 4, 29)].services[APPOINTMENTS]) == [("08:00", "09:00")]
    assert as_text(days[d(2027, 4, 30)].services[APPOINTMENTS]) == [("08:00", "09:00")]
    assert days[d(2027, 5, 1)].services[APPOINTMENTS] == []  # May Day, a Saturday
    assert as_text(days[d(2027, 5, 3)].services[APPOINTMENTS]) == [("09:00", "12:00")]


def test_opening_intervals__service_the_office_does_not_offer__is_empty(tornio):
    assert hours.opening_intervals(tornio, INFO_POINT, d(2027, 1, 11)) == []


# --- Instants ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (helsinki(2027, 1, 7, 11, 59, 59), False),
        (helsinki(2027, 1, 7, 12, 0), True),  # opens: inclusive
        (helsinki(2027, 1, 7, 15, 59, 59), True),
        (helsinki(2027, 1, 7, 16, 0), False),  # closes: exclusive
        (datetime.datetime(2027, 1, 7, 10, 0, tzinfo=UTC), True),  # 12:00 local
        (datetime.datetime(2027, 1, 7, 9, 59, tzinfo=UTC), False),
        (datetime.datetime(2027, 1, 7, 14, 0, tzinfo=UTC), False),  # 16:00 local
        (helsinki(2027, 1, 6, 13, 0), False),  # Wednesday (Epiphany)
        (helsinki(2026, 12, 24, 13, 0), False),  # Thursday, Christmas Eve
    ],
)
def test_is_open__kemi_info_point_edges__opens_inclusive_closes_exclusive(kemi, at, expected):
    assert hours.is_open(kemi, INFO_POINT, at) is expected


def test_is_open__utc_instant_before_midnight_utc__uses_the_local_date():
    office = office_with_hours("night", [(APPOINTMENTS, [Weekday.FRIDAY], t(0), t(2))])
    # Thu 22:30 UTC is Fri 00:30 in Helsinki (winter time).
    at = datetime.datetime(2027, 1, 7, 22, 30, tzinfo=UTC)

    assert hours.is_open(office, APPOINTMENTS, at)
    assert not hours.is_open(office, APPOINTMENTS, helsinki(2027, 1, 7, 0, 30))


@pytest.mark.parametrize(
    ("slug", "service", "after", "expected"),
    [
        # Friday evening -> next Thursday noon at Kemi.
        ("kemi", INFO_POINT, helsinki(2027, 1, 8, 18, 0), helsinki(2027, 1, 14, 12, 0)),
        # Friday evening -> Monday morning for the phone service.
        ("phone", PHONE, helsinki(2026, 12, 4, 17, 0), helsinki(2026, 12, 7, 9, 0)),
        # Christmas: Wed 23rd evening -> Mon 28th.
        ("phone", PHONE, helsinki(2026, 12, 23, 17, 0), helsinki(2026, 12, 28, 9, 0)),
        # Midsummer: Thu 24th after hours -> Mon 28th.
        ("phone", PHONE, helsinki(2027, 6, 24, 16, 30), helsinki(2027, 6, 28, 9, 0)),
        # Easter and DST: Thu 25th after hours -> Tue 30th 09:00 summer time.
        ("phone", PHONE, helsinki(2027, 3, 25, 16, 0), helsinki(2027, 3, 30, 9, 0)),
        # Early the same day -> that morning.
        ("phone", PHONE, helsinki(2026, 12, 4, 0, 30), helsinki(2026, 12, 4, 9, 0)),
        # While open -> the next opening, not the current one.
        ("phone", PHONE, helsinki(2026, 12, 4, 9, 0), helsinki(2026, 12, 7, 9, 0)),
        # Tornio self-service after Tuesday -> next Monday.
        ("tornio", SELF_SERVICE, helsinki(2027, 1, 12, 12, 0), helsinki(2027, 1, 18, 9, 0)),
    ],
)
def test_next_opening__after_closing__finds_the_next_interval(
    offices, slug, service, after, expected
):
    interval = hours.next_opening(offices[slug], service, after)

    assert interval is not None
    assert interval.start == expected
    assert interval.start.utcoffset() == expected.utcoffset()


def test_next_opening__nothing_within_max_days__is_none(kemi):
    assert hours.next_opening(kemi, SELF_SERVICE, helsinki(2027, 1, 8, 18, 0)) is None
    assert hours.next_opening(kemi, INFO_POINT, helsinki(2027, 1, 8, 18, 0), max_days=5) is None


def test_localdate__pinned_clock_after_local_midnight__is_the_helsinki_date(pin_clock):
    pin_clock(helsinki(2026, 12, 5, 0, 30))  # still Dec 4th in UTC

    assert hours.localdate() == d(2026, 12, 5)
    assert hours.localdate(datetime.datetime(2026, 12, 4, 22, 30, tzinfo=UTC)) == d(2026, 12, 5)


def test_local_datetime__is_aware_in_helsinki():
    at = hours.local_datetime(d(2027, 7, 1), t(9))

    assert at.utcoffset() == datetime.timedelta(hours=3)
    assert at == datetime.datetime(2027, 7, 1, 6, 0, tzinfo=UTC)


def test_daterange__inclusive_of_both_ends():
    assert list(hours.daterange(d(2026, 12, 30), d(2027, 1, 2))) == [
        d(2026, 12, 30),
        d(2026, 12, 31),
        d(2027, 1, 1),
        d(2027, 1, 2),
    ]


# --- Query counts ------------------------------------------------------------------------


def _busy_office():
    """An office with several periods and exceptions, so prefetching matters."""
    office = weekday_office("busy")
    for month in (3, 6, 9):
        period = HoursPeriodFactory(
            office=office, name=f"M{month}", valid_from=d(2027, month, 1), valid_until=None
        )
        for weekday in MON_TO_FRI:
            WeeklyRuleFactory(period=period, weekday=weekday)
    for day in (d(2027, 1, 12), d(2027, 2, 2), d(2027, 10, 5)):
        DateExceptionFactory(office=office, date=day)
    return office


@pytest.mark.parametrize("days", [7, 366])
def test_opening_hours__any_range__three_queries(days, django_assert_num_queries):
    office = _busy_office()
    start = d(2027, 1, 1)

    with django_assert_num_queries(3):
        result = hours.opening_hours(office, start, start + datetime.timedelta(days=days - 1))

    assert len(result) == days


def _interval(day, opens, closes):
    return hours.Interval(
        hours.local_datetime(day, datetime.time(*opens)),
        hours.local_datetime(day, datetime.time(*closes)),
    )


def test_divide__from_the_opening__pieces_that_fit_whole():
    pieces = list(hours.divide([_interval(d(2027, 3, 29), (9, 15), (10, 30))], 30))

    assert [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in pieces] == [
        ("09:15", "09:45"),
        ("09:45", "10:15"),
    ]


def test_divide__aligned__pieces_start_on_the_hour_or_half_past():
    pieces = list(hours.divide([_interval(d(2027, 3, 29), (9, 15), (12, 10))], 30, aligned=True))

    assert [f"{s:%H:%M}" for s, _ in pieces] == ["09:30", "10:00", "10:30", "11:00", "11:30"]


def test_divide__the_day_after_dst_starts__local_times_with_summer_offset():
    start, _ = next(hours.divide([_interval(d(2027, 3, 29), (9, 0), (16, 0))], 30, aligned=True))

    assert f"{start:%H:%M %z}" == "09:00 +0300"
