"""A booking bot, as an attacker would write one: plain HTTP against the public
booking flow, no browser. It finds free times the way the pages show them (the open
availability API, then the day's times page), keeps its own cookies, and can send any
``X-Forwarded-For`` it likes (as it can when it reaches gunicorn directly)."""

import datetime
import random
import re
from urllib.parse import urlencode

from offices import hours
from tests.faults import request

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """One bot "browser": a cookie jar and the CSRF token of the last page, against
    one of the ``ports`` per request (round robin: the servers behind a balancer)."""

    def __init__(self, ports, forwarded_for=None):
        self.ports = list(ports)
        self.turn = 0
        self.cookies = {}
        self.csrf_token = ""
        self.forwarded_for = forwarded_for  # a function giving the next address, or None

    def _headers(self):
        headers = {"Referer": "http://127.0.0.1/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for()
        return headers

    def _send(self, method, path, form=None):
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        if form is not None:
            form = {"csrfmiddlewaretoken": self.csrf_token, **form}
        status, headers, text = request(port, method, path, form=form, headers=self._headers())
        for cookie in headers.get("Set-Cookie", "").split(", "):
            if match := re.match(r"\s*(csrftoken|sessionid)=([^;]*)", cookie):
                self.cookies[match[1]] = match[2]
        if match := CSRF_FIELD.search(text):
            self.csrf_token = match[1]
        return status, headers, text

    def get(self, path, **params):
        return self._send("GET", path + (f"?{urlencode(params)}" if params else ""))

    def post(self, path, form):
        return self._send("POST", path, form)


def random_address(rng):
    """An address from anywhere: a new /24 nearly every time."""
    return ".".join(str(rng.randrange(1, 255)) for _ in range(4))


def made_up_mobile(rng):
    """A Finnish mobile number nobody in the test owns."""
    return f"040 {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"


def free_slots(session, office, days=56):
    """(slot id, topic id) of every free time of ``office`` in the next ``days`` days,
    read as the pages show them: the days from the open API, the ids from each day's
    times page."""
    _, _, start = session.get("/appointments/")
    topic = re.search(r'name="topic"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="topic"', start)
    topic = topic[1] or topic[2]
    today = hours.localdate()
    _, _, body = session.get(
        "/api/v1/appointments/availability",
        office=office,
        start=today.isoformat(),
        end=(today + datetime.timedelta(days=days)).isoformat(),
    )
    found = []
    for day in sorted(set(re.findall(r'"start":\s*"(\d{4}-\d{2}-\d{2})T', body))):
        _, _, times = session.get("/appointments/times/", office=office, topic=topic, day=day)
        found += [
            (int(slot), int(topic)) for slot in re.findall(r'name="slot" value="(\d+)"', times)
        ]
    return found


def details(office, slot, topic, phone, name="Botti Bottinen"):
    return {
        "office": office,
        "topic": topic,
        "slot": slot,
        "name": name,
        "phone": phone,
        "email": "",
        "language": "fi",
        "note": "",
    }


def guess_codes(session, data, guesses, rng):
    """Send the details, then guess the SMS code ``guesses`` times, then try to book
    anyway: the responses' statuses."""
    statuses = [session.post("/appointments/confirm/", data)[0]]
    for _ in range(guesses):
        code = f"{rng.randrange(10**6):06d}"
        statuses.append(
            session.post("/appointments/confirm/", {**data, "action": "prove", "code": code})[0]
        )
    statuses.append(session.post("/appointments/confirm/", {**data, "action": "book"})[0])
    return statuses


def seeded_random(seed=10):
    return random.Random(seed)
