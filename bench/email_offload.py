"""Booking POST throughput before and after taking e-mail out of the citizen's request.

Against an SMTP server that answers after 200 ms (aiosmtpd), each variant runs on its
own fresh PostgreSQL database, behind gunicorn (2 sync workers, DEBUG off):

- before: the code at --before (default: the commit before the outbox was wired in),
  checked out into a temporary git worktree; its booking sends the confirmation e-mail
  on commit, inside the request;
- after: this working tree; the booking writes an outbox row and a worker (a real
  ``qcluster`` process, running alongside) sends it.

In each variant, --clients concurrent citizens book --bookings phone-service times in
all (one final "Book" POST each, with an e-mail address), then make as many POSTs to a
view that does one INSERT, served by the same gunicorn (a WSGI wrapper in front of the
app). The figures are requests per second and the ratio booking ÷ one-INSERT, so that
the machine's speed cancels out. Exits 1 if a booking failed or, after, not every
e-mail was sent by the worker.

    .venv/bin/python bench/email_offload.py [--before REV] [--bookings 120] [--clients 8]
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from booking_race import (
    CSRF_INPUT,
    HOST,
    database_url,
    drop_database,
    free_port,
    production_env,
    recreate_database,
    remember_cookies,
    request,
)

BASE_DIR = Path(__file__).resolve().parent.parent
SMTP_DELAY = 0.2
# The last commit whose booking sent its e-mail inside the request.
BEFORE = "a7ba224"

INSERT_APP = """
from django.db import connection
from kela_service.wsgi import application as django_application

def application(environ, start_response):
    if environ["PATH_INFO"] != "/__bench/insert":
        return django_application(environ, start_response)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ping (at) VALUES (now())")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""

SETUP = """
import json
from appointments import rules
from appointments.models import Slot
from offices.models import Office, Topic
phone = Office.objects.phone_service()
slots = rules.bookable_slots(Slot.objects.filter(office=phone)).order_by("starts_at")
print(json.dumps({
    "slots": list(slots.values_list("pk", flat=True)),
    "topic": Topic.objects.filter(is_active=True).order_by("ordering").first().pk,
    "office": phone.slug,
}))
"""


# One browser session per client, holding its numbers as proven by the SMS code step
# (the booking asks for it since the proof of a number; the "before" code did not).
PROVE = """
import json, os
from bench.proven import proven_session
print(json.dumps([proven_session(*numbers) for numbers in json.loads(os.environ["BENCH_NUMBERS"])]))
"""


def proven_sessions(tree, env, numbers):
    output = manage(tree, {**env, "BENCH_NUMBERS": json.dumps(numbers)}, "shell", "-c", PROVE)
    return json.loads(output.strip().splitlines()[-1])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with")
    parser.add_argument("--bookings", type=int, default=120)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL"
    )
    return parser.parse_args()


# --- A slow SMTP server -------------------------------------------------------------------


