"""Appointment rules: every decision about slots and bookings, and the use cases that
write. Forms, views, the admin and the API ask here; nothing else decides.

Decisions (no writes)
    ``booking_window`` / ``booking_days``: the citizen's window, from the minimum notice
    to the horizon. ``slot_problem`` / ``slot_check``: is this slot bookable (blocked,
    past, full, and for citizens inside the window); ``bookable_slots`` is the same rule
    as a queryset. ``change_refusal``: may the citizen still cancel or move a booking.
    ``bookable_offices``: where a citizen can book. ``available_slots``: the free times
    of an office's days for the citizens' pages and the API, from the shared cache.
    ``slots_search``: the slots that match what staff typed (office, day phrase, time).
Writes (each one transaction)
    ``appointment_book``, ``appointment_cancel``, ``appointment_rebook``,
    ``appointment_set_status``, ``appointment_update`` (staff edit), ``slots_reconcile``
    (the slots follow the hours: created, closed, reopened), ``appointments_purge``;
    ``appointments_load``: many bookings at once for a data load (``seed_national``).

Taking a place is a conditional UPDATE of ``Slot.booked_count`` (``booked_count <
capacity``), which the database evaluates under the row's write lock: of two concurrent
bookings for the last place, one updates a row and the other updates none and gets
``SLOT_TAKEN``. The check constraint ``appointments_slot_not_overbooked`` backs it up.

Every write that changes which times are free (a booking, a cancellation, a move, a
load, slots created, closed, reopened, blocked or changed) calls ``availability_changed``,
the one place that moves the shared cache's version of the office's free times on
commit (``offices.shared_cache``). The booking itself always asks the database.

The citizen is told (``notices``: e-mail and SMS through the outbox) from here, in the
transaction of the change, whoever made it: the citizen on the web, staff in the admin,
or a change of hours (``slots_reconcile``).
"""

import datetime
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from offices import day_phrases, hours, shared_cache
from offices.errors import ErrorCatalogue
from offices.links import seal, token_hash
from offices.models import Office, ServiceKind
from offices.phone import parse_phone
from offices.references import new_token

from . import notices
from .models import Appointment, Slot

# --- Error codes: one message each --------------------------------------------------

SLOT_TAKEN = "slot_taken"
SLOT_UNAVAILABLE = "slot_unavailable"
TOO_SOON = "too_soon"
TOO_FAR = "too_far"
TOO_LATE = "too_late"
NOT_ACTIVE = "not_active"
ALREADY_BOOKED = "already_booked"
PHONE_CAP = "phone_cap"
PERSON_CAP = "person_cap"
BUSY = "busy"

error = ErrorCatalogue(
    {
        SLOT_TAKEN: _("This time was just taken. Please choose another time."),
        SLOT_UNAVAILABLE: _("This time can no longer be booked. Please choose another time."),
        TOO_SOON: _("Appointments must be booked at least %(hours)s hours in advance."),
        TOO_FAR: _("Appointments can be booked at most %(weeks)d weeks ahead."),
        TOO_LATE: _("This booking can no longer be changed because the appointment has started."),
        NOT_ACTIVE: _("This booking has been cancelled."),
        ALREADY_BOOKED: _("This booking has already been made."),
        PHONE_CAP: _(
            "This number already has %(count)s upcoming appointments: %(bookings)s. To book "
            "another, cancel or move one of them with the link in its confirmation, or "
            "find it with its booking reference."
        ),
        PERSON_CAP: _(
            "You already have %(count)s upcoming appointments: %(bookings)s. To book "
            "another, cancel or move one of them on your page."
        ),
        BUSY: _("Many people are booking right now. Please try again."),
    }
)
# How often a booking retries after losing a race for a number's place.
MAX_WRITE_ATTEMPTS = 10
# The codes that say something about the chosen time: forms show them on the slot.
SLOT_ERRORS = frozenset({SLOT_TAKEN, SLOT_UNAVAILABLE, TOO_SOON, TOO_FAR})


# --- Decisions ------------------------------------------------------------------------


