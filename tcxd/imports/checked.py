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


def save(batch: ImportBatch, results: list) -> None:
    """Keep the verdicts of a check that just ended (called inside its transaction)."""
    path = _path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps((_mark(batch), results), protocol=pickle.HIGHEST_PROTOCOL)
    signature = salted_hmac(SALT, data).digest()
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as fh:
        fh.write(signature + data)
    os.replace(temporary, path)


def load(batch: ImportBatch) -> list | None:
    """The kept verdicts if they still hold (see the module's doc), else None."""
    path = _path(batch)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    size = len(salted_hmac(SALT, b"").digest())
    signature, data = blob[:size], blob[size:]
    if not hmac.compare_digest(signature, salted_hmac(SALT, data).digest()):
        return None
    mark, results = pickle.loads(data)  # noqa: S301 (signed by this server above)
    last, day, *actor = mark
    now = _mark(batch)
    if (day, *actor) != now[1:]:
        return None
    if AuditEntry.objects.filter(id__gt=last).exclude(object_type="imports.importbatch",
                                                      object_id=str(batch.pk)).exists():
        return None
    return results


def forget(batch: ImportBatch) -> None:
    try:
        _path(batch).unlink()
    except OSError:
        pass
