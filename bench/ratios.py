"""Ratios on one machine: each page's throughput over a yardstick's, against gunicorn on
the national data set (PostgreSQL), in one run.

    .venv/bin/python bench/ratios.py [--database kela_bench_national] [--seconds 4]

What it does:
  1. uses the PostgreSQL database --database (default kela_bench_national) at
     --postgres; if it holds no slots it is created, migrated and filled with
     ``seed_national --offices 200 --days 365`` (a few minutes); likewise the two-office
     set --small-database (Tornio, Kemi and the phone service, a year of slots, 140
     callback requests a day), the staff lists' "before national scale";
  2. prepares what the requests need (bench/setup_requests.py, inside Django): a staff
     session, citizen sessions with proven numbers, free slots to book, a table for the
     one-INSERT yardstick; collects the static files; analyses both databases (the
     planner's statistics, as autovacuum would keep them);
  3. starts gunicorn (2 sync workers, DEBUG off, Redis db 14 as the shared cache) with
     ``bench.settings`` (the app's URLs plus ``/bench/insert``: never in production) on
     each set;
  4. for each target, --rounds times: the ceiling (``/livez``, or the one-INSERT view for
     writes) for --seconds, then the target for --seconds, each with --clients
     keep-alive connections; a pair's ratio is target/yardstick, the median is reported.
     A staff list is also loaded on the two-office set in each round: its time on the
     national set over its time on two offices is the list's growth with data size;
  5. appends JSON lines to bench/results/ratios.jsonl and writes bench/results/ratios.md.

Only the standard library and psycopg; traffic stays on 127.0.0.1. See bench/README.md
for how to read the figures on a small, shared machine.
"""

import argparse
import base64
import datetime
import hashlib
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from booking_race import HOST, free_port, manage, production_env, start_gunicorn
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
TIMEOUT = 30


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="kela_bench_national")
    parser.add_argument("--small-database", default="kela_bench_small")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--small-redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated target names")
    return parser.parse_args()


def database_url(url, name):
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


NATIONAL = ["--offices", "200", "--days", "365"]
# The demo's offices and a demo-sized phone service (10 requests a window, 14 windows).
SMALL = ["--offices", "3", "--days", "365", "--callbacks-per-day", "140"]


def ensure_set(args, env, name, seed_args):
    """A data set in the database ``name``: made once, reused by later runs."""
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    manage(env, "migrate", "--no-input")
    with psycopg.connect(database_url(args.postgres, name)) as conn:
        slots = conn.execute("SELECT count(*) FROM appointments_slot").fetchone()[0]
    if not slots:
        print(f"Seeding {name} (a few minutes) ...", flush=True)
        manage(env, "seed_national", *seed_args, "--allow-production")


def analyze(args, name):
    """The planner's statistics of the set as it is now (after the preparation's writes):
    autovacuum, which would keep them current in production, may be off or behind, and a
    plan made for the wrong sizes is no measure of the code."""
    with psycopg.connect(database_url(args.postgres, name), autocommit=True) as conn:
        conn.execute("ANALYZE")


