"""Hypothesis drives the public callback form with arbitrary input at arbitrary instants:
it never answers 500, and no stored request ever breaks a rule."""

import datetime
import functools
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.db.models import Count
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from callbacks import rules
from callbacks.models import CallbackRequest
from offices import hours
from offices.models import Topic

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
CAPACITY = 2

instants = st.datetimes(
    min_value=datetime.datetime(2026, 10, 20),  # noqa: DTZ001 - bounds for a zoned strategy
    max_value=datetime.datetime(2027, 7, 5),  # noqa: DTZ001
    timezones=st.just(HELSINKI),
)
window_texts = st.one_of(
    st.text(max_size=30),
    st.datetimes(
        min_value=datetime.datetime(2026, 10, 1),  # noqa: DTZ001
        max_value=datetime.datetime(2027, 8, 1),  # noqa: DTZ001
    ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.builds(
        lambda day, hour, minute: f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}",
        st.dates(datetime.date(2026, 10, 1), datetime.date(2027, 8, 1)),
        st.integers(0, 23),
        st.sampled_from([0, 15, 30, 45, 59]),
    ),
)
finnish_mobiles = st.builds(
    "{}{}{}{:03d}{}{:04d}".format,
    st.sampled_from(["0", "+358", "+358 "]),
    st.sampled_from(["40", "41", "44", "45", "50"]),
    st.sampled_from(["", " ", "-"]),
    st.integers(0, 999),
    st.sampled_from(["", " "]),
    st.integers(0, 9999),
)
phones = st.one_of(
    st.sampled_from(["040 123 4567", "+358401234567", "09 123 4567", "+46701234567", "112"]),
    st.text(alphabet="+0123456789 ()-", max_size=20),
)


def assert_request_keeps_the_rules(callback, now):
    start = callback.window_start.astimezone(HELSINKI)
    assert (start.minute, start.second) in {(0, 0), (30, 0)}
    assert callback.window_end - callback.window_start == datetime.timedelta(minutes=30)
    assert callback.window_start >= now + datetime.timedelta(minutes=15)
    assert start.date() in rules.offered_days(now)
    assert hours.is_working_day(start.date())
    assert (callback.window_start, callback.window_end) in phone_windows(start.date())
    assert 1 <= callback.place <= CAPACITY
    assert str(callback.phone).startswith("+")
    assert callback.phone.is_valid()
    assert len(callback.message) <= 500
    assert callback.language in {"fi", "sv", "en"}


def assert_database_keeps_the_rules():
    def most(queryset, field):
        counts = queryset.values(field).annotate(n=Count("pk")).order_by("-n")
        return counts.values_list("n", flat=True).first() or 0

    assert most(CallbackRequest.objects.open(), "phone") <= 1
    assert most(CallbackRequest.objects.live(), "window_start") <= CAPACITY


@functools.cache
def phone_windows(day):
    """The phone-service windows of ``day`` (the hours do not change during the test)."""
    return tuple(rules.phone_windows([day])[day])


@pytest.fixture
def form_settings(settings, offices):
    settings.CALLBACK_WINDOW_CAPACITY = CAPACITY
    settings.PUBLIC_POST_RATE = settings.PUBLIC_POST_NETWORK_RATE = "1000000/m"
    cache.clear()
    return {"topic_pks": list(Topic.objects.values_list("pk", flat=True))}


def valid_or(data, valid, arbitrary):
    """Mostly a valid value (so that many submits are stored), sometimes anything."""
    return data.draw(valid if data.draw(st.integers(0, 9)) < 8 else arbitrary)


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(now=instants, data=st.data(), prefix=st.sampled_from(["", "/sv", "/en"]))
def test_public_form__arbitrary_input__never_500_never_a_broken_request(
    client, form_settings, now, data, prefix
):
    with time_machine.travel(now, tick=False):
        # Windows in the hours after the lead time (full or not): depends only on ``now``,
        # not on what earlier examples stored, so data generation stays reproducible.
        earliest = now + datetime.timedelta(minutes=15)
        offered = [
            f"{start.astimezone(HELSINKI):%Y-%m-%dT%H:%M}"
            for day in rules.offered_days(now)
            for start, _end in phone_windows(day)
            if start >= earliest
        ]
        post = {
            "window": valid_or(
                data, st.sampled_from(offered) if offered else window_texts, window_texts
            ),
            "phone": valid_or(data, finnish_mobiles, st.one_of(st.text(max_size=40), phones)),
            "topic": valid_or(
                data,
                st.sampled_from(form_settings["topic_pks"]),
                st.one_of(st.integers(-5, 1000), st.text(max_size=5)),
            ),
            "language": valid_or(data, st.sampled_from(["fi", "sv", "en"]), st.text(max_size=4)),
            "message": valid_or(data, st.text(max_size=500), st.text(max_size=700)),
        }
        if data.draw(st.integers(0, 19)) == 0:
            del post[data.draw(st.sampled_from(sorted(post)))]
        before = set(CallbackRequest.objects.values_list("pk", flat=True))

        response = client.post(f"{prefix}/callbacks/", post)

        assert response.status_code in {200, 302}
        event(f"status {response.status_code}")
        new = CallbackRequest.objects.exclude(pk__in=before)
        if response.status_code == 302:
            (callback,) = new
            assert (
                response.url == f"{prefix}/callbacks/{callback.reference}/{callback.manage_token}/"
            )
            assert_request_keeps_the_rules(callback, now)
        else:
            assert not new.exists()
        assert_database_keeps_the_rules()
