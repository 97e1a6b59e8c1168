"""Walk-in visits at an info point, and oral applications taken at the desk or on the
phone.

A visit holds no personal data unless the customer gives a name (optional); what is
entered is anonymised with the rest (``rules.visits_purge``). Times are instants; the
waiting time is ``called_at - arrived_at``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callbacks.models import CallbackAttempt
from offices import hours
from offices.models import Office, Topic
from offices.validators import refuse_identity_codes


class VisitQuerySet(models.QuerySet):
    def at(self, office):
        return self.filter(office=office)

    def waiting(self):
        return self.filter(called_at__isnull=True, finished_at__isnull=True)

    def being_served(self):
        return self.filter(called_at__isnull=False, finished_at__isnull=True)

    def on_day(self, day):
        start, end = hours.day_bounds(day)
        return self.filter(arrived_at__gte=start, arrived_at__lt=end)


class Visit(models.Model):
    class Outcome(models.TextChoices):
        ADVISED = "advised", _("Advised on the spot")
        E_SERVICE = "e_service", _("Directed to the e-service")
        APPOINTMENT = "appointment", _("Appointment booked")
        CALLBACK = "callback", _("Callback request made")
        ORAL_APPLICATION = "oral_application", _("Oral application taken")
        OTHER = "other", _("Other")

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        validators=[refuse_identity_codes],
        help_text=_("Optional: only if the customer wants to be called by name."),
    )
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("served by"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["arrived_at", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        # Office staff serve the desk without rights in the admin.
        permissions = [("serve_desk", "Can serve customers at the info-point desk")]
        indexes = [
            # The desk's queue: an office's visits in arrival order.
            models.Index(fields=["office", "arrived_at"], name="desk_visit_office_arrived"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(called_at__isnull=True) | Q(called_at__gte=models.F("arrived_at")),
                name="desk_visit_called_after_arrival",
            ),
            # Finished means called, with an outcome; an outcome only when finished.
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, outcome="")
                | Q(finished_at__isnull=False, called_at__isnull=False) & ~Q(outcome=""),
                name="desk_visit_finished_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.office} {hours.format_datetime(self.arrived_at)}"

    def waited(self, now=None):
        """How long the customer waited (so far, if not called yet)."""
        return (self.called_at or now or timezone.now()) - self.arrived_at


class OralApplicationQuerySet(models.QuerySet):
    def daily_counts(self, office, start, end):
        """{(day, channel): count} of ``office``'s oral applications on start..end."""
        rows = (
            self.filter(office=office, taken_on__range=(start, end))
            .values("taken_on", "channel")
            .annotate(count=Count("pk"))
        )
        return {(row["taken_on"], row["channel"]): row["count"] for row in rows}


class OralApplication(models.Model):
    """An application taken orally because no other way was possible: at the desk of a
    service point or by the phone service."""

    class Channel(models.TextChoices):
        DESK = "desk", _("At the desk")
        PHONE = "phone", _("By phone")

    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office"),
        help_text=_("The service point, or the phone service for applications by phone."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("benefit area")
    )
    taken_on = models.DateField(_("date"), default=hours.localdate)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    case_reference = models.CharField(
        _("case reference"),
        max_length=50,
        validators=[refuse_identity_codes],
        help_text=_("Kela's case or document reference; not a personal identity code."),
    )
    visit = models.OneToOneField(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="oral_application",
        verbose_name=_("desk visit"),
    )
    attempt = models.OneToOneField(
        CallbackAttempt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("call attempt"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = OralApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        verbose_name = _("oral application")
        verbose_name_plural = _("oral applications")
        indexes = [
            models.Index(fields=["office", "taken_on"], name="desk_oral_office_day"),
        ]

    def __str__(self):
        return f"{self.topic} {hours.format_date(self.taken_on)}"
