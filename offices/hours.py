"""The time engine: working days and opening hours, in Europe/Helsinki.

This is the one place where dates and local times become aware datetimes. The other
apps ask here; nothing else computes hours or working days.

Local time
    ``local_timezone()``, ``localdate(at)``, ``localtime(at)``, ``local_datetime(day,
    time)``, ``day_bounds(day)`` (local midnight to midnight as aware instants),
    ``parse_date(text)`` for every date that comes from a user.
Writing dates and times (one style per language, ``offices/formats``)
    ``format_date(value)`` "ti 1.12.2026" / "Tue 1 Dec 2026", ``format_time(value)``
    "9.00" / "9:00", ``format_time_range(start, end)`` "9.00–12.00",
    ``format_datetime(at)`` "ti 1.12.2026 9.00", ``format_when(start, end)``
    "ti 1.12.2026 9.00–9.30".
Working days
    ``is_working_day(day)``, ``next_working_day(day)``, ``holiday_name(day)``.
Opening hours
    ``opening_hours(office, start, end)`` -> one ``DayHours`` per date (bulk: a fixed
    number of queries for any range), ``opening_intervals(office, service, day)``,
    ``service_status(days, service, at)`` (open now / next opening, on loaded hours),
    ``is_open(office, service, at)``, ``next_opening(office, service, after)``.

Precedence on a date, for one service (most specific first):
    1. a closed exception for that service -> closed;
    2. special-hours exceptions for that service -> those hours (they also open a
       public holiday);
    3. a closed exception for the whole office -> closed;
    4. a public holiday -> closed;
    5. the weekly rules of the period that covers the date (latest start wins).
"""

import datetime
import functools
import math
import zoneinfo
from dataclasses import dataclass, field

import holidays
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language

from .models import DateException, HoursPeriod, ServiceKind

# holidays' language codes for ours.
HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def local_timezone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_datetime(day, time):
    """The aware datetime of a local wall-clock ``time`` on ``day`` (DST-safe)."""
    return datetime.datetime.combine(day, time, tzinfo=local_timezone())


def localdate(at=None):
    """Today's local date (or that of the instant ``at``)."""
    return timezone.localdate(at, timezone=local_timezone())


def localtime(at=None):
    """The aware instant ``at`` (default: now) on the local wall clock."""
    return timezone.localtime(at, local_timezone())


def day_bounds(first, last=None):
    """The aware instants of local midnight at the start of ``first`` and at the end of
    ``last`` (default: the same day): a day is [start, end) whatever DST does."""
    last = last or first
    return (
        local_datetime(first, datetime.time.min),
        local_datetime(last + datetime.timedelta(days=1), datetime.time.min),
    )


