"""Progress of a running operation, where the web process can read it while the worker's transaction is
still open (the operation's own row only changes when that transaction commits): the ``progress`` cache
(files under var/, shared by the processes of one server; settings.CACHES)."""

from __future__ import annotations

import time

from django.core.cache import caches

TTL = 24 * 3600


def _key(operation_id: int) -> str:
    return f"restructure:{operation_id}"


def report(operation_id: int, label: str, done: int, total: int) -> None:
    caches["progress"].set(_key(operation_id), {"label": label, "done": done, "total": total, "at": time.time()}, TTL)


def read(operation_id: int) -> dict | None:
    return caches["progress"].get(_key(operation_id))


def clear(operation_id: int) -> None:
    caches["progress"].delete(_key(operation_id))
