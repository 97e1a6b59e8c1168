"""Fault injection for tests, without touching the shared servers: free and closed
ports, a TCP proxy the test owns and can cut, and gunicorn on a free port."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from django.conf import settings


def free_port():
    """A port of 127.0.0.1 where nothing listens (free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """A small threaded TCP proxy on a free port of 127.0.0.1 in front of ``target``
    (host, port). ``cut()`` closes the listening socket and every open connection, as
    if the server behind had gone; ``restore()`` listens again on the same port."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets = set()
        self.listener = None
        self.stopping = threading.Event()
        self.acceptor = None

    def start(self):
        self.stopping.clear()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.1)
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()
        return self

    restore = start

    def cut(self):
        self.stopping.set()
        self.acceptor.join(timeout=5)
        self.listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    stop = cut

    def _accept(self):
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def request(port, method, path, *, form=None, headers=None, timeout=15):
    """One request on a fresh connection (``form``: a dict to POST): (status, headers
    as a dict, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": "127.0.0.1", **(headers or {})}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, dict(response.getheaders()), text
    finally:
        conn.close()


class Gunicorn:
    """gunicorn serving this project on a free port of 127.0.0.1 with ``env``, its
    output in ``log_path``; ``stop()`` ends it (and its workers)."""

    def __init__(self, env, log_path, workers=2):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kela_service.wsgi:application",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self, path="/healthz", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            try:
                request(self.port, "GET", path, timeout=5)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.output()}")

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def server_env(**overrides):
    """The environment of a production-like server for this test process: DEBUG off,
    plain HTTP, local-memory cache; still under test (PYTEST_VERSION), so that static
    files need no collectstatic and the settings need no secret."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DEBUG", "REDIS_URL", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(DEBUG="false", LOG_LEVEL="INFO", **overrides)
    return env
