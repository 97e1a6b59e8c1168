"""The rules of callback requests: which windows are offered, and the write use cases.

Everything here reads the phone-service hours and the working-day calendar from the
offices app's time engine (``offices.hours``); nothing about hours is hard-coded. The
public form, the admin and the API all call these functions.

Offered windows, at the instant ``now`` (DOMAIN.md, "Callback requests"):
    - days: today if it is a working day, and the next working day;
    - windows start at :00 and :30, and the whole window lies in a phone-service
      opening interval of that day (a closed exception leaves the day without windows);
    - a window starts at least ``CALLBACK_LEAD_MINUTES`` after ``now``;
    - a window with ``CALLBACK_WINDOW_CAPACITY`` live requests is full, and not offered.

Capacity under concurrency: each live request holds a numbered place (1..capacity) in
its window, and the database keeps (window, place) unique among live requests. A writer
picks the lowest free place inside its transaction; when another writer took the same
place first, the insert fails on the constraint and the writer tries again with fresh
data. On PostgreSQL the second insert waits for the first to commit; on SQLite writes
are serialised by ``BEGIN IMMEDIATE``. Either way the last place goes to one request.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices import hours
from offices.errors import ErrorCatalogue
from offices.links import token_hash
from offices.models import Office, ServiceKind, Topic
from offices.phone import parse_phone
from offices.references import new_token

from . import notices
from .models import WINDOW_LENGTH, WINDOW_MINUTES, CallbackAttempt, CallbackRequest

Status = CallbackRequest.Status

# --- Error codes: one message each --------------------------------------------------

WINDOW_REQUIRED = "window_required"
WINDOW_UNAVAILABLE = "window_unavailable"
WINDOW_FULL = "window_full"
TOPIC_REQUIRED = "topic_required"
LANGUAGE_REQUIRED = "language_required"
OPEN_REQUEST_EXISTS = "open_request_exists"
BUSY = "busy"
IN_PROGRESS = "in_progress"
NOT_OPEN = "not_open"
YOURS = "yours"
TAKEN = "taken"
NOT_PENDING = "not_pending"
NOT_IN_PROGRESS = "not_in_progress"
NOT_YOURS = "not_yours"
WINDOW_OVER = "window_over"
OUTCOME_REQUIRED = "outcome"

error = ErrorCatalogue(
    {
        WINDOW_REQUIRED: _("Choose a time for the call."),
        WINDOW_UNAVAILABLE: _(
            "This time is not available. Please choose one of the times offered."
        ),
        WINDOW_FULL: _("This time is fully booked. Please choose another time."),
        TOPIC_REQUIRED: _("Choose a topic."),
        LANGUAGE_REQUIRED: _("Choose a language."),
        # Neutral: it says nothing of the other request's time or reference.
        OPEN_REQUEST_EXISTS: _(
            "There is already an open callback request for this number. To choose another "
            "time, first cancel that request with the link on its confirmation page or in "
            "its text message, or call the phone service."
        ),
        BUSY: _("Many people are asking for callbacks right now. Please try again."),
        IN_PROGRESS: _(
            "We are already handling this callback request, so it can no longer "
            "be cancelled here. If you no longer need the call, call the phone "
            "service."
        ),
        NOT_OPEN: _("This callback request is already closed and cannot be cancelled."),
        YOURS: _("You have already taken this request."),
        TAKEN: _("%(name)s took this request first."),
        NOT_PENDING: _("This request is no longer pending (%(status)s)."),
        NOT_IN_PROGRESS: _("Take the request before recording a call."),
        NOT_YOURS: _("Another staff member is handling this request."),
        WINDOW_OVER: _(
            "The window is over: the request cannot be retried. Close it as not reached."
        ),
        OUTCOME_REQUIRED: _("Choose the result of the call."),
    }
)

# How often a writer retries after losing a race for a place or a phone number. Each
# retry follows another writer's commit, so this bounds the work, not correctness.
MAX_WRITE_ATTEMPTS = 25


@dataclass(frozen=True)
class Window:
    """A callback window: aware start and end (= due time), and places left."""

    start: datetime.datetime
    end: datetime.datetime
    remaining: int

    @property
    def key(self):
        """The form value: local start as YYYY-MM-DDTHH:MM."""
        return f"{hours.localtime(self.start):%Y-%m-%dT%H:%M}"


@dataclass(frozen=True)
class OfferedDay:
    date: datetime.date
    windows: list[Window]


def window_capacity():
    return settings.CALLBACK_WINDOW_CAPACITY


def lead_time():
    return datetime.timedelta(minutes=settings.CALLBACK_LEAD_MINUTES)


def parse_window_key(value):
    """ "2026-12-04T14:30" -> the aware local start, or None if it is no such value
    (the date is read by ``offices.hours.parse_date``: sane years only)."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})", str(value), re.ASCII)
    if match is None:
        return None
    day = hours.parse_date(match[1])
    hour, minute = int(match[2]), int(match[3])
    if day is None or hour > 23 or minute > 59:
        return None
    return hours.local_datetime(day, datetime.time(hour, minute))


