"""The write use cases of callbacks.rules against the real database."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from callbacks import rules
from callbacks.models import CallbackAttempt, CallbackRequest
from tests.conftest import FRIDAY_14
from tests.factories import TopicFactory, helsinki

Status = CallbackRequest.Status

pytestmark = pytest.mark.django_db


def test_callback_create__offered_window__stores_e164_phone_and_due_time(friday, topic):
    callback = rules.callback_create(
        phone="040 123 4567",
        window_start="2026-12-04T14:30",
        topic=topic,
        language="sv",
        message="Asumistuki",
    )
    callback.refresh_from_db()
    assert str(callback.phone) == "+358401234567"
    assert callback.window_start == helsinki(2026, 12, 4, 14, 30)
    assert callback.window_end == helsinki(2026, 12, 4, 15, 0)
    assert callback.status == Status.PENDING
    assert callback.place == 1
    assert len(callback.reference) == 8
    assert len(callback.manage_token) >= 32  # known to the instance that made it
    assert callback.manage_token_hash == hashlib.sha256(callback.manage_token.encode()).hexdigest()


@pytest.mark.parametrize(
    ("window_start", "code"),
    [
        (helsinki(2026, 12, 4, 14, 0), "window_unavailable"),  # starts now
        (helsinki(2026, 12, 4, 14, 10), "window_unavailable"),  # not :00/:30, lead time
        (helsinki(2026, 12, 4, 14, 15), "window_unavailable"),  # not :00 or :30
        (helsinki(2026, 12, 4, 16, 0), "window_unavailable"),  # after hours
        (helsinki(2026, 12, 4, 8, 30), "window_unavailable"),  # before hours
        (helsinki(2026, 12, 5, 10, 0), "window_unavailable"),  # Saturday
        (helsinki(2026, 12, 8, 10, 0), "window_unavailable"),  # the day after next
        (helsinki(2026, 12, 7, 9, 45), "window_unavailable"),  # not on the half hour
        ("2026-02-30T10:00", "window_required"),  # no such date
        ("yesterday", "window_required"),
        (datetime.datetime(2026, 12, 7, 9, 0), "window_required"),  # noqa: DTZ001 naive
    ],
)
def test_callback_create__window_not_offered__is_refused(friday, topic, window_start, code):
    with pytest.raises(ValidationError) as error:
        rules.callback_create(
            phone="0401234567", window_start=window_start, topic=topic, language="fi"
        )
    assert error.value.error_dict["window"][0].code == code
    assert not CallbackRequest.objects.exists()


def test_callback_create__monday_window_from_friday__is_accepted(friday, topic):
    callback = rules.callback_create(
        phone="+358 50 765 4321", window_start="2026-12-07T09:00", topic=topic, language="en"
    )
    assert callback.window_start == helsinki(2026, 12, 7, 9, 0)


@pytest.mark.parametrize("phone", ["", "123", "040 123", "abc", "+1 202 555 0", "0401234567890123"])
def test_callback_create__bad_phone__is_refused(friday, topic, phone):
    with pytest.raises(ValidationError) as error:
        rules.callback_create(
            phone=phone, window_start="2026-12-04T14:30", topic=topic, language="fi"
        )
    assert "phone" in error.value.error_dict


def test_callback_create__inactive_topic_or_unknown_language__is_refused(friday):
    inactive = TopicFactory(is_active=False)
    with pytest.raises(ValidationError) as error:
        rules.callback_create(
            phone="0401234567", window_start="2026-12-04T14:30", topic=inactive, language="fi"
        )
    assert "topic" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        rules.callback_create(
            phone="0401234567",
            window_start="2026-12-04T14:30",
            topic=TopicFactory(),
            language="de",
        )
    assert "language" in error.value.error_dict


def test_callback_create__full_window__says_it_is_fully_booked(friday, make_callback, settings):
    settings.CALLBACK_WINDOW_CAPACITY = 1
    make_callback(helsinki(2026, 12, 4, 15, 0))
    with pytest.raises(ValidationError) as error:
        make_callback(helsinki(2026, 12, 4, 15, 0))
    assert error.value.error_dict["window"][0].code == "window_full"


def test_callback_create__second_open_request_for_a_number__neutral_about_the_first(
    friday, make_callback
):
    first = make_callback(helsinki(2026, 12, 4, 15, 0), phone="040 123 4567")
    with pytest.raises(ValidationError) as error:
        make_callback(helsinki(2026, 12, 7, 10, 0), phone="+358401234567")
    with translation.override("en"):
        (message,) = error.value.message_dict["phone"]
    assert error.value.error_dict["phone"][0].code == rules.OPEN_REQUEST_EXISTS
    assert "cancel" in message
    assert first.reference not in message  # nothing about the first request's time or link
    assert "15:00" not in message
    assert CallbackRequest.objects.count() == 1


def test_callback_create__after_the_first_is_closed__the_number_may_ask_again(
    friday, make_callback
):
    first = make_callback(helsinki(2026, 12, 4, 15, 0), phone="0401234567")
    rules.callback_cancel(callback=first)
    second = make_callback(helsinki(2026, 12, 4, 15, 0), phone="0401234567")
    assert second.status == Status.PENDING


def test_callback_create__unhandled_request_of_an_earlier_day__expires_and_frees_the_number(
    offices, pin_clock, make_callback
):
    pin_clock(helsinki(2026, 12, 3, 10, 0))
    old = make_callback(helsinki(2026, 12, 3, 11, 0), phone="0401234567")
    pin_clock(FRIDAY_14)
    new = make_callback(helsinki(2026, 12, 4, 15, 0), phone="0401234567")
    old.refresh_from_db()
    assert old.status == Status.EXPIRED
    assert new.status == Status.PENDING


def test_callback_create__overdue_request_of_today__still_blocks_the_number(
    offices, pin_clock, make_callback
):
    pin_clock(helsinki(2026, 12, 4, 9, 0))
    make_callback(helsinki(2026, 12, 4, 10, 0), phone="0401234567")
    pin_clock(FRIDAY_14)
    with pytest.raises(ValidationError):
        make_callback(helsinki(2026, 12, 4, 15, 0), phone="0401234567")


def test_database__second_open_request_for_a_number__violates_the_constraint(
    friday, make_callback, topic
):
    first = make_callback(helsinki(2026, 12, 4, 15, 0), phone="0401234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackRequest.objects.create(
            phone=first.phone,
            window_start=helsinki(2026, 12, 7, 9, 0),
            window_end=helsinki(2026, 12, 7, 9, 30),
            place=1,
            topic=topic,
            language="fi",
        )


def test_database__two_live_requests_on_one_place__violate_the_constraint(
    friday, make_callback, topic
):
    first = make_callback(helsinki(2026, 12, 4, 15, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackRequest.objects.create(
            phone="+358409999999",
            window_start=first.window_start,
            window_end=first.window_end,
            place=first.place,
            topic=topic,
            language="fi",
        )


def test_callback_cancel__closed_request__cannot_be_cancelled(friday, make_callback):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    rules.callback_cancel(callback=callback)
    with pytest.raises(ValidationError):
        rules.callback_cancel(callback=callback)


def test_callback_cancel__taken_by_staff__refused_and_staff_can_still_record(
    friday, make_callback, phone_staff
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    rules.callback_take(callback=callback, user=phone_staff)
    with pytest.raises(ValidationError) as error:
        rules.callback_cancel(callback=callback)
    assert error.value.code == "in_progress"
    callback.refresh_from_db()
    assert callback.status == Status.IN_PROGRESS
    done = rules.callback_record_attempt(callback=callback, user=phone_staff, outcome="done")
    assert done.status == Status.DONE


@pytest.mark.parametrize(
    "value", ["9999-12-31T10:00", "0001-01-01T10:00", "1999-12-31T10:00", "2026-12-04T24:00", "x"]
)
def test_parse_window_key__out_of_range_or_malformed__none(value):
    assert rules.parse_window_key(value) is None


def test_parse_window_key__sane_value__aware_local_start():
    assert rules.parse_window_key("2026-12-04T14:30") == helsinki(2026, 12, 4, 14, 30)


def test_callback_take__second_staff_member__is_told_who_took_it(
    friday, make_callback, phone_staff, other_phone_staff
):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    taken = rules.callback_take(callback=callback, user=other_phone_staff)
    assert taken.status == Status.IN_PROGRESS
    assert taken.handled_by == other_phone_staff
    assert taken.taken_at == FRIDAY_14
    with pytest.raises(ValidationError) as error:
        rules.callback_take(callback=callback, user=phone_staff)
    assert error.value.code == "taken"
    assert "Outi Toinen" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        rules.callback_take(callback=callback, user=other_phone_staff)
    assert error.value.code == "yours"


def test_callback_take__cancelled_request__is_not_pending(friday, make_callback, phone_staff):
    callback = make_callback(helsinki(2026, 12, 4, 15, 0))
    rules.callback_cancel(callback=callback)
    with pytest.raises(ValidationError) as error:
        rules.callback_take(callback=callback, user=phone_staff)
    assert error.value.code == "not_pending"


def test_callback_record_attempt__done__closes_the_request(friday, make_callback, phone_staff):
    callback = rules.callback_take(
        callback=make_callback(helsinki(2026, 12, 4, 14, 30)), user=phone_staff
    )
    result = rules.callback_record_attempt(
        callback=callback, user=phone_staff, outcome="done", note="Neuvottu OmaKelaan"
    )
    assert result.status == Status.DONE
    assert result.closed_at == FRIDAY_14
    (attempt,) = result.attempts.all()
    assert (attempt.outcome, attempt.note, attempt.made_by) == (
        "done",
        "Neuvottu OmaKelaan",
        phone_staff,
    )


def test_callback_record_attempt__no_answer_with_retry_in_window__stays_in_progress(
    offices, pin_clock, make_callback, phone_staff
):
    pin_clock(FRIDAY_14)
    callback = rules.callback_take(
        callback=make_callback(helsinki(2026, 12, 4, 14, 30)), user=phone_staff
    )
    pin_clock(helsinki(2026, 12, 4, 14, 35))
    result = rules.callback_record_attempt(
        callback=callback, user=phone_staff, outcome="no_answer", retry=True
    )
    assert result.status == Status.IN_PROGRESS
    pin_clock(helsinki(2026, 12, 4, 14, 50))
    result = rules.callback_record_attempt(callback=callback, user=phone_staff, outcome="done")
    assert result.status == Status.DONE
    assert list(result.attempts.values_list("outcome", flat=True)) == ["no_answer", "done"]


def test_callback_record_attempt__retry_after_the_window__is_refused_and_close_works(
    offices, pin_clock, make_callback, phone_staff
):
    pin_clock(FRIDAY_14)
    callback = rules.callback_take(
        callback=make_callback(helsinki(2026, 12, 4, 14, 30)), user=phone_staff
    )
    pin_clock(helsinki(2026, 12, 4, 15, 0))
    with pytest.raises(ValidationError) as error:
        rules.callback_record_attempt(
            callback=callback, user=phone_staff, outcome="no_answer", retry=True
        )
    assert "result" in error.value.error_dict
    assert not CallbackAttempt.objects.exists()
    result = rules.callback_record_attempt(callback=callback, user=phone_staff, outcome="no_answer")
    assert result.status == Status.NO_ANSWER


def test_callback_record_attempt__not_taken_or_taken_by_another__is_refused(
    friday, make_callback, phone_staff, other_phone_staff
):
    callback = make_callback(helsinki(2026, 12, 4, 14, 30))
    with pytest.raises(ValidationError) as error:
        rules.callback_record_attempt(callback=callback, user=phone_staff, outcome="done")
    assert error.value.code == "not_in_progress"
    rules.callback_take(callback=callback, user=other_phone_staff)
    with pytest.raises(ValidationError) as error:
        rules.callback_record_attempt(callback=callback, user=phone_staff, outcome="done")
    assert error.value.code == "not_yours"


def test_with_promise__running_in_time_at_the_end_late_and_missed(
    offices, pin_clock, make_callback
):
    # The one home of "called within the window": each state, never NULL.
    pin_clock(helsinki(2026, 12, 4, 9, 0))
    states = {
        name: make_callback(helsinki(2026, 12, 4, hour, minute))
        for name, hour, minute in [
            ("running", 10, 30),
            ("in time", 10, 0),
            ("at the end", 10, 0),
            ("late", 10, 0),
            ("missed", 9, 30),
        ]
    }
    called_at = {
        "in time": helsinki(2026, 12, 4, 10, 10),
        "at the end": helsinki(2026, 12, 4, 10, 30),  # window_end itself is in time
        "late": helsinki(2026, 12, 4, 10, 31),
    }
    for name, at in called_at.items():
        CallbackAttempt.objects.create(callback=states[name], made_at=at, outcome="done")
    now = helsinki(2026, 12, 4, 10, 45)

    rows = CallbackRequest.objects.with_promise(now).values_list(
        "pk", "called_in_time", "called_late"
    )
    found = {pk: (in_time, late) for pk, in_time, late in rows}  # None would not equal False

    expected = {
        "running": (False, False),
        "in time": (True, False),
        "at the end": (True, False),
        "late": (False, True),
        "missed": (False, True),
    }
    assert {name: found[callback.pk] for name, callback in states.items()} == expected
    not_in_time = CallbackRequest.objects.with_promise(now).filter(called_in_time=False)
    assert {c.pk for c in not_in_time} == {states[n].pk for n in ("running", "late", "missed")}


def test_callbacks_summary__counts_in_time_late_no_answer_and_cancelled(
    offices, pin_clock, make_callback, phone_staff
):
    pin_clock(helsinki(2026, 12, 4, 9, 0))
    in_time = make_callback(helsinki(2026, 12, 4, 10, 0))
    late = make_callback(helsinki(2026, 12, 4, 10, 0))
    unanswered = make_callback(helsinki(2026, 12, 4, 11, 0))
    missed = make_callback(helsinki(2026, 12, 4, 11, 0))
    cancelled = make_callback(helsinki(2026, 12, 4, 12, 0))
    make_callback(helsinki(2026, 12, 7, 12, 0))  # another day
    rules.callback_cancel(callback=cancelled)
    for callback in (in_time, late, unanswered):
        rules.callback_take(callback=callback, user=phone_staff)
    pin_clock(helsinki(2026, 12, 4, 10, 20))
    rules.callback_record_attempt(callback=in_time, user=phone_staff, outcome="done")
    rules.callback_record_attempt(callback=unanswered, user=phone_staff, outcome="no_answer")
    pin_clock(helsinki(2026, 12, 4, 10, 45))
    rules.callback_record_attempt(callback=late, user=phone_staff, outcome="done")
    pin_clock(helsinki(2026, 12, 4, 17, 0))

    assert rules.callbacks_summary(datetime.date(2026, 12, 4)) == {
        "requests": 4,
        "in_time": 2,  # in_time and unanswered were called within their windows
        "late": 2,  # late was called after 10:30; missed was never called
        "done": 2,
        "no_answer": 1,
        "open": 1,
        "expired": 0,
        "cancelled": 1,
    }
    assert missed.status == Status.PENDING


def test_callbacks_purge__old_requests__anonymised_statistics_kept_idempotent(
    offices, pin_clock, make_callback, phone_staff
):
    pin_clock(helsinki(2026, 9, 1, 9, 0))
    old = make_callback(helsinki(2026, 9, 1, 10, 0), message="Henkilökohtaista", phone="0401111111")
    rules.callback_take(callback=old, user=phone_staff)
    rules.callback_record_attempt(callback=old, user=phone_staff, outcome="done", note="Soitettu")
    stale_open = make_callback(helsinki(2026, 9, 1, 11, 0), phone="0402222222")
    pin_clock(FRIDAY_14)
    recent = make_callback(helsinki(2026, 12, 4, 15, 0), message="Tuore", phone="0403333333")
    before = FRIDAY_14 - datetime.timedelta(days=90)

    assert rules.callbacks_purge(before=before) == 2
    old.refresh_from_db()
    stale_open.refresh_from_db()
    recent.refresh_from_db()
    assert (str(old.phone), old.message, old.manage_token_hash) == ("", "", None)
    assert old.anonymised_at == FRIDAY_14
    assert (old.status, old.topic_id, old.window_start) == (
        Status.DONE,
        recent.topic_id,
        helsinki(2026, 9, 1, 10, 0),
    )
    assert list(old.attempts.values_list("outcome", "note")) == [("done", "")]
    assert stale_open.status == Status.EXPIRED
    assert str(stale_open.phone) == ""
    assert (str(recent.phone), recent.message) == ("+358403333333", "Tuore")
    assert rules.callbacks_purge(before=before) == 0
    assert rules.callbacks_summary(datetime.date(2026, 9, 1))["requests"] == 2
