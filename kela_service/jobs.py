"""The periodic jobs: one registry for the task queue's schedules and for
``manage.py housekeeping``.

Each job is a small wrapper here around an app's own function, so that the apps can
change inside without the schedules (rows in django-q2's Schedule table that name these
wrappers by dotted path) changing. Every job is idempotent and safe to run on several
machines at once: running it twice, or late, does no harm.

``schedules_ensure()`` creates or updates the schedules from ``JOBS`` (after every
``migrate``, and from ``housekeeping``), so no data migration or fixture holds them.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from access.records import records_purge
from accounts.housekeeping import door_purge
from appointments.reminders import reminders_send
from appointments.rules import appointments_purge, links_forget, slots_reconcile_horizon
from callbacks.rules import callbacks_expire, callbacks_follow_hours, callbacks_purge
from citizens.callcodes import attempts_purge as identify_attempts_purge
from citizens.callcodes import codes_purge as call_codes_purge
from citizens.rules import codes_purge as sms_codes_purge
from desk.rules import visits_purge
from notifications.outbox import deliver_due, messages_purge
from offices import hours


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # dotted path of a function without arguments
    minutes: int | None = None  # how often the worker runs it; None: HOUSEKEEPING_MINUTES

    @property
    def every(self):
        return self.minutes or settings.HOUSEKEEPING_MINUTES


JOBS = [
    Job("Deliver notifications", "kela_service.jobs.deliver_notifications", minutes=1),
    Job("Follow the hours", "kela_service.jobs.follow_hours"),
    Job("Send appointment reminders", "kela_service.jobs.send_reminders"),
    Job("Expire lapsed callback requests", "kela_service.jobs.expire_callbacks"),
    Job("Purge personal data", "kela_service.jobs.purge_personal_data"),
    Job("Purge the access record", "kela_service.jobs.purge_access_record", minutes=24 * 60),
    Job("Purge codes and login traces", "kela_service.jobs.purge_codes_and_traces", minutes=60),
]
# How long the one-time codes are kept: an SMS code counts against pumping for an hour,
# a call code for its local day.
SMS_CODE_DAYS = 1
CALL_CODE_DAYS = 2
SCHEDULE_PREFIX = "kela: "


def deliver_notifications():
    return str(deliver_due())


def follow_hours():
    """Slots and callback requests follow the hours (changes that bypassed model saves:
    bulk loads, a new holidays release), and the booking horizon rolls on: every
    office's slots exist up to today + APPOINTMENT_HORIZON_WEEKS."""
    done = slots_reconcile_horizon()
    affected, restored = callbacks_follow_hours()
    return (
        f"{done.created} slots created, {done.closed} closed, {done.reopened} reopened, "
        f"{done.affected} bookings affected; {affected} callback requests affected, "
        f"{restored} restored"
    )


def send_reminders():
    """Tomorrow's reminders, once per appointment (from REMINDER_HOUR on)."""
    return f"{reminders_send()} bookings reminded"


def expire_callbacks():
    """Open callback requests whose window ended on an earlier day, nobody handled."""
    return f"{callbacks_expire()} callback requests expired"


def purge_personal_data(days=None):
    """Anonymise what ended more than ``days`` (PERSONAL_DATA_RETENTION_DAYS) ago."""
    days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
    before = timezone.now() - datetime.timedelta(days=days)
    callbacks = callbacks_purge(before=before)
    appointments = appointments_purge(before=before)
    visits = visits_purge(before=before)
    links_forget()
    messages = messages_purge(before=before)
    return (
        f"Anonymised {callbacks} callback requests and {appointments} appointments "
        f"that ended before {hours.localtime(before):%Y-%m-%d %H:%M}, the names of "
        f"{visits} desk visits, "
        f"and {messages} messages sent before then."
    )


def purge_codes_and_traces():
    """Delete the one-time codes past the time they count for (SMS codes hold phone
    numbers), failed staff logins past the cool-off and abandoned enrolments."""
    now = timezone.now()
    sms = sms_codes_purge(before=now - datetime.timedelta(days=SMS_CODE_DAYS))
    calls = call_codes_purge(before=now - datetime.timedelta(days=CALL_CODE_DAYS))
    attempts, apps = door_purge(now)
    return (
        f"Deleted {sms} SMS codes, {calls} call codes, {attempts} failed staff logins past "
        f"the cool-off and {apps} authenticator apps never confirmed."
    )


def purge_access_record(days=None):
    """Delete the access record's rows older than ``days`` (ACCESS_RECORD_RETENTION_DAYS),
    and the caller identification attempts as old (who identified whom): kept as long as
    the law requires, and no longer."""
    days = settings.ACCESS_RECORD_RETENTION_DAYS if days is None else days
    before = timezone.now() - datetime.timedelta(days=days)
    deleted = records_purge(before=before)
    attempts = identify_attempts_purge(before=before)
    return (
        f"Deleted {deleted} access records and {attempts} caller identification attempts "
        f"from before {hours.localtime(before):%Y-%m-%d %H:%M}."
    )


def schedules_ensure(using="default"):
    """Create, update or delete the task queue's schedules so that they match ``JOBS``.
    Idempotent: a schedule that already matches is not written (its next run is kept).
    Returns the number of schedules written or deleted."""
    changed = 0
    existing = {
        s.name: s for s in Schedule.objects.using(using).filter(name__startswith=SCHEDULE_PREFIX)
    }
    for job in JOBS:
        name = SCHEDULE_PREFIX + job.name
        wanted = {
            "func": job.func,
            "schedule_type": Schedule.MINUTES,
            "minutes": job.every,
            "repeats": -1,
        }
        schedule = existing.pop(name, None)
        if schedule is None:
            Schedule.objects.using(using).create(name=name, next_run=timezone.now(), **wanted)
            changed += 1
        elif any(getattr(schedule, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(schedule, field, value)
            schedule.save(using=using)
            changed += 1
    for schedule in existing.values():  # a job that left the registry
        schedule.delete()
        changed += 1
    return changed
