"""Progress of a running export, written by the worker every few thousand rows and read by the page that polls
it (the ``progress`` cache: files shared by the processes of one server, as for restructuring)."""

from __future__ import annotations

import time

from django.core.cache import caches

TTL = 24 * 3600


def _key(job_id: int) -> str:
    return f"export:{job_id}"


def report(job_id: int, done: int, total: int | None) -> None:
    caches["progress"].set(_key(job_id), {"done": done, "total": total, "at": time.time()}, TTL)


def read(job_id: int) -> dict | None:
    return caches["progress"].get(_key(job_id))


def clear(job_id: int) -> None:
    caches["progress"].delete(_key(job_id))
