"""Races, with real threads, each on its own database connection (SQLite: BEGIN
IMMEDIATE serialises writers; PostgreSQL: the unique indexes make the loser retry)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from callbacks import rules
from callbacks.models import CallbackRequest
from tests.factories import helsinki

Status = CallbackRequest.Status

pytestmark = pytest.mark.django_db(transaction=True)

WINDOW = helsinki(2026, 12, 4, 15, 0)


def race(count, work):
    """Run ``work(i)`` in ``count`` threads started together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors, crashes = [], [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except ValidationError as error:
            errors.append(error)
        except Exception as error:  # reported below
            crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not crashes, crashes
    return results, errors


def test_twenty_requests_for_the_last_place__exactly_one_is_stored(
    offices, pin_clock, make_callback, topic
):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    for _ in range(9):
        make_callback(WINDOW)

    results, errors = race(
        20,
        lambda i: rules.callback_create(
            phone=f"+3584011{i:05d}", window_start=WINDOW, topic=topic, language="fi"
        ),
    )

    assert len(results) == 1
    assert len(errors) == 19
    assert {e.error_dict["window"][0].code for e in errors} == {"window_full"}
    assert CallbackRequest.objects.live().in_window(WINDOW).count() == 10
    assert sorted(CallbackRequest.objects.values_list("place", flat=True)) == list(range(1, 11))


def test_ten_requests_with_one_phone_number__exactly_one_is_open(offices, pin_clock, topic):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    windows = [helsinki(2026, 12, 7, 9 + i // 2, 30 * (i % 2)) for i in range(10)]

    results, errors = race(
        10,
        lambda i: rules.callback_create(
            phone="040 123 4567", window_start=windows[i], topic=topic, language="fi"
        ),
    )

    assert len(results) == 1
    assert len(errors) == 9
    assert {e.error_dict["phone"][0].code for e in errors} == {"open_request_exists"}
    assert CallbackRequest.objects.open().filter(phone="+358401234567").count() == 1


def test_two_staff_taking_one_request_at_once__one_wins(
    offices, pin_clock, make_callback, phone_staff, other_phone_staff
):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    callback = make_callback(WINDOW)
    staff = [phone_staff, other_phone_staff] * 3

    results, errors = race(6, lambda i: rules.callback_take(callback=callback, user=staff[i]))

    assert len(results) == 1
    assert len(errors) == 5
    callback.refresh_from_db()
    assert callback.handled_by == results[0].handled_by


def test_citizen_cancelling_while_staff_takes__one_wins_and_the_row_stays_consistent(
    offices, pin_clock, make_callback, phone_staff
):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    for _round in range(5):
        callback = make_callback(WINDOW)

        def cancel_or_take(i, callback=callback):
            if i == 0:
                return rules.callback_cancel(callback=callback)
            return rules.callback_take(callback=callback, user=phone_staff)

        results, errors = race(2, cancel_or_take)

        assert len(results) == 1
        assert len(errors) == 1
        callback.refresh_from_db()
        if callback.status == Status.CANCELLED:
            assert callback.handled_by is None
            assert errors[0].code == "not_pending"
        else:
            assert callback.status == Status.IN_PROGRESS
            assert callback.handled_by == phone_staff
            assert errors[0].code == "in_progress"
            rules.callback_record_attempt(callback=callback, user=phone_staff, outcome="done")
