"""Callback requests: a citizen asks Kela's phone service to call back in a window.

The rules that decide which windows are offered and that write requests live in
``callbacks.rules``; this module holds the rows and the constraints the database
enforces whatever the concurrency:

- at most one open (pending or in progress) request per phone number;
- at most ``CALLBACK_WINDOW_CAPACITY`` live requests per window: each live request holds
  a numbered place in its window, and (window, place) is unique among live requests.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from offices.links import PrivateLink, PrivateLinkQuerySet
from offices.references import REFERENCE_LENGTH, new_reference
from offices.validators import refuse_identity_codes

WINDOW_MINUTES = 30
WINDOW_LENGTH = datetime.timedelta(minutes=WINDOW_MINUTES)
MESSAGE_MAX_LENGTH = 500


class CallbackRequestQuerySet(PrivateLinkQuerySet):
    def open(self):
        """Pending or in progress: still to be called."""
        return self.filter(status__in=CallbackRequest.OPEN_STATUSES)

    def live(self):
        """Holding a place in their window (every status but cancelled)."""
        return self.exclude(status=CallbackRequest.Status.CANCELLED)

    def overdue(self, now=None):
        return self.open().filter(window_end__lt=now or timezone.now())

    def in_window(self, start):
        return self.filter(window_start=start)

    def between(self, start, end):
        """Windows starting at or after ``start`` and before ``end`` (aware instants)."""
        return self.filter(window_start__gte=start, window_start__lt=end)

    def by_due_time(self):
        return self.order_by("window_end", "created_at", "pk")

    def with_promise(self, now=None):
        """Annotated with how the promise to call within the window went, the one home
        of that rule (the staff summary and the reports count these):
        ``first_call`` (the first attempt's time, or None), ``called_in_time`` (first
        called by the window's end) and ``called_late`` (first called after it, or not
        called and the window is over). Both false while the window runs uncalled (never
        NULL, so that a filter on False finds those too)."""
        now = now or timezone.now()
        first = CallbackAttempt.objects.filter(callback=OuterRef("pk")).order_by("made_at")
        called = Q(first_call__isnull=False)
        in_time = called & Q(first_call__lte=F("window_end"))
        late = (called & Q(first_call__gt=F("window_end"))) | Q(
            first_call__isnull=True, window_end__lt=now
        )
        return self.annotate(first_call=Subquery(first.values("made_at")[:1])).annotate(
            called_in_time=ExpressionWrapper(in_time, output_field=models.BooleanField()),
            called_late=ExpressionWrapper(late, output_field=models.BooleanField()),
        )


class CallbackRequest(PrivateLink):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NO_ANSWER = "no_answer", _("No answer")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)

    reference = models.CharField(
        pgettext_lazy("callback", "reference"),
        max_length=REFERENCE_LENGTH,
        unique=True,
        default=new_reference,
    )
    phone = PhoneNumberField(_("phone number"), blank=True)
    window_start = models.DateTimeField(_("window starts"), db_index=True)
    window_end = models.DateTimeField(
        _("due"), db_index=True, help_text=_("The end of the window: call by this time.")
    )
    place = models.PositiveSmallIntegerField(
        _("place in window"), editable=False, help_text=_("1 to the window's capacity.")
    )
    topic = models.ForeignKey(
        "offices.Topic", on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    message = models.CharField(
        _("message"),
        max_length=MESSAGE_MAX_LENGTH,
        blank=True,
        validators=[refuse_identity_codes],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The identified citizen who left the request (None: left without logging in, or by
    # staff): the queue shows it, so the agent knows who they are calling.
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callback_requests",
        verbose_name=_("identified citizen"),
        editable=False,
    )
    # Set when a change of the phone-service hours removed the window (the citizen is
    # told to ask for a new time; staff may still call); cleared if it comes back.
    affected_at = models.DateTimeField(_("affected by a closure"), null=True, blank=True)

    objects = CallbackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["window_end", "created_at"]
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(status__in=["pending", "in_progress"]) & ~Q(phone=""),
                name="callbacks_one_open_request_per_phone",
            ),
            models.UniqueConstraint(
                fields=["window_start", "place"],
                condition=~Q(status="cancelled"),
                name="callbacks_one_request_per_place",
            ),
            models.CheckConstraint(condition=Q(place__gte=1), name="callbacks_place_positive"),
            models.CheckConstraint(
                condition=Q(window_start__lt=F("window_end")),
                name="callbacks_window_starts_before_end",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["pending", "in_progress"]) | ~Q(phone=""),
                name="callbacks_open_request_has_phone",
            ),
        ]
        indexes = [
            # The queue and the admin's default list: open requests by due time
            # (``by_due_time``), without walking past the closed ones of the history.
            models.Index(
                fields=["window_end", "created_at", "id"],
                condition=Q(status__in=["pending", "in_progress"]),
                name="callbacks_open_by_due_time",
            ),
            # The load of each window (``window_load``: the citizens' form, the queue):
            # live requests counted from the index alone, 10,000 a day nationally.
            models.Index(
                fields=["window_start"],
                condition=~Q(status="cancelled"),
                name="callbacks_live_by_window",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse(
            "callbacks:detail", kwargs={"reference": self.reference, "token": self.manage_token}
        )

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now=None):
        return self.is_open and self.window_end < (now or timezone.now())


class CallbackAttempt(models.Model):
    """One call a staff member made for a request, and how it went."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Reached, done")
        NO_ANSWER = "no_answer", _("No answer")

    callback = models.ForeignKey(
        CallbackRequest,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("callback request"),
    )
    made_at = models.DateTimeField(_("time"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    note = models.CharField(
        pgettext_lazy("call attempt", "note"),
        max_length=MESSAGE_MAX_LENGTH,
        blank=True,
        validators=[refuse_identity_codes],
    )

    class Meta:
        ordering = ["made_at", "pk"]
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")

    def __str__(self):
        return f"{self.callback} {self.get_outcome_display()}"
