"""Proof that a citizen holds the phone number they give: a 6-digit code sent by SMS.

Only a hash of the code is stored. A code is good for ``CODE_MINUTES``, once, and for
``CODE_TRIES`` wrong guesses; the rows also count the codes sent to a number and to a
client network, against SMS pumping (``citizens.rules``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PhoneCodeQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(created_at__gte=moment)


class PhoneCode(models.Model):
    phone = models.CharField(_("phone number"), max_length=20, db_index=True)  # E.164
    code_hash = models.CharField(max_length=64)
    # A keyed hash of the client's network (/24 or /64): pumping limits, no address kept.
    network = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(_("sent"), db_index=True)
    expires_at = models.DateTimeField(_("expires"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = PhoneCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(created_at__lt=F("expires_at")), name="citizens_code_expires_later"
            ),
        ]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class Citizen(models.Model):
    """A citizen who has logged in by strong identification (OpenID Connect).

    Never a Django user: no password, no staff flag, no way into the admin or the staff
    pages. The same person is recognised by a keyed hash (HMAC with ``IDENTITY_KEY``)
    of their personal identity code; the code itself is never stored. The name and birth
    date are kept for display, as the identity provider last gave them.
    """

    identity_hash = models.CharField(_("identity hash"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    created_at = models.DateTimeField(_("first login"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login"))

    class Meta:
        verbose_name = _("identified citizen")
        verbose_name_plural = _("identified citizens")

    def __str__(self):
        return self.name


class CallCode(models.Model):
    """A one-time code for an identified call to the phone service: ordered by an
    identified citizen on their page, given on the phone; staff type it (with the birth
    date) on /staff/identify/. Only a keyed hash is stored; good once, for
    ``callcodes.CODE_MINUTES``; unique among the codes not yet closed; at most
    ``callcodes.CODES_PER_DAY`` per person per local day (a numbered place each)."""

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="call_codes", verbose_name=_("citizen")
    )
    code_hash = models.CharField(max_length=64)
    day = models.DateField(_("day"))
    day_place = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(_("ordered"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used by"),
    )
    # Used, or found expired: the code may be given to someone else again.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call code")
        verbose_name_plural = _("call codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(created_at__lt=F("expires_at")), name="citizens_call_code_expires_later"
            ),
            models.UniqueConstraint(
                fields=["code_hash"],
                condition=Q(closed_at__isnull=True),
                name="citizens_call_code_unique_while_open",
            ),
            models.UniqueConstraint(
                fields=["citizen", "day", "day_place"], name="citizens_call_codes_per_day"
            ),
            models.CheckConstraint(
                condition=Q(day_place__gte=1, day_place__lte=3),
                name="citizens_call_codes_at_most_three_a_day",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(closed_at__isnull=False),
                name="citizens_call_code_used_is_closed",
            ),
        ]

    def __str__(self):
        return f"{self.citizen} {self.created_at:%Y-%m-%d %H:%M}"


class IdentifyAttempt(models.Model):
    """Every attempt of phone-service staff to identify a caller by a call code: who,
    when, and how it went. Five wrong ones in a row lock that staff member's form."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Identified")
        WRONG = "wrong", _("Wrong code or birth date")
        LOCKED = "locked", _("Refused: locked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    at = models.DateTimeField(_("when"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("identified citizen"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("identification attempt")
        verbose_name_plural = _("identification attempts")
        indexes = [models.Index(fields=["user", "-at"])]
        permissions = [("identify_caller", "Can identify callers by their call code")]

    def __str__(self):
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.outcome}"


class ProvenPhone(models.Model):
    """A phone number an identified citizen has proven on their page with the SMS code:
    their page lists the bookings and callback requests made with it without logging
    in, too."""

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="phones", verbose_name=_("citizen")
    )
    phone = models.CharField(_("phone number"), max_length=20)  # E.164
    proven_at = models.DateTimeField(_("proven"))

    class Meta:
        verbose_name = _("proven phone number")
        verbose_name_plural = _("proven phone numbers")
        constraints = [
            models.UniqueConstraint(fields=["citizen", "phone"], name="citizens_phone_once"),
        ]

    def __str__(self):
        return self.phone
