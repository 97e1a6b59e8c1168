"""SMS: who can get one, which texts fit one, and the backends that send them.

The backend is chosen by the ``SMS_URL`` setting, the way ``EMAIL_URL`` picks the mail
backend:

- ``console://`` (or nothing) prints each SMS;
- ``memory://`` keeps them in ``notifications.sms.memory_outbox`` (unit tests);
- ``file:///path/to/dir`` writes one JSON file per SMS into that folder (tests, demos);
- ``gatewayapi://TOKEN@gatewayapi.eu?sender=Kela`` sends through GatewayAPI's REST API
  (``POST /rest/mtsms``, the API token as the basic-auth user name);
  ``gatewayapi+http://TOKEN@127.0.0.1:8025`` speaks plain HTTP (the tests' fake server).

A backend's ``send(to=..., text=..., reference=...)`` returns the provider's message id
or raises ``SendError`` (``PermanentSendError`` when retrying cannot help).
"""

import base64
import functools
import json
import logging
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

logger = logging.getLogger(__name__)

# GSM 03.38: the default alphabet (one septet each) and its extension table (two septets:
# escape + character). Anything else makes the phone fall back to UCS-2, 70 characters
# a part: an en dash or a typographic apostrophe turns one SMS into three.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"
SMS_MAX_SEPTETS = 160

FINNISH_COUNTRY_CODE = 358
_SMS_NUMBER_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def sms_septets(text):
    """The length of ``text`` in GSM-7 septets, or None if it is not GSM-7."""
    septets = 0
    for character in text:
        if character in GSM7_BASIC:
            septets += 1
        elif character in GSM7_EXTENSION:
            septets += 2
        else:
            return None
    return septets


def sms_text_problem(text):
    """Why ``text`` cannot be one GSM-7 SMS (a sentence), or "" if it can."""
    septets = sms_septets(text)
    if septets is None:
        others = sorted({c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION})
        return f"not GSM-7: {', '.join(repr(c) for c in others)}"
    if septets > SMS_MAX_SEPTETS:
        return f"{septets} septets, over {SMS_MAX_SEPTETS}"
    return ""


def sms_fits(text):
    """True if ``text`` is GSM-7 and fits one SMS (160 septets)."""
    return not sms_text_problem(text)


def _parse(phone):
    if isinstance(phone, phonenumbers.PhoneNumber):
        return phone
    if any(character.isalpha() for character in str(phone or "")):
        return None  # phonenumbers would read "040 FLOWERS" as digits
    try:
        return phonenumbers.parse(str(phone or ""), "FI")
    except phonenumbers.NumberParseException:
        return None


def sms_capable(phone):
    """True if ``phone`` (a string or a PhoneNumber) is a Finnish mobile number (Åland's
    included), the only numbers that get SMS. Landlines, service numbers and foreign
    numbers do not: callers send e-mail instead, or put the citizen on the "needs a
    call" list."""
    number = _parse(phone)
    return bool(
        number
        and number.country_code == FINNISH_COUNTRY_CODE
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in _SMS_NUMBER_TYPES
    )


def e164(phone):
    """``phone`` as +358401234567 (call after ``sms_capable``)."""
    return phonenumbers.format_number(_parse(phone), phonenumbers.PhoneNumberFormat.E164)


class SendError(Exception):
    """The message was not accepted; a later attempt may succeed."""


class PermanentSendError(SendError):
    """The message was refused for good (bad number, bad text): no retry."""


class ConsoleBackend:
    def __init__(self, url, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, *, to, text, reference):
        with self._lock:
            self.stream.write(f"SMS to {to} [{reference}]\n{text}\n{'-' * 40}\n")
            self.stream.flush()
        return f"console-{reference}"


# The memory backend's sent messages: [{"to", "text", "reference"}].
memory_outbox = []


class MemoryBackend:
    def __init__(self, url):
        pass

    def send(self, *, to, text, reference):
        memory_outbox.append({"to": to, "text": text, "reference": reference})
        return f"memory-{len(memory_outbox)}"