def booking_window(now=None):
    """(earliest, latest): the instants between which citizens may book a time that
    starts (the minimum notice and the horizon; staff may book sooner and later)."""
    now = now or timezone.now()
    return (
        now + datetime.timedelta(minutes=settings.APPOINTMENT_MIN_NOTICE_MINUTES),
        now + datetime.timedelta(weeks=settings.APPOINTMENT_HORIZON_WEEKS),
    )


def booking_days(now=None):
    """The first and last local dates of the citizen's booking window."""
    earliest, latest = booking_window(now)
    return hours.localdate(earliest), hours.localdate(latest)


def slot_problem(slot, *, now=None, citizen=True):
    """Why ``slot`` cannot be booked now, as an error code, or None. Reads the slot
    as given (no query): the write re-checks under the database lock.
    ``bookable_slots`` is the same rule as a queryset."""
    now = now or timezone.now()
    if slot.is_blocked or slot.starts_at <= now:
        return SLOT_UNAVAILABLE
    if not slot.is_free:
        return SLOT_TAKEN
    if citizen:
        earliest, latest = booking_window(now)
        if slot.starts_at < earliest:
            return TOO_SOON
        if slot.starts_at > latest:
            return TOO_FAR
    return None


def slot_check(slot, *, now=None, citizen=True):
    """Raise the ValidationError of ``slot_problem``, if any."""
    code = slot_problem(slot, now=now, citizen=citizen)
    if code is not None:
        raise _slot_error(code)


def _slot_error(code):
    return error(
        code,
        hours=f"{settings.APPOINTMENT_MIN_NOTICE_MINUTES / 60:g}",
        weeks=settings.APPOINTMENT_HORIZON_WEEKS,
    )


def bookable_slots(slots=None, *, now=None, citizen=True):
    """The slots of ``slots`` (default: all) that ``slot_problem`` would accept."""
    now = now or timezone.now()
    slots = (Slot.objects.all() if slots is None else slots).free().filter(starts_at__gt=now)
    if citizen:
        earliest, latest = booking_window(now)
        slots = slots.filter(starts_at__gte=earliest, starts_at__lte=latest)
    return slots


def _availability_name(office_id):
    return f"availability:{office_id}"


def availability_changed(office_ids):
    """The free times of these offices changed (in the current transaction): cached
    reads of them are not used after it commits. The one caller of the bump."""
    shared_cache.bump(*(_availability_name(pk) for pk in sorted(set(office_ids))))


# The API's name for the phone service, beside the service points' slugs.
PHONE_ALIAS = "phone"


def office_named(name):
    """The active office the API calls ``name`` (a slug, or ``PHONE_ALIAS``), or None."""
    offices = Office.objects.active()
    return offices.phone_service() if name == PHONE_ALIAS else offices.filter(slug=name).first()


def _free_rows(office, start, end):
    """(the names the API knows ``office`` by, the free slots of its days): the value
    the shared cache keeps. No names for an office closed down."""
    if not office.is_active:
        return frozenset(), []
    names = {office.slug} | ({PHONE_ALIAS} if office.kind == Office.Kind.PHONE_SERVICE else set())
    rows = list(
        Slot.objects.for_office(office)
        .free()
        .between(start, end)
        .order_by("starts_at")
        .values_list("pk", "starts_at", "ends_at", "capacity", "booked_count")
    )
    return frozenset(names), rows


def _days_key(start, end):
    return f"{start.isoformat()}:{end.isoformat()}"


def _cached_free_rows(office, start, end):
    return shared_cache.cached(
        _availability_name(office.pk), _days_key(start, end), lambda: _free_rows(office, start, end)
    )


def _bookable_rows(rows, now):
    # Free and not blocked already (``_free_rows``); what is left of ``slot_problem``
    # is time.
    now = now or timezone.now()
    earliest, latest = booking_window(now)
    return [row for row in rows if now < row[1] and earliest <= row[1] <= latest]


