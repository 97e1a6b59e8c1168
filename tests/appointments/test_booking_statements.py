"""The booking POST's SQL statements, counted and named (issue 13: writes without
waste). Each statement is put in a group by what it does; a group that grows is a
regression, and the whole count is pinned too."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import Appointment, new_submission_token
from notifications.models import Message
from tests.appointments.public_helpers import details, slot_on, url

pytestmark = pytest.mark.django_db

# (group, pattern of the statement), first match wins.
GROUPS = [
    ("proof check", r'FROM "django_session"'),
    ("booking", r'^SELECT DISTINCT "offices_office"'),  # the form: the office
    ("booking", r'^SELECT .* FROM "offices_topic"'),  # the form: the topic
    ("booking", r'^SELECT .* FROM "appointments_slot"'),  # the form: the slot
    ("booking", r'^UPDATE "appointments_slot" SET "booked_count"'),  # take a place
    ("booking", r'^INSERT INTO "appointments_appointment"'),
    ("caps", r'^UPDATE "appointments_appointment" SET "phone_place" = NULL'),
    ("caps", r'^SELECT .*"phone_place"'),
    ("outbox rows", r'"notifications_message"'),
    ("task queue", r'"django_q_ormq"'),
]
# Each outbox row: one INSERT ... ON CONFLICT ... RETURNING.
OUTBOX_STATEMENTS_PER_ROW = 1
EXPECTED = {
    "booking": 7,  # office, topic, slot; SAVEPOINT, UPDATE slot, INSERT, RELEASE
    "proof check": 1,  # the session that holds the proven number
    "caps": 1,  # the number's places (a started booking's is given back only if any)
    "outbox rows": 2 * OUTBOX_STATEMENTS_PER_ROW,  # the confirmation: e-mail and SMS
    "task queue": 1,  # "deliver now", in the booking's transaction (no commit of its own)
}
SAVEPOINT = re.compile(r'^(?:RELEASE )?SAVEPOINT "?([^"\s]+)')


def groups_of(queries):
    """{group: statements}. The first savepoint is the booking's transaction; any
    other would be an outbox row's own (there are none)."""
    groups, first = {}, None
    for query in queries:
        sql = query["sql"]
        if savepoint := SAVEPOINT.match(sql):
            first = first or savepoint[1]
            group = "booking" if savepoint[1] == first else "outbox rows"
        else:
            group = next(
                (group for group, pattern in GROUPS if re.search(pattern, sql)),
                f"unexpected: {sql[:120]}",
            )
        groups[group] = groups.get(group, 0) + 1
    return groups


def test_booking_post__statements_by_group(slots, client):
    slot = slot_on(slots["tornio"])
    data = {**details(slot), "submission_token": new_submission_token(), "action": "book"}
    ContentType.objects.get_for_model(Appointment)  # cached for the process, as in use

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url("confirm"), data)

    assert response.status_code == 302
    assert groups_of(queries.captured_queries) == EXPECTED
    assert EXPECTED["booking"] <= 8
    assert len(queries) == 12
    assert Message.objects.count() == 2
    assert Appointment.objects.get().slot == slot
