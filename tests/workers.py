"""Real task-queue workers for tests: ``manage.py qcluster`` processes on the test
process's own database (pytest-xdist gives each test process its own), stopped by the
fixture that started them."""

import os
import signal
import subprocess
import sys
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def database_url():
    """This test process's database, for the workers."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """``manage.py qcluster`` processes, each the leader of its own process group so
    that a kill takes the whole cluster (its worker, pusher and monitor) as a machine
    failure would. Whatever is still running at the end is stopped."""

    def __init__(self, folder, env):
        self.folder = folder
        self.env = env
        self.processes = []

    def start(self, **extra_env):
        log = open(self.folder / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=settings.BASE_DIR,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.processes.append(process)
        return process

    def kill(self, process):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, process):
        if process.poll() is None:
            process.terminate()  # the cluster's own process stops its children
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(process)
        process.log.close()

    def logs(self):
        return "\n".join(
            f"--- worker {n}\n{(self.folder / f'worker-{n}.log').read_text(errors='replace')}"
            for n in range(len(self.processes))
        )

    def stop_all(self):
        for process in self.processes:
            self.stop(process)
