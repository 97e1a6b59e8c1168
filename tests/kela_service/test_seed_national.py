"""seed_national: the national set's shape, made by the rules, the same every run."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test import override_settings

from appointments.models import Appointment, Slot
from callbacks.models import CallbackRequest
from offices.models import Office
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

SMALL = ("--offices", "4", "--days", "14", "--callbacks-per-day", "200")


def seed(*args):
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_national", *args, stdout=out)
    return out.getvalue()


def shape():
    return {
        "offices": sorted(Office.objects.values_list("slug", flat=True)),
        "slots": sorted(
            Slot.objects.values("office__slug")
            .annotate(n=Count("pk"))
            .values_list("office__slug", "n")
        ),
        "bookings": sorted(
            (a.slot.office.slug, a.slot.starts_at, str(a.phone), a.phone_place, a.topic_id)
            for a in Appointment.objects.select_related("slot__office")
        ),
        "callbacks": sorted(
            CallbackRequest.objects.values_list("phone", "window_start", "place", "status")
        ),
    }


def wipe():
    Appointment.objects.all().delete()
    CallbackRequest.objects.all().delete()
    Slot.objects.all().delete()


@pytest.fixture
def friday(pin_clock):
    return pin_clock(helsinki(2026, 12, 4, 14, 0))


def test_seed_national__small__offices_slots_bookings_and_callbacks_as_the_rules_make_them(
    friday,
):
    output = seed(*SMALL)

    assert Office.objects.count() == 4
    slots = Slot.objects.all()
    booked = slots.filter(booked_count=1)
    # About 30% of the bookable slots in the horizon are booked, each by one booking.
    assert 0.2 < booked.count() / slots.filter(starts_at__gt=friday).count() < 0.4
    assert Appointment.objects.count() == booked.count()
    assert not slots.filter(booked_count__gt=1).exists()
    # Booked by the rules: a place per number, a private link, the channel of the slot.
    assert not Appointment.objects.filter(phone_place__isnull=True).exists()
    assert not Appointment.objects.filter(manage_token_hash__isnull=True).exists()
    assert set(Appointment.objects.values_list("channel", flat=True)) <= {"office", "phone"}
    # Callbacks: 200 a day, 7 days of closed history, 2 working days open.
    callbacks = CallbackRequest.objects.all()
    assert callbacks.count() == 200 * 9
    assert callbacks.open().count() == 400
    assert not callbacks.open().filter(window_start__lt=friday).exists()
    assert "CALLBACK_WINDOW_CAPACITY=" in output


def test_seed_national__run_again_on_the_same_clock__the_same_set(friday):
    seed(*SMALL)
    first = shape()
    wipe()
    seed(*SMALL)

    assert shape() == first


def test_seed_national__another_seed__another_set(friday):
    seed(*SMALL)
    first = shape()
    wipe()
    seed(*SMALL, "--seed", "14")

    assert shape()["bookings"] != first["bookings"]


def test_seed_national__data_already_there__refuses(friday):
    seed(*SMALL)

    with pytest.raises(CommandError, match="already holds"):
        seed(*SMALL)


def test_seed_national__debug_off__refuses_without_allow_production(friday):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_national", *SMALL, stdout=io.StringIO())

    assert not Office.objects.exists()


def planner_rows(table):
    """The planner's row count of ``table`` (None: never analysed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            tuples = cursor.fetchone()[0]
            return None if tuples < 0 else int(tuples)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        # Each index's row gives its row count first; a partial index counts fewer rows.
        cursor.execute(
            "SELECT MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = %s", [table]
        )
        return cursor.fetchone()[0]


def test_seed_national__ends_with_the_tables_analysed(friday):
    output = seed(*SMALL)

    assert planner_rows(Slot._meta.db_table) == Slot.objects.count()
    assert planner_rows(Appointment._meta.db_table) == Appointment.objects.count()
    assert "ANALYZE" in output
