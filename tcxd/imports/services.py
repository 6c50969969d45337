"""Writes of the imports context: upload a file, map its columns, check it (a verdict per row), decide per
row or per field, apply (background task, one transaction, all-or-nothing or accepted rows only).

A batch is applied at most once: its status moves to "applied" in the same transaction as the rows it
writes, so a worker killed half-way leaves nothing behind and the batch can be run again; a batch already
applied, or a new batch under a key already used, is refused.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.authz.scope import scope_for
from tcxd.common import progress
from tcxd.common.db import json_text, write_rows
from tcxd.common.errors import Conflict, ValidationFailed
from tcxd.members import bulk as members_bulk
from tcxd.members.models import FieldSource
from tcxd.orgs.models import Org

from . import checked
from . import fields as F
from . import judge as J
from .models import BatchStatus, ColumnMapping, ImportBatch, ImportRow, Kind, Mode, Verdict
from .orgjudge import judge_orgs
from .reading import ReadError, Table, read_table

log = logging.getLogger(__name__)
SOURCE_OF_KIND = {Kind.MEMBERS: FieldSource.IMPORT, Kind.CSDL3: FieldSource.CSDL3}
ROW_CHUNK = 2000


def progress_key(batch_id: int) -> str:
    return f"import:{batch_id}"


def _max_bytes() -> int:
    return int(getattr(settings, "TCXD_IMPORT_MAX_MB", 50)) * 1024 * 1024


def _chunk() -> int:
    """Rows judged, held in memory and written at a time (settings.TCXD_IMPORT_CHUNK)."""
    return max(1, int(getattr(settings, "TCXD_IMPORT_CHUNK", J.JUDGE_CHUNK)))


# ---- reading the stored file ------------------------------------------------------------------------

def batch_table(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as fh:
        data = fh.read()
    return read_table(data, batch.filename, sheet=batch.sheet or None, score=F.scorer(batch.kind))


def _mapping(batch: ImportBatch) -> dict[int, str]:
    return {int(col): key for col, key in batch.mapping.items()}


def saved_mapping_for(*, actor, kind: str, headers: list[str]) -> ColumnMapping | None:
    """The most recently used saved mapping (the user's unit's or a level above) whose headers all appear."""
    keys = {F.header_key(h) for h in headers}
    scope = scope_for(actor)
    for mapping in ColumnMapping.objects.filter(kind=kind).select_related("org")[:200]:
        if mapping.org is not None and not any(mapping.org.path.startswith(p) or p.startswith(mapping.org.path)
                                               for p in scope.prefixes):
            continue
        if mapping.by_header and set(mapping.by_header) <= keys:
            return mapping
    return None


# ---- upload -----------------------------------------------------------------------------------------

@transaction.atomic
def import_batch_upload(*, actor, root: Org, filename: str, data: bytes, kind: str = Kind.MEMBERS,
                        key: uuid.UUID | None = None, sheet: str = "") -> ImportBatch:
    """Store an uploaded file as a new batch, read its table and propose a column mapping."""
    require_write(actor, root.path)
    if kind not in Kind.values:
        raise ValidationFailed({"kind": ["Loại dữ liệu nhập không hợp lệ."]})
    if key is not None and ImportBatch.objects.filter(key=key).exists():
        raise Conflict("batch_replayed", f"Mã lô {key} đã được dùng: một lô chỉ được gửi một lần.")
    if len(data) > _max_bytes():
        raise ValidationFailed({"file": [f"Tệp lớn hơn {_max_bytes() // (1024 * 1024)} MB."]})
    try:
        table = read_table(data, filename, sheet=sheet or None, score=F.scorer(kind))
    except ReadError as exc:
        raise ValidationFailed({"file": [exc.message]}) from None
    saved = saved_mapping_for(actor=actor, kind=kind, headers=table.headers)
    if saved is not None:
        mapping = {i: saved.by_header[F.header_key(h)] for i, h in enumerate(table.headers)
                   if F.header_key(h) in saved.by_header}
        notes = [*table.notes, f"Dùng cách ghép cột đã lưu «{saved.name}»."]
    else:
        mapping, notes = F.guess_mapping(table.headers, kind), table.notes
    digest = hashlib.sha256(data).hexdigest()
    batch = ImportBatch(kind=kind, actor=actor, root=root, filename=filename[:255], sha256=digest, size=len(data),
                        sheet=table.sheet if table.sheets else "", header_row=table.header_row,
                        headers=table.headers, mapping={str(c): k for c, k in mapping.items()}, notes=notes,
                        rows_total=len(table.rows))
    if key is not None:
        batch.key = key
    batch.file.save(f"{uuid.uuid4().hex}{filename[filename.rfind('.'):].lower()}", ContentFile(data), save=False)
    batch.save()
    audit_record(actor=actor, action="import.upload", obj=batch, org=root,
                 after={"filename": batch.filename, "rows": batch.rows_total, "sha256": digest, "kind": kind})
    return batch


def same_file_applied(batch: ImportBatch) -> ImportBatch | None:
    """An earlier applied batch of the very same file (re-uploading it changes nothing)."""
    return (ImportBatch.objects.filter(sha256=batch.sha256, status=BatchStatus.APPLIED, root=batch.root)
            .exclude(pk=batch.pk).order_by("-applied_at").first())


# ---- mapping and check ------------------------------------------------------------------------------

def mapping_errors(kind: str, mapping: dict[int, str], width: int) -> list[str]:
    errors = []
    fields = F.by_key(kind)
    keys = list(mapping.values())
    unknown = [k for k in keys if k not in fields]
    if unknown:
        errors.append(f"Trường không có trong danh mục: {', '.join(unknown)}.")
    twice = sorted({fields[k].label for k in keys if k in fields and keys.count(k) > 1})
    if twice:
        errors.append(f"Mỗi trường chỉ ghép với một cột; ghép nhiều cột: {', '.join(twice)}.")
    if any(not 0 <= c < width for c in mapping):
        errors.append("Cột không có trong tệp.")
    if kind == Kind.ORGS:
        missing = [fields[k].label for k in ("code", "name") if k not in keys]
        if missing:
            errors.append(f"Chưa ghép cột {' và '.join(missing)}: mỗi tổ chức được nhận biết bằng mã tổ chức.")
    elif kind == Kind.CSDL3:
        if not {"cccd", "profile_no", "card_no"} & set(keys):
            errors.append("Cần ít nhất một cột để đối chiếu: Số CCCD, Số lý lịch hoặc Số thẻ đảng viên.")
    elif "cccd" not in keys:
        errors.append("Chưa ghép cột Số CCCD: mỗi hồ sơ được nhận biết bằng số CCCD.")
    if "full_name" not in keys and kind == Kind.MEMBERS:
        errors.append("Chưa ghép cột Họ và tên.")
    return errors


@transaction.atomic
def import_batch_map(*, actor, batch: ImportBatch, mapping: dict[int, str], save_as: str = "") -> ImportBatch:
    """Set the column mapping (optionally saved for reuse) and queue the check of every row."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    require_write(actor, batch.root.path)
    if not mappable(batch):
        raise Conflict("batch_busy", f"Lô đang ở trạng thái «{batch.get_status_display()}»: không ghép cột lại "
                                        "được.")
    mapping = {int(c): k for c, k in mapping.items() if k}
    errors = mapping_errors(batch.kind, mapping, len(batch.headers))
    if errors:
        raise ValidationFailed({"mapping": errors})
    batch.mapping = {str(c): k for c, k in sorted(mapping.items())}
    batch.status = BatchStatus.CHECKING
    batch.error = ""
    batch.save(update_fields=["mapping", "status", "error"])
    audit_record(actor=actor, action="import.map", obj=batch, org=batch.root,
                 after={"mapping": {batch.headers[c]: k for c, k in mapping.items()}})
    save_as = (save_as or "").strip()[:120]
    if save_as:
        by_header = {F.header_key(batch.headers[c]): k for c, k in mapping.items()}
        ColumnMapping.objects.update_or_create(org=actor.org if not actor.is_superuser else None, kind=batch.kind,
                                               name=save_as, defaults={"by_header": by_header, "created_by": actor})
        audit_record(actor=actor, action="import.mapping_save", obj=batch, org=batch.root,
                     after={"name": save_as, "mapping": by_header})
    from .tasks import check_batch

    batch_id = batch.pk
    transaction.on_commit(lambda: check_batch.enqueue(batch_id))
    return batch


