"""Appointment slots and the appointments booked on them.

Capacity is enforced by the database: ``Slot.booked_count`` counts the active
appointments of a slot and a check constraint keeps it between 0 and ``capacity``.
Booking increments it with one conditional UPDATE (``appointments.rules``), so two
transactions can never both take the last place, on PostgreSQL or SQLite.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from offices import hours
from offices.links import PrivateLink, PrivateLinkQuerySet
from offices.models import Office, ServiceKind, Topic
from offices.references import REFERENCE_LENGTH, new_reference
from offices.validators import refuse_identity_codes

SUBMISSION_TOKEN_MAX_LENGTH = 32


def new_submission_token():
    return secrets.token_urlsafe(16)


class SlotQuerySet(models.QuerySet):
    def for_office(self, office):
        return self.filter(office=office)

    def on_date(self, day):
        return self.between(day, day)

    def between(self, start_day, end_day):
        """Slots starting on local dates start_day..end_day (inclusive)."""
        start, end = hours.day_bounds(start_day, end_day)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def free(self):
        """Open (neither blocked by staff nor closed by the hours) and with a place left
        (``Slot.is_free`` in SQL). Whether a slot can be booked now is
        ``appointments.rules.bookable_slots``."""
        return self.filter(is_blocked=False, is_closed=False, booked_count__lt=F("capacity"))


class Slot(models.Model):
    """A bookable time at an office's appointment service or at the phone service."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="slots", verbose_name=_("office")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked_count = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    is_blocked = models.BooleanField(
        _("blocked"), default=False, help_text=_("A blocked slot is not offered for booking.")
    )
    # Set and cleared by the hours (appointments.rules.slots_reconcile), never by hand:
    # a closure takes the slot away, and reopening the day gives back exactly that.
    is_closed = models.BooleanField(
        _("closed by the hours"),
        default=False,
        editable=False,
        help_text=_("The opening hours no longer include this time."),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "office"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "starts_at"], name="appointments_slot_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="appointments_slot_starts_before_ends"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="appointments_slot_capacity_positive"
            ),
            # The invariant: never more active bookings than places.
            models.CheckConstraint(
                condition=Q(booked_count__gte=0, booked_count__lte=F("capacity")),
                name="appointments_slot_not_overbooked",
            ),
        ]
        indexes = [
            # The admin's list and the citizens' times: a range of starts, in this order
            # (one office's range uses the unique (office, starts_at) index).
            models.Index(fields=["starts_at", "office"], name="appointments_slot_by_start"),
        ]

    def __str__(self):
        return f"{self.office} {hours.format_datetime(self.starts_at)}"

    @property
    def remaining(self):
        return max(self.capacity - self.booked_count, 0)

    @property
    def is_open(self):
        """Neither blocked by staff nor closed by the hours."""
        return not (self.is_blocked or self.is_closed)

    @property
    def is_free(self):
        """Open and with a place left (``SlotQuerySet.free`` in Python)."""
        return self.is_open and self.booked_count < self.capacity

    @property
    def free_places(self):
        """Places that can still be booked: none while blocked or closed."""
        return self.remaining if self.is_open else 0

    @property
    def channel(self):
        return (
            Appointment.Channel.PHONE
            if self.office.is_phone_service
            else Appointment.Channel.OFFICE
        )

    def clean(self):
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValidationError(
                {"ends_at": _("The end must be later than the start.")}, code="ends_before_starts"
            )
        if self.capacity is not None and self.capacity < self.booked_count:
            raise ValidationError(
                {
                    "capacity": _("The slot already has %(count)d bookings.")
                    % {"count": self.booked_count}
                },
                code="capacity_below_bookings",
            )
        if self.office_id and self.starts_at and self.ends_at:
            day = hours.localdate(self.starts_at)
            intervals = hours.opening_intervals(self.office, ServiceKind.APPOINTMENTS, day)
            if not any(i.start <= self.starts_at and self.ends_at <= i.end for i in intervals):
                raise ValidationError(
                    _("The slot is outside the appointment hours of %(office)s.")
                    % {"office": self.office},
                    code="outside_hours",
                )


class AppointmentQuerySet(PrivateLinkQuerySet):
    def active(self):
        return self.exclude(status=Appointment.Status.CANCELLED)

    def for_office(self, office):
        return self.filter(slot__office=office)

    def on_date(self, day):
        start, end = hours.day_bounds(day)
        return self.filter(slot__starts_at__gte=start, slot__starts_at__lt=end)

    def affected(self):
        """Active bookings whose time a change of hours closed."""
        return self.active().filter(affected_at__isnull=False)


