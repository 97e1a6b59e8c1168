"""Proof of the phone number, for citizens who are not identified.

Before a booking or a callback request is stored, a 6-digit code goes by SMS to the
number given (through the outbox) and the citizen types it on the next page. A code is
good once, for ``CODE_MINUTES``, and for ``CODE_TRIES`` wrong guesses; only its keyed
hash is stored. A number proven in a browser session stays proven there for
``PROOF_MINUTES``. The codes sent per number and per client network (/24 or /64) in an
hour are limited, so that nobody can make the service send SMS to numbers at will (SMS
pumping). Numbers that get no SMS (landlines, foreign numbers) cannot be proven online.
"""

import datetime
import hashlib
import hmac
import ipaddress
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.models import Channel
from notifications.outbox import notify
from notifications.sms import e164, sms_capable
from offices.errors import ErrorCatalogue
from offices.models import Office

from .models import PhoneCode

CODE_LENGTH = 6
CODE_MINUTES = 10
CODE_TRIES = 5
PROOF_MINUTES = 60
SESSION_KEY = "citizens.proven_phones"

NOT_PROVABLE = "not_provable"
TOO_MANY_CODES = "too_many_codes"
WRONG_CODE = "wrong_code"
CODE_EXPIRED = "code_expired"
# The event of the code's text message (notifications.kinds).
CODE_EVENT = "code"
kinds.declare(CODE_EVENT)

error = ErrorCatalogue(
    {
        NOT_PROVABLE: _(
            "We can confirm only Finnish mobile numbers online, by a text message. With "
            "this number, please call Kela's phone service %(number)s on working days."
        ),
        TOO_MANY_CODES: _(
            "Too many codes have been sent to this number or from this network. Please "
            "try again in an hour or call Kela's phone service."
        ),
        WRONG_CODE: _("The code is not right. Check the text message and try again."),
        CODE_EXPIRED: _(
            "This code can no longer be used. Ask for a new code with the button below."
        ),
    }
)

SMS_TEXT = _(
    "Kela: your confirmation code is %(code)s. It is valid for %(minutes)s minutes. Do "
    "not give it to anyone."
)


def _hash(*parts):
    message = ":".join(str(part) for part in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def network_of(address):
    """A keyed hash of the client's network: its /24 (IPv4) or /64 (IPv6)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _hash("network", "unknown")
    prefix = 24 if ip.version == 4 else 64
    return _hash("network", ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def check_provable(phone):
    """Raise ``NOT_PROVABLE`` unless ``phone`` can get the code (a Finnish mobile)."""
    if not sms_capable(phone):
        phone_service = Office.objects.phone_service()
        raise error(NOT_PROVABLE, number=phone_service.phone if phone_service else "")


def new_code():
    """A one-time code of ``CODE_LENGTH`` digits: the SMS code and the call code, typed
    the same way (``forms.six_digits``)."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def code_send(*, phone, address, language=None, now=None):
    """Send a new code to ``phone`` (through the outbox, in this transaction), unless
    the number or the client's network has had too many in the last hour."""
    check_provable(phone)
    now = now or timezone.now()
    number = e164(phone)
    network = network_of(address)
    hour_ago = now - datetime.timedelta(hours=1)
    recent = PhoneCode.objects.since(hour_ago)
    if (
        recent.filter(phone=number).count() >= settings.PHONE_CODES_PER_NUMBER
        or recent.filter(network=network).count() >= settings.PHONE_CODES_PER_NETWORK
    ):
        raise error(TOO_MANY_CODES)
    code = new_code()
    expires_at = now + datetime.timedelta(minutes=CODE_MINUTES)
    with transaction.atomic():
        row = PhoneCode.objects.create(
            phone=number,
            code_hash=_hash(number, code),
            network=network,
            created_at=now,
            expires_at=expires_at,
        )
        with translation.override(language or translation.get_language()):
            notify(
                obj=row,
                event=CODE_EVENT,
                channel=Channel.SMS,
                to=number,
                body=SMS_TEXT % {"code": code, "minutes": CODE_MINUTES},
                sensitive=True,
                expires_at=expires_at,
            )
    return row


def code_waiting(phone, now=None):
    """Whether a code sent to ``phone`` can still be typed (no need to send another)."""
    now = now or timezone.now()
    latest = PhoneCode.objects.filter(phone=e164(phone)).order_by("-created_at", "-pk").first()
    return bool(
        latest and not latest.used_at and latest.expires_at > now and latest.tries < CODE_TRIES
    )


def code_check(*, phone, code, now=None):
    """Accept ``code`` for ``phone`` once (the latest code sent); raise ``WRONG_CODE``
    (a try used) or ``CODE_EXPIRED`` (used, too old or tried too often)."""
    now = now or timezone.now()
    number = e164(phone)
    latest = PhoneCode.objects.filter(phone=number).order_by("-created_at", "-pk").first()
    if latest is None or latest.used_at or latest.expires_at <= now:
        raise error(CODE_EXPIRED)
    if latest.tries >= CODE_TRIES:
        raise error(CODE_EXPIRED)
    if not hmac.compare_digest(latest.code_hash, _hash(number, str(code).strip())):
        # Conditional: two guesses at once still count two tries.
        PhoneCode.objects.filter(pk=latest.pk, tries__lt=CODE_TRIES).update(tries=latest.tries + 1)
        raise error(WRONG_CODE)
    used = PhoneCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now)
    if not used:  # the same code, a moment earlier, in another request
        raise error(CODE_EXPIRED)


def prove(session, phone, now=None):
    """Remember in this browser session that ``phone`` is proven, for PROOF_MINUTES."""
    now = now or timezone.now()
    proven = dict(session.get(SESSION_KEY, {}))
    until = now + datetime.timedelta(minutes=PROOF_MINUTES)
    proven[e164(phone)] = until.timestamp()
    session[SESSION_KEY] = proven


def is_proven(session, phone, now=None):
    """Whether ``phone`` was proven in this browser session within PROOF_MINUTES."""
    if not sms_capable(phone):
        return False
    now = now or timezone.now()
    until = session.get(SESSION_KEY, {}).get(e164(phone))
    return until is not None and now.timestamp() < until


def codes_purge(*, before):
    """Delete codes sent before ``before`` (they only counted against pumping)."""
    deleted, _ = PhoneCode.objects.filter(created_at__lt=before).delete()
    return deleted
