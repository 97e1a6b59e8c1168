"""The one-time code for an identified call to Kela's phone service.

An identified citizen orders a code on their page (``code_order``): 6 digits, shown
once, good for ``CODE_MINUTES`` and once, unique among the codes not yet closed, at
most ``CODES_PER_DAY`` per person per local day; only its keyed hash (HMAC with
``IDENTITY_KEY``) is stored. On the phone, staff type the code and the caller's birth
date (``caller_identify``): a match names the person and closes the code. Every attempt
is recorded (``IdentifyAttempt``); ``LOCK_AFTER`` wrong ones in a row lock that staff
member's form for ``LOCK_MINUTES``, counted in the database.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offices import hours
from offices.errors import ErrorCatalogue

from .models import CallCode, IdentifyAttempt
from .rules import new_code

CODE_MINUTES = 30
CODES_PER_DAY = 3
LOCK_AFTER = 5
LOCK_MINUTES = 5
MAX_WRITE_ATTEMPTS = 10

TOO_MANY_CODES = "too_many_call_codes"
BUSY = "busy"
NO_MATCH = "no_match"
LOCKED = "locked"

error = ErrorCatalogue(
    {
        TOO_MANY_CODES: _(
            "You have already ordered %(count)s codes today. You can order a new code "
            "tomorrow, or call without a code."
        ),
        BUSY: _("Many people are ordering codes right now. Please try again."),
        NO_MATCH: _(
            "No valid code matches this code and birth date. The code may be mistyped, "
            "used already or expired (codes are valid for 30 minutes)."
        ),
        LOCKED: _(
            "Too many wrong codes in a row. The form is locked until %(until)s. Please "
            "ask the caller to order a new code meanwhile."
        ),
    }
)


def code_hash(code):
    message = f"call-code:{code}".encode()
    return hmac.new(settings.IDENTITY_KEY.encode(), message, hashlib.sha256).hexdigest()


def codes_left(citizen, now=None):
    """How many codes ``citizen`` may still order today."""
    day = hours.localdate(now or timezone.now())
    return max(CODES_PER_DAY - CallCode.objects.filter(citizen=citizen, day=day).count(), 0)


def code_order(*, citizen, now=None):
    """A new code for ``citizen``: (the code, its row). The code itself exists only in
    the return value. Raises TOO_MANY_CODES after CODES_PER_DAY today; the database
    holds that (a numbered place a day) and the uniqueness among open codes."""
    now = now or timezone.now()
    day = hours.localdate(now)
    for _attempt in range(MAX_WRITE_ATTEMPTS):
        code = new_code()
        digest = code_hash(code)
        taken = set(
            CallCode.objects.filter(citizen=citizen, day=day).values_list("day_place", flat=True)
        )
        place = next((p for p in range(1, CODES_PER_DAY + 1) if p not in taken), None)
        if place is None:
            raise error(TOO_MANY_CODES, count=CODES_PER_DAY)
        try:
            with transaction.atomic():
                # An expired code with the same digits no longer holds them.
                CallCode.objects.filter(
                    code_hash=digest, closed_at__isnull=True, expires_at__lte=now
                ).update(closed_at=now)
                row = CallCode.objects.create(
                    citizen=citizen,
                    code_hash=digest,
                    day=day,
                    day_place=place,
                    created_at=now,
                    expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
                )
        except IntegrityError:
            # The same digits are open for someone else, or another order took this
            # place of the day: look again.
            continue
        return code, row
    raise error(BUSY)


def locked_until(user, now=None):
    """Until when ``user``'s identify form is locked, or None: LOCK_AFTER wrong codes
    in a row, the last less than LOCK_MINUTES ago."""
    now = now or timezone.now()
    recent = list(
        IdentifyAttempt.objects.filter(user=user)
        .exclude(outcome=IdentifyAttempt.Outcome.LOCKED)
        .order_by("-at", "-pk")
        .values_list("outcome", "at")[:LOCK_AFTER]
    )
    if len(recent) < LOCK_AFTER or any(o != IdentifyAttempt.Outcome.WRONG for o, _at in recent):
        return None
    until = recent[0][1] + datetime.timedelta(minutes=LOCK_MINUTES)
    return until if until > now else None


def caller_identify(*, user, code, birth_date, now=None):
    """The ``Citizen`` whose open code and birth date these are; the code is closed
    (used by ``user``). Every call is recorded; raises NO_MATCH or LOCKED. Attempts of
    one staff member take turns (a lock on their user row), so the count of wrong ones
    in a row holds under concurrency."""
    now = now or timezone.now()
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=user.pk))
        if until := locked_until(user, now):
            IdentifyAttempt.objects.create(
                user=user, at=now, outcome=IdentifyAttempt.Outcome.LOCKED
            )
            locked = error(LOCKED, until=hours.format_time(until))
        else:
            locked = None
            found = (
                CallCode.objects.select_related("citizen")
                .filter(
                    code_hash=code_hash(str(code).strip()),
                    closed_at__isnull=True,
                    expires_at__gt=now,
                    citizen__birth_date=birth_date,
                )
                .first()
            )
            used = found and CallCode.objects.filter(pk=found.pk, closed_at__isnull=True).update(
                used_at=now, used_by=user, closed_at=now
            )
            outcome = IdentifyAttempt.Outcome.SUCCESS if used else IdentifyAttempt.Outcome.WRONG
            IdentifyAttempt.objects.create(
                user=user, at=now, outcome=outcome, citizen=found.citizen if used else None
            )
    if locked is not None:
        raise locked
    if not used:
        raise error(NO_MATCH, field="code")
    return found.citizen


def attempts_purge(*, before):
    """Delete identification attempts made before ``before``: a record of which staff
    member identified whom, kept as long as the access record is (the lock counts only
    the last minutes)."""
    deleted, _ = IdentifyAttempt.objects.filter(at__lt=before).delete()
    return deleted


def codes_purge(*, before):
    """Delete call codes ordered before ``before`` (they count only for a day)."""
    deleted, _ = CallCode.objects.filter(created_at__lt=before).delete()
    return deleted
