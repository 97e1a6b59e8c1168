"""gunicorn settings, read automatically when gunicorn starts in this folder.

Only the TLS proxy reaches gunicorn, and only the proxy's forwarded headers are
believed. The app takes the client's address from X-Forwarded-For behind NUM_PROXIES
(kela_service/ratelimit.py): anyone who could reach gunicorn directly could write their
own and rotate past the rate limits. So gunicorn listens on the loopback interface,
where only a proxy beside it (on the same host, or a sidecar in the same pod or network
namespace) can connect, and takes X-Forwarded-Proto and the like only from there
(``forwarded_allow_ips``). A proxy on another machine: bind a private address
(``GUNICORN_CMD_ARGS="--bind 10.0.0.5:8000"``), set ``FORWARDED_ALLOW_IPS`` to the
proxy's address, and let a firewall admit only the proxy.

Access logs must not hold the private manage and cancel links (anyone reading the logs
could cancel a citizen's booking), nor the query strings of the admin and staff pages
(what staff searched for: phone numbers, names). The logger masks both in every atom
of the log line: the request line, the path, the query string, the referer, and the
request's headers and environment.
"""

import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from kela_service.redact import mask_query, mask_secrets

QUERY_ATOMS = ("q", "{query_string}e")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = mask_secrets(value)
        path = environ.get("PATH_INFO", "")
        for key in QUERY_ATOMS:
            if key in atoms:
                atoms[key] = mask_query(path, atoms[key])
        atoms["f"] = atoms.get("f", "-")  # the referer
        return atoms


logger_class = RedactingLogger
accesslog = "-"

# Not gunicorn's default of 0.0.0.0:$PORT when PORT is set: loopback only.
bind = ["127.0.0.1:8000"]
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# /metrics sums the counters of every worker (prometheus_client's multiprocess mode): the
# workers write them to one folder, fresh for each start of this gunicorn unless
# PROMETHEUS_MULTIPROC_DIR names one. Set in the master as it starts, before any worker
# imports the app (hooks, so that importing this file has no effect).
_own_metrics_dir = []


def on_starting(server):
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _own_metrics_dir.append(tempfile.mkdtemp(prefix="kela-metrics-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir[0]


def child_exit(server, worker):
    """A worker that ended leaves its live gauges out of later scrapes."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    for folder in _own_metrics_dir:
        shutil.rmtree(folder, ignore_errors=True)
