"""Appointment use cases: the one place that books, cancels, moves and generates slots.

Every function that writes runs in one transaction. Taking a place is a conditional
UPDATE of ``Slot.booked_count`` (``booked_count < capacity``), which the database
evaluates under the row's write lock: of two concurrent bookings for the last place,
one updates a row and the other updates none and gets ``SLOT_TAKEN``. The check
constraint ``appointments_slot_not_overbooked`` backs it up.

The citizen's emails (confirmation, moved, cancelled) go from here, once the change is
committed, whoever made it: the citizen on the web or staff in the admin.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices import hours
from offices.models import Office, ServiceKind
from offices.phone import parse_phone

from . import emails
from .models import Appointment, Slot

SLOT_TAKEN = "slot_taken"
ALREADY_BOOKED = "already_booked"
MESSAGES = {
    SLOT_TAKEN: _("Sorry, this time was just taken. Please choose another time."),
    "slot_unavailable": _("This time can no longer be booked. Please choose another time."),
    "too_late": _("This booking can no longer be changed because the appointment has started."),
    "not_active": _("This booking has been cancelled."),
    ALREADY_BOOKED: _("This booking has already been made."),
}


def _error(code):
    return ValidationError(MESSAGES[code], code=code)


def _take_place(slot, now):
    """Take one place of ``slot`` or raise; the caller holds a transaction."""
    if slot.is_blocked or slot.starts_at <= now:
        raise _error("slot_unavailable")
    taken = Slot.objects.filter(
        pk=slot.pk, is_blocked=False, booked_count__lt=F("capacity")
    ).update(booked_count=F("booked_count") + 1)
    if not taken:
        raise _error(SLOT_TAKEN)


def _email_on_commit(send, appointment):
    """Send ``send(appointment)`` to the citizen once the transaction commits."""
    if appointment.email:
        transaction.on_commit(lambda: send(appointment))


def _release_place(slot_id):
    Slot.objects.filter(pk=slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)


def check_notice(slot, now=None):
    """Citizens book from the minimum notice to the horizon (staff may book sooner)."""
    now = now or timezone.now()
    if slot.starts_at < now + datetime.timedelta(minutes=settings.APPOINTMENT_MIN_NOTICE_MINUTES):
        raise ValidationError(
            _("Appointments must be booked at least %(hours)s hours in advance.")
            % {"hours": f"{settings.APPOINTMENT_MIN_NOTICE_MINUTES / 60:g}"},
            code="too_soon",
        )
    if slot.starts_at > now + datetime.timedelta(weeks=settings.APPOINTMENT_HORIZON_WEEKS):
        raise ValidationError(
            _("Appointments can be booked at most %(weeks)d weeks ahead.")
            % {"weeks": settings.APPOINTMENT_HORIZON_WEEKS},
            code="too_far",
        )


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
    submission_token=None,
):
    """Book one place of ``slot``. Raises ValidationError (code ``slot_taken`` when the
    last place went to someone else). ``booked_by`` None means the citizen on the web,
    for whom the minimum notice and the horizon apply. A ``submission_token`` that has
    already booked (a second click on the same page) raises ``already_booked``."""
    now = timezone.now()
    try:
        phone = parse_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error}) from None
    try:
        with transaction.atomic():
            slot = Slot.objects.select_related("office").get(pk=slot.pk)
            if booked_by is None:
                check_notice(slot, now)
            if _submitted(submission_token):
                raise _error(ALREADY_BOOKED)
            appointment = Appointment(
                slot=slot,
                channel=slot.channel,
                name=name,
                phone=phone,
                email=email,
                language=language,
                topic=topic,
                note=note,
                booked_by=booked_by,
                updated_by=booked_by,
                submission_token=submission_token or "",
            )
            appointment.full_clean(exclude=["slot", "submission_token"])
            _take_place(slot, now)
            appointment.save()
            _email_on_commit(emails.send_confirmation, appointment)
    except IntegrityError:
        # The same token committed meanwhile (PostgreSQL waits for it on the index).
        if _submitted(submission_token):
            raise _error(ALREADY_BOOKED) from None
        raise
    slot.refresh_from_db(fields=["booked_count"])
    return appointment


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
    """Cancel and free the place at once. Citizens (``by`` None) only before the start."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if not appointment.is_active:
            return appointment
        if by is None and not appointment.can_change:
            raise _error("too_late")
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.updated_by = by
        appointment.save(update_fields=["status", "cancelled_at", "updated_by", "updated_at"])
        _release_place(appointment.slot_id)
        _email_on_commit(emails.send_cancellation, appointment)
    return appointment


