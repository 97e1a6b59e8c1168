"""Service statistics: the figures of one office (or the phone service) per day, each
from a fixed number of aggregate queries whatever the number of rows.

Per day (the local day of the appointment, of the callback window, of the visit's
arrival, of the oral application):

- appointments by source (web, phone staff, desk), arrived, no-show;
- callback requests (phone service): requested (not cancelled), first called within
  the window (the 30-minute promise), and the share of those that had their window
  end, overdue now;
- desk visits by outcome, and the median wait from arrival to being called;
- oral applications per channel.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from appointments.models import Appointment
from callbacks.models import CallbackRequest
from desk.models import OralApplication, Visit
from offices import hours
from offices.models import Office

SOURCES = [source.value for source in Appointment.Source]
OUTCOMES = [outcome.value for outcome in Visit.Outcome]


@dataclass
class Day:
    day: datetime.date
    booked: dict = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    arrived: int = 0
    no_show: int = 0
    callbacks: int = 0
    callbacks_due: int = 0  # windows that have ended, or were called already
    callbacks_in_time: int = 0
    callbacks_overdue: int = 0
    visits: dict = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    waits: list = field(default_factory=list)  # minutes, of visits called
    oral: dict = field(default_factory=lambda: dict.fromkeys(OralApplication.Channel.values, 0))

    @property
    def appointments(self):
        return sum(self.booked.values())

    @property
    def in_time_percent(self):
        """Called within the window, of the requests whose window has ended (or that
        were called): None when there are none."""
        if not self.callbacks_due:
            return None
        return round(100 * self.callbacks_in_time / self.callbacks_due, 1)

    @property
    def visit_count(self):
        return sum(self.visits.values())

    @property
    def median_wait(self):
        return statistics.median(self.waits) if self.waits else None

    @property
    def oral_count(self):
        return sum(self.oral.values())


def _local_day(expression):
    return TruncDate(expression, tzinfo=hours.local_timezone())


def office_figures(office, start, end, *, now=None):
    """[Day] for start..end (inclusive) of ``office``."""
    now = now or timezone.now()
    days = {
        start + datetime.timedelta(n): Day(start + datetime.timedelta(n))
        for n in range((end - start).days + 1)
    }
    first, last = hours.day_bounds(start, end)

    appointments = (
        Appointment.objects.filter(
            slot__office=office, slot__starts_at__gte=first, slot__starts_at__lt=last
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .annotate(day=_local_day("slot__starts_at"))
        .values("day", "source")
        .annotate(
            count=Count("pk"),
            arrived=Count("pk", filter=Q(status__in=["arrived", "done"])),
            no_show=Count("pk", filter=Q(status="no_show")),
        )
    )
    for row in appointments:
        day = days[row["day"]]
        day.booked[row["source"]] += row["count"]
        day.arrived += row["arrived"]
        day.no_show += row["no_show"]

    if office.kind == Office.Kind.PHONE_SERVICE:
        callbacks = (
            CallbackRequest.objects.between(first, last)
            .exclude(status=CallbackRequest.Status.CANCELLED)
            .with_promise(now)
            .annotate(day=_local_day("window_start"))
            .values("day")
            .annotate(
                count=Count("pk"),
                due=Count("pk", filter=Q(called_in_time=True) | Q(called_late=True)),
                in_time=Count("pk", filter=Q(called_in_time=True)),
                overdue=Count(
                    "pk",
                    filter=Q(status__in=CallbackRequest.OPEN_STATUSES, window_end__lt=now),
                ),
            )
        )
        for row in callbacks:
            day = days[row["day"]]
            day.callbacks = row["count"]
            day.callbacks_due = row["due"]
            day.callbacks_in_time = row["in_time"]
            day.callbacks_overdue = row["overdue"]

    visits = (
        Visit.objects.at(office)
        .filter(arrived_at__gte=first, arrived_at__lt=last)
        .annotate(day=_local_day("arrived_at"))
        .values_list("day", "outcome", "arrived_at", "called_at")
    )
    for day_, outcome, arrived_at, called_at in visits:
        day = days[day_]
        if outcome:
            day.visits[outcome] += 1
        if called_at is not None:
            day.waits.append((called_at - arrived_at).total_seconds() / 60)

    oral = (
        OralApplication.objects.filter(office=office, taken_on__range=(start, end))
        .values("taken_on", "channel")
        .annotate(count=Count("pk"))
    )
    for row in oral:
        days[row["taken_on"]].oral[row["channel"]] += row["count"]
    return list(days.values())


def total(days):
    """The figures of ``days`` together (a week)."""
    whole = Day(days[0].day)
    for day in days:
        for source, count in day.booked.items():
            whole.booked[source] += count
        for outcome, count in day.visits.items():
            whole.visits[outcome] += count
        for channel, count in day.oral.items():
            whole.oral[channel] += count
        whole.waits += day.waits
        for name in (
            "arrived",
            "no_show",
            "callbacks",
            "callbacks_due",
            "callbacks_in_time",
            "callbacks_overdue",
        ):
            setattr(whole, name, getattr(whole, name) + getattr(day, name))
    return whole
