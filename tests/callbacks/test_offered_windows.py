"""Which days and windows are offered, with a pinned clock (DOMAIN.md worked examples
and the edges of issue 4)."""

import datetime

import pytest

from callbacks import rules
from offices.models import DateException, ServiceKind
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

ALL_DAY = [f"{h:02d}:{m:02d}" for h in range(9, 16) for m in (0, 30)]  # 09:00 ... 15:30


def offered(now=None):
    """{date: ["HH:MM", ...]} of the windows offered now (local times)."""
    return {
        day.date: [f"{w.start.astimezone(helsinki(2026, 1, 1).tzinfo):%H:%M}" for w in day.windows]
        for day in rules.offered_windows(now)
    }


def from_(first):
    return ALL_DAY[ALL_DAY.index(first) :]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Fri 14:00: today 14:30, 15:00, 15:30; then Monday (Sun 12-06 Independence Day).
        (
            helsinki(2026, 12, 4, 14, 0),
            {
                datetime.date(2026, 12, 4): ["14:30", "15:00", "15:30"],
                datetime.date(2026, 12, 7): ALL_DAY,
            },
        ),
        # Wed 12-23 17:00: today is over; 24th-26th are holidays, 27th a Sunday.
        (helsinki(2026, 12, 23, 17, 0), {datetime.date(2026, 12, 28): ALL_DAY}),
        # Thu 03-25 10:00: Good Friday and Easter Monday skipped; DST starts 03-28.
        (
            helsinki(2027, 3, 25, 10, 0),
            {datetime.date(2027, 3, 25): from_("10:30"), datetime.date(2027, 3, 30): ALL_DAY},
        ),
        # Saturday: only the next working day.
        (helsinki(2026, 11, 28, 12, 0), {datetime.date(2026, 11, 30): ALL_DAY}),
        # Thu 06-24 16:30: Midsummer Eve Fri 06-25 is a holiday.
        (helsinki(2027, 6, 24, 16, 30), {datetime.date(2027, 6, 28): ALL_DAY}),
    ],
    ids=["fri-14", "wed-before-christmas-17", "thu-before-easter", "saturday", "midsummer"],
)
def test_offered_windows__domain_worked_examples(offices, pin_clock, now, expected):
    pin_clock(now)
    assert offered() == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 08:59 on a working day: 09:00 is 1 minute away (< 15), so 09:30 is the first.
        (
            helsinki(2026, 12, 2, 8, 59),
            {datetime.date(2026, 12, 2): from_("09:30"), datetime.date(2026, 12, 3): ALL_DAY},
        ),
        # 08:45 exactly: 09:00 is exactly the lead time away, so it is offered.
        (
            helsinki(2026, 12, 2, 8, 45),
            {datetime.date(2026, 12, 2): ALL_DAY, datetime.date(2026, 12, 3): ALL_DAY},
        ),
        # 15:15: the last window 15:30 is still offered.
        (
            helsinki(2026, 12, 2, 15, 15),
            {datetime.date(2026, 12, 2): ["15:30"], datetime.date(2026, 12, 3): ALL_DAY},
        ),
        # 15:16: nothing left today.
        (helsinki(2026, 12, 2, 15, 16), {datetime.date(2026, 12, 3): ALL_DAY}),
        # Friday after 15:15: only Monday.
        (helsinki(2026, 12, 11, 15, 20), {datetime.date(2026, 12, 14): ALL_DAY}),
        # 00:30 local (22:30 UTC the day before): today's date is the local one.
        (
            helsinki(2026, 12, 2, 0, 30),
            {datetime.date(2026, 12, 2): ALL_DAY, datetime.date(2026, 12, 3): ALL_DAY},
        ),
        # Eve of a holiday, during the day: today, then the day after the holidays.
        (
            helsinki(2026, 12, 23, 10, 0),
            {datetime.date(2026, 12, 23): from_("10:30"), datetime.date(2026, 12, 28): ALL_DAY},
        ),
        # Sunday of the spring DST change (03-28-2027), Easter Monday follows.
        (helsinki(2027, 3, 28, 12, 0), {datetime.date(2027, 3, 30): ALL_DAY}),
        # Sunday of the autumn DST change.
        (helsinki(2026, 10, 25, 3, 30), {datetime.date(2026, 10, 26): ALL_DAY}),
        # Sunday of the spring DST change in 2026.
        (helsinki(2026, 3, 29, 12, 0), {datetime.date(2026, 3, 30): ALL_DAY}),
    ],
    ids=[
        "0859",
        "0845",
        "1515",
        "1516",
        "friday-after-1515",
        "0030-local",
        "holiday-eve",
        "dst-spring-2027",
        "dst-autumn-2026",
        "dst-spring-2026",
    ],
)
def test_offered_windows__edges(offices, pin_clock, now, expected):
    pin_clock(now)
    assert offered() == expected


