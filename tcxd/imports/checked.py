"""The check's verdicts, kept for the apply.

The apply must judge every row against the database as it is when it runs. When nothing at all was written
since the check — no audit row other than the batch's own (every write leaves one: ``tcxd/audit/tests/
test_every_service_audits.py`` holds it), the same day (a date "in the future" depends on it) and the same
user scope — the check's verdicts are exactly what judging again would give, and the apply uses them instead
of reading and judging the file a second time. Otherwise it judges again.

The verdicts are kept in a file beside the batch's upload, signed (HMAC with the secret key) so the apply reads
back only what this server wrote: a mark (see ``_mark``), then one pickle per chunk of rows, written as the
check goes and read back one chunk at a time (100 000 rows are never held at once).
"""

from __future__ import annotations

import hmac
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tcxd.audit.models import AuditEntry

from .models import ImportBatch

SALT = "tcxd.imports.checked"


def _path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "checked" / f"{batch.key}.bin"


def _mark(batch: ImportBatch) -> tuple:
    actor = batch.actor
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return (last, timezone.localdate().isoformat(), actor.role, actor.org_id, actor.is_active, actor.is_superuser)


def _signature(fh: BinaryIO) -> bytes:
    """HMAC of a file's bytes from the start, read in chunks."""
    mac = hmac.new(salted_hmac(SALT, b"").digest(), digestmod="sha256")
    fh.seek(0)
    while chunk := fh.read(1 << 20):
        mac.update(chunk)
    return mac.digest()


class Keeper:
    """Writes the verdicts of a check chunk by chunk (``add``); the file replaces the batch's earlier one only
    when the check ends well (``with`` block without an exception)."""

    def __init__(self, batch: ImportBatch):
        self.path = _path(batch)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.temporary = self.path.with_suffix(".tmp")
        self.fh = open(self.temporary, "w+b")  # noqa: SIM115 (closed by __exit__)
        # the mark is taken before any row is judged: a write during the check makes the apply judge again
        pickle.dump(_mark(batch), self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def add(self, results: list) -> None:
        pickle.dump(results, self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def __enter__(self) -> Keeper:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self.fh.close()
            self.temporary.unlink(missing_ok=True)
            return
        self.fh.flush()
        signature = _signature(self.fh)
        self.fh.close()
        self.path.with_suffix(".sig").write_bytes(signature)
        os.replace(self.temporary, self.path)


def keep(batch: ImportBatch) -> Keeper:
    """Keep the verdicts of the check now running (inside its transaction)."""
    return Keeper(batch)


def load(batch: ImportBatch) -> Iterator[list] | None:
    """The kept verdicts, chunk by chunk, if they still hold (see the module's doc), else None."""
    path = _path(batch)
    try:
        fh = open(path, "rb")  # noqa: SIM115 (handed to the generator, which closes it)
    except OSError:
        return None
    try:
        # one handle for the signature and the reading: a file swapped in between is never read
        signature = path.with_suffix(".sig").read_bytes()
        if not hmac.compare_digest(signature, _signature(fh)):
            fh.close()
            return None
        fh.seek(0)
        mark = pickle.load(fh)  # noqa: S301 (signed by this server above)
    except (OSError, EOFError, pickle.UnpicklingError):
        fh.close()
        return None
    last, day, *actor = mark
    now = _mark(batch)
    if (day, *actor) != now[1:] or AuditEntry.objects.filter(id__gt=last).exclude(
            object_type="imports.importbatch", object_id=str(batch.pk)).exists():
        fh.close()
        return None
    return _chunks(fh)


def _chunks(fh: BinaryIO) -> Iterator[list]:
    with fh:
        while True:
            try:
                yield pickle.load(fh)  # noqa: S301 (signed, checked by ``load``)
            except EOFError:
                return


def forget(batch: ImportBatch) -> None:
    for path in (_path(batch), _path(batch).with_suffix(".sig")):
        path.unlink(missing_ok=True)
