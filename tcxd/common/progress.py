"""Progress of a long background job, readable by the web process while the worker's transaction is still
open (the job's own row only changes when that transaction commits): the ``progress`` cache (files under
var/, shared by the processes of one server; settings.CACHES).

Beside it, one lock file per running job: the worker holds it while the job runs, and the system releases
it when the worker's process ends, however it ends. A job recorded as running whose lock nobody holds was
cut off (the worker was killed, its transaction rolled back): the page says so and offers to run it again.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.db import connection

TTL = 24 * 3600


def report(key: str, label: str, done: int, total: int) -> None:
    store(key, {"label": label, "done": done, "total": total, "at": time.time()})


def store(key: str, value: dict) -> None:
    """A job's own progress record (``report`` writes the usual one)."""
    caches["progress"].set(key, value, TTL)


def read(key: str) -> dict | None:
    return caches["progress"].get(key)


def clear(key: str) -> None:
    caches["progress"].delete(key)


def _lock_path(key: str) -> str:
    folder = settings.CACHES["progress"]["LOCATION"]
    os.makedirs(folder, exist_ok=True)
    # one folder may serve several databases (the test workers' ones): the lock names its database
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return os.path.join(folder, f"job-{database}-{key.replace(':', '-')}.lock")


@contextmanager
def running(key: str) -> Iterator[None]:
    """Held by whoever runs the job, for as long as it runs (waits for another runner of the same job)."""
    fd = os.open(_lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def alive(key: str) -> bool:
    """Whether some process is running the job right now."""
    fd = os.open(_lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
