"""What each service of an office is, for the citizens' pages: its mode (by appointment,
walk-in, self-service, by phone), its weekly days and hours, and the staff's description.

The mode follows from which services have hours, never from copy: an office with an
info point serves walk-in customers; one with only appointment hours serves by
appointment only; self-service computers need no appointment; the phone service is
by phone.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from . import hours
from .models import HoursPeriod, ServiceDescription, ServiceKind, WeeklyRule


class Mode:
    APPOINTMENT, WALK_IN, SELF_SERVICE, PHONE = "appointment", "walk_in", "self_service", "phone"
    LABELS = {
        APPOINTMENT: _("By appointment"),
        WALK_IN: _("Walk-in, no appointment needed"),
        SELF_SERVICE: _("On your own, no appointment needed"),
        PHONE: _("By phone"),
    }


MODES = {
    ServiceKind.APPOINTMENTS: Mode.APPOINTMENT,
    ServiceKind.INFO_POINT: Mode.WALK_IN,
    ServiceKind.SELF_SERVICE: Mode.SELF_SERVICE,
    ServiceKind.PHONE: Mode.PHONE,
}
# The order services are told in: the ways in without a booking first.
ORDER = [
    ServiceKind.INFO_POINT,
    ServiceKind.PHONE,
    ServiceKind.APPOINTMENTS,
    ServiceKind.SELF_SERVICE,
]
# A Monday: the written weekday names come from the dates of its week.
_A_MONDAY = datetime.date(2024, 1, 1)


@dataclass
class Service:
    kind: str
    mode: str
    days: str  # "ma–ti 9.00–12.00" in the active language's written style
    description: str

    @property
    def label(self):
        return ServiceKind(self.kind).label

    @property
    def mode_label(self):
        return Mode.LABELS[self.mode]

    @property
    def walk_in(self):
        """May a citizen come without a booked time?"""
        return self.mode in (Mode.WALK_IN, Mode.SELF_SERVICE)


@dataclass
class OfficeServices:
    office: object
    services: list

    @property
    def kinds(self):
        return [service.kind for service in self.services]

    @property
    def appointment_only(self):
        """Experts meet only booked customers: appointment hours and no info point."""
        return (
            not self.office.is_phone_service
            and ServiceKind.APPOINTMENTS in self.kinds
            and ServiceKind.INFO_POINT not in self.kinds
        )

    def get(self, kind):
        return next((service for service in self.services if service.kind == kind), None)


def _weekday(number):
    return dateformat.format(_A_MONDAY + datetime.timedelta(days=number), "D")


def weekly_text(rules):
    """ "ma–ti 9.00–12.00, to 13.00–15.00" of weekly rules (weekday, opens, closes):
    consecutive weekdays with the same hours are joined."""
    by_day = {}
    for weekday, opens, closes in sorted(rules):
        by_day.setdefault(weekday, []).append((opens, closes))
    runs = []
    for weekday in sorted(by_day):
        times = tuple(by_day[weekday])
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == times:
            runs[-1][1] = weekday
        else:
            runs.append([weekday, weekday, times])
    parts = []
    for first, last, times in runs:
        days = _weekday(first) if first == last else f"{_weekday(first)}–{_weekday(last)}"
        ranges = ", ".join(hours.format_time_range(opens, closes) for opens, closes in times)
        parts.append(f"{days} {ranges}")
    return ", ".join(parts)


def _current_periods(offices, today):
    """{office id: the period in force today, or else the next one to start}."""
    periods = (
        HoursPeriod.objects.filter(office__in=offices)
        .not_over(today)
        .order_by("office_id", "-valid_from", "-pk")
    )
    chosen = {}
    for office_id, group in groupby(periods, key=lambda period: period.office_id):
        group = list(group)
        current = [period for period in group if period.valid_from <= today]
        chosen[office_id] = current[0] if current else group[-1]
    return chosen


def office_services(offices, today=None):
    """[OfficeServices] of ``offices`` in order: each kind of service with hours in the
    period in force (in ``ORDER``), its mode, days and description.
    Three queries whatever the number of offices."""
    offices = list(offices)
    today = today or hours.localdate()
    periods = _current_periods(offices, today)
    rules = {}
    for rule in WeeklyRule.objects.filter(period__in=periods.values()):
        rules.setdefault((rule.period_id, rule.service), []).append(
            (rule.weekday, rule.opens, rule.closes)
        )
    descriptions = {
        (description.office_id, description.service): description.text
        for description in ServiceDescription.objects.filter(office__in=offices)
    }
    result = []
    for office in offices:
        period = periods.get(office.pk)
        services = [
            Service(
                kind=kind,
                mode=MODES[kind],
                days=weekly_text(rules[(period.pk, kind)]),
                description=descriptions.get((office.pk, kind), ""),
            )
            for kind in ORDER
            if period is not None and (period.pk, kind) in rules
        ]
        result.append(OfficeServices(office=office, services=services))
    return result
