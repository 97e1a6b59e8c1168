"""The second factor of staff accounts: their devices (django-otp), enrolment and
backup codes.

A staff member proves the second factor with a code from an authenticator app (a TOTP
device) or, without the phone, with one of their backup codes (a static device whose
codes each work once).

First enrolment trusts the password: whoever holds a password-only session of an
account that has no confirmed device may enrol an app for it (``device_enrol``). An
account that has one never enrols another this way; to reset a lost phone, an admin
deletes the user's devices in the admin (the TOTP and static devices of the OTP sections),
and the user enrols again at the next login. Keep that in mind when creating accounts:
until its first enrolment, an account is guarded by its password alone.
"""

import base64
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Names shown in the admin's device lists (data, not translated).
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODES = 10

ENROLLED_ALREADY = "enrolled_already"
WRONG_CODE = "wrong_code"
TOO_MANY_TRIES = "too_many_tries"
ERRORS = {
    ENROLLED_ALREADY: _("This account already has a second factor. Log in with its code."),
    WRONG_CODE: _(
        "The code is not right. Type the newest code the app shows (check that the "
        "phone's clock is right)."
    ),
    TOO_MANY_TRIES: _("Too many wrong codes. Wait a minute and try again."),
}

APP_CODE = re.compile(r"\d{6}")


def has_device(user):
    """Whether the user has a confirmed second factor (an app or backup codes)."""
    return user_has_device(user, confirmed=True)


def normalise_code(code):
    """A typed code as the devices compare it: no spaces, lower case."""
    return "".join((code or "").split()).lower()


def device_for_code(user, code):
    """The user's confirmed device that a typed code is for: six digits are the app's,
    anything else a backup code; None if the user has no device of that kind. Locks the
    row (call in a transaction): two logins at once cannot both use one code."""
    model = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
    return model.objects.devices_for_user(user).select_for_update().order_by("pk").first()


def enrolment_device(user):
    """The user's unconfirmed authenticator app, created on the first call: the same
    secret on every visit to the enrolment page until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def setup_key(device):
    """The secret of a TOTP device as an authenticator app asks for it when typed by
    hand: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def device_enrol(*, device, code):
    """Confirm the unconfirmed ``device`` with a ``code`` it shows, and give the user a
    fresh set of backup codes; return ``(device, backup codes)``. Refused (a
    ``ValidationError`` with a code of ``ERRORS``) when the code is wrong, after too
    many wrong codes (django-otp's growing delay), or when the user has a confirmed
    device already (only a first enrolment is trusted to the password)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        problem = _enrolment_problem(device, normalise_code(code))
        if problem is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = backup_codes_replace(user=device.user)
    # Outside the transaction, so that a wrong code's throttle count stays written.
    if problem is not None:
        raise ValidationError(ERRORS[problem], code=problem)
    return device, codes


def _enrolment_problem(device, code):
    if device.confirmed or has_device(device.user):
        return ENROLLED_ALREADY
    if not device.verify_is_allowed()[0]:
        return TOO_MANY_TRIES
    if not device.verify_token(code):
        return WRONG_CODE
    return None


def backup_codes_replace(*, user, count=BACKUP_CODES):
    """New backup codes for the user (the old ones stop working); returns them, the only
    time they are readable."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def devices_replace(*, user, backup_codes=1):
    """A confirmed authenticator app with a fresh random secret and ``backup_codes``
    backup codes for the user, in place of any devices they had (the demo accounts of
    ``seed_demo``). Returns ``(device, codes)``: its ``config_url`` is the otpauth URI."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    return device, backup_codes_replace(user=user, count=backup_codes)
