"""Progress of a running restructuring operation and the lock of a running preview, on the shared mechanism of
``tcxd.common.progress`` (the ``progress`` cache, readable while the worker's transaction is open, and one lock
file per running job that the system releases however the worker's process ends: a preview recorded as running
whose lock nobody holds was cut off, and the page says so instead of waiting for ever)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tcxd.common import progress as common


def _key(operation_id: int) -> str:
    return f"restructure:{operation_id}"


def report(operation_id: int, label: str, done: int, total: int) -> None:
    common.report(_key(operation_id), label, done, total)


def read(operation_id: int) -> dict | None:
    return common.read(_key(operation_id))


def clear(operation_id: int) -> None:
    common.clear(_key(operation_id))


@contextmanager
def preview_running(operation_id: int) -> Iterator[None]:
    """Held by whoever runs the preview of the operation, for as long as it runs (waits for another runner)."""
    with common.running(f"restructure-preview:{operation_id}"):
        yield


def preview_alive(operation_id: int) -> bool:
    """Whether some process is running the operation's preview right now."""
    return common.alive(f"restructure-preview:{operation_id}")
