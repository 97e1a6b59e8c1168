"""The access record: who looked at which citizen's data, and when, from where.

One row per page view (or export, login, failed login, lockout), written in one INSERT
by ``access.records``. A row names the staff member, the office whose data was shown,
the day of a day list, and the references of the bookings or callback requests seen.
The citizens themselves appear only as keyed hashes (``subjects``, see
``access.records.subject_key``): the question "who has looked at my data?" can be
answered from the phone number (or identity) also after the booking itself was
anonymised, while the record holds no phone number.

``subjects`` is a space-separated list searched with ``LIKE '% key %'``: one row per
page view keeps the record small (a 50-row day list is one row, not 50), and a
citizen's question is rare enough to scan for.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRecordQuerySet(models.QuerySet):
    def about(self, key):
        """Rows that show the citizen of this keyed hash (``records.subject_key``)."""
        return self.filter(subjects__contains=f" {key} ")

    def older_than(self, before):
        return self.filter(at__lt=before)


class AccessRecord(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Locked out")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The account's user name (kept when the account is deleted), or what was typed at
    # a failed login.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    page = models.CharField(_("page"), max_length=200, blank=True)
    office = models.CharField(
        _("office"), max_length=50, blank=True, help_text=_("The office's short name (slug).")
    )
    day = models.DateField(_("day"), null=True, blank=True)
    # The app and model of the objects seen: "appointments.appointment".
    model = models.CharField(_("kind of data"), max_length=100, blank=True)
    references = models.TextField(_("references"), blank=True)
    count = models.PositiveIntegerField(_("number of records"), default=0)
    # " key key ... ": keyed hashes of the citizens' phone numbers (or identities).
    subjects = models.TextField(_("citizens (keyed hashes)"), blank=True, editable=False)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")

    def __str__(self):
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    @property
    def reference_list(self):
        return self.references.split(", ") if self.references else []
