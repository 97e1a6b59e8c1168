import datetime

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, helsinki

PASSWORD = "correct horse battery staple"  # UserFactory's
# Friday 4 December 2026 14:00 in Helsinki
T0 = helsinki(2026, 12, 4, 14, 0)


def code_of(device):
    """The code ``device``'s authenticator app shows now (on the pinned clock)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def clock(pin_clock):
    """The clock pinned at ``T0``; ``clock(minutes=...)`` moves it on from there."""
    pin_clock(T0)

    def move(**delta):
        return pin_clock(T0 + datetime.timedelta(**delta))

    return move


@pytest.fixture
def outi(db):
    """A staff member with an authenticator app."""
    user = UserFactory(username="outi", groups=["Phone service"])
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user


@pytest.fixture
def newcomer(db):
    """A staff member whose account has no second factor yet."""
    return UserFactory(username="uusi", groups=["Phone service"])