def test_offered_windows__after_dst_change__start_at_local_nine(offices, pin_clock):
    pin_clock(helsinki(2026, 10, 23, 17, 0))  # Friday, summer time (+03:00)
    (monday,) = rules.offered_windows()
    assert monday.date == datetime.date(2026, 10, 26)
    first = monday.windows[0].start
    assert first.utcoffset() == datetime.timedelta(hours=2)
    assert (first.hour, first.minute) == (9, 0)
    assert first == datetime.datetime(2026, 10, 26, 7, 0, tzinfo=datetime.UTC)


def test_offered_windows__next_working_day_closed_by_phone_exception__the_next_open_day_instead(
    offices, pin_clock
):
    DateException.objects.create(
        office=offices["phone"],
        date=datetime.date(2026, 12, 7),
        service=ServiceKind.PHONE,
        closed=True,
        reason="Koulutus",
    )
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    assert offered() == {
        datetime.date(2026, 12, 4): ["14:30", "15:00", "15:30"],
        datetime.date(2026, 12, 8): ALL_DAY,
    }
    (closed,) = rules.callback_days().closed
    assert (closed.date, closed.exceptions) == (datetime.date(2026, 12, 7), ["Koulutus"])


def test_offered_windows__domain_example_friday_1520_monday_closed__tuesday_only(
    offices, pin_clock
):
    # DOMAIN.md: Fri 2027-01-15 15:20, phone service closed Mon 01-18 -> Tue 01-19 only.
    DateException.objects.create(
        office=offices["phone"], date=datetime.date(2027, 1, 18), closed=True, reason="Huolto"
    )
    pin_clock(helsinki(2027, 1, 15, 15, 20))
    assert offered() == {datetime.date(2027, 1, 19): ALL_DAY}


def test_offered_windows__two_closed_days_in_a_row__both_passed_over(offices, pin_clock):
    for day in (7, 8):
        DateException.objects.create(
            office=offices["phone"],
            date=datetime.date(2026, 12, day),
            service=ServiceKind.PHONE,
            closed=True,
            reason="Koulutus",
        )
    pin_clock(helsinki(2026, 12, 4, 16, 30))
    assert offered() == {datetime.date(2026, 12, 9): ALL_DAY}
    assert [day.date.day for day in rules.callback_days().closed] == [7, 8]


def test_offered_windows__today_closed_by_whole_office_exception__offers_next_day(
    offices, pin_clock
):
    DateException.objects.create(
        office=offices["phone"], date=datetime.date(2026, 12, 2), closed=True, reason="Huolto"
    )
    pin_clock(helsinki(2026, 12, 2, 10, 0))
    assert offered() == {datetime.date(2026, 12, 3): ALL_DAY}


def test_offered_windows__short_hours_exception__only_windows_that_fit(offices, pin_clock):
    DateException.objects.create(
        office=offices["phone"],
        date=datetime.date(2026, 12, 3),
        service=ServiceKind.PHONE,
        closed=False,
        opens=datetime.time(9, 15),
        closes=datetime.time(12, 10),
        reason="Henkilöstökoulutus",
    )
    pin_clock(helsinki(2026, 12, 2, 16, 0))
    assert offered() == {datetime.date(2026, 12, 3): ["09:30", "10:00", "10:30", "11:00", "11:30"]}


def test_offered_windows__full_window__not_offered_and_remaining_counts_down(
    offices, pin_clock, make_callback, settings
):
    settings.CALLBACK_WINDOW_CAPACITY = 2
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    make_callback(helsinki(2026, 12, 4, 15, 0))
    today = rules.offered_windows()[0]
    assert [(f"{w.start:%H:%M}", w.remaining) for w in today.windows] == [
        ("14:30", 2),
        ("15:00", 1),
        ("15:30", 2),
    ]
    make_callback(helsinki(2026, 12, 4, 15, 0))
    assert offered()[datetime.date(2026, 12, 4)] == ["14:30", "15:30"]


def test_offered_windows__cancelled_request__frees_its_place(
    offices, pin_clock, make_callback, settings
):
    settings.CALLBACK_WINDOW_CAPACITY = 1
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    assert "15:00" not in offered()[datetime.date(2026, 12, 4)]
    rules.callback_cancel(callback=callback)
    assert "15:00" in offered()[datetime.date(2026, 12, 4)]


def test_offered_windows__lead_time_setting__is_used(offices, pin_clock, settings):
    settings.CALLBACK_LEAD_MINUTES = 60
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    assert offered()[datetime.date(2026, 12, 4)] == ["15:00", "15:30"]


def test_offered_windows__no_phone_service__offers_nothing(db, pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    assert rules.offered_windows() == []


def test_offered_days__saturday__is_only_the_next_working_day(offices):
    assert rules.offered_days(helsinki(2026, 11, 28, 12, 0)) == [datetime.date(2026, 11, 30)]
