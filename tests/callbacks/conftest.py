"""Fixtures for the callback tests."""

import pytest

from callbacks import rules
from offices.models import Topic
from tests.factories import UserFactory


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