def available_rows(*, office, start, end, now=None):
    """(pk, starts_at, ends_at, capacity, booked_count) of the slots of ``office``
    starting on local dates ``start``..``end`` that a citizen can book now, by start
    (``bookable_slots`` in Python): the free slots of those days come from the shared
    cache (versioned, bumped by ``availability_changed``), the booking window is applied
    at ``now``. Plain rows: the API serves them without building a model a row."""
    _, rows = _cached_free_rows(office, start, end)
    return _bookable_rows(rows, now)


# The office the API was last asked for under a name (``office_named``), by pk: a
# hint, taken only when the shared cache's value for that office still answers to the
# name (a renamed, closed or deleted office moves the version on: ``office_changed``).
_office_hints = {}


def available_rows_named(name, *, start, end, now=None):
    """``available_rows`` of the office the API calls ``name`` (``office_named``),
    without asking the database while the shared cache holds its free times; None when
    there is no such office."""
    if (pk := _office_hints.get(name)) is not None:
        # Only a look: a hint the cache cannot confirm costs no query of its own.
        found = shared_cache.peek(_availability_name(pk), _days_key(start, end))
        if found is not None and name in found[0]:
            return _bookable_rows(found[1], now)
    office = office_named(name)
    if office is None:
        _office_hints.pop(name, None)
        return None
    _office_hints[name] = office.pk
    return available_rows(office=office, start=start, end=end, now=now)


def office_changed(sender, instance, **kwargs):
    """An office was saved or deleted: its cached free times (and the names they answer
    to) are not used again."""
    availability_changed([instance.pk])


def available_slots(*, office, start, end, now=None):
    """``available_rows`` as slots: what the pages show (pk, times, capacity, booked
    count), the office given, no query."""
    return rows_as_slots(office, available_rows(office=office, start=start, end=end, now=now))


def rows_as_slots(office, rows):
    """``available_rows``' rows of ``office`` as (unsaved-looking) slots to draw."""
    return [
        Slot(
            pk=pk,
            office=office,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            booked_count=booked_count,
        )
        for pk, starts_at, ends_at, capacity, booked_count in rows
    ]


def drawn_from_rows(office, rows, parts, draw):
    """``draw()``'s value (a page part drawn from ``rows``, ``available_rows`` of
    ``office`` now), kept in the shared cache beside the rows: under the same version,
    so a booking, cancellation, move, slot change or closure draws it again, and under
    the ids of ``rows``, so a time leaving the booking window does too. ``parts`` names
    what else it depends on (language, choices). Drawn without the cache when it is
    away."""
    ids = hashlib.blake2b(repr([row[0] for row in rows]).encode(), digest_size=12).hexdigest()
    return shared_cache.cached(_availability_name(office.pk), f"drawn:{parts}:{ids}", draw)


def bookable_offices():
    """Active offices with an appointment service (the service points and the phone
    service), in display order."""
    return (
        Office.objects.active()
        .filter(periods__rules__service=ServiceKind.APPOINTMENTS)
        .distinct()
        .order_by("ordering", "name")
    )


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def slots_search(slots, text, *, today=None):
    """``slots`` narrowed by what staff typed: office names, a time (``9:00``,
    ``12.30``) and a day phrase (``offices.day_phrases``: ``3.12``, ``ti``,
    ``huomenna``, ``next week``). A weekday means today while ``slots`` has any today,
    else the same day next week."""
    spans, words = day_phrases.find_days(text, today or hours.localdate())
    for word in words:
        if match := _TIME.match(word):
            slots = slots.filter(starts_at__hour=int(match[1]), starts_at__minute=int(match[2]))
        else:
            slots = slots.filter(Q(office__name__icontains=word) | Q(office__slug__icontains=word))
    for span in spans:
        on_days = slots.between(span.first, span.last)
        if span is spans[-1] or on_days.exists():
            return on_days
    return slots


def change_refusal(appointment, *, now=None):
    """Why the citizen may no longer cancel or move ``appointment`` (a ValidationError),
    or None: they may until it starts, while it is booked."""
    now = now or timezone.now()
    if appointment.status == Appointment.Status.CANCELLED:
        return error(NOT_ACTIVE)
    if appointment.status != Appointment.Status.BOOKED or appointment.slot.starts_at <= now:
        return error(TOO_LATE)
    return None


