"""Writing and reading the access record (``access.models.AccessRecord``).

The apps above call one function per page: ``access_record(request, objects, ...)``
for the bookings or callback requests a page showed or exported, and the login signals
(``access.signals``) call ``auth_record``. Each call is one INSERT.

Citizens are recorded as keyed hashes (``subject_key``: HMAC-SHA256 with
``ACCESS_RECORD_KEY``), never as phone numbers: without the key a hash cannot be
turned back into a number by trying every number. Keep the key as long as the rows
(``ACCESS_RECORD_RETENTION_DAYS``): rows hashed with another key are not found by a
citizen's number.

This app knows none of the apps whose pages it records (it is on the ground floor): the
objects are anything with a ``reference`` and a ``phone``, and the client's address
comes from the function that ``ACCESS_RECORD_CLIENT_ADDRESS`` names (the project's
proxy-aware one), else ``REMOTE_ADDR``.
"""

import functools
import hashlib
import hmac
import ipaddress

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import AccessRecord

Action = AccessRecord.Action
VIEW, EXPORT = Action.VIEW, Action.EXPORT
LOGIN, LOGIN_FAILED, LOCKOUT = Action.LOGIN, Action.LOGIN_FAILED, Action.LOCKOUT

SUBJECT_LENGTH = 32  # hex digits of the keyed hash kept (128 bits)
PAGE_MAX_LENGTH = AccessRecord._meta.get_field("page").max_length
USERNAME_MAX_LENGTH = AccessRecord._meta.get_field("username").max_length


def subject_key(*, phone=None, identity=None):
    """The keyed hash of a citizen's phone number (a ``PhoneNumber`` or an E.164 string)
    or personal identity code, as the record stores it; "" for neither."""
    if phone:
        text = "phone:" + e164(phone)
    elif identity:
        text = "identity:" + str(identity).strip().upper()
    else:
        return ""
    key = settings.ACCESS_RECORD_KEY
    if not key:
        raise ImproperlyConfigured("Set ACCESS_RECORD_KEY (DEBUG is off).")
    digest = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()
    return digest[:SUBJECT_LENGTH]


def e164(phone):
    """A phone number (a ``PhoneNumber``, or typed: "040 123 4567") in E.164."""
    if hasattr(phone, "as_e164"):
        return phone.as_e164
    try:
        number = phonenumbers.parse(str(phone), settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return str(phone).strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def records_about(*, phone=None, identity=None):
    """Every row that showed the citizen with this phone number or identity code."""
    key = subject_key(phone=phone, identity=identity)
    return AccessRecord.objects.about(key) if key else AccessRecord.objects.none()


@functools.cache
def _address_function(path):
    return import_string(path)


def client_address(request):
    """The client's address as the project sees it (``ACCESS_RECORD_CLIENT_ADDRESS``),
    else ``REMOTE_ADDR``; None when that is not an IP address."""
    if request is None:
        return None
    path = getattr(settings, "ACCESS_RECORD_CLIENT_ADDRESS", "")
    address = _address_function(path)(request) if path else request.META.get("REMOTE_ADDR")
    return valid_address(address)


def valid_address(address):
    try:
        return str(ipaddress.ip_address(str(address).strip()))
    except ValueError:
        return None


def _who(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, ""
    return user, user.get_username()


def access_record(request, objects=(), *, action=VIEW, office="", day=None):
    """Record that the request's user was shown (or, with ``action=EXPORT``, exported)
    ``objects``: bookings or callback requests, anything with ``reference`` and
    ``phone``. ``office`` is the office's slug, or a function giving an object's office
    slug: a list spanning offices becomes one row per office. One INSERT whatever the
    number of objects or offices. Returns the rows written."""
    model = getattr(objects, "model", None)
    objects = list(objects)
    if model is None and objects:
        model = type(objects[0])
    groups = {}
    if callable(office):
        for obj in objects:
            groups.setdefault(office(obj) or "", []).append(obj)
    else:
        groups[office or ""] = objects
    user, username = _who(request)
    common = {
        "at": timezone.now(),
        "action": action,
        "user": user,
        "username": username,
        "address": client_address(request),
        "page": _text(request.path, PAGE_MAX_LENGTH),
        "day": day,
        "model": model._meta.label_lower if hasattr(model, "_meta") else "",
    }
    rows = [
        AccessRecord(
            office=group_office,
            references=", ".join(str(obj.reference) for obj in seen),
            count=len(seen),
            subjects=_subjects(seen),
            **common,
        )
        for group_office, seen in (groups.items() or [("", [])])
    ]
    return AccessRecord.objects.bulk_create(rows)


def _text(value, max_length):
    """``value`` as text that fits the column (PostgreSQL refuses NUL characters)."""
    return str(value or "").replace("\x00", "")[:max_length]


def _subjects(objects):
    keys = dict.fromkeys(key for obj in objects if (key := subject_key(phone=obj.phone)))
    return f" {' '.join(keys)} " if keys else ""


def auth_record(request, *, action, user=None, username="", address=None):
    """Record a login (``LOGIN``, with the user), a failed login (``LOGIN_FAILED``, with
    the user name typed) or a lockout (``LOCKOUT``: django-axes' signal, or whoever locks
    an account out). ``address`` defaults to the request's client address. One INSERT."""
    if user is not None:
        username = user.get_username()
    return AccessRecord.objects.create(
        action=action,
        user=user,
        username=_text(username, USERNAME_MAX_LENGTH),
        address=valid_address(address) if address else client_address(request),
        page=_text(request.path, PAGE_MAX_LENGTH) if request is not None else "",
    )


def records_purge(*, before):
    """Delete the rows older than ``before`` (the law's retention is over). Idempotent.
    Returns the number deleted."""
    deleted, _ = AccessRecord.objects.older_than(before).delete()
    return deleted
