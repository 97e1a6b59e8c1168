"""The time engine: working days and opening hours, in Europe/Helsinki.

This is the one place where dates and local times become aware datetimes. The other
apps ask here; nothing else computes hours or working days.

Working days
    ``is_working_day(day)``, ``next_working_day(day)``, ``holiday_name(day)``.
Opening hours
    ``opening_hours(office, start, end)`` -> one ``DayHours`` per date (bulk: a fixed
    number of queries for any range), ``opening_intervals(office, service, day)``,
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
from django.utils import timezone
from django.utils.translation import get_language

from .models import DateException, HoursPeriod, Office, ServiceKind

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
        """Local opening time as HH:MM."""
        return f"{timezone.localtime(self.start, local_timezone()):%H:%M}"

    @property
    def closes(self):
        return f"{timezone.localtime(self.end, local_timezone()):%H:%M}"


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
    """The rows that decide an office's hours in a date range, loaded in two queries."""

    def __init__(self, office, start, end):
        self.office = office
        self.periods = list(
            HoursPeriod.objects.filter(office=office, valid_from__lte=end)
            .exclude(valid_until__lt=start)
            .prefetch_related("rules")
            .order_by("-valid_from", "-pk")
        )
        self.exceptions = {}
        for exception in DateException.objects.filter(office=office).between(start, end):
            self.exceptions.setdefault(exception.date, []).append(exception)
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
            working_day=day.weekday() < 5 and holiday is None,
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
            local = timezone.localtime(start, local_timezone())
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


def opening_hours(office, start, end=None, *, language=None):
    """A ``DayHours`` for each date from ``start`` to ``end`` (inclusive)."""
    end = end or start
    source = _OfficeHours(office, start, end)
    return [source.day(day, language) for day in daterange(start, end)]


def opening_intervals(office, service, day):
    """The opening intervals of ``service`` at ``office`` on ``day``."""
    return opening_hours(office, day)[0].services.get(service, [])


def is_open(office, service, at):
    """Whether ``service`` at ``office`` is open at the aware instant ``at``."""
    day = localdate(at)
    return any(interval.contains(at) for interval in opening_intervals(office, service, day))


def next_opening(office, service, after, *, max_days=62):
    """The first interval of ``service`` that starts after the instant ``after``,
    looking ``max_days`` ahead; None if there is none."""
    start = localdate(after)
    for day_hours in opening_hours(office, start, start + datetime.timedelta(days=max_days)):
        for interval in day_hours.services.get(service, []):
            if interval.start > after:
                return interval
    return None


def phone_service():
    """The phone-service office (the channel other apps book phone time on)."""
    return Office.objects.phone_service()