# --- Which windows exist and which are offered -------------------------------------


# How far ahead the next day with phone-service hours is looked for.
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class CallbackDays:
    """The days a callback may be requested for, and why working days in between are
    passed over."""

    days: list[datetime.date]
    # Working days passed over because the phone service is closed then (DayHours, with
    # the reasons of the closures).
    closed: list
    # {date: [(start, end), ...]}: every window of the phone-service hours on ``days``.
    windows: dict


def callback_days(now=None):
    """At ``now``: today if it is a working day, and the next working day on which the
    phone service is open (a closure by a date exception passes the day over); the
    days passed over are named with their reasons, for the form."""
    today = hours.localdate(now or timezone.now())
    office = Office.objects.phone_service()
    if office is None:
        return CallbackDays(days=[], closed=[], windows={})
    by_date = {
        day.date: day
        for day in hours.opening_hours(office, today, today + datetime.timedelta(LOOKAHEAD_DAYS))
    }
    days = [today] if hours.is_working_day(today) else []
    closed = []
    day = hours.next_working_day(today)
    while day in by_date:
        if by_date[day].services.get(ServiceKind.PHONE):
            days.append(day)
            break
        closed.append(by_date[day])
        day = hours.next_working_day(day)
    windows = {day: _windows(by_date[day]) for day in days}
    return CallbackDays(days=days, closed=closed, windows=windows)


def offered_days(now=None):
    """The dates a callback may be requested for at ``now`` (``callback_days``)."""
    return callback_days(now).days


def _windows(day_hours):
    return list(
        hours.divide(day_hours.services.get(ServiceKind.PHONE, []), WINDOW_MINUTES, aligned=True)
    )


def phone_windows(days):
    """{date: [(start, end), ...]}: every window of the phone-service hours on ``days``
    (past or future, full or not). No phone service -> no windows."""
    office = Office.objects.phone_service()
    if office is None or not days:
        return {day: [] for day in days}
    by_date = {d.date: d for d in hours.opening_hours(office, min(days), max(days))}
    return {day: _windows(by_date[day]) for day in days}


def window_load(starts):
    """{start: live requests} for the window starts given (one query)."""
    rows = (
        CallbackRequest.objects.live()
        .filter(window_start__in=list(starts))
        .values("window_start")
        .annotate(taken=Count("pk"))
        .order_by()
    )
    return {row["window_start"]: row["taken"] for row in rows}


def offered_windows(now=None, *, days=None):
    """The days with at least one offered window, each with its windows and the places
    left in them, at ``now`` (of ``days``, a ``callback_days``, when it is known)."""
    now = now or timezone.now()
    earliest = now + lead_time()
    capacity = window_capacity()
    per_day = (days or callback_days(now)).windows
    future = {day: [(s, e) for s, e in times if s >= earliest] for day, times in per_day.items()}
    load = window_load(s for times in future.values() for s, _ in times)
    offered = []
    for day, times in future.items():
        windows = [
            Window(s, e, capacity - load.get(s, 0))
            for s, e in times
            if capacity - load.get(s, 0) > 0
        ]
        if windows:
            offered.append(OfferedDay(day, windows))
    return offered


def _check_window(start, now):
    """The offered ``Window`` that starts at ``start``; ValidationError otherwise."""
    days = callback_days(now)
    for day in offered_windows(now, days=days):
        for window in day.windows:
            if window.start == start:
                return window
    earliest = now + lead_time()
    exists = any(s == start and s >= earliest for times in days.windows.values() for s, _ in times)
    raise error(WINDOW_FULL if exists else WINDOW_UNAVAILABLE, field="window")


# --- Writing requests -----------------------------------------------------------


def _start_of_today(now):
    return hours.day_bounds(hours.localdate(now))[0]


def callbacks_expire(*, now=None, phone=None):
    """Open requests (of ``phone``, or all) whose window ended on an earlier day and that
    nobody handled: expired, so that an old request does not block its number for ever.
    Idempotent; returns how many expired."""
    now = now or timezone.now()
    lapsed = CallbackRequest.objects.open().filter(window_end__lt=_start_of_today(now))
    if phone is not None:
        lapsed = lapsed.filter(phone=phone)
    return lapsed.update(status=Status.EXPIRED, closed_at=now, updated_at=now)


def open_request_error():
    return error(OPEN_REQUEST_EXISTS, field="phone")


