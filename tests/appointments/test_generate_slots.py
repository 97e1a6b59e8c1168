import datetime
import io
import math

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.models import Slot
from offices import hours

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_slots", *args, stdout=out)
    return out.getvalue()


def local_starts(office_slug, day):
    return [
        timezone.localtime(slot.starts_at, hours.local_timezone())
        for slot in Slot.objects.filter(office__slug=office_slug).on_date(day)
    ]


def test_generate_slots__a_week__creates_the_slots_of_the_appointment_hours(offices):
    output = generate("--start", "2026-12-07", "--end", "2026-12-13")

    # Tornio Mon–Tue 9–12 (2 x 6), Kemi Thu–Fri 12–16 (2 x 8), phone Mon–Fri 9–16 (5 x 14).
    assert output.strip() == "Created 98 slots."
    assert Slot.objects.count() == 98
    tornio_monday = local_starts("tornio", datetime.date(2026, 12, 7))
    assert [f"{start:%H:%M}" for start in tornio_monday] == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
        "11:00",
        "11:30",
    ]
    assert all(slot.capacity == 1 for slot in Slot.objects.all())


def test_generate_slots__twice_in_a_row__creates_nothing_the_second_time(offices):
    generate("--start", "2026-12-07", "--end", "2026-12-31")
    count = Slot.objects.count()

    output = generate("--start", "2026-12-07", "--end", "2026-12-31")

    assert output.strip() == "Created 0 slots."
    assert Slot.objects.count() == count


def test_generate_slots__leaves_existing_slots_as_they_are(offices):
    generate("--start", "2026-12-07", "--end", "2026-12-07", "--office", "tornio")
    Slot.objects.filter(office__slug="tornio").update(capacity=3, is_blocked=True)

    generate("--start", "2026-12-07", "--end", "2026-12-08", "--office", "tornio")

    assert Slot.objects.filter(capacity=3, is_blocked=True).count() == 6
    assert Slot.objects.count() == 12


def test_generate_slots__holidays__get_no_slots(offices):
    # Thu 24.12. Christmas Eve and Fri 25.12. Christmas Day close Kemi.
    generate("--start", "2026-12-21", "--end", "2026-12-27", "--office", "kemi")

    assert Slot.objects.count() == 0


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # DST starts Sun 28.3.2027 (Good Friday 26.3. and Easter Monday 29.3. are holidays).
        (datetime.date(2027, 3, 25), datetime.date(2027, 3, 30)),
        # DST ends Sun 25.10.2026.
        (datetime.date(2026, 10, 23), datetime.date(2026, 10, 26)),
    ],
)
def test_generate_slots__across_a_dst_change__slots_start_at_the_same_local_time(
    offices, before, after
):
    generate("--start", before.isoformat(), "--end", after.isoformat(), "--office", "phone")

    first_before = local_starts("phone", before)[0]
    first_after = local_starts("phone", after)[0]
    assert (first_before.hour, first_before.minute) == (9, 0)
    assert (first_after.hour, first_after.minute) == (9, 0)
    assert first_before.utcoffset() != first_after.utcoffset()
    assert len(local_starts("phone", before)) == len(local_starts("phone", after)) == 14


def _reads_and_inserts(captured):
    inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in captured)
    return len(captured) - inserts, inserts


def _insert_batches(created_per_office):
    fields = [f for f in Slot._meta.concrete_fields if not f.primary_key]
    return sum(
        math.ceil(count / connection.ops.bulk_batch_size(fields, [None] * count))
        for count in created_per_office
    )


def test_generate_slots__query_count__is_the_same_for_one_week_and_eight(offices):
    with CaptureQueriesContext(connection) as one_week:
        generate("--start", "2027-01-04", "--end", "2027-01-10")
    with CaptureQueriesContext(connection) as eight_weeks:
        generate("--start", "2027-02-01", "--end", "2027-03-28")

    reads_one, inserts_one = _reads_and_inserts(one_week)
    reads_eight, inserts_eight = _reads_and_inserts(eight_weeks)
    assert reads_one == reads_eight
    assert inserts_one == 3  # one bulk INSERT per office
    # PostgreSQL: one INSERT per office whatever the number of slots. SQLite: Django
    # splits a bulk INSERT into batches of 999 parameters (166 slots).
    assert inserts_eight == _insert_batches([8 * 2 * 6, 8 * 2 * 8, 8 * 5 * 14])
    if connection.vendor == "postgresql":
        assert len(one_week) == len(eight_weeks)


@pytest.mark.parametrize(
    "args",
    [
        ["--start", "2026-12-10", "--end", "2026-12-01"],
        ["--start", "2026-12-01", "--end", "2028-12-01"],
        ["--start", "1.12.2026", "--end", "2026-12-01"],
        ["--start", "2026-12-01", "--end", "2026-12-02", "--office", "oulu"],
    ],
)
def test_generate_slots__bad_arguments__fail_with_a_message(offices, args):
    with pytest.raises(CommandError):
        generate(*args)