def appointment_rebook(*, appointment, new_slot, by=None):
    """Move a booking to ``new_slot`` atomically: if the new time cannot be taken,
    the booking keeps its old time."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if not appointment.is_active:
            raise _error("not_active")
        if by is None and not appointment.can_change:
            raise _error("too_late")
        if new_slot.pk == appointment.slot_id:
            return appointment
        new_slot = Slot.objects.select_related("office").get(pk=new_slot.pk)
        if by is None:
            check_notice(new_slot, now)
        _take_place(new_slot, now)
        _release_place(appointment.slot_id)
        appointment.slot = new_slot
        appointment.channel = new_slot.channel
        appointment.updated_by = by
        appointment.reminder_sent_at = None
        appointment.save(
            update_fields=["slot", "channel", "updated_by", "updated_at", "reminder_sent_at"]
        )
        _email_on_commit(emails.send_moved, appointment)
    new_slot.refresh_from_db(fields=["booked_count"])
    return appointment


def appointment_set_status(*, appointment, status, by):
    """Staff mark arrived / done / no-show (cancelling goes through appointment_cancel)."""
    if status == Appointment.Status.CANCELLED:
        return appointment_cancel(appointment=appointment, by=by)
    with transaction.atomic():
        appointment = _locked(appointment)
        if not appointment.is_active:
            raise _error("not_active")
        appointment.status = status
        appointment.updated_by = by
        appointment.save(update_fields=["status", "updated_by", "updated_at"])
    return appointment


def slots_generate(*, start, end, offices=None, capacity=1):
    """Create the missing slots from the appointment hours of ``offices`` (all that have
    appointment hours by default) for local dates ``start``..``end``. Idempotent: an
    existing slot is left as it is. A fixed number of queries per office. Returns the
    number of slots this call created: runs for the same office take turns (a row lock
    on the office; SQLite serialises writers), so one run's slots are not another's."""
    if offices is None:
        offices = Office.objects.active()
    created = 0
    for office in offices:
        days = hours.opening_hours(office, start, end)
        wanted = {
            slot_start: slot_end
            for day in days
            for slot_start, slot_end in hours.divide(
                day.services.get(ServiceKind.APPOINTMENTS, []), settings.APPOINTMENT_SLOT_MINUTES
            )
        }
        if not wanted:
            continue
        with transaction.atomic():
            # NO KEY UPDATE: other runs wait, inserts of slots (a key share) do not.
            list(Office.objects.select_for_update(no_key=True).filter(pk=office.pk))
            in_range = Slot.objects.for_office(office).between(start, end)
            existing = set(in_range.values_list("starts_at", flat=True))
            new = [
                Slot(office=office, starts_at=slot_start, ends_at=slot_end, capacity=capacity)
                for slot_start, slot_end in sorted(wanted.items())
                if slot_start not in existing
            ]
            if new:
                Slot.objects.bulk_create(new, ignore_conflicts=True)
                # A slot added meanwhile by hand was skipped: count what is there now.
                created += in_range.count() - len(existing)
    return created


def appointments_purge(*, before):
    """Anonymise appointments whose slot ended before ``before``: personal data blanked,
    statistics (office, time, topic, channel, status, language) kept. Idempotent.
    Returns the number anonymised."""
    return Appointment.objects.filter(slot__ends_at__lt=before, anonymised_at__isnull=True).update(
        name="", phone="", email="", note="", anonymised_at=timezone.now()
    )