def run_json(command, env, timeout=600):
    """Run ``command`` (a script of this repository and its arguments) in ``env``; the
    last line it printed, read as JSON."""
    done = subprocess.run(
        [sys.executable, *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(env):
    """bench/setup_requests.py's sessions and parameters for the set in ``env``."""
    return run_json(["bench/setup_requests.py"], env)


def set_env(args, name, redis):
    env = production_env(database_url(args.postgres, name))
    env.update(
        REDIS_URL=redis,
        DJANGO_SETTINGS_MODULE="bench.settings",
        CALLBACK_WINDOW_CAPACITY="1000",
        ACCESS_RECORD_KEY=secrets.token_urlsafe(32),
        # The same every run, so that a later run opens the private links of the set's
        # earlier bookings (the preparation cancels some); made-up data only.
        LINK_KEY=base64.urlsafe_b64encode(hashlib.sha256(name.encode()).digest()).decode(),
    )
    return env


# --- Load -------------------------------------------------------------------------------


def load(port, make_request, seconds, clients, expected=(200,)):
    """Requests per second answered with an ``expected`` status over ``seconds`` by
    ``clients`` keep-alive connections; ``make_request()`` gives (method, path, body,
    headers). Also the count of other answers (a redirect to a login page is not the
    page)."""
    deadline = time.monotonic() + seconds
    ok, bad, lock = [0], [0], threading.Lock()

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        done = failed = 0
        while time.monotonic() < deadline:
            method, path, body, headers = make_request()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
                failed += 1
                continue
            if response.status in expected:
                done += 1
            else:
                failed += 1
        conn.close()
        with lock:
            ok[0] += done
            bad[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ok[0] / (time.monotonic() - started), bad[0]


def get(path, cookie=""):
    headers = {"Cookie": cookie} if cookie else {}
    return lambda: ("GET", path, None, headers)


def one_insert():
    """The yardstick of writes: a POST to bench/urls.py's one-INSERT view."""
    return ("POST", "/bench/insert", b"", {})


def booking_requests(setup):
    """Each call: the next prepared citizen (a proven number in its own session) books
    the next free slot from the confirm page."""
    citizens = iter(setup["citizens"])
    lock = threading.Lock()
    csrf = secrets.token_hex(16)  # 32 characters: a secret Django accepts as it is

    def make():
        with lock:
            citizen = next(citizens)
        body = urllib.parse.urlencode(
            {
                "office": citizen["office"],
                "topic": setup["topic"],
                "slot": citizen["slot"],
                "name": "Bench Asiakas",
                "phone": citizen["phone"],
                "email": "",
                "language": "fi",
                "note": "",
                "submission_token": secrets.token_urlsafe(16),
                "action": "book",
                "csrfmiddlewaretoken": csrf,
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}; sessionid={citizen['session']}",
        }
        return ("POST", "/appointments/confirm/", body, headers)

    return make


STAFF_LISTS = {
    "admin appointments": "/admin/appointments/appointment/",
    "admin slots": "/admin/appointments/slot/",
    "admin callbacks": "/admin/callbacks/callbackrequest/",
    "admin messages": "/admin/notifications/message/",
    "callback queue": "/staff/callbacks/",
}


def staff_request(setup, name):
    """A staff list's request on the set ``setup`` was prepared for."""
    path = setup["day_list"] if name == "day list (busiest)" else STAFF_LISTS[name]
    return get(path, f"sessionid={setup['staff_session']}")


def targets(setup):
    """(name, yardstick, request maker, goal of the ratio, issue 13's figure before,
    whether it is a staff list); every target answers 200 but the booking POST, which
    redirects to the booking."""
    api = "/api/v1/appointments/availability?" + urllib.parse.urlencode(setup["api"])
    times = "/appointments/times/?" + urllib.parse.urlencode(setup["times"])
    public = [
        ("one-INSERT view", "livez", one_insert, None, None, False),
        ("availability API", "livez", get(api), 0.35, "0.13–0.18", False),
        ("times page", "livez", get(times), 0.15, "0.065–0.077", False),
        ("booking POST", "insert", booking_requests(setup), 0.3, "0.07–0.11", False),
    ]
    staff = [
        (name, "livez", staff_request(setup, name), None, "", True)
        for name in [*STAFF_LISTS, "day list (busiest)"]
    ]
    return public + staff


def main():
    args = parse_args()
    env = set_env(args, args.database, args.redis)
    small_env = set_env(args, args.small_database, args.small_redis)
    ensure_set(args, env, args.database, NATIONAL)
    ensure_set(args, small_env, args.small_database, SMALL)
    manage(env, "collectstatic", "--no-input")
    setup, small_setup = prepare(env), prepare(small_env)
    for name in (args.database, args.small_database):
        analyze(args, name)
    port, small_port = free_port(), free_port()
    RESULTS.mkdir(exist_ok=True)
    log = (RESULTS / "gunicorn.log").open("w")
    server = start_gunicorn(env, port, args.workers, log)
    small_server = start_gunicorn(small_env, small_port, args.workers, log)
    yardsticks = {"livez": get("/livez"), "insert": one_insert}
    when = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    rows = []
    try:
        for name, yardstick, make, goal, before, is_staff in targets(setup):
            if args.only and name not in args.only.split(","):
                continue
            pairs = []
            for _ in range(args.rounds):
                base, base_bad = load(port, yardsticks[yardstick], args.seconds, args.clients)
                expected = (302,) if name == "booking POST" else (200,)
                rps, bad = load(port, make, args.seconds, args.clients, expected)
                pair = {"yardstick": base, "rps": rps, "bad": bad + base_bad}
                if is_staff:
                    small_rps, small_bad = load(
                        small_port, staff_request(small_setup, name), args.seconds, args.clients
                    )
                    pair.update(small_rps=small_rps, bad=pair["bad"] + small_bad)
                pairs.append(pair)
            ratios = [p["rps"] / p["yardstick"] for p in pairs if p["yardstick"]]
            # Time per request on the national set over that on two offices, pair by pair.
            growths = [p["small_rps"] / p["rps"] for p in pairs if "small_rps" in p and p["rps"]]
            row = {
                "at": when,
                "target": name,
                "yardstick": "/livez" if yardstick == "livez" else "one-INSERT view",
                "rps": statistics.median(p["rps"] for p in pairs),
                "yardstick_rps": statistics.median(p["yardstick"] for p in pairs),
                "ratio": statistics.median(ratios) if ratios else None,
                "ratio_min": min(ratios, default=None),
                "ratio_max": max(ratios, default=None),
                "small_rps": statistics.median(p["small_rps"] for p in pairs) if is_staff else None,
                "growth": statistics.median(growths) if growths else None,
                "growth_min": min(growths, default=None),
                "growth_max": max(growths, default=None),
                "errors": sum(p["bad"] for p in pairs),
                "goal": goal,
                "before": before,
                "seconds": args.seconds,
                "rounds": args.rounds,
                "clients": args.clients,
                "workers": args.workers,
                "cores": os.cpu_count(),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        for process in (server, small_server):
            process.terminate()
            process.wait(timeout=30)
        log.close()
    with (RESULTS / "ratios.jsonl").open("a") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    (RESULTS / "ratios.md").write_text(markdown(rows, args))
    print(markdown(rows, args))


def markdown(rows, args):
    lines = [
        f"gunicorn {args.workers} sync workers, {args.clients} keep-alive clients, "
        f"{args.rounds} rounds of {args.seconds:g} s per target and yardstick, "
        f"{os.cpu_count()} cores, national set on PostgreSQL; {rows[0]['at'] if rows else ''}",
        "",
        "| target | req/s (median) | yardstick | yardstick req/s | ratio (min–max) "
        "| goal | before (issue 13) | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        goal = f"≥ {row['goal']}" if row["goal"] else ""
        lines.append(
            f"| {row['target']} | {row['rps']:.0f} | {row['yardstick']} | "
            f"{row['yardstick_rps']:.0f} | {spread(row, 'ratio')} | {goal} | "
            f"{row['before'] or ''} | {row['errors']} |"
        )
    staff = [row for row in rows if row.get("growth") is not None]
    if staff:
        lines += [
            "",
            "Staff lists, flat in data size: the same list on the two-office set "
            f"({args.small_database}) and on the national set, in the same rounds; "
            "growth is the national time per request over the two-office one (goal ≤ 1.5).",
            "",
            "| list | 2 offices req/s | national req/s | growth (min–max) |",
            "|---|---|---|---|",
        ]
        for row in staff:
            lines.append(
                f"| {row['target']} | {row['small_rps']:.0f} | {row['rps']:.0f} | "
                f"{spread(row, 'growth')} |"
            )
    return "\n".join(lines) + "\n"


def spread(row, key):
    """ "median (min–max)" of a figure, or a dash."""
    if row.get(key) is None:
        return "—"
    return f"{row[key]:.3f} ({row[key + '_min']:.3f}–{row[key + '_max']:.3f})"


if __name__ == "__main__":
    main()
