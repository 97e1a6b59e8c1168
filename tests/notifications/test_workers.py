"""Delivery by real task-queue workers that die (issue 8, "Must show").

200 queued messages (100 e-mails to Django's file backend, 100 SMS to the fake
GatewayAPI server), real ``manage.py qcluster`` processes on this test's own database
(pytest-xdist gives each test process its own). Two workers start; one is killed with
SIGKILL before it sends a message, the other after the provider accepted a message and
before its row was marked (the fault-injection hook in ``notifications.outbox`` holds
them there). Two fresh workers finish the work. Then, counting what the provider and the
mail files received: nothing is lost, and exactly one message went out twice, the one
whose worker died after the send.

The test plays the scheduler: it asks for a delivery run every half second (in
production the kick after each commit and the one-minute schedule do that). Leases
last 3 s here instead of 5 min. About 10 s on SQLite and on PostgreSQL; ``-s`` shows
the counts.
"""

import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction
from django_q.models import Schedule
from django_q.tasks import async_task

from notifications.models import Message, Status
from notifications.outbox import notify
from tests.factories import UserFactory
from tests.workers import Workers, database_url

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 200
LEASE_SECONDS = 3


@pytest.fixture
def workers(tmp_path, fake_gatewayapi):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SMS_URL": fake_gatewayapi.sms_url(),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # environ drops one slash
        "NOTIFICATIONS_LEASE_SECONDS": str(LEASE_SECONDS),
        "NOTIFICATIONS_FAULT_FILE": str(tmp_path / "faults"),
        "Q_WORKERS": "1",
    }
    env.pop("NOTIFICATIONS_FAULT", None)
    pool = Workers(tmp_path, env)
    yield pool
    pool.stop_all()


def faults(tmp_path):
    """{point: (pid, reference)} written by workers held at a fault."""
    path = tmp_path / "faults"
    lines = path.read_text().splitlines() if path.exists() else []
    return {point: (int(pid), ref) for pid, point, ref in (line.split() for line in lines)}


def wait_for(condition, workers, *, seconds, what):
    """Ask for a delivery run every half second until ``condition()`` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}.\n{workers.logs()}")
        async_task("notifications.outbox.deliver_due", q_options={"save": False})
        time.sleep(0.5)


def emails_received(folder):
    """Message-ID references of every e-mail the file backend wrote, repeats included."""
    pattern = re.compile(rb"^Message-ID: <([0-9a-f]{32})@", re.MULTILINE)
    return [
        match.decode()
        for path in Path(folder).glob("*.log")
        for match in pattern.findall(path.read_bytes())
    ]


def test_workers_killed_before_and_after_a_send__nothing_lost_one_duplicate(
    tmp_path, workers, fake_gatewayapi
):
    Schedule.objects.all().delete()  # only this test asks for deliveries
    citizen = UserFactory()
    with transaction.atomic():
        for n in range(MESSAGES // 2):
            notify(
                obj=citizen, event=f"sms:{n}", channel="sms", to="040 123 4567", body=f"Viesti {n}."
            )
            notify(
                obj=citizen,
                event=f"email:{n}",
                channel="email",
                to=f"citizen{n}@example.com",
                subject=f"Viesti {n}",
                body=f"Viesti {n}.",
            )

    before_send = workers.start(NOTIFICATIONS_FAULT="before-send:3")
    after_send = workers.start(NOTIFICATIONS_FAULT="after-send:3")
    wait_for(lambda: len(faults(tmp_path)) == 2, workers, seconds=60, what="both faults")
    held = faults(tmp_path)
    assert held["before-send"][0] != held["after-send"][0]
    workers.kill(before_send)
    workers.kill(after_send)
    assert before_send.returncode == after_send.returncode == -signal.SIGKILL

    workers.start()
    workers.start()
    queued = Message.objects.exclude(status=Status.SENT)
    wait_for(lambda: not queued.exists(), workers, seconds=90, what="all messages sent")
    workers.stop_all()

    rows = {m.reference.hex: m for m in Message.objects.all()}
    sms, emails = fake_gatewayapi.userrefs(), emails_received(tmp_path / "mail")
    received = Counter(sms) + Counter(emails)
    print(  # shown with -s
        f"\n{len(rows)} messages; received {len(sms)} SMS and {len(emails)} e-mails; "
        f"repeated: {[ref for ref, n in received.items() if n > 1]}; "
        f"worker killed before a send: {held['before-send'][1]}, after: {held['after-send'][1]}"
    )
    assert len(rows) == MESSAGES
    assert set(received) == set(rows), "every message arrived"
    repeated = {reference: count for reference, count in received.items() if count > 1}
    assert repeated == {held["after-send"][1]: 2}, "only the one sent just before the kill"
    assert received[held["before-send"][1]] == 1
    assert sum(received.values()) == MESSAGES + 1
    assert {m.status for m in rows.values()} == {Status.SENT}
    assert rows[held["after-send"][1]].attempts == 2
    assert rows[held["before-send"][1]].attempts == 2
