"""The check's verdicts, kept for the apply.

The apply must judge every row against the database as it is when it runs. When nothing at all was written
since the check — no audit row other than the batch's own (every write leaves one: ``tcxd/audit/tests/
test_every_service_audits.py`` holds it), the same day (a date "in the future" depends on it) and the same
user scope — the check's verdicts are exactly what judging again would give, and the apply uses them instead
of reading and judging the file a second time. Otherwise it judges again.

The verdicts are kept in a file beside the batch's upload, pickled and signed (HMAC with the secret key): the
apply reads back only what this server wrote.
"""

from __future__ import annotations

import hmac
import os
import pickle
from pathlib import Path

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


def _signature(path: Path) -> bytes:
    """HMAC of a file's bytes, read in chunks (the pickle of 100 000 rows is never held twice in memory)."""
    mac = salted_hmac(SALT, b"")
    mac = hmac.new(mac.digest(), digestmod="sha256")
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            mac.update(chunk)
    return mac.digest()


def save(batch: ImportBatch, results: list) -> None:
    """Keep the verdicts of a check that just ended (called inside its transaction)."""
    path = _path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as fh:
        pickle.dump((_mark(batch), results), fh, protocol=pickle.HIGHEST_PROTOCOL)
    path.with_suffix(".sig").write_bytes(_signature(temporary))
    os.replace(temporary, path)


def load(batch: ImportBatch) -> list | None:
    """The kept verdicts if they still hold (see the module's doc), else None."""
    path = _path(batch)
    try:
        signature = path.with_suffix(".sig").read_bytes()
        if not hmac.compare_digest(signature, _signature(path)):
            return None
        with open(path, "rb") as fh:
            mark, results = pickle.load(fh)  # noqa: S301 (signed by this server above)
    except OSError:
        return None
    last, day, *actor = mark
    now = _mark(batch)
    if (day, *actor) != now[1:]:
        return None
    if AuditEntry.objects.filter(id__gt=last).exclude(object_type="imports.importbatch",
                                                      object_id=str(batch.pk)).exists():
        return None
    return results


def forget(batch: ImportBatch) -> None:
    for path in (_path(batch), _path(batch).with_suffix(".sig")):
        path.unlink(missing_ok=True)
