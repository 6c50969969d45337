"""Progress of a running operation, where the web process can read it while the worker's transaction is
still open (the operation's own row only changes when that transaction commits): the ``progress`` cache
(files under var/, shared by the processes of one server; settings.CACHES).

Beside it, one lock file per running preview: the worker holds it while the dry run goes on, and the system
releases it when the worker's process ends, however it ends. A preview recorded as running whose lock nobody
holds was cut off (the worker was killed): the page says so instead of waiting for ever."""

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


def _key(operation_id: int) -> str:
    return f"restructure:{operation_id}"


def report(operation_id: int, label: str, done: int, total: int) -> None:
    caches["progress"].set(_key(operation_id), {"label": label, "done": done, "total": total, "at": time.time()}, TTL)


def read(operation_id: int) -> dict | None:
    return caches["progress"].get(_key(operation_id))


def clear(operation_id: int) -> None:
    caches["progress"].delete(_key(operation_id))


# -- a running preview's lock ------------------------------------------------------------------------------------
def _lock_path(operation_id: int) -> str:
    folder = settings.CACHES["progress"]["LOCATION"]
    os.makedirs(folder, exist_ok=True)
    # one folder may serve several databases (the test workers' ones): the lock names its database
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return os.path.join(folder, f"preview-{database}-{operation_id}.lock")


@contextmanager
def preview_running(operation_id: int) -> Iterator[None]:
    """Held by whoever runs the preview of the operation, for as long as it runs (waits for another runner)."""
    fd = os.open(_lock_path(operation_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def preview_alive(operation_id: int) -> bool:
    """Whether some process is running the operation's preview right now."""
    fd = os.open(_lock_path(operation_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
