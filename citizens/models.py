"""Proof that a citizen holds the phone number they give: a 6-digit code sent by SMS.

Only a hash of the code is stored. A code is good for ``CODE_MINUTES``, once, and for
``CODE_TRIES`` wrong guesses; the rows also count the codes sent to a number and to a
client network, against SMS pumping (``citizens.rules``).
"""

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