class FileBackend:
    """One JSON file per SMS sent (also per repeat of one message), named so that they
    sort by time: {"to", "text", "reference"}."""

    def __init__(self, url):
        self.folder = Path(urllib.parse.unquote(url.path))
        if not url.path:
            raise ImproperlyConfigured("SMS_URL file:// needs a folder: file:///path/to/dir")

    def send(self, *, to, text, reference):
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.json"
        temporary = self.folder / f".{name}"
        temporary.write_text(
            json.dumps({"to": to, "text": text, "reference": reference}, ensure_ascii=False),
            encoding="utf-8",
        )
        temporary.rename(self.folder / name)  # readers never see half a file
        return name.removesuffix(".json")


class GatewayApiBackend:
    """GatewayAPI's REST API: ``POST /rest/mtsms`` with one recipient (its MSISDN as a
    number), the text, the sender name, our reference as ``userref`` (returned in the
    delivery receipts) and the receipts' ``callback_url``. The answer is
    ``{"ids": [...]}``; errors are ``{"code": ..., "message": ...}`` with 4xx/5xx."""

    TIMEOUT = 15  # seconds; well below the outbox lease

    def __init__(self, url):
        if not url.username or not url.hostname:
            raise ImproperlyConfigured(
                "SMS_URL for GatewayAPI: gatewayapi://API_TOKEN@gatewayapi.eu?sender=Kela"
            )
        scheme = "http" if url.scheme.endswith("+http") else "https"
        netloc = url.hostname + (f":{url.port}" if url.port else "")
        self.endpoint = f"{scheme}://{netloc}/rest/mtsms"
        token = urllib.parse.unquote(url.username)
        self.authorization = "Basic " + base64.b64encode(f"{token}:".encode()).decode()
        query = urllib.parse.parse_qs(url.query)
        self.sender = query.get("sender", ["Kela"])[0]

    def callback_url(self):
        return settings.SITE_URL + reverse("notifications:gatewayapi-receipt")

    def send(self, *, to, text, reference):
        payload = {
            "sender": self.sender,
            "message": text,
            "recipients": [{"msisdn": int(to.lstrip("+"))}],
            "userref": reference,
            "callback_url": self.callback_url(),
            "max_parts": 1,  # never bill a split message: texts are checked to fit one
        }
        request = urllib.request.Request(  # noqa: S310 (the scheme is http or https)
            self.endpoint,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": self.authorization,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT) as response:  # noqa: S310
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            detail = _error_detail(error)
            # 400 and 422: this request is wrong and will stay wrong.
            if error.code in (400, 422):
                raise PermanentSendError(f"GatewayAPI {error.code}: {detail}") from error
            raise SendError(f"GatewayAPI {error.code}: {detail}") from error
        except (OSError, ValueError) as error:
            raise SendError(f"GatewayAPI: {error}") from error
        try:
            return str(answer["ids"][0])
        except (KeyError, IndexError, TypeError) as error:
            raise SendError(f"GatewayAPI: unexpected answer {answer!r:.200}") from error


def _error_detail(error):
    try:
        body = json.loads(error.read() or b"{}")
    except (OSError, ValueError):
        return error.reason
    if isinstance(body, dict):
        return " ".join(str(body[k]) for k in ("code", "message") if body.get(k)) or error.reason
    return error.reason


BACKENDS = {
    "console": ConsoleBackend,
    "memory": MemoryBackend,
    "file": FileBackend,
    "gatewayapi": GatewayApiBackend,
    "gatewayapi+http": GatewayApiBackend,
}


@functools.cache
def _backend_for(sms_url):
    url = urllib.parse.urlsplit(sms_url or "console://")
    try:
        backend = BACKENDS[url.scheme]
    except KeyError:
        raise ImproperlyConfigured(
            f"SMS_URL: unknown scheme {url.scheme!r}; use one of {', '.join(BACKENDS)}"
        ) from None
    return backend(url)


def sms_backend():
    """The backend that ``SMS_URL`` names (one instance per URL)."""
    return _backend_for(settings.SMS_URL)