class Appointment(PrivateLink):
    # Reminders, closure notices, the double-click recovery and the calendar file show
    # the private link again: an encrypted copy is kept until the booking has ended.
    SEALED_COPY = True

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ARRIVED = "arrived", _("Arrived")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        OFFICE = "office", _("At the service point")
        PHONE = "phone", _("By phone")

    class Source(models.TextChoices):
        """Who made the booking, and where (``Channel`` is where the appointment is)."""

        WEB = "web", _("The citizen on the web")
        PHONE_STAFF = "phone_staff", _("Phone service staff")
        DESK = "desk", _("Service point staff")

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    NOTE_MAX_LENGTH = 500

    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_LENGTH,
        unique=True,
        default=new_reference,
        editable=False,
    )
    # The random token of the confirm page that made this booking: a second "Book" from
    # the same page (a double click) finds this booking instead of making another.
    submission_token = models.CharField(
        max_length=SUBMISSION_TOKEN_MAX_LENGTH, blank=True, default="", editable=False
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("time")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, editable=False)
    source = models.CharField(
        _("booked through"), max_length=12, choices=Source, default=Source.WEB, editable=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.BOOKED)
    name = models.CharField(_("name"), max_length=200, validators=[refuse_identity_codes])
    phone = PhoneNumberField(_("phone number"))
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language, default=Language.FINNISH
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("topic")
    )
    note = models.TextField(
        _("note"), max_length=NOTE_MAX_LENGTH, blank=True, validators=[refuse_identity_codes]
    )
    # None = booked by the citizen on the web.
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent"), null=True, blank=True, editable=False
    )
    # The booking's place among its number's upcoming bookings (1..APPOINTMENTS_PER_PHONE,
    # unique per number: the database holds the cap); None once it has started, was
    # cancelled, or staff booked past the cap with a reason.
    phone_place = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The identified citizen who booked (None: booked without logging in, or by staff),
    # and the booking's place among that person's upcoming bookings (1..
    # APPOINTMENTS_PER_PHONE, unique per person: the same cap as per number, held the
    # same way).
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("identified citizen"),
        editable=False,
    )
    citizen_place = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    cap_override_reason = models.CharField(
        _("reason to exceed the limit per number"), max_length=200, blank=True
    )
    # Set when a change of hours closed the booked time (the booking stands: the citizen
    # moves or cancels it, or staff call them); cleared when the time opens again.
    affected_at = models.DateTimeField(
        _("affected by a closure"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | ~Q(status="cancelled"),
                name="appointments_cancelled_has_time",
            ),
            models.UniqueConstraint(
                fields=["submission_token"],
                condition=~Q(submission_token=""),
                name="appointments_unique_submission_token",
            ),
            # At most APPOINTMENTS_PER_PHONE upcoming bookings per number, whatever the
            # concurrency: each holds a numbered place (appointments.rules.appointment_book).
            models.UniqueConstraint(
                fields=["phone", "phone_place"],
                condition=Q(phone_place__isnull=False),
                name="appointments_one_booking_per_phone_place",
            ),
            models.CheckConstraint(
                condition=Q(phone_place__isnull=True) | Q(phone_place__gte=1),
                name="appointments_phone_place_positive",
            ),
            # The same cap per identified person (appointments.rules.appointment_book).
            models.UniqueConstraint(
                fields=["citizen", "citizen_place"],
                condition=Q(citizen_place__isnull=False),
                name="appointments_one_booking_per_citizen_place",
            ),
            models.CheckConstraint(
                condition=Q(citizen_place__isnull=True)
                | Q(citizen_place__gte=1, citizen__isnull=False),
                name="appointments_citizen_place_positive",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["phone"])]
        # Office staff mark arrivals on the day list without the right to edit bookings.
        permissions = [
            ("mark_appointment_status", "Can mark appointments arrived, done or no-show"),
            ("override_phone_cap", "Can book past the limit of bookings per number"),
            ("book_for_customer", "Can book appointments for a customer on the staff pages"),
        ]

    def __str__(self):
        return f"{self.reference} {self.slot}"

    def get_absolute_url(self):
        return reverse("appointments:manage", kwargs={"token": self.manage_token})

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED
