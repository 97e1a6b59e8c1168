"""A script against a production-like deployment cannot empty the calendar.

Two gunicorn instances (two workers each) share Redis and this test process's database
(SQLite file or PostgreSQL); a real task-queue worker sends the SMS to the file backend.
The servers trust one proxy (``NUM_PROXIES=1``) while the bot reaches them directly, the
worst case for the rate limits: every request comes "from" a new address. What holds
is what the database holds: no booking without the SMS code, and at most
``APPOINTMENTS_PER_PHONE`` upcoming bookings per number, however many race.
"""

import datetime
import json
import os
import re
import threading
import time

import pytest
from django.conf import settings

from appointments import rules
from appointments.models import Appointment
from citizens.models import PhoneCode
from offices import hours
from tests import bot
from tests.faults import Gunicorn, server_env
from tests.workers import Workers, database_url

pytestmark = pytest.mark.django_db(transaction=True)

TORNIO = "tornio"


@pytest.fixture
def deployment(offices, redis_url, tmp_path):
    """Tornio's slots for the real next eight weeks, two gunicorn instances and one
    worker: (the servers' ports, the SMS folder)."""
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))
    sms_folder = tmp_path / "sms"
    env = server_env(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        NUM_PROXIES="1",
        SMS_URL=f"file://{sms_folder}",
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",  # environ drops one slash
        Q_WORKERS="1",
    )
    servers = [Gunicorn(env, tmp_path / f"gunicorn-{n}.log") for n in range(2)]
    workers = Workers(tmp_path, {**os.environ, **env})
    try:
        for server in servers:
            server.wait_until_up()
        workers.start()
        yield [server.port for server in servers], sms_folder
    finally:
        for server in servers:
            server.stop()
        workers.stop_all()
    for server in servers:
        assert "Traceback" not in server.output(), server.output()


def sms_code(folder, phone, seconds=60):
    """The code in the SMS to ``phone`` (E.164), once the worker has sent it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        texts = [
            message["text"]
            for path in sorted(folder.glob("*.json"))
            if folder.exists()
            for message in [json.loads(path.read_text())]
            if message["to"] == phone
        ]
        if texts:
            return re.search(r"\b(\d{6})\b", texts[-1])[1]
        time.sleep(0.2)
    pytest.fail(f"No SMS to {phone} in {seconds} s")


def test_bot__rotated_addresses_and_made_up_numbers__books_nothing(deployment):
    ports, _ = deployment
    rng = bot.seeded_random()
    session = bot.Session(ports, forwarded_for=lambda: bot.random_address(rng))
    slots = bot.free_slots(session, TORNIO)

    statuses = []
    for slot, topic in slots[:30]:
        data = bot.details(TORNIO, slot, topic, bot.made_up_mobile(rng))
        statuses += bot.guess_codes(session, data, guesses=6, rng=rng)

    assert len(slots) >= 30
    # The rate limits were no obstacle (each request "came from" a new address), the
    # pages answered as to a citizen, and still nothing was booked.
    assert set(statuses) == {200}
    assert Appointment.objects.count() == 0
    assert not PhoneCode.objects.filter(used_at__isnull=False).exists()
    assert len(bot.free_slots(session, TORNIO)) == len(slots)


def test_bot__twenty_racing_bookings_with_the_real_code__two_held(deployment):
    ports, sms_folder = deployment
    rng = bot.seeded_random()
    session = bot.Session(ports, forwarded_for=lambda: bot.random_address(rng))
    slots = bot.free_slots(session, TORNIO)[:20]
    phone = "040 765 4321"
    first = bot.details(TORNIO, *slots[0], phone)

    # The code step once: the number is proven in this session for an hour.
    session.post("/appointments/confirm/", first)
    code = sms_code(sms_folder, "+358407654321")
    proven = session.post("/appointments/confirm/", {**first, "action": "prove", "code": code})
    # A confirm page (with its submission token) for each of 20 times, then 20 Books at
    # once, spread over both servers.
    pages = []
    for slot, topic in slots:
        data = bot.details(TORNIO, slot, topic, phone)
        _, _, page = session.post("/appointments/confirm/", data)
        token = re.search(r'name="submission_token" value="([^"]+)"', page)[1]
        pages.append({**data, "action": "book", "submission_token": token})
    results = [None] * len(pages)
    start = threading.Barrier(len(pages))

    def book(n):
        start.wait()
        results[n] = session.post("/appointments/confirm/", pages[n])

    threads = [threading.Thread(target=book, args=(n,)) for n in range(len(pages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert proven[0] == 200
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200] * 18 + [302] * 2
    held = Appointment.objects.filter(phone="+358407654321").exclude(status="cancelled")
    assert held.count() == settings.APPOINTMENTS_PER_PHONE == 2
    refused = [text for status, _, text in results if status == 200]
    assert all("Tällä numerolla on jo 2 tulevaa ajanvarausta" in text for text in refused)