class SlowSmtp:
    """aiosmtpd on a free port; every message is accepted after SMTP_DELAY seconds."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp_server, session, envelope):
                await asyncio.sleep(SMTP_DELAY)
                server.received.append(envelope.rcpt_tos)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname=HOST, port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


# --- One variant ---------------------------------------------------------------------------


def manage(tree, env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.stdout


def start(tree, env, args, log):
    process = subprocess.Popen(args, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process


def wait_healthy(port, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def run_clients(count, work):
    """Run ``work(i)`` in ``count`` threads at once; (seconds, results)."""
    results, errors = [None] * count, []
    barrier = threading.Barrier(count + 1)

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # reported, then the run fails
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"a client failed: {errors[0]!r}")
    return time.perf_counter() - started, results


def variant(name, tree, args, smtp, scratch):
    db = f"kela_bench_email_{name}"
    recreate_database(args.postgres, db)
    db_url = database_url(args.postgres, db)
    env = production_env(db_url)
    env.update(
        EMAIL_URL=f"smtp://{HOST}:{smtp.port}",
        PYTHONPATH=str(scratch),
        Q_WORKERS="1",
    )
    logs = []
    processes = []
    try:
        manage(tree, env, "migrate", "--no-input")
        manage(tree, env, "seed_demo", "--allow-production")
        manage(tree, env, "collectstatic", "--no-input")
        setup = json.loads(manage(tree, env, "shell", "-c", SETUP).strip().splitlines()[-1])
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_ping (id serial PRIMARY KEY, at timestamptz)")
        port = free_port()
        log = open(scratch / f"gunicorn-{name}.log", "w")  # noqa: SIM115 (closed below)
        logs.append(log)
        gunicorn = [
            sys.executable, "-m", "gunicorn", "bench_insert_app:application",
            "--bind", f"{HOST}:{port}", "--workers", "2", "--timeout", "60",
        ]  # fmt: skip
        processes.append(start(tree, env, gunicorn, log))
        wait_healthy(port, processes[0])
        if name == "after":
            worker_log = open(scratch / f"worker-{name}.log", "w")  # noqa: SIM115
            logs.append(worker_log)
            processes.append(
                start(tree, env, [sys.executable, "manage.py", "qcluster"], worker_log)
            )

        slots = setup["slots"][: args.bookings]
        if len(slots) < args.bookings:
            raise SystemExit(f"only {len(slots)} free phone-service times")
        per_client = [slots[i :: args.clients] for i in range(args.clients)]
        numbers = [
            [f"+35840{2000000 + i * 1000 + n}" for n in range(len(per_client[i]))]
            for i in range(args.clients)
        ]
        sessions = proven_sessions(tree, env, numbers) if name == "after" else None

        def book(i):
            cookies, outcomes = {}, []
            if sessions:  # this client proved its numbers by SMS code (after only)
                cookies["sessionid"] = sessions[i]
            query = urllib.parse.urlencode(
                {"office": setup["office"], "topic": setup["topic"], "slot": per_client[i][0]}
            )
            status, headers, text = request(
                port, "GET", f"/appointments/details/?{query}", cookies=cookies
            )
            remember_cookies(cookies, headers)
            token = CSRF_INPUT.search(text)[1]
            for n, slot in enumerate(per_client[i]):
                body = {
                    "csrfmiddlewaretoken": token,
                    "office": setup["office"],
                    "topic": setup["topic"],
                    "slot": slot,
                    "name": f"Bench {i}-{n}",
                    "phone": f"040 {2000000 + i * 1000 + n}",
                    "email": f"bench{i}-{n}@example.com",
                    "language": "fi",
                    "note": "",
                    "action": "book",
                }
                status, _, _ = request(
                    port, "POST", "/appointments/confirm/", body=body, cookies=cookies
                )
                outcomes.append(status)
            return outcomes

        booking_seconds, booking_results = run_clients(args.clients, book)
        statuses = [status for outcomes in booking_results for status in outcomes]
        if statuses.count(302) != len(slots):
            raise SystemExit(f"{name}: bookings answered {sorted(set(statuses))}")

        def insert(i):
            return [
                request(port, "POST", "/__bench/insert", body={})[0]
                for _ in range(len(per_client[i]))
            ]

        insert_seconds, _ = run_clients(args.clients, insert)
        sent = None
        if name == "after":
            deadline = time.monotonic() + 120
            while len(smtp.received) < len(slots) and time.monotonic() < deadline:
                time.sleep(0.5)
            sent = len(smtp.received)
            if sent < len(slots):
                raise SystemExit(f"the worker sent {sent} of {len(slots)} e-mails")
        return {
            "bookings": len(slots),
            "booking_rps": len(slots) / booking_seconds,
            "insert_rps": len(slots) / insert_seconds,
            "emails_sent_by_worker": sent,
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        for log in logs:
            log.close()
        drop_database(args.postgres, db)


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="kela-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        (scratch / "bench_insert_app.py").write_text(INSERT_APP)
        before_tree = scratch / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(before_tree), args.before],
            cwd=BASE_DIR,
            check=True,
            capture_output=True,
        )
        try:
            results = {}
            for name, tree in (("before", before_tree), ("after", BASE_DIR)):
                with SlowSmtp() as smtp:
                    results[name] = variant(name, tree, args, smtp, scratch)
                    smtp.received.clear()
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before_tree)],
                cwd=BASE_DIR,
                check=False,
                capture_output=True,
            )
    print(f"SMTP answers after {SMTP_DELAY * 1000:.0f} ms; gunicorn 2 sync workers; "
          f"{args.clients} clients; {args.bookings} bookings per variant")  # fmt: skip
    print(f"{'':8} {'booking POST/s':>15} {'1-INSERT POST/s':>16} {'ratio':>7}")
    for name, figures in results.items():
        ratio = figures["booking_rps"] / figures["insert_rps"]
        figures["ratio"] = ratio
        print(f"{name:8} {figures['booking_rps']:15.1f} {figures['insert_rps']:16.1f} {ratio:7.3f}")
    after, before = results["after"], results["before"]
    print(
        f"after / before: booking throughput {after['booking_rps'] / before['booking_rps']:.1f} "
        f"times, ratio {after['ratio'] / before['ratio']:.1f} times; the worker sent "
        f"{after['emails_sent_by_worker']} e-mails"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