# Dates outside these years are input errors (and near year 1 or 9999 the aware
# datetimes of a day overflow).
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_date(value):
    """A date from user input as YYYY-MM-DD, or None if it is not one or lies outside
    MIN_YEAR..MAX_YEAR. Use it for every date that comes from a URL or a form."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


# --- Writing dates and times ------------------------------------------------------


def format_date(value):
    """A date (or an aware instant's local date) in the active language's one style."""
    if isinstance(value, datetime.datetime):
        value = localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def format_time(value):
    """A local wall-clock time, or an aware instant's local time: 9.00 / 9:00."""
    if isinstance(value, datetime.datetime):
        value = localtime(value)
    return formats.time_format(value, "TIME_FORMAT")


def format_time_range(start, end):
    """ "9.00–12.00" (times or aware instants)."""
    return f"{format_time(start)}–{format_time(end)}"


def format_datetime(at):
    """An aware instant's local date and time: "ti 1.12.2026 9.00"."""
    return f"{format_date(at)} {format_time(at)}"


def format_when(start, end):
    """The date and time range of an appointment or window: "ti 1.12.2026 9.00–9.30"."""
    return f"{format_date(start)} {format_time_range(start, end)}"


# --- Working days ------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _finnish_holidays(year, language):
    return holidays.Finland(years=year, language=language)


def holiday_name(day, language=None):
    """The name of the Finnish public holiday on ``day`` in ``language``, or None."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    calendar = _finnish_holidays(day.year, HOLIDAY_LANGUAGES.get(language, "fi"))
    return calendar.get(day)


def is_holiday(day):
    return day in _finnish_holidays(day.year, "fi")


def is_working_day(day):
    """Monday to Friday and not a Finnish public holiday (Christmas Eve and
    Midsummer Eve count as holidays)."""
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day, *, include_today=False):
    """The first working day after ``day`` (or ``day`` itself, with include_today)."""
    if not include_today:
        day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


# --- Opening hours -----------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Interval:
    """An opening interval as aware datetimes."""

    start: datetime.datetime
    end: datetime.datetime

    def contains(self, at):
        return self.start <= at < self.end

    @property
    def opens(self):
        """Local opening time as HH:MM, the API's machine format (pages write
        ``format_time``)."""
        return f"{localtime(self.start):%H:%M}"

    @property
    def closes(self):
        return f"{localtime(self.end):%H:%M}"


@dataclass
class DayHours:
    """The hours of every service of one office on one date."""

    date: datetime.date
    working_day: bool
    holiday: str | None
    services: dict[str, list[Interval]] = field(default_factory=dict)
    # Reasons of the exceptions that apply to this date, for display.
    exceptions: list[str] = field(default_factory=list)

    def is_closed(self, service=None):
        if service is not None:
            return not self.services.get(service)
        return not any(self.services.values())


class _OfficeHours:
    """The rows that decide an office's hours in a date range: its ``periods`` and its
    ``exceptions`` by date, as ``opening_hours_of`` loads them."""

    def __init__(self, office, periods, exceptions):
        self.office = office
        self.periods, self.exceptions = periods, exceptions
        self.service_kinds = offered_services(office, self.periods, self.exceptions)

    def period_for(self, day):
        return next((p for p in self.periods if p.covers(day)), None)

    def day(self, day, language=None):
        holiday = holiday_name(day, language)
        exceptions = self.exceptions.get(day, [])
        period = self.period_for(day)
        services = {}
        for service in self.service_kinds:
            services[service] = self._intervals(day, service, period, holiday, exceptions)
        return DayHours(
            date=day,
            working_day=is_working_day(day),
            holiday=holiday,
            services=services,
            exceptions=[e.reason for e in exceptions],
        )

    @staticmethod
    def _intervals(day, service, period, holiday, exceptions):
        own = [e for e in exceptions if e.service == service]
        if any(e.closed for e in own):
            return []
        special = sorted((e.opens, e.closes) for e in own if not e.closed)
        if special:
            times = special
        elif (
            any(e.closed and not e.service for e in exceptions)
            or holiday is not None
            or period is None
        ):
            return []
        else:
            times = sorted(
                (r.opens, r.closes)
                for r in period.rules.all()
                if r.service == service and r.weekday == day.weekday()
            )
        return [
            Interval(local_datetime(day, opens), local_datetime(day, closes))
            for opens, closes in times
        ]


def offered_services(office, periods=None, exceptions=None):
    """The kinds of service an office has hours for, in ``ServiceKind`` order."""
    if periods is None:
        periods = office.periods.prefetch_related("rules")
    kinds = {rule.service for period in periods for rule in period.rules.all()}
    for day_exceptions in (exceptions or {}).values():
        kinds.update(e.service for e in day_exceptions if not e.closed)
    return [kind for kind in ServiceKind.values if kind in kinds]


def divide(intervals, minutes, *, aligned=False):
    """(start, end) of each consecutive piece of ``minutes`` that fits whole in the
    opening ``intervals``. With ``aligned`` the pieces start at whole multiples of
    ``minutes`` past local midnight (09:00, 09:30, ... for 30), else at the opening."""
    length = datetime.timedelta(minutes=minutes)
    for interval in intervals:
        start = interval.start
        if aligned:
            local = localtime(start)
            past_midnight = local.hour * 60 + local.minute + bool(local.second or local.microsecond)
            first = math.ceil(past_midnight / minutes) * minutes
            if first >= 24 * 60:
                continue
            start = local_datetime(local.date(), datetime.time(first // 60, first % 60))
        while start + length <= interval.end:
            yield start, start + length
            start += length


def daterange(start, end):
    """Dates from ``start`` to ``end`` inclusive."""
    for offset in range((end - start).days + 1):
        yield start + datetime.timedelta(days=offset)


def opening_hours_of(offices, start, end, *, language=None):
    """``opening_hours`` of each of ``offices`` in three queries, however many:
    {office pk: an iterator of its ``DayHours`` from ``start`` to ``end``, each day
    worked out when asked for}."""
    offices = list(offices)
    periods, exceptions = {}, {}
    for period in (
        HoursPeriod.objects.filter(office__in=offices, valid_from__lte=end)
        .not_over(start)
        .prefetch_related("rules")
        .order_by("-valid_from", "-pk")
    ):
        periods.setdefault(period.office_id, []).append(period)
    for exception in DateException.objects.filter(office__in=offices).between(start, end):
        exceptions.setdefault(exception.office_id, {}).setdefault(exception.date, []).append(
            exception
        )
    return {
        office.pk: _days(
            _OfficeHours(office, periods.get(office.pk, []), exceptions.get(office.pk, {})),
            start,
            end,
            language,
        )
        for office in offices
    }


def _days(source, start, end, language):
    for day in daterange(start, end):
        yield source.day(day, language)


def opening_hours(office, start, end=None, *, language=None):
    """A ``DayHours`` for each date from ``start`` to ``end`` (inclusive)."""
    return list(opening_hours_of([office], start, end or start, language=language)[office.pk])


def opening_intervals(office, service, day):
    """The opening intervals of ``service`` at ``office`` on ``day``."""
    return opening_hours(office, day)[0].services.get(service, [])


@dataclass(frozen=True)
class ServiceStatus:
    """Open now (the interval that holds the instant) and the next opening after it."""

    open_now: Interval | None
    next: Interval | None


def service_status(days, service, at):
    """The ``ServiceStatus`` of ``service`` at the instant ``at``, from loaded
    ``DayHours`` (``opening_hours``); the next opening is looked for within them."""
    intervals = [i for day in days for i in day.services.get(service, [])]
    return ServiceStatus(
        open_now=next((i for i in intervals if i.contains(at)), None),
        next=next((i for i in intervals if i.start > at), None),
    )


def is_open(office, service, at):
    """Whether ``service`` at ``office`` is open at the aware instant ``at``."""
    return service_status(opening_hours(office, localdate(at)), service, at).open_now is not None


def next_opening(office, service, after, *, max_days=62):
    """The first interval of ``service`` that starts after the instant ``after``,
    looking ``max_days`` ahead; None if there is none."""
    start = localdate(after)
    days = opening_hours(office, start, start + datetime.timedelta(days=max_days))
    return service_status(days, service, after).next
