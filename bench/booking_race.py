"""Booking race: 50 real HTTP form POSTs at one free slot, against gunicorn on PostgreSQL.

What it does, from scratch each run:
  1. creates a fresh PostgreSQL database (default kela_bench) next to the ``postgres``
     database at --postgres (trust auth on 127.0.0.1 by default);
  2. migrates it, loads the demo data (offices, hours, topics, 8 weeks of slots) and
     collects the static files, with production settings (DEBUG off);
  3. starts gunicorn with 2 workers on a free port of 127.0.0.1;
  4. lets every client GET the booking form (CSRF cookie and token; for --target public
     each client's session holds its proven phone number, as after the SMS code step;
     for --target admin each client first logs in as a phone-service user and passes
     the second factor), then releases all clients at
     once (a barrier) to POST the same capacity-1 slot;
  5. prints the figures, stops gunicorn, drops the database (unless --keep-db).

Exits 1 unless exactly one booking is stored, the slot counts one booking, every other
client got the clean "taken" answer, and no response was a 5xx.

    .venv/bin/python bench/booking_race.py [--target public|admin] [--clients 50]

Only the standard library and psycopg (already a dependency); traffic stays on
127.0.0.1, and every request has a timeout.
"""

import argparse
import base64
import http.client
import http.cookies
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TIMEOUT = 60
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BENCH_USER = "bench-phone"

SETUP = """
import json, os
from django.contrib.auth.models import Group, User
from appointments import rules
from appointments.models import Slot
from offices.models import Topic

user, _ = User.objects.get_or_create(username=os.environ["BENCH_USER"])
user.is_staff = True
user.set_password(os.environ["BENCH_PASSWORD"])
user.save()
user.groups.add(Group.objects.get(name="Phone service"))
slot = (
    rules.bookable_slots(Slot.objects.select_related("office"))
    .filter(capacity=1, booked_count=0, office__kind="service_point")
    .order_by("starts_at").first()
)
topic = Topic.objects.filter(is_active=True).order_by("ordering").first()
# Each citizen proved their number by SMS code in their own browser session.
from bench.proven import proven_session
sessions = [proven_session(f"+35840{1000000 + n}") for n in range(int(os.environ["BENCH_CLIENTS"]))]
print(json.dumps({"slot": slot.pk, "office": slot.office.slug, "topic": topic.pk,
                  "when": str(slot), "sessions": sessions}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["public", "admin"], default="public")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--db-name", default="kela_bench")
    parser.add_argument("--keep-db", action="store_true", help="Do not drop the database")
    return parser.parse_args()


# --- Database and server ----------------------------------------------------------------


def admin_connection(url):
    return psycopg.connect(url, autocommit=True)


def recreate_database(url, name):
    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url, name):
    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_url(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def production_env(db_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DEBUG"))
    }
    env.update(
        DATABASE_URL=db_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        PUBLIC_POST_RATE="100000/1m",
        PUBLIC_POST_NETWORK_RATE="100000/1m",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        # Production refuses to start a booking without these (check --deploy).
        LINK_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ACCESS_RECORD_KEY=secrets.token_urlsafe(32),
        BENCH_USER=BENCH_USER,
        BENCH_PASSWORD=secrets.token_urlsafe(16),
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.stdout if capture else None


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, workers, log):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kela_service.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--backlog",
            "512",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log.name}")
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


# --- HTTP ---------------------------------------------------------------------------------


def request(port, method, path, *, body=None, cookies=None, headers=None):
    """One request on a fresh connection: (status, headers, text)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        all_headers = {"Host": f"{HOST}:{port}", **(headers or {})}
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, response.headers, text
    finally:
        conn.close()


def remember_cookies(cookies, headers):
    for header in headers.get_all("Set-Cookie") or []:
        jar = http.cookies.SimpleCookie()
        jar.load(header)
        for key, morsel in jar.items():
            cookies[key] = morsel.value


class Client:
    """One citizen (or phone-service worker) with their own cookies and CSRF token."""

    def __init__(self, number, port, target, setup):
        self.number = number
        self.port = port
        self.target = target
        self.setup = setup
        self.cookies = {}
        self.token = None

    def get(self, path):
        # Setup, not the measurement: a connection reset by a busy server is retried.
        for attempt in range(3):
            try:
                status, headers, text = request(self.port, "GET", path, cookies=self.cookies)
                break
            except ConnectionError:
                if attempt == 2:
                    raise
                time.sleep(0.5)
        remember_cookies(self.cookies, headers)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        match = CSRF_INPUT.search(text)
        if not match:
            raise RuntimeError(f"GET {path}: no CSRF token in the page")
        self.token = match[1]

    def prepare(self):
        """Everything before the race: the form page, its CSRF cookie and token."""
        if self.target == "admin":
            self.get("/admin/login/")
            status, headers, _ = request(
                self.port,
                "POST",
                "/admin/login/?next=/admin/",
                body={
                    "csrfmiddlewaretoken": self.token,
                    "username": BENCH_USER,
                    "password": self.setup["password"],
                    "next": "/admin/",
                },
                cookies=self.cookies,
            )
            remember_cookies(self.cookies, headers)
            if status != 302:
                raise RuntimeError(f"admin login failed: {status}")
            self.path = "/admin/appointments/appointment/add/"
            self.get(self.path)
        else:
            self.cookies["sessionid"] = self.setup["sessions"][self.number]
            query = urllib.parse.urlencode(
                {
                    "office": self.setup["office"],
                    "topic": self.setup["topic"],
                    "slot": self.setup["slot"],
                }
            )
            self.get(f"/appointments/details/?{query}")
            self.path = "/appointments/confirm/"

    def form(self):
        data = {
            "csrfmiddlewaretoken": self.token,
            "slot": self.setup["slot"],
            "topic": self.setup["topic"],
            "name": f"Kilpailija {self.number}",
            "phone": f"040 {1000000 + self.number}",
            "email": "",
            "language": "fi",
            "note": "",
        }
        if self.target == "public":
            data.update(office=self.setup["office"], action="book")
        return data

    def post(self):
        started = time.perf_counter()
        status, _headers, text = request(
            self.port, "POST", self.path, body=self.form(), cookies=self.cookies
        )
        elapsed = time.perf_counter() - started
        return {"status": status, "seconds": elapsed, "outcome": classify(status, text)}