def _create_once(*, phone, start, topic, language, message, now, citizen):
    _check_window(start, now)
    callbacks_expire(phone=phone, now=now)
    existing = CallbackRequest.objects.open().filter(phone=phone).first()
    if existing is not None:
        raise open_request_error()
    taken = set(CallbackRequest.objects.live().in_window(start).values_list("place", flat=True))
    place = next((p for p in range(1, window_capacity() + 1) if p not in taken), None)
    if place is None:
        raise error(WINDOW_FULL, field="window")
    callback = CallbackRequest(
        phone=phone,
        window_start=start,
        window_end=start + WINDOW_LENGTH,
        place=place,
        topic=topic,
        language=language,
        message=message,
        citizen=citizen,
    )
    # The constraints are checked by the database below (under the race); full_clean
    # checks the fields.
    callback.full_clean(validate_constraints=False)
    callback.save()
    notices.notify_citizen(callback, notices.CONFIRMED)
    return callback


def callback_create(*, phone, window_start, topic, language, message="", now=None, citizen=None):
    """Store a callback request for the window starting at ``window_start`` (aware, or a
    form value "YYYY-MM-DDTHH:MM"), left by the identified ``citizen`` if given. Raises
    ValidationError (field -> message) when a rule says no, also when another request
    won the race for the last place."""
    start = window_start
    if not isinstance(start, datetime.datetime):
        start = parse_window_key(start)
    if start is None or timezone.is_naive(start):
        raise error(WINDOW_REQUIRED, field="window")
    phone = parse_phone(phone, field="phone")
    if not isinstance(topic, Topic) or not topic.is_active:
        raise error(TOPIC_REQUIRED, field="topic")
    if language not in dict(settings.LANGUAGES):
        raise error(LANGUAGE_REQUIRED, field="language")
    for _attempt in range(MAX_WRITE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _create_once(
                    phone=phone,
                    start=start,
                    topic=topic,
                    language=language,
                    message=message or "",
                    now=now or timezone.now(),
                    citizen=citizen,
                )
        except IntegrityError:
            # Another request took this place or this phone number first: look again.
            continue
    raise error(BUSY)


def _locked(callback):
    return CallbackRequest.objects.select_for_update().get(pk=callback.pk)


def callback_link_renew(*, phone):
    """A new private link for the open request of ``phone`` (a number its owner has
    just proven), sent to it by SMS: only the link's hash is stored, so a lost link can
    only be replaced, and the old one stops working. Returns the request (knowing its
    new token), or None when the number has no open request."""
    phone = parse_phone(str(phone), field="phone")
    with transaction.atomic():
        callback = (
            CallbackRequest.objects.select_for_update()
            .open()
            .filter(phone=phone)
            .order_by("window_start")
            .first()
        )
        if callback is None:
            return None
        token = new_token()
        callback.manage_token_hash = token_hash(token)
        callback.save(update_fields=["manage_token_hash", "updated_at"])
        callback.opened_with(token)
        notices.notify_citizen(callback, notices.LINK)
    return callback


def callback_cancel(*, callback, now=None):
    """The citizen cancels a pending request; its place is free at once.

    Once a staff member has taken the request (in progress) it can no longer be
    cancelled here: the call is already being handled. The row is locked, so a cancel
    and a take never interleave: whichever comes second sees the other's result."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(callback)
        if locked.status == Status.IN_PROGRESS:
            raise error(IN_PROGRESS)
        if locked.status != Status.PENDING:
            raise error(NOT_OPEN)
        locked.status = Status.CANCELLED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


def callback_take(*, callback, user, now=None):
    """Assign a pending request to ``user``. The row is locked (as in
    ``callback_cancel``), so of two staff taking at once, or a staff member taking while
    the citizen cancels, one wins; the other gets a ValidationError that says why."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(callback)
        if locked.status == Status.PENDING:
            locked.status = Status.IN_PROGRESS
            locked.handled_by = user
            locked.taken_at = now
            locked.save(update_fields=["status", "handled_by", "taken_at", "updated_at"])
            return locked
    if locked.status == Status.IN_PROGRESS:
        if locked.handled_by_id == user.pk:
            raise error(YOURS)
        holder = locked.handled_by
        raise error(
            TAKEN, name=(holder.get_full_name() or holder.get_username()) if holder else "?"
        )
    raise error(NOT_PENDING, status=locked.get_status_display())


def callback_record_attempt(*, callback, user, outcome, note="", retry=False, now=None):
    """Record one call attempt by ``user``, who has taken the request.

    ``done`` closes the request. ``no_answer`` with ``retry`` keeps it in progress for
    another call, which is allowed only while its window lasts; without ``retry`` it
    closes the request as not reached."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(callback)
        if locked.status != Status.IN_PROGRESS:
            raise error(NOT_IN_PROGRESS)
        if locked.handled_by_id != user.pk:
            raise error(NOT_YOURS)
        if outcome == CallbackAttempt.Outcome.DONE:
            locked.status = Status.DONE
            locked.closed_at = now
        elif outcome == CallbackAttempt.Outcome.NO_ANSWER:
            if retry:
                if now >= locked.window_end:
                    raise error(WINDOW_OVER, field="result")
            else:
                locked.status = Status.NO_ANSWER
                locked.closed_at = now
        else:
            raise error(OUTCOME_REQUIRED, field="result")
        attempt = CallbackAttempt(
            callback=locked, made_at=now, made_by=user, outcome=outcome, note=note or ""
        )
        attempt.full_clean()
        attempt.save()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


# --- Following the hours --------------------------------------------------------------


def callbacks_follow_hours(*, now=None):
    """Open requests for a future window that the phone-service hours no longer hold are
    affected: their citizens are told to ask for a new time (the request stays open:
    staff may still call). Those whose window is back are no longer affected (unsent
    notices are withdrawn). Idempotent; returns (affected, restored)."""
    now = now or timezone.now()
    upcoming = list(
        CallbackRequest.objects.open().filter(window_start__gt=now).order_by("window_start")
    )
    if not upcoming:
        return 0, 0
    days = sorted({hours.localdate(callback.window_start) for callback in upcoming})
    windows = {window for times in phone_windows(days).values() for window in times}
    affected = restored = 0
    with transaction.atomic():
        for callback in upcoming:
            inside = (callback.window_start, callback.window_end) in windows
            if not inside and callback.affected_at is None:
                callback.affected_at = now
                callback.save(update_fields=["affected_at", "updated_at"])
                notices.notify_citizen(callback, notices.AFFECTED)
                affected += 1
            elif inside and callback.affected_at is not None:
                callback.affected_at = None
                callback.save(update_fields=["affected_at", "updated_at"])
                notices.withdraw_affected(callback)
                restored += 1
    return affected, restored


def follow_hours(sender, office, **kwargs):
    """``offices.signals.hours_changed`` receiver: requests follow the phone service's
    new hours in the transaction of the change."""
    if office.is_phone_service:
        callbacks_follow_hours()


# --- Staff views of the queue ---------------------------------------------------------


def queue_load(now=None):
    """Today's and the next working day's load per window, for staff:
    [(date, [(start, end, taken, capacity), ...]), ...]."""
    now = now or timezone.now()
    today = hours.localdate(now)
    days = [today, hours.next_working_day(today)]
    per_day = phone_windows(days)
    load = window_load(s for times in per_day.values() for s, _ in times)
    capacity = window_capacity()
    return [(day, [(s, e, load.get(s, 0), capacity) for s, e in per_day[day]]) for day in days]


def callbacks_summary(day, now=None):
    """The figures of one day's windows: requests (not cancelled), called within the
    window (first call by the due time), late (first call after it, or not called and
    the window is over), done, no answer, still open, expired, cancelled."""
    start, end = hours.day_bounds(day)
    rows = (
        CallbackRequest.objects.between(start, end)
        .with_promise(now)
        .values("status", "called_in_time", "called_late")
    )
    summary = dict.fromkeys(
        ["requests", "in_time", "late", "done", "no_answer", "open", "expired", "cancelled"], 0
    )
    for row in rows:
        if row["status"] == Status.CANCELLED:
            summary["cancelled"] += 1
            continue
        summary["requests"] += 1
        if row["called_in_time"]:
            summary["in_time"] += 1
        elif row["called_late"]:
            summary["late"] += 1
        if row["status"] == Status.DONE:
            summary["done"] += 1
        elif row["status"] == Status.NO_ANSWER:
            summary["no_answer"] += 1
        elif row["status"] in CallbackRequest.OPEN_STATUSES:
            summary["open"] += 1
        elif row["status"] == Status.EXPIRED:
            summary["expired"] += 1
    return summary


# --- Retention -------------------------------------------------------------------


def callbacks_purge(*, before, now=None):
    """Anonymise requests whose window ended before ``before``: phone, message, the
    private link and call notes blanked; time, topic, language, status and the attempts'
    times and outcomes kept for statistics. Still-open ones are expired first (an open
    request needs a phone number). Idempotent. Returns the number anonymised."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = CallbackRequest.objects.filter(window_end__lt=before, anonymised_at__isnull=True)
        CallbackAttempt.objects.filter(callback__in=stale).exclude(note="").update(note="")
        stale.open().update(status=Status.EXPIRED, closed_at=now, updated_at=now)
        return stale.update(
            phone="",
            message="",
            citizen=None,
            manage_token_hash=None,
            manage_token_sealed="",
            anonymised_at=now,
            updated_at=now,
        )