# --- Writes ---------------------------------------------------------------------------


def _take_place(slot, *, now, citizen):
    """Take one place of ``slot`` or raise; the caller holds a transaction."""
    slot_check(slot, now=now, citizen=citizen)
    taken = Slot.objects.free().filter(pk=slot.pk).update(booked_count=F("booked_count") + 1)
    if not taken:
        raise error(SLOT_TAKEN)
    availability_changed([slot.office_id])


def _release_place(slot):
    Slot.objects.filter(pk=slot.pk, booked_count__gt=0).update(booked_count=F("booked_count") - 1)
    availability_changed([slot.office_id])


def appointment_book(
    *,
    slot,
    name,
    phone,
    topic,
    language="fi",
    email="",
    note="",
    booked_by=None,
    source=None,
    submission_token=None,
    cap_override_reason="",
    citizen=None,
):
    """Book one place of ``slot``. Raises ValidationError (code ``slot_taken`` when the
    last place went to someone else). ``booked_by`` None means the citizen on the web,
    for whom the booking window applies. A ``submission_token`` that has already booked
    (a second click on the same page) raises ``already_booked``. A number holds at most
    APPOINTMENTS_PER_PHONE upcoming bookings (``phone_cap``), unless staff allowed to
    give a ``cap_override_reason`` do so (recorded on the booking); an identified
    ``citizen`` (``citizens.Citizen``) holds at most as many (``person_cap``), whatever
    numbers they give. ``source`` says through what it was booked (default: the web, or
    phone staff when ``booked_by``)."""
    now = timezone.now()
    if source is None:
        source = Appointment.Source.WEB if booked_by is None else Appointment.Source.PHONE_STAFF
    phone = parse_phone(phone, field="phone")
    web = booked_by is None  # the booking window applies
    for _attempt in range(MAX_WRITE_ATTEMPTS):
        appointment = Appointment(
            slot=slot,
            channel=slot.channel,
            source=source,
            name=name,
            phone=phone,
            email=email,
            language=language,
            topic=topic,
            note=note,
            booked_by=booked_by,
            updated_by=booked_by,
            submission_token=submission_token or "",
            cap_override_reason=cap_override_reason,
            citizen=citizen,
        )
        # The fields only: the rows they point to, the uniqueness of the reference and
        # the token, and the check constraints are the database's (the INSERT below).
        appointment.clean_fields(exclude=["slot", "topic", "submission_token", "citizen"])
        try:
            with transaction.atomic():
                _take_bookable_place(slot, now=now, citizen=web)
                if not cap_override_reason:
                    appointment.phone_place = _phone_place(phone, now)
                    if citizen is not None:
                        appointment.citizen_place = _citizen_place(citizen, now)
                appointment.save(force_insert=True)
                notices.notify_citizen(appointment, notices.CONFIRMED)
        except IntegrityError:
            # The same token committed meanwhile (PostgreSQL waits for it on the index),
            # or another booking of this number took its place: look again.
            if _submitted(submission_token):
                raise error(ALREADY_BOOKED) from None
            continue
        slot.booked_count += 1  # as the UPDATE did (others may have booked since)
        return appointment
    raise error(BUSY)


def _take_bookable_place(slot, *, now, citizen):
    """``_take_place`` in one statement: the conditional UPDATE holds the whole of
    ``bookable_slots`` (open, a place left, not started, and for citizens inside the
    window), so the slot is not read first; only a refusal reads it, to say why."""
    taken = (
        bookable_slots(Slot.objects.filter(pk=slot.pk), now=now, citizen=citizen)
        .order_by()
        .update(booked_count=F("booked_count") + 1)
    )
    if not taken:
        fresh = Slot.objects.select_related("office").get(pk=slot.pk)
        raise _slot_error(slot_problem(fresh, now=now, citizen=citizen) or SLOT_TAKEN)
    availability_changed([slot.office_id])


