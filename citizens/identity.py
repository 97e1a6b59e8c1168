"""Identified citizens: the person behind a strong identification, and who is logged in.

Citizens are never Django users. A ``Citizen`` row is found by the keyed hash of the
personal identity code (HMAC-SHA256 with ``IDENTITY_KEY``); the code itself is used
here, once per login, and then forgotten. The logged-in citizen is kept under a session
key of its own (``SESSION_KEY``), apart from ``django.contrib.auth``'s: a citizen's
login opens nothing of the admin or the staff pages, and a staff login is no citizen's.
A citizen who does nothing for ``CITIZEN_IDLE_MINUTES`` is logged out.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from offices.validators import CENTURIES, DASHES, IDENTITY_CODE, is_identity_code

from .models import Citizen, ProvenPhone

SESSION_KEY = "citizens.identified"
# How often (seconds) the last activity is written back: not on every request.
SEEN_GRANULARITY = 30


def normalise_code(code):
    """The personal identity code in its canonical form (upper case, "-" as the dash),
    or ValidationError if it is not a valid one (shape, date and check character)."""
    code = str(code or "").strip().upper()
    match = IDENTITY_CODE.fullmatch(code)
    if not match or not is_identity_code(*match.groups()):
        raise ValidationError("Not a personal identity code.", code="invalid_identity_code")
    sign = "-" if code[6] in DASHES else code[6]
    return code[:6] + sign + code[7:]


def identity_hash(code):
    """The keyed hash that recognises a person: HMAC-SHA256 of the normalised code."""
    message = normalise_code(code).encode()
    return hmac.new(settings.IDENTITY_KEY.encode(), message, hashlib.sha256).hexdigest()


def birth_date_of(code):
    """The birth date a (valid) personal identity code carries."""
    code = normalise_code(code)
    year = CENTURIES[code[6]] + int(code[4:6])
    return datetime.date(year, int(code[2:4]), int(code[0:2]))


def citizen_identify(*, identity_code, name, now=None):
    """The ``Citizen`` of this identity (created on the first login), with the name the
    provider gave and the birth date the code carries. Raises ValidationError for
    anything but a valid personal identity code."""
    now = now or timezone.now()
    key = identity_hash(identity_code)
    name = " ".join(str(name or "").split())[:200]
    citizen, _created = Citizen.objects.update_or_create(
        identity_hash=key,
        defaults={
            "name": name,
            "birth_date": birth_date_of(identity_code),
            "last_login_at": now,
        },
    )
    return citizen


def login(request, citizen, now=None):
    """Log ``citizen`` in, in this browser session (a new session key: no fixation)."""
    now = now or timezone.now()
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"id": citizen.pk, "seen": now.timestamp()}


def logout(request):
    """Log the citizen out; whatever else the session holds stays (a staff login)."""
    if request.session.pop(SESSION_KEY, None) is not None:
        request.session.cycle_key()


def idle_limit():
    return datetime.timedelta(minutes=settings.CITIZEN_IDLE_MINUTES)


def current(request, now=None):
    """The citizen logged in in this session, or None (never logged in, logged out, or
    idle for longer than ``CITIZEN_IDLE_MINUTES``, which logs them out). Counts as
    activity."""
    if getattr(request, "_citizen_checked", False):
        return request._citizen
    now = now or timezone.now()
    citizen = None
    held = request.session.get(SESSION_KEY)
    if isinstance(held, dict):
        seen = held.get("seen", 0)
        if now.timestamp() - seen > idle_limit().total_seconds():
            logout(request)
            request.citizen_timed_out = True
        else:
            citizen = Citizen.objects.filter(pk=held.get("id")).first()
            if citizen is None:
                logout(request)
            elif now.timestamp() - seen > SEEN_GRANULARITY:
                request.session[SESSION_KEY] = {**held, "seen": now.timestamp()}
    request._citizen_checked, request._citizen = True, citizen
    return citizen


def phone_add(*, citizen, phone, now=None):
    """Remember that ``citizen`` has proven ``phone`` (E.164) on their page."""
    ProvenPhone.objects.get_or_create(
        citizen=citizen, phone=phone, defaults={"proven_at": now or timezone.now()}
    )


def proven_phones(citizen):
    """The numbers (E.164) ``citizen`` has proven on their page."""
    return list(ProvenPhone.objects.filter(citizen=citizen).values_list("phone", flat=True))
