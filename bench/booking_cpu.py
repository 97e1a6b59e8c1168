"""Where a booking POST's CPU goes, beside the one-INSERT view's, on the national set.

    .venv/bin/python bench/booking_cpu.py [--bookings 300]

``ratios.py`` measures the booking POST under gunicorn on 2 cores, where throughput is
CPU: the machine's CPU per request decides it. This script takes the same requests
(the same prepared citizens, the same one-INSERT view, ``bench.settings``) through
Django's WSGI handler in one process, in turns, and counts per request:

- the CPU of this process (Python: middleware, forms, rules, the ORM, psycopg);
- the CPU of its PostgreSQL backend (``/proc/<pid>/stat``; "n/a" when PostgreSQL is on
  another machine) and of Redis (``INFO cpu``);
- then, profiled by CPU time (``cProfile`` with ``time.process_time``, so waiting on
  the database is not counted), the booking's Python CPU by where it is spent.

Writes ``bench/results/booking_cpu.md`` (also printed). The profiler slows calls down
by their number, so the shares are a guide, scaled to the unprofiled CPU.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from ratios import (
    NATIONAL,
    analyze,
    booking_requests,
    ensure_set,
    one_insert,
    prepare,
    run_json,
    set_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent
RESULT = BASE_DIR / "bench" / "results" / "booking_cpu.md"
WARM_UP = 10
ROUNDS = 6
# issue 13's goal for the booking POST over the one-INSERT view.
GOAL = 0.3

# Where a profiled function's own time is counted: the first prefix of its file's path
# under site-packages that matches (else the service's own code, or the standard library).
AREAS = [
    ("django/db/models/", "Django ORM: composing and compiling queries, model instances"),
    ("django/db/", "Django's database layer: cursors, transactions"),
    ("psycopg/", "psycopg: sending statements, adapting values"),
    ("django/forms/", "Django forms and validators"),
    ("django/core/validators", "Django forms and validators"),
    ("phonenumber", "phone numbers (phonenumbers, django-phonenumber-field)"),
    ("django_q/", "django-q: the delivery task"),
    ("redis/", "the Redis client"),
    ("django/utils/", "Django utilities (lazy text, translation, dates)"),
    ("django/template/", "Django utilities (lazy text, translation, dates)"),
    ("django/", "Django: request, middleware, URLs, sessions, signing"),
]
OWN = "the service's own code (forms, rules, middleware, notices)"
LIBRARIES = "other libraries (the middleware of whitenoise, prometheus, axes, django-otp ...)"
# Counted as their callers' (a ``copy.deepcopy`` that the forms ask for is the forms').
STANDARD = "the standard library and built-ins"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="kela_bench_national")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def area(filename):
    if "site-packages/" in filename:
        inside = filename.split("site-packages/", 1)[1]
        return next((name for prefix, name in AREAS if inside.startswith(prefix)), LIBRARIES)
    if filename.startswith(str(BASE_DIR)):
        return OWN
    return STANDARD


def areas_of(function, stats, seen, depth=0):
    """{area: fraction} of ``function``'s own time: its file's area, or for a built-in
    or the standard library, its callers' areas in proportion to the time it spent
    for each."""
    name = area(function[0])
    if name != STANDARD or depth > 20:
        return {name: 1.0}
    if function in seen:
        return seen[function]
    seen[function] = {name: 1.0}  # a cycle stays where it is
    callers = stats[function][4]
    spent = sum(timing[2] for timing in callers.values())
    if not spent:
        return {name: 1.0}
    result = {}
    for caller, timing in callers.items():
        for caller_area, part in areas_of(caller, stats, seen, depth + 1).items():
            result[caller_area] = result.get(caller_area, 0.0) + part * timing[2] / spent
    seen[function] = result
    return result


# --- Inside Django (the child process) ---------------------------------------------------


def measure(setup, bookings):
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()
    # One backend for the whole run, so that its CPU counter is this run's.
    connection.settings_dict["CONN_MAX_AGE"] = None
    book = booking_requests(setup)

    def call(make, expected):
        method, path, body, headers = make()
        body = body.encode() if isinstance(body, str) else body
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": headers.get("Content-Type", ""),
            "HTTP_COOKIE": headers.get("Cookie", ""),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        response = handler(environ, lambda status, _headers: statuses.append(status))
        b"".join(response)
        response.close()
        if int(statuses[0].split()[0]) != expected:
            raise SystemExit(f"{path} answered {statuses[0]}")

    cache = redis.Redis.from_url(os.environ["REDIS_URL"])

    def cpu():
        """(this process, the PostgreSQL backend, Redis) CPU seconds so far."""
        connection.ensure_connection()
        stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
        backend = None
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        info = cache.info("cpu")
        times = os.times()
        return times.user + times.system, backend, info["used_cpu_user"] + info["used_cpu_sys"]

    def spend(make, expected, count, spent):
        before = cpu()
        for _ in range(count):
            call(make, expected)
        for i, (b, a) in enumerate(zip(before, cpu(), strict=True)):
            spent[i] = None if b is None or a is None else spent[i] + a - b

    for _ in range(WARM_UP):
        call(book, 302)
        call(one_insert, 200)
    # Turn and turn about, so that the machine's drift falls on both alike.
    booking, inserted = [0.0] * 3, [0.0] * 3
    per_round = bookings // ROUNDS
    for _ in range(ROUNDS):
        spend(book, 302, per_round, booking)
        spend(one_insert, 200, per_round, inserted)
    measured = per_round * ROUNDS
    booking, inserted = (
        [None if v is None else v * 1000 / measured for v in spent] for spent in (booking, inserted)
    )
    statements = []
    with connection.execute_wrapper(lambda execute, *args: statements.append(1) or execute(*args)):
        call(book, 302)
    profiler = cProfile.Profile(timer=time.process_time)
    profiled = bookings // 2
    profiler.enable()
    for _ in range(profiled):
        call(book, 302)
    profiler.disable()
    shares = {}
    stats = pstats.Stats(profiler).stats
    for function, (*_, own, _cumulative, _callers) in stats.items():
        for name, part in areas_of(function, stats, {}).items():
            shares[name] = shares.get(name, 0.0) + own * part
    return {
        "booking": booking,
        "insert": inserted,
        "measured": measured,
        "statements": len(statements),
        "shares": shares,
        "database": settings.DATABASES["default"]["NAME"],
    }


# --- The table -----------------------------------------------------------------------------


def latest_ratio():
    """The booking POST's ratio in ``ratios.py``'s latest recorded run, or None."""
    path = RESULT.parent / "ratios.jsonl"
    rows = path.read_text().splitlines() if path.exists() else []
    ratios = [json.loads(row) for row in rows]
    return next((r["ratio"] for r in reversed(ratios) if r["target"] == "booking POST"), None)


def ms(value):
    return "n/a" if value is None else f"{value:.2f}"


def projection(inserted, booking):
    """What issue 13's goal asks of the booking POST's CPU here, from the latest
    ``ratios.py`` figure; None before any."""
    measured = latest_ratio()
    if measured is None:
        return None
    # Under gunicorn each request also costs the HTTP server and the client some CPU
    # (x): measured = (insert + x) / (booking + x) gives x; the goal g then asks for
    # booking <= (insert + x) / g - x.
    shared = (inserted - measured * booking) / (measured - 1)
    needed = (inserted + shared) / GOAL - shared
    return (
        f"With the latest `ratios.py` booking POST ratio, {measured:.3f} "
        "(`bench/results/ratios.jsonl`), the HTTP server and the client add about "
        f"{shared:.1f} ms to each request; a ratio of {GOAL} asks the booking POST for at "
        f"most **{needed:.1f} ms** of CPU in-process, {booking - needed:.1f} ms less than now."
    )


def table(result):
    booking, inserted = result["booking"], result["insert"]
    total = lambda row: sum(v for v in row if v is not None)  # noqa: E731
    lines = [
        f"In-process on `{result['database']}`: {result['measured']} booking POSTs and as "
        "many one-INSERT POSTs through Django's WSGI handler, in turns of "
        f"{result['measured'] // ROUNDS} (CPU ms per request).",
        "",
        "| request | Python (this process) | PostgreSQL backend | Redis | all |",
        "|---|---|---|---|---|",
        f"| booking POST | {' | '.join(ms(v) for v in booking)} | {total(booking):.2f} |",
        f"| one-INSERT view | {' | '.join(ms(v) for v in inserted)} | {total(inserted):.2f} |",
        "",
        f"CPU ratio one-INSERT ÷ booking: **{total(inserted) / total(booking):.3f}** "
        "(under gunicorn, `ratios.py` adds the HTTP server's and the client's share to "
        f"both). Statements per booking POST: {result['statements']} (without BEGIN, "
        "COMMIT and the connection's health check).",
        "",
    ]
    if text := projection(total(inserted), total(booking)):
        lines += [text, ""]
    lines += [
        "The booking's Python CPU by where it is spent (profiled by CPU time; ms scaled "
        "to the unprofiled figure above):",
        "",
        "| where | share | ms per booking |",
        "|---|---|---|",
    ]
    shares = result["shares"]
    profiled = sum(shares.values())
    for name, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        share = seconds / profiled
        lines.append(f"| {name} | {share:.0%} | {share * booking[0]:.2f} |")
    return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    if args.child:
        setup = json.loads(Path(args.child).read_text())
        print(json.dumps(measure(setup, args.bookings)))
        return
    env = set_env(args, args.database, args.redis)
    ensure_set(args, env, args.database, NATIONAL)
    setup = prepare(env)
    analyze(args, args.database)
    needed = WARM_UP + args.bookings + 1 + args.bookings // 2
    if len(setup["citizens"]) < needed:
        raise SystemExit(f"{len(setup['citizens'])} prepared citizens, {needed} needed")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as prepared:
        json.dump(setup, prepared)
        prepared.flush()
        child = ["bench/booking_cpu.py", "--child", prepared.name, "--bookings"]
        result = run_json([*child, str(args.bookings)], env, timeout=1800)
    text = table(result)
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