def phone_cap():
    return settings.APPOINTMENTS_PER_PHONE


@dataclass(frozen=True)
class Load:
    """One booking of ``appointments_load``."""

    slot: Slot
    name: str
    phone: str
    topic: object
    language: str = "fi"


def appointments_load(*, bookings, by=None, now=None, batch_size=2000):
    """Book the places of ``bookings`` (``Load``s) at once, for a data load: the rules
    of ``appointment_book`` for staff (``slot_problem``, the phone cap, the conditional
    UPDATE that takes a place, valid fields) applied to the whole lot in one transaction,
    a few statements per batch instead of ~20 per booking. All or nothing: one refusal
    raises its ValidationError and nothing is booked. The citizens are not told (a load
    is not a booking a citizen made). Returns the appointments."""
    now = now or timezone.now()
    bookings = list(bookings)
    with transaction.atomic():
        slots = {}
        for i in range(0, len(bookings), batch_size):
            ids = [b.slot.pk for b in bookings[i : i + batch_size]]
            slots.update(
                Slot.objects.select_for_update(of=("self",)).select_related("office").in_bulk(ids)
            )
        wanted = Counter(b.slot.pk for b in bookings)
        for pk, count in wanted.items():
            slot = slots[pk]
            if slot.is_blocked or slot.is_closed or slot.starts_at <= now:
                raise error(SLOT_UNAVAILABLE)
            if slot.booked_count + count > slot.capacity:
                raise error(SLOT_TAKEN)
        # The same conditional UPDATE as one booking, one per number of places taken.
        by_count = defaultdict(list)
        for pk, count in wanted.items():
            by_count[count].append(pk)
        for count, ids in by_count.items():
            for i in range(0, len(ids), batch_size):
                chunk = ids[i : i + batch_size]
                taken = Slot.objects.filter(
                    pk__in=chunk,
                    is_blocked=False,
                    is_closed=False,
                    booked_count__lte=F("capacity") - count,
                ).update(booked_count=F("booked_count") + count)
                if taken != len(chunk):
                    raise error(SLOT_TAKEN)
        availability_changed(slot.office_id for slot in slots.values())
        phones = [parse_phone(b.phone, field="phone") for b in bookings]
        places = _phone_places(phones, now)
        appointments = []
        for booking, phone, place in zip(bookings, phones, places, strict=True):
            slot = slots[booking.slot.pk]
            appointment = Appointment(
                slot=slot,
                channel=slot.channel,
                name=booking.name,
                phone=phone,
                topic=booking.topic,
                language=booking.language,
                booked_by=by,
                updated_by=by,
                phone_place=place,
            )
            appointment.clean_fields(exclude=["slot", "topic", "submission_token"])
            token = new_token()
            appointment.manage_token_hash = token_hash(token)
            appointment.manage_token_sealed = seal(token)
            appointments.append(appointment)
        Appointment.objects.bulk_create(appointments, batch_size=batch_size)
    return appointments


def _phone_places(phones, now):
    """``_phone_place`` for many bookings at once: a place per phone of ``phones``
    (in order), or the PHONE_CAP error of the first number past its cap."""
    taken = defaultdict(set)
    unique = sorted(set(phones), key=str)
    for i in range(0, len(unique), 2000):
        mine = Appointment.objects.filter(phone__in=unique[i : i + 2000], phone_place__isnull=False)
        mine.filter(slot__starts_at__lte=now).update(phone_place=None)
        rows = mine.values_list("phone", "phone_place")
        for phone, place in rows:
            taken[str(phone)].add(place)
    places = []
    for phone in phones:
        mine = taken[str(phone)]
        place = next((p for p in range(1, phone_cap() + 1) if p not in mine), None)
        if place is None:
            raise error(PHONE_CAP, field="phone", count=len(mine), bookings="")
        mine.add(place)
        places.append(place)
    return places


