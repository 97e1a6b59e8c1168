"""The service on several machines (issue 13): two gunicorn instances (two workers each)
and two task-queue workers on one PostgreSQL and one Redis, as deploy/compose.yaml runs
them.

100 citizens, each with a proven number in their own session, race for one slot of
capacity 3 from one client address, half through each instance, all at once. Then:

- capacity: exactly 3 bookings, the slot's count 3, every other admitted attempt told
  the time is gone (409, with other times; never a 500);
- the rate limit is shared: PUBLIC_POST_RATE 50 per address admits exactly 50 of the
  100 across both instances (each counting alone would admit all 100);
- notifications exactly once: the workers deliver one confirmation SMS per booking to
  the fake SMS provider (GatewayAPI's HTTP API), none twice, none for a refused attempt;
- the shared cache is invalidated across instances: free times cached by one instance
  lose a time booked through the other;
- /metrics on one instance sums its two gunicorn workers and counts the bookings.

PostgreSQL only: SQLite is one file on one machine, never shared by several. About 20 s.
"""

import datetime
import json
import os
import secrets
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django_q.models import Schedule
from prometheus_client.parser import text_string_to_metric_families

from appointments import rules
from appointments.models import Appointment, Slot
from citizens import rules as citizen_rules
from notifications.models import Message, Status
from offices import hours
from offices.models import Topic
from tests.faults import Gunicorn, request, server_env
from tests.workers import Workers, database_url

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several machines share PostgreSQL, not a SQLite file (runs in CI on PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

ATTEMPTS = 100
CAPACITY = 3
RATE = 50  # public POSTs per client address in 10 minutes, shared by both instances
CLIENT = "203.0.113.7"  # the address the proxy saw (X-Forwarded-For, NUM_PROXIES=1)
REDIS_URL = os.environ.get("TEST_TWO_INSTANCES_REDIS_URL", "redis://127.0.0.1:6379/11")
TOKEN = "scrape-token-of-the-test"


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL}: the two instances need it")
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def machines(tmp_path, shared_redis, fake_gatewayapi):
    """Two instances of the app and two task-queue workers, as on two machines."""
    shared = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "SMS_URL": fake_gatewayapi.sms_url(),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # environ drops one slash
    }
    web_env = server_env(
        **shared,
        NUM_PROXIES="1",
        PUBLIC_POST_RATE=f"{RATE}/10m",
        PUBLIC_POST_NETWORK_RATE="1000/10m",
        METRICS_TOKEN=TOKEN,
    )
    web_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each gunicorn makes its own
    instances = [Gunicorn(web_env, tmp_path / f"web-{n}.log") for n in range(2)]
    workers = Workers(tmp_path, {**os.environ, **shared, "Q_WORKERS": "1"})
    try:
        for instance in instances:
            instance.wait_until_up()
        workers.start()
        workers.start()
        yield instances, workers
    finally:
        workers.stop_all()
        for instance in instances:
            instance.stop()


def proven_sessions(count):
    """(session key, phone) of ``count`` citizens who proved their numbers by SMS code."""
    sessions = []
    for n in range(count):
        phone = f"+35845{n:07d}"
        session = SessionStore()
        citizen_rules.prove(session, phone)
        session.create()
        sessions.append((session.session_key, phone))
    return sessions


def book(instance, slot, topic, session_key, phone):
    """The confirm page's Book, as the citizen's browser sends it: "booked" (redirected to
    the booking's page), else the status code (409: the time is gone, 429: over the rate limit)."""
    csrf = secrets.token_hex(16)
    form = {
        "office": slot.office.slug,
        "topic": topic.pk,
        "slot": slot.pk,
        "name": "Kilpa Asiakas",
        "phone": phone,
        "email": "",
        "language": "fi",
        "note": "",
        "submission_token": secrets.token_urlsafe(16),
        "action": "book",
        "csrfmiddlewaretoken": csrf,
    }
    headers = {
        "Cookie": f"csrftoken={csrf}; sessionid={session_key}",
        "X-Forwarded-For": CLIENT,
    }
    status, answer_headers, _ = request(
        instance.port, "POST", "/appointments/confirm/", form=form, headers=headers, timeout=60
    )
    if status == 302 and "/appointments/booked/" in answer_headers.get("Location", ""):
        return "booked"
    return status


