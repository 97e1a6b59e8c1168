"""The desk's decisions, each in one place: which offices have a desk, who is called
next, and how a visit ends."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices import hours
from offices.errors import ErrorCatalogue
from offices.models import HoursPeriod, Office, ServiceKind, WeeklyRule

from .models import OralApplication, Visit

CLOSED = "closed"
NOBODY_WAITING = "nobody_waiting"
ALREADY_ENDED = "already_ended"

error = ErrorCatalogue(
    {
        CLOSED: _("The info point is closed now. It opens next %(next)s."),
        NOBODY_WAITING: _("Nobody is waiting."),
        ALREADY_ENDED: _("This visit has already ended."),
    }
)


def has_desk(office, today=None):
    """Whether ``office`` serves walk-in customers at an info point: the weekly hours of
    a period not yet over (in force, or to come) have one."""
    return office.pk in offices_with_desk([office], today)


def offices_with_desk(offices, today=None):
    """The pks of those of ``offices`` that have a desk (``has_desk``): one query."""
    offices = [office for office in offices if office.kind != Office.Kind.PHONE_SERVICE]
    if not offices:
        return set()
    periods = HoursPeriod.objects.filter(office__in=offices).not_over(today or hours.localdate())
    return set(
        WeeklyRule.objects.filter(period__in=periods, service=ServiceKind.INFO_POINT)
        .values_list("period__office_id", flat=True)
        .distinct()
    )


def desk_open(office, now=None):
    """None when the info point is open at ``now``, else the ``CLOSED`` error saying
    when it opens next."""
    now = now or timezone.now()
    today = hours.localdate(now)
    days = hours.opening_hours(office, today, today + datetime.timedelta(days=31))
    status = hours.service_status(days, ServiceKind.INFO_POINT, now)
    if status.open_now is not None:
        return None
    opening = hours.format_datetime(status.next.start) if status.next else "–"
    return error(CLOSED, next=opening)


def visit_register(*, office, topic, name="", now=None):
    """A walk-in customer joins the queue (the info point must be open)."""
    now = now or timezone.now()
    if problem := desk_open(office, now):
        raise problem
    visit = Visit(office=office, topic=topic, name=name, arrived_at=now)
    visit.full_clean()
    visit.save()
    return visit


def visit_call_next(*, office, user, now=None):
    """Give ``user`` the customer who has waited longest. Two members of staff calling
    at once get different customers: the row is taken with a conditional UPDATE, and a
    lost race tries the next one."""
    now = now or timezone.now()
    for visit_id in (
        Visit.objects.at(office)
        .waiting()
        .order_by("arrived_at", "pk")
        .values_list("pk", flat=True)[:20]
    ):
        taken = Visit.objects.filter(pk=visit_id, called_at__isnull=True).update(
            called_at=now, served_by=user
        )
        if taken:
            return Visit.objects.get(pk=visit_id)
    raise error(NOBODY_WAITING)


@transaction.atomic
def visit_finish(visit, *, outcome, user, oral_application=None, now=None):
    """End ``visit`` with ``outcome``; an oral application (a dict of ``topic`` and
    ``case_reference``) is recorded with it, in the same transaction."""
    now = now or timezone.now()
    finished = Visit.objects.filter(pk=visit.pk, finished_at__isnull=True).update(
        finished_at=now, outcome=outcome, called_at=visit.called_at or now
    )
    if not finished:
        raise error(ALREADY_ENDED)
    if outcome == Visit.Outcome.ORAL_APPLICATION:
        application = OralApplication(
            office=visit.office,
            channel=OralApplication.Channel.DESK,
            taken_on=hours.localdate(now),
            taken_by=user,
            visit=visit,
            **oral_application,
        )
        application.full_clean()
        application.save()
    visit.refresh_from_db()
    return visit


def visits_purge(*, before):
    """Blank the names of visits that arrived before ``before``: the count stays."""
    return (
        Visit.objects.filter(arrived_at__lt=before, anonymised_at__isnull=True)
        .exclude(name="")
        .update(name="", anonymised_at=timezone.now())
    )