def _phone_place(phone, now):
    """The lowest free place (1..APPOINTMENTS_PER_PHONE) among ``phone``'s upcoming
    active bookings, or the PHONE_CAP error that lists them. Places of bookings that
    have started are given back first. The database keeps (phone, place) unique, so of
    two bookings racing for the last place one fails and looks again."""
    mine = Appointment.objects.filter(phone=phone, phone_place__isnull=False)
    taken = _places_held(mine, "phone_place", now)
    place = next((p for p in range(1, phone_cap() + 1) if p not in taken), None)
    if place is None:
        upcoming = mine.select_related("slot__office").order_by("slot__starts_at")
        raise error(
            PHONE_CAP,
            field="phone",
            count=len(taken),
            bookings=lazy(_list_bookings, str)(list(upcoming)),
        )
    return place


def _places_held(mine, field, now):
    """The places (``field``) that the bookings ``mine`` hold for upcoming times; the
    places of those that have started are given back (set to NULL) first. One query
    while none has started, which is the usual case."""
    rows = list(mine.values_list("pk", field, "slot__starts_at"))
    started = [pk for pk, _, starts_at in rows if starts_at <= now]
    if started:
        Appointment.objects.filter(pk__in=started).update(**{field: None})
    return {place for _, place, starts_at in rows if starts_at > now}


def _citizen_place(citizen, now):
    """``_phone_place`` for an identified person: the lowest free place among their
    upcoming active bookings, or the PERSON_CAP error that lists them. The unique
    ``(citizen, citizen_place)`` constraint settles a race for the last place."""
    mine = Appointment.objects.filter(citizen=citizen, citizen_place__isnull=False)
    taken = _places_held(mine, "citizen_place", now)
    place = next((p for p in range(1, phone_cap() + 1) if p not in taken), None)
    if place is None:
        upcoming = mine.select_related("slot__office").order_by("slot__starts_at")
        raise error(
            PERSON_CAP, count=len(taken), bookings=lazy(_list_bookings, str)(list(upcoming))
        )
    return place


def _list_bookings(appointments):
    return "; ".join(
        f"{hours.format_datetime(a.slot.starts_at)} {a.slot.office}" for a in appointments
    )


def booked_with(submission_token):
    """The booking made with a confirm page's token, or None."""
    if not submission_token:
        return None
    return Appointment.objects.filter(submission_token=submission_token).first()


def _submitted(submission_token):
    return bool(submission_token) and (
        Appointment.objects.filter(submission_token=submission_token).exists()
    )


def _locked(appointment):
    return (
        Appointment.objects.select_for_update()
        .select_related("slot__office")
        .get(pk=appointment.pk)
    )


def appointment_cancel(*, appointment, by=None):
    """Cancel and free the place at once. Citizens (``by`` None) only while
    ``change_refusal`` allows; cancelling a cancelled booking changes nothing."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == Appointment.Status.CANCELLED:
            return appointment
        if by is None and (refusal := change_refusal(appointment)):
            raise refusal
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.updated_by = by
        appointment.phone_place = None  # the number may book another
        appointment.citizen_place = None  # and so may the person
        appointment.save(
            update_fields=[
                "status",
                "cancelled_at",
                "updated_by",
                "updated_at",
                "phone_place",
                "citizen_place",
            ]
        )
        _release_place(appointment.slot)
        notices.notify_citizen(appointment, notices.CANCELLED)
    return appointment


def appointment_rebook(*, appointment, new_slot, by=None):
    """Move a booking to ``new_slot`` atomically: if the new time cannot be taken,
    the booking keeps its old time."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == Appointment.Status.CANCELLED:
            raise error(NOT_ACTIVE)
        if by is None and (refusal := change_refusal(appointment, now=now)):
            raise refusal
        if new_slot.pk == appointment.slot_id:
            return appointment
        new_slot = Slot.objects.select_related("office").get(pk=new_slot.pk)
        _take_place(new_slot, now=now, citizen=by is None)
        _release_place(appointment.slot)
        appointment.slot = new_slot
        appointment.channel = new_slot.channel
        appointment.updated_by = by
        appointment.reminder_sent_at = None
        appointment.affected_at = None
        appointment.save(
            update_fields=[
                "slot",
                "channel",
                "updated_by",
                "updated_at",
                "reminder_sent_at",
                "affected_at",
            ]
        )
        notices.notify_citizen(appointment, notices.MOVED)
    new_slot.refresh_from_db(fields=["booked_count"])
    return appointment