def free_times(instance, slot):
    """The start times the availability API of ``instance`` offers on the slot's day."""
    day = hours.localdate(slot.starts_at).isoformat()
    query = urllib.parse.urlencode({"office": slot.office.slug, "start": day, "end": day})
    status, _, text = request(instance.port, "GET", f"/api/v1/appointments/availability?{query}")
    assert status == 200, text
    return {row["start"] for row in json.loads(text)["slots"]}


def iso(slot):
    return slot.starts_at.astimezone(hours.local_timezone()).isoformat()


def scrape(instance):
    status, _, text = request(
        instance.port, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 200, text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def wait_until_sent(workers, seconds=90):
    deadline = time.monotonic() + seconds
    while Message.objects.exclude(status=Status.SENT).exists():
        if time.monotonic() > deadline:
            pytest.fail(f"The workers did not send every message.\n{workers.logs()}")
        time.sleep(0.3)


def test_two_instances_two_workers__capacity_rate_limit_notifications_cache(
    offices, machines, fake_gatewayapi
):
    instances, workers = machines
    a, b = instances
    Schedule.objects.all().delete()  # the kick after each booking's commit is enough
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=3))
    topic = Topic.objects.order_by("ordering", "pk").first()
    free = rules.bookable_slots(Slot.objects.filter(office__slug="tornio")).order_by("starts_at")
    contested, other = free.select_related("office")[:2]
    Slot.objects.filter(pk=contested.pk).update(capacity=CAPACITY)
    sessions = proven_sessions(ATTEMPTS + 1)
    # A's count so far (the readiness polls, which may have been retried, and this scrape).
    counted_before = scrape(a)[("django_http_requests_before_middlewares_total", frozenset())]

    # The shared cache: B caches the day's free times, one booking goes through A, and B
    # no longer offers that time (the version key was bumped in Redis on A's commit).
    assert iso(other) in free_times(b, other)
    assert book(a, other, topic, *sessions[-1]) == "booked"
    assert iso(other) not in free_times(b, other)

    # The race: 100 attempts at once, alternating between the instances.
    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(
            pool.map(
                lambda n: book(instances[n % 2], contested, topic, *sessions[n]),
                range(ATTEMPTS),
            )
        )
    statuses = Counter(results)

    assert statuses["booked"] == CAPACITY, statuses
    assert statuses[429] == ATTEMPTS - (RATE - 1), statuses  # A's booking used one
    assert statuses[409] == RATE - 1 - CAPACITY, statuses  # the time is gone: others shown
    assert set(statuses) == {"booked", 409, 429}, statuses
    assert Slot.objects.get(pk=contested.pk).booked_count == CAPACITY
    assert Appointment.objects.filter(slot=contested).count() == CAPACITY
    assert iso(contested) not in free_times(a, contested) | free_times(b, contested)

    # Exactly one confirmation SMS per booking, delivered by either worker.
    wait_until_sent(workers)
    booked_phones = {str(phone) for phone in Appointment.objects.values_list("phone", flat=True)}
    received = Counter(f"+{message['msisdn']}" for message in fake_gatewayapi.received)
    assert set(received) == booked_phones
    assert set(received.values()) == {1}, received
    assert Message.objects.filter(channel="sms").count() == CAPACITY + 1

    # /metrics on A: both of its gunicorn workers' counts, and the bookings of the hour.
    # Since the first scrape: one booking, A's half of the race, one look at free times.
    sent_to_a = 1 + ATTEMPTS // 2 + 1
    metrics = scrape(a)
    assert metrics[("django_http_requests_before_middlewares_total", frozenset())] == (
        counted_before + sent_to_a + 1  # this scrape
    )
    booked_web = metrics[("kela_appointments_booked_last_hour", frozenset({("source", "web")}))]
    assert booked_web == CAPACITY + 1
    logs = "".join(instance.output() for instance in instances)
    assert "Traceback" not in logs, logs
