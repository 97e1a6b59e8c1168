"""Fixtures for the callback tests."""

import pytest
from django.contrib.auth.models import Group, Permission

from callbacks import rules
from callbacks.groups import grant_phone_service
from offices.models import Topic
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def phone_staff(db):
    """A member of "Phone service" with the callback permissions (the group comes from
    a data migration, which a transactional test's flush wipes out)."""
    grant_phone_service(Group, Permission)
    return UserFactory(username="phone-staff", groups=["Phone service"])


@pytest.fixture
def other_phone_staff(phone_staff):
    return UserFactory(
        username="phone-staff-2", first_name="Outi", last_name="Toinen", groups=["Phone service"]
    )


@pytest.fixture
def topic(offices):
    return Topic.objects.order_by("ordering").first()


@pytest.fixture
def make_callback(topic):
    """make_callback(window_start, phone=..., ...) stores a request through the rules."""
    numbers = iter(range(1000000))

    def make(window_start, *, phone=None, language="fi", message="", now=None):
        phone = phone or f"+35840{next(numbers):07d}"
        return rules.callback_create(
            phone=phone,
            window_start=window_start,
            topic=topic,
            language=language,
            message=message,
            now=now,
        )

    return make