def appointment_set_status(*, appointment, status, by):
    """Staff mark arrived / done / no-show (cancelling goes through appointment_cancel)."""
    if status == Appointment.Status.CANCELLED:
        return appointment_cancel(appointment=appointment, by=by)
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == Appointment.Status.CANCELLED:
            raise error(NOT_ACTIVE)
        appointment.status = status
        appointment.updated_by = by
        appointment.save(update_fields=["status", "updated_by", "updated_at"])
    return appointment


# Fields a staff edit writes as they are (slot and status go through their rules).
PLAIN_FIELDS = ("name", "phone", "email", "language", "topic", "note")


def appointment_update(*, appointment, by, slot=None, status=None, **fields):
    """Staff change a booking in one transaction: the slot through
    ``appointment_rebook``, the status through ``appointment_set_status``, the
    ``PLAIN_FIELDS`` as given."""
    unknown = set(fields) - set(PLAIN_FIELDS)
    if unknown:
        raise TypeError(f"Not plain fields: {sorted(unknown)}")
    if "phone" in fields:
        fields["phone"] = parse_phone(fields["phone"], field="phone")
    with transaction.atomic():
        current = _locked(appointment)
        if slot is not None and slot.pk != current.slot_id:
            appointment_rebook(appointment=current, new_slot=slot, by=by)
        if status is not None and status != current.status:
            appointment_set_status(appointment=current, status=status, by=by)
        appointment = _locked(appointment)
        for name, value in fields.items():
            setattr(appointment, name, value)
        appointment.updated_by = by
        appointment.full_clean(exclude=["slot", "submission_token"])
        appointment.save(update_fields=[*fields, "updated_by", "updated_at"])
    return appointment


@dataclass
class Reconciled:
    """What ``slots_reconcile`` did."""

    created: int = 0
    closed: int = 0
    reopened: int = 0
    affected: int = 0


def slots_reconcile(*, start, end, offices=None, capacity=1, now=None):
    """Make the slots of ``offices`` (default: all active) on local dates
    ``start``..``end`` follow their appointment hours, in one transaction per office:

    - a time the hours offer and no slot holds gets a slot (``capacity`` places);
    - a future slot the hours no longer hold is closed (``is_closed``, apart from staff's
      ``is_blocked``): nobody can book it, and its active bookings are marked affected
      and their citizens told, with their private link, to choose a new time;
    - a closed slot the hours hold again is reopened, exactly as the closure took it,
      and its bookings are no longer affected (unsent notices are withdrawn).

    Idempotent, and a fixed number of queries per office when nothing changes. Runs for
    one office take turns (a row lock on the office; SQLite serialises writers), so the
    counts are this run's own. Called whenever hours change (``offices.signals``) and
    by housekeeping (for what bypasses model saves: bulk loads, a holidays release)."""
    now = now or timezone.now()
    if offices is None:
        offices = Office.objects.active()
    result = Reconciled()
    for office in offices:
        days = hours.opening_hours(office, start, end)
        wanted = {
            slot_start: slot_end
            for day in days
            for slot_start, slot_end in hours.divide(
                day.services.get(ServiceKind.APPOINTMENTS, []), settings.APPOINTMENT_SLOT_MINUTES
            )
        }
        with transaction.atomic():
            # NO KEY UPDATE: other runs wait, inserts of slots (a key share) do not.
            list(Office.objects.select_for_update(no_key=True).filter(pk=office.pk))
            in_range = Slot.objects.for_office(office).between(start, end)
            existing = list(in_range.values_list("pk", "starts_at", "ends_at", "is_closed"))
            held = {starts_at for _, starts_at, _, _ in existing}
            new = [
                Slot(office=office, starts_at=slot_start, ends_at=slot_end, capacity=capacity)
                for slot_start, slot_end in sorted(wanted.items())
                if slot_start not in held
            ]
            to_close, to_reopen = [], []
            for pk, starts_at, ends_at, is_closed in existing:
                if starts_at <= now:
                    continue
                inside = wanted.get(starts_at) == ends_at
                if inside and is_closed:
                    to_reopen.append(pk)
                elif not inside and not is_closed:
                    to_close.append(pk)
            if new:
                Slot.objects.bulk_create(new, ignore_conflicts=True)
                # A slot added meanwhile by hand was skipped: count what is there now.
                result.created += in_range.count() - len(existing)
            if to_close:
                result.closed += Slot.objects.filter(pk__in=to_close).update(is_closed=True)
                result.affected += _mark_affected(to_close, now)
            if to_reopen:
                result.reopened += Slot.objects.filter(pk__in=to_reopen).update(is_closed=False)
                _unmark_affected(to_reopen)
            if new or to_close or to_reopen:
                availability_changed([office.pk])
    return result