ROW_FIELDS = ("batch_id", "row_no", "verdict", "member_id", "values", "diff", "reasons", "notes", "skip", "declined",
              "applied")


def _store_rows(batch: ImportBatch, results: list[J.RowResult], decisions=None, applied: set[int] = frozenset()):
    """The verdict rows of ``results`` (added to the batch's), through the bulk writer."""
    decisions = decisions or {}
    for start in range(0, len(results), ROW_CHUNK):
        rows = []
        for r in results[start:start + ROW_CHUNK]:
            skip, declined = decisions.get(r.row_no, (False, []))
            values = dict(zip(batch.headers, r.raw, strict=False))  # header → cell text, as in the file
            rows.append((batch.pk, r.row_no, r.verdict, r.member_id, json_text(values), json_text(r.diff),
                         json_text(r.reasons), json_text(r.notes), skip, json_text(declined), r.row_no in applied))
        write_rows(ImportRow, ROW_FIELDS, rows)


def _replace_rows(batch: ImportBatch, results: list[J.RowResult], decisions=None, applied: set[int] = frozenset()):
    ImportRow.objects.filter(batch=batch).delete()
    _store_rows(batch, results, decisions, applied)


def _mark_applied(batch: ImportBatch, written: list[tuple[int, int]]) -> None:
    """Mark the stored rows ``(row number, dossier id)`` as applied, one statement per chunk."""
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(written), ROW_CHUNK):
            chunk = written[start:start + ROW_CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(f"UPDATE {table} SET applied = TRUE, member_id = v.column2 FROM (VALUES {values}) AS v "
                           f"WHERE {table}.batch_id = %s AND {table}.row_no = v.column1",
                           [p for pair in chunk for p in pair] + [batch.pk])


def _check(batch: ImportBatch, key: str, label: str, decisions: dict | None = None) -> dict[str, int]:
    """Judge every row, chunk by chunk: each chunk's verdict rows stored for the preview (with the user's
    ``decisions`` kept) and its verdicts kept for the apply, then let go. The counts per verdict."""
    ImportRow.objects.filter(batch=batch).delete()
    counts = {v.value: 0 for v in Verdict}
    report = lambda d, t: progress.report(key, label, d, t)  # noqa: E731
    with checked.keep(batch) as keeper:
        for results in J.judge_stream(actor=batch.actor, root=batch.root, table=batch_table(batch),
                                      mapping=_mapping(batch), kind=batch.kind, today=timezone.localdate(),
                                      chunk=_chunk(), progress=report):
            _store_rows(batch, results, decisions)
            keeper.add(results)
            for r in results:
                counts[r.verdict] += 1
    return counts


def import_check_run(batch_id: int) -> ImportBatch:
    """Task body: a verdict for every row, stored for the preview."""
    key = progress_key(batch_id)
    with progress.running(key):
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.select_for_update().select_related("root", "actor").get(pk=batch_id)
                if batch.status != BatchStatus.CHECKING:
                    return batch
                if batch.kind == Kind.ORGS:  # a dry run of the founding, rolled back; founded again at the apply
                    with transaction.atomic():
                        results = judge_orgs(actor=batch.actor, root=batch.root, table=batch_table(batch),
                                             mapping=_mapping(batch), today=timezone.localdate(),
                                             progress=lambda d, t: progress.report(key, "Đang kiểm tra từng dòng",
                                                                                   d, t))
                        transaction.set_rollback(True)
                    _replace_rows(batch, results)
                    batch.counts = J.counts(results)
                else:
                    batch.counts = _check(batch, key, "Đang kiểm tra từng dòng")
                batch.rows_total = sum(batch.counts.values())
                batch.status = BatchStatus.READY
                batch.checked_at = timezone.now()
                batch.save()
        except ReadError as exc:
            return _failed(batch_id, exc.message)
        except Exception:
            log.exception("import check %s failed", batch_id)
            return _failed(batch_id, "Lỗi khi kiểm tra tệp; không có gì được ghi. Hãy thử lại hoặc báo quản trị.")
        finally:
            progress.clear(key)
    return batch


def _failed(batch_id: int, message: str) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = BatchStatus.FAILED
        batch.error = message
        batch.save(update_fields=["status", "error"])
    return batch


# ---- the user's choices -----------------------------------------------------------------------------

@transaction.atomic
def import_row_decide(*, actor, row: ImportRow, skip: bool, declined: list[str] | None = None) -> ImportRow:
    """Accept or leave out a row, or some fields of an update (per row, per field)."""
    batch = ImportBatch.objects.select_for_update().get(pk=row.batch_id)
    require_write(actor, batch.root.path)
    if batch.status != BatchStatus.READY:
        raise Conflict("batch_not_ready", "Chỉ chọn dòng khi lô đã kiểm tra xong và chưa áp dụng.")
    declined = list(dict.fromkeys(declined or []))
    fields_of_diff = {d[0] for d in row.diff}
    unknown = [f for f in declined if f not in fields_of_diff]
    if unknown:
        raise ValidationFailed({"declined": [f"Dòng {row.row_no} không có thay đổi ở trường: {', '.join(unknown)}."]})
    before = {"skip": row.skip, "declined": row.declined}
    row.skip = bool(skip)
    row.declined = declined
    row.save(update_fields=["skip", "declined"])
    audit_record(actor=actor, action="import.row_decide", obj=batch, org=batch.root, before=before,
                 after={"row": row.row_no, "skip": row.skip, "declined": row.declined})
    return row


# ---- apply ------------------------------------------------------------------------------------------

@transaction.atomic
def import_batch_apply(*, actor, batch: ImportBatch, mode: str) -> ImportBatch:
    """Queue the apply of a checked batch. A batch already applied is refused (a replay changes nothing)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    require_write(actor, batch.root.path)
    if mode not in Mode.values:
        raise ValidationFailed({"mode": ["Chọn chế độ áp dụng: tất cả hoặc không, hoặc chỉ các dòng hợp lệ."]})
    blocker = apply_blocker(batch)
    if blocker is not None:
        raise Conflict(*blocker)
    batch.mode = mode
    batch.status = BatchStatus.QUEUED
    batch.error = ""
    batch.save(update_fields=["mode", "status", "error"])
    audit_record(actor=actor, action="import.queue", obj=batch, org=batch.root, after={"mode": mode})
    from .tasks import apply_batch

    batch_id = batch.pk
    transaction.on_commit(lambda: apply_batch.enqueue(batch_id))
    return batch


MAPPABLE = (BatchStatus.UPLOADED, BatchStatus.READY, BatchStatus.REFUSED, BatchStatus.FAILED)


def mappable(batch: ImportBatch) -> bool:
    """Whether the columns may be mapped (again) and the check run: not while a check or an apply runs or waits,
    except one whose worker was killed."""
    return batch.status in MAPPABLE or interrupted(batch)


def apply_blocker(batch: ImportBatch) -> tuple[str, str] | None:
    """Why the batch cannot be queued for its apply now, as (code, Vietnamese message), or None."""
    if batch.status == BatchStatus.APPLIED:
        at = timezone.localtime(batch.applied_at)
        return "batch_replayed", f"Lô #{batch.pk} đã được áp dụng lúc {at:%H:%M %d/%m/%Y}; không áp dụng lại."
    if batch.status == BatchStatus.QUEUED and not interrupted(batch):
        return "batch_busy", "Lô đang được áp dụng."
    if batch.status not in (BatchStatus.READY, BatchStatus.REFUSED, BatchStatus.QUEUED):
        return "batch_not_ready", "Lô chưa kiểm tra xong: hãy ghép cột và chờ kết quả kiểm tra."
    return None


def interrupted(batch: ImportBatch) -> bool:
    """Checking or applying, yet nobody runs it although it had started: its worker was killed (its transaction
    rolled back, nothing was kept); the check or the apply may be run again."""
    return (batch.status in (BatchStatus.CHECKING, BatchStatus.QUEUED) and not progress.alive(progress_key(batch.pk))
            and progress.read(progress_key(batch.pk)) is not None)


def import_apply_run(batch_id: int) -> ImportBatch:
    """Task body: judge every row again against the database as it is now and write the accepted ones, all
    in one transaction with the batch's new status."""
    key = progress_key(batch_id)
    with progress.running(key):
        try:
            with transaction.atomic():
                batch = _apply(batch_id, key)
        except ReadError as exc:
            return _failed(batch_id, exc.message)
        except Exception:
            log.exception("import apply %s failed", batch_id)
            return _failed(batch_id, "Lỗi khi áp dụng lô; không có gì được ghi. Hãy thử lại hoặc báo quản trị.")
        finally:
            progress.clear(key)
    return batch


def _pause() -> None:
    """Fault-injection for the kill test only (settings.TCXD_IMPORT_CHUNK_PAUSE seconds, default 0)."""
    pause = float(getattr(settings, "TCXD_IMPORT_CHUNK_PAUSE", 0) or 0)
    if pause:
        time.sleep(pause)


def _rejected(counts: dict[str, int]) -> int:
    return sum(counts[v] for v in (Verdict.DUPLICATE, Verdict.CONFLICT, Verdict.OUT_OF_SCOPE, Verdict.INVALID))


def _refuse(batch: ImportBatch, rejected: int) -> ImportBatch:
    """All-or-nothing with rejected rows: nothing written, the verdicts of this run (stored) shown."""
    batch.status = BatchStatus.REFUSED
    batch.error = (f"Không áp dụng: còn {rejected} dòng bị từ chối, chế độ «tất cả hoặc không». Sửa tệp theo "
                   "báo cáo lỗi rồi tải lên lại, hoặc chọn «chỉ các dòng hợp lệ».")
    batch.save()
    return batch


def _finish(batch: ImportBatch, result: dict) -> ImportBatch:
    """The batch applied (its rows already marked): its result, its audit row."""
    batch.result = result
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.save()
    audit_record(actor=batch.actor, action="import.apply", obj=batch, org=batch.root,
                 after={"filename": batch.filename, "sha256": batch.sha256, "mode": batch.mode, **batch.result})
    return batch


def _apply(batch_id: int, key: str) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().select_related("root", "actor").get(pk=batch_id)
    if batch.status != BatchStatus.QUEUED:
        return batch
    actor = batch.actor
    progress.report(key, "Đang đọc tệp", 0, batch.rows_total)
    decisions = {r: (s, d) for r, s, d in ImportRow.objects.filter(batch=batch).filter(
        _decided()).values_list("row_no", "skip", "declined")}
    if batch.kind == Kind.ORGS:
        return _apply_orgs(batch, key, decisions)
    chunks = checked.load(batch)  # nothing written since the check: its verdicts hold
    if chunks is None:  # judge again against the database as it is now (rows stored, verdicts kept)
        batch.counts = _check(batch, key, "Đang kiểm tra lại từng dòng", decisions)
        chunks = checked.load(batch)
        if chunks is None:
            raise RuntimeError("the verdicts just kept cannot be read back")
    rejected = _rejected(batch.counts)
    if batch.mode == Mode.ALL_OR_NOTHING and rejected:
        return _refuse(batch, rejected)
    source = SOURCE_OF_KIND[batch.kind]
    ref = f"lô #{batch.pk}"
    skipped = {r for r, (s, _) in decisions.items() if s}
    total = batch.counts[Verdict.NEW] + batch.counts[Verdict.UPDATE]
    created = updated = done = 0
    for results in chunks:
        new = [r for r in results if r.verdict == Verdict.NEW and r.row_no not in skipped]
        updates = []
        for r in results:
            if r.verdict == Verdict.UPDATE and r.row_no not in skipped:  # the user's choices since the check
                declined = decisions.get(r.row_no, (False, []))[1]
                r.changes = {d[0]: r.values[d[0]] for d in r.diff if d[0] not in declined}
                if r.changes:
                    updates.append(r)
        written: list[tuple[int, int]] = []
        if new:
            members = members_bulk.members_bulk_insert(actor=actor, accepted=[r.checked for r in new], audit=False,
                                                       source=source, ref=ref)
            written.extend((r.row_no, m.pk) for r, m in zip(new, members, strict=True))
            done += len(new)
            progress.report(key, "Đang ghi hồ sơ mới", done, total)
        if updates:
            members_bulk.members_bulk_update(actor=actor, changes=[(r.member_id, r.changes) for r in updates],
                                             source=source, ref=ref, note=f"Nhập từ tệp {batch.filename} ({ref})")
            written.extend((r.row_no, r.member_id) for r in updates)
            done += len(updates)
            progress.report(key, "Đang cập nhật hồ sơ", done, total)
        _pause()
        _mark_applied(batch, written)
        created += len(new)
        updated += len(updates)
    progress.report(key, "Đang lưu kết quả", total, total)
    transaction.on_commit(lambda: checked.forget(batch))
    return _finish(batch, {"created": created, "updated": updated, "unchanged": batch.counts[Verdict.UNCHANGED],
                           "rejected": rejected, "skipped": len(skipped)})


def _apply_orgs(batch: ImportBatch, key: str, decisions: dict) -> ImportBatch:
    """Found the batch's units through the orgs service, in file order (all-or-nothing: a rejected row rolls the
    whole run back)."""
    sid = transaction.savepoint()
    results = judge_orgs(actor=batch.actor, root=batch.root, table=batch_table(batch), mapping=_mapping(batch),
                         today=timezone.localdate(), decisions=decisions,
                         progress=lambda d, t: progress.report(key, "Đang lập các tổ chức", d, t))
    counts = J.counts(results)
    rejected = _rejected(counts)
    batch.counts = counts
    skipped = {r for r, (s, _) in decisions.items() if s}
    if batch.mode == Mode.ALL_OR_NOTHING and rejected:
        transaction.savepoint_rollback(sid)
        _replace_rows(batch, results, decisions)
        return _refuse(batch, rejected)
    transaction.savepoint_commit(sid)
    applied = {r.row_no for r in results if r.verdict == Verdict.NEW and r.row_no not in skipped}
    _replace_rows(batch, results, decisions, applied)
    return _finish(batch, {
        "created": len(applied), "updated": 0, "unchanged": counts[Verdict.UNCHANGED], "rejected": rejected,
        "skipped": len(skipped)})


def _decided():
    from django.db.models import Q

    return Q(skip=True) | ~Q(declined=[])