def classify(status, text):
    if status >= 500:
        return "5xx"
    if status == 302:
        return "booked"
    # Public: the details page again, 409, with the error on the time. Admin: the add
    # form again, 200, with the error on the slot field.
    if status in (200, 409) and "errorlist" in text:
        return "taken"
    return f"other {status}"


# --- The race -----------------------------------------------------------------------------


def race(clients):
    barrier = threading.Barrier(len(clients) + 1)
    results = [None] * len(clients)

    def run(index, client):
        barrier.wait()
        try:
            results[index] = client.post()
        except Exception as error:  # a refused or dropped connection is a result too
            results[index] = {"status": 0, "seconds": 0.0, "outcome": f"error {error!r}"}

    threads = [threading.Thread(target=run, args=(i, client)) for i, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    return results, time.perf_counter() - started


def stored(db_url, slot_id):
    with psycopg.connect(db_url) as conn:
        active = conn.execute(
            "SELECT count(*) FROM appointments_appointment "
            "WHERE slot_id = %s AND status <> 'cancelled'",
            [slot_id],
        ).fetchone()[0]
        booked_count, capacity = conn.execute(
            "SELECT booked_count, capacity FROM appointments_slot WHERE id = %s", [slot_id]
        ).fetchone()
    return active, booked_count, capacity


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(args, setup, results, wall, bookings, booked_count, capacity):
    outcomes = {}
    for result in results:
        outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    latencies = [r["seconds"] * 1000 for r in results if r["status"]]
    total = len(results)
    taken = outcomes.get("taken", 0)
    server_errors = outcomes.get("5xx", 0)
    print(f"Target:             {args.target} form POST, {total} concurrent clients")
    print(f"Server:             gunicorn, {args.workers} workers, PostgreSQL ({args.db_name})")
    print(f"Slot:               {setup['when']} (id {setup['slot']}, capacity {capacity})")
    print(f"Bookings stored:    {bookings} (slot booked_count {booked_count})")
    print(f"Booked responses:   {outcomes.get('booked', 0)}")
    print(f"Taken responses:    {taken}")
    print(f"5xx responses:      {server_errors}")
    others = {k: v for k, v in outcomes.items() if k not in {"booked", "taken", "5xx"}}
    print(f"Other outcomes:     {others or 0}")
    if latencies:
        print(
            f"Latency ms:         p50 {percentile(latencies, 0.5):.0f}, "
            f"p95 {percentile(latencies, 0.95):.0f}, max {max(latencies):.0f}, "
            f"mean {statistics.mean(latencies):.0f}"
        )
    print(f"Wall time:          {wall:.2f} s, {total / wall:.1f} requests/s")
    print(
        f"Ratios:             booked/total {outcomes.get('booked', 0) / total:.3f}, "
        f"taken/total {taken / total:.3f}, 5xx/total {server_errors / total:.3f}"
    )
    ok = (
        bookings == 1
        and booked_count == 1
        and outcomes.get("booked", 0) == 1
        and taken == total - 1
        and server_errors == 0
    )
    print("Invariant:          " + ("OK, exactly one booking" if ok else "FAILED"))
    return ok


def main():
    args = parse_args()
    db_url = database_url(args.postgres, args.db_name)
    env = production_env(db_url)
    print(f"Creating database {args.db_name} ...", flush=True)
    recreate_database(args.postgres, args.db_name)
    gunicorn = None
    log_path = Path(tempfile.gettempdir()) / f"{args.db_name}-gunicorn.log"
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo", "--allow-production")
        manage(env, "collectstatic", "--no-input")
        env["BENCH_CLIENTS"] = str(args.clients)
        output = manage(env, "shell", "-c", SETUP, capture=True)
        setup = json.loads(output.strip().splitlines()[-1])
        setup["password"] = env["BENCH_PASSWORD"]
        port = free_port()
        with open(log_path, "w") as log:
            print(f"Starting gunicorn on {HOST}:{port} ...", flush=True)
            gunicorn = start_gunicorn(env, port, args.workers, log)
            clients = [Client(n, port, args.target, setup) for n in range(args.clients)]
            for client in clients:
                client.prepare()
            print(f"{len(clients)} clients have the form; racing ...", flush=True)
            results, wall = race(clients)
        bookings, booked_count, capacity = stored(db_url, setup["slot"])
        ok = report(args, setup, results, wall, bookings, booked_count, capacity)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if not args.keep_db:
            drop_database(args.postgres, args.db_name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