def _mark_affected(slot_ids, now):
    """The active bookings of closed slots: affected, and their citizens told."""
    affected = list(
        Appointment.objects.active()
        .filter(slot_id__in=slot_ids, affected_at__isnull=True)
        .select_related("slot__office", "topic")
    )
    for appointment in affected:
        appointment.affected_at = now
        appointment.save(update_fields=["affected_at", "updated_at"])
        notices.notify_citizen(appointment, notices.AFFECTED)
    return len(affected)


def _unmark_affected(slot_ids):
    for appointment in Appointment.objects.filter(
        slot_id__in=slot_ids, affected_at__isnull=False
    ).select_related("slot"):
        appointment.affected_at = None
        appointment.save(update_fields=["affected_at", "updated_at"])
        notices.withdraw_affected(appointment)


def slots_set_blocked(*, slots, blocked):
    """Staff block (or unblock) ``slots`` (a queryset): not offered while blocked.
    Returns how many."""
    with transaction.atomic():
        office_ids = set(slots.values_list("office_id", flat=True))
        count = slots.update(is_blocked=blocked)
        availability_changed(office_ids)
    return count


def slot_changed(slot, *, previous_office_id=None):
    """Staff saved ``slot`` by hand (the admin): its office's times (and those of the
    office it was moved from) are read again."""
    availability_changed([slot.office_id, *filter(None, [previous_office_id])])


def slots_generate(*, start, end, offices=None, capacity=1):
    """``slots_reconcile`` for the new slots it creates: their number."""
    return slots_reconcile(start=start, end=end, offices=offices, capacity=capacity).created


def slots_reconcile_horizon(*, offices=None, now=None):
    """``slots_reconcile`` from today to today + APPOINTMENT_HORIZON_WEEKS (rolling)."""
    today = hours.localdate(now)
    end = today + datetime.timedelta(weeks=settings.APPOINTMENT_HORIZON_WEEKS)
    return slots_reconcile(start=today, end=end, offices=offices, now=now)


def follow_hours(sender, office, **kwargs):
    """``offices.signals.hours_changed`` receiver: the office's slots follow its new
    hours over the booking horizon, in the transaction of the change."""
    slots_reconcile_horizon(offices=[office])


def appointments_purge(*, before):
    """Anonymise appointments whose slot ended before ``before``: personal data blanked,
    statistics (office, time, topic, channel, status, language) kept. Idempotent.
    Returns the number anonymised."""
    return Appointment.objects.filter(slot__ends_at__lt=before, anonymised_at__isnull=True).update(
        name="",
        phone="",
        email="",
        note="",
        phone_place=None,
        citizen=None,
        citizen_place=None,
        manage_token_hash=None,
        manage_token_sealed="",
        anonymised_at=timezone.now(),
    )


def links_forget(*, now=None):
    """The encrypted copies of the private links of bookings that have ended: gone (the
    link is only looked up by its hash from now on). Idempotent; returns how many."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(slot__ends_at__lt=now)
        .exclude(manage_token_sealed="")
        .update(manage_token_sealed="")
    )
