"""Private links: the secret part of a citizen's link to their booking or callback
request (``/appointments/manage/<token>/``, ``/callbacks/<reference>/<token>/``).

Only the token's SHA-256 hash is stored, so the database (a backup, a leaked dump) does
not hold working links; a link is looked up by its hash. What must show the link again
later (reminders, closure notices, the double-click recovery, the calendar file) keeps an
encrypted copy (Fernet, key ``LINK_KEY``), which expires when the booking has ended.
Anonymising blanks both, so an old link stops working.
"""

import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models
from django.http import Http404

from .references import new_token


class UnknownLink(Http404):
    """A private link that opens nothing (mistyped, cut short, or of a booking or
    request whose data is gone). ``offices.views.private_link`` answers it with a page
    that shows the way forward, still as a 404."""


def token_hash(token):
    return hashlib.sha256(str(token).encode()).hexdigest()


def _fernet():
    return Fernet(settings.LINK_KEY.encode())


def seal(token):
    return _fernet().encrypt(token.encode()).decode()


def unseal(sealed):
    """The token in ``sealed``, or "" if it cannot be opened (another key, blanked)."""
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return ""


class PrivateLinkQuerySet(models.QuerySet):
    def by_token(self, token):
        """The row whose private link carries ``token`` (as many as match: 0 or 1)."""
        return self.filter(manage_token_hash=token_hash(token)) if token else self.none()


class PrivateLink(models.Model):
    """A model with a citizen's private link. A new row gets its token on save; the
    token itself is known only to the instance that created it, to the one found by it
    (``opened_with``), or from the sealed copy where the model keeps one
    (``SEALED_COPY``)."""

    SEALED_COPY = False

    # NULL once blanked: unique, and many anonymised rows have none.
    manage_token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    manage_token_sealed = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding and not self.manage_token_hash:
            token = new_token()
            self._manage_token = token
            self.manage_token_hash = token_hash(token)
            if self.SEALED_COPY:
                self.manage_token_sealed = seal(token)
        super().save(*args, **kwargs)

    @property
    def manage_token(self):
        return getattr(self, "_manage_token", "") or unseal(self.manage_token_sealed)

    def opened_with(self, token):
        """This row as found by its link: it knows its token from now on."""
        self._manage_token = token
        return self
