"""Places, their opening hours and the reference data the other apps share.

Hours are modelled as in the City of Helsinki's opening-hours service (hauki), reduced
to what Kela needs: an office has validity periods (seasonal hours); a period holds
weekly rules per kind of service; date exceptions close a day or give it special hours.
The rules that turn these rows into opening intervals live in ``offices.hours``.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .validators import refuse_identity_codes


class ServiceKind(models.TextChoices):
    APPOINTMENTS = "appointments", _("Appointment service")
    SELF_SERVICE = "self_service", _("Self-service computers")
    INFO_POINT = "info_point", _("Info point")
    PHONE = "phone", _("Phone service")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OfficeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def service_points(self):
        return self.filter(kind=Office.Kind.SERVICE_POINT)

    def phone_service(self):
        """The phone service, or None."""
        return self.filter(kind=Office.Kind.PHONE_SERVICE).first()


class Office(models.Model):
    """A Kela service point, or the phone service as a channel with its own hours."""

    class Kind(models.TextChoices):
        SERVICE_POINT = "service_point", _("Service point")
        PHONE_SERVICE = "phone_service", _("Phone service")

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in web addresses."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SERVICE_POINT)
    name = models.CharField(_("name"), max_length=100)
    name_sv = models.CharField(
        _("name in Swedish"),
        max_length=100,
        blank=True,
        help_text=_("Shown on the Swedish pages, for example Torneå. Empty: the name."),
    )
    name_fi_inessive = models.CharField(
        _("name after 'in' in Finnish"),
        max_length=100,
        blank=True,
        help_text=_(
            "The Finnish form that answers 'where', for example Torniossa (page titles: "
            "Kelan palvelut Torniossa ja Kemissä). Empty: the name."
        ),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="offices",
        verbose_name=_("staff"),
        help_text=_("Office staff who see this office's daily appointment list."),
    )

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            # There is one national phone service.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="phone_service"),
                name="offices_office_one_phone_service",
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{5}$"),
                name="offices_office_postal_code_5_digits",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        if self.is_phone_service:
            return reverse("offices:phone_service")
        return reverse("offices:detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        """The name in the active language (the phone service's is translated)."""
        if self.is_phone_service:
            return str(_("Kela phone service"))
        if self.name_sv and (get_language() or "").startswith("sv"):
            return self.name_sv
        return self.name

    @property
    def is_phone_service(self):
        return self.kind == self.Kind.PHONE_SERVICE

    @property
    def place_name(self):
        """The name as it reads after "in" in the active language ("Torniossa")."""
        if (get_language() or "fi").startswith("fi") and self.name_fi_inessive:
            return self.name_fi_inessive
        return self.display_name

    @property
    def address_line(self):
        """ "Laivurinkatu 12, 95400 Tornio" (empty for the phone service)."""
        place = f"{self.postal_code} {self.city}".strip()
        return ", ".join(part for part in (self.street_address, place) if part)

    @property
    def map_url(self):
        """A plain link to the address on OpenStreetMap (a public map service; nothing
        of it is embedded in our pages), or "" without an address."""
        if not self.street_address:
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.address_line})


class HoursPeriodQuerySet(models.QuerySet):
    def not_over(self, day):
        """Periods that have not ended before ``day``: in force then, or to come."""
        return self.exclude(valid_until__lt=day)


class HoursPeriod(models.Model):
    """Weekly hours valid from one date to another (open-ended when no end date).

    Where periods of one office overlap, the one that starts latest wins for the days
    they share: a summer period inside a year-round period overrides it.
    """

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="periods", verbose_name=_("office")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For example: Summer 2027"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for no end date.")
    )

    objects = HoursPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["office", "-valid_from"]
        verbose_name = _("hours period")
        verbose_name_plural = _("hours periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_from__lte=F("valid_until")),
                name="offices_period_from_before_until",
            ),
            models.UniqueConstraint(
                fields=["office", "valid_from"], name="offices_period_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.office}: {self.name}"

    def covers(self, day):
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class WeeklyRule(models.Model):
    """One opening interval of one kind of service on one weekday of a period."""

    period = models.ForeignKey(
        HoursPeriod, on_delete=models.CASCADE, related_name="rules", verbose_name=_("period")
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceKind)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["period", "service", "weekday", "opens"]
        verbose_name = _("weekly rule")
        verbose_name_plural = _("weekly rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")), name="offices_rule_opens_before_closes"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="offices_rule_weekday_range"
            ),
            models.UniqueConstraint(
                fields=["period", "service", "weekday", "opens"],
                name="offices_rule_unique_start",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_service_display()} {self.get_weekday_display()} "
            f"{formats.time_format(self.opens)}–{formats.time_format(self.closes)}"
        )

    def clean(self):
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError(
                {
                    "closes": ValidationError(
                        _("The closing time must be later than the opening time."),
                        code="closes_before_opens",
                    )
                }
            )


class DateExceptionQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class DateException(models.Model):
    """A closure or special hours on one date, for one service or the whole office.

    A closed exception without a service closes every service of the office that day.
    Special hours (``closed`` off) replace that service's weekly hours for the day,
    and open a public holiday. Several special-hours rows on one date give split hours.
    """

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("office")
    )
    date = models.DateField(_("date"))
    service = models.CharField(
        _("service"),
        max_length=20,
        choices=ServiceKind,
        blank=True,
        help_text=_("Leave empty to close every service of the office."),
    )
    closed = models.BooleanField(_("closed"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(
        pgettext_lazy("exception", "reason"),
        max_length=200,
        help_text=_("Shown to citizens, for example: Staff training"),
    )

    objects = DateExceptionQuerySet.as_manager()

    # How far from today an exception may be set: catches typos in the year.
    MAX_YEARS_AHEAD = 3

    class Meta:
        ordering = ["date", "office", "service", "opens"]
        verbose_name = _("date exception")
        verbose_name_plural = _("date exceptions")
        indexes = [models.Index(fields=["office", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(closed=True, opens__isnull=True, closes__isnull=True)
                    | Q(
                        closed=False,
                        opens__isnull=False,
                        closes__isnull=False,
                        opens__lt=F("closes"),
                    )
                ),
                name="offices_exception_closed_or_hours",
            ),
            models.CheckConstraint(
                condition=Q(closed=True) | ~Q(service=""),
                name="offices_exception_hours_need_service",
            ),
        ]

    def __str__(self):
        if self.closed:
            return f"{self.office} {formats.date_format(self.date)}: {_('closed')} ({self.reason})"
        hours = f"{formats.time_format(self.opens)}–{formats.time_format(self.closes)}"
        return f"{self.office} {formats.date_format(self.date)}: {hours} ({self.reason})"

    def clean(self):
        errors = {}

        def error(field, message, code):
            errors[field] = ValidationError(message, code=code)

        if self.closed:
            if self.opens or self.closes:
                error(
                    "closed",
                    _("A closed day has no hours. Clear the times or untick closed."),
                    "closed_with_hours",
                )
        else:
            if not self.service:
                error("service", _("Special hours need a service."), "hours_need_service")
            if not self.opens:
                error("opens", _("Enter the opening time."), "opens_missing")
            if not self.closes:
                error("closes", _("Enter the closing time."), "closes_missing")
            if self.opens and self.closes and self.opens >= self.closes:
                error(
                    "closes",
                    _("The closing time must be later than the opening time."),
                    "closes_before_opens",
                )
        if self.date:
            today = timezone.localdate()
            try:
                latest = today.replace(year=today.year + self.MAX_YEARS_AHEAD)
            except ValueError:  # 29 February
                latest = today.replace(year=today.year + self.MAX_YEARS_AHEAD, day=28)
            if self.date > latest:
                error(
                    "date",
                    _("The date is more than %(years)d years ahead.")
                    % {"years": self.MAX_YEARS_AHEAD},
                    "too_far_ahead",
                )
            elif self.pk is None and self.date < today - datetime.timedelta(days=366):
                error("date", _("The date is more than a year in the past."), "too_far_back")
        if errors:
            raise ValidationError(errors)


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Topic(models.Model):
    """A Kela service area a citizen can ask about (shared by appointments and callbacks)."""

    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "name_fi"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(fields=["name_fi"], name="offices_topic_unique")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """The name in the active language (Finnish as the fallback)."""
        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", None) or self.name_fi


class ServiceDescription(models.Model):
    """What one kind of service of one office is, in the citizens' three languages
    (staff edit it with the office). Whether a service exists, and its mode, follow
    from its hours (``offices.services``); this is only what the citizen reads."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="descriptions", verbose_name=_("office")
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceKind)
    text_fi = models.TextField(_("description in Finnish"), validators=[refuse_identity_codes])
    text_sv = models.TextField(_("description in Swedish"), validators=[refuse_identity_codes])
    text_en = models.TextField(_("description in English"), validators=[refuse_identity_codes])

    class Meta:
        ordering = ["office", "service"]
        verbose_name = _("service description")
        verbose_name_plural = _("service descriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service"], name="offices_description_one_per_service"
            )
        ]

    def __str__(self):
        return f"{self.office}: {self.get_service_display()}"

    @property
    def text(self):
        """The text in the active language (Finnish as the fallback)."""
        language = (get_language() or "fi")[:2]
        return getattr(self, f"text_{language}", None) or self.text_fi
