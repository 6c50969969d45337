"""Progress of a running export, written by the worker every few thousand rows and read by the page that polls
it (the shared ``progress`` cache of ``tcxd.common.progress``, as for restructuring and imports)."""

from __future__ import annotations

import time

from tcxd.common import progress as common


def _key(job_id: int) -> str:
    return f"export:{job_id}"


def report(job_id: int, done: int, total: int | None) -> None:
    common.store(_key(job_id), {"done": done, "total": total, "at": time.time()})


def read(job_id: int) -> dict | None:
    return common.read(_key(job_id))


def clear(job_id: int) -> None:
    common.clear(_key(job_id))


def running(job_id: int):
    """Held by the worker for as long as it writes the job's file (released however its process ends)."""
    return common.running(f"export-run:{job_id}")


def alive(job_id: int) -> bool:
    return common.alive(f"export-run:{job_id}")
