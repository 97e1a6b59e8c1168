"""Fixtures for the callback tests."""

import datetime

import pytest

from callbacks import rules
from callbacks.models import WINDOW_LENGTH, CallbackRequest
from offices import hours
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


@pytest.fixture
def many_callbacks(topic):
    """``many_callbacks(day, count)``: ``count`` open requests on ``day``'s windows from
    09:00, bulk-inserted with the places the rules would give (any number a window)."""

    def make(day, count, *, per_window=10, status=CallbackRequest.Status.PENDING):
        rows = []
        for n in range(count):
            start = hours.local_datetime(day, datetime.time(9)) + n // per_window * WINDOW_LENGTH
            rows.append(
                CallbackRequest(
                    phone=f"+35850{n:07d}",
                    window_start=start,
                    window_end=start + WINDOW_LENGTH,
                    place=n % per_window + 1,
                    topic=topic,
                    language="fi",
                    status=status,
                )
            )
        return CallbackRequest.objects.bulk_create(rows)

    return make
