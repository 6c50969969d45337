"""Writes of the exports: a direct download of a small list, a background export job (created, then run by the
worker), the removal of one's own export. Every export of data is audited with its row count and its filters."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from tcxd.audit.context import RequestContext, current, reset_context, set_context
from tcxd.audit.services import audit_export, audit_record
from tcxd.common.errors import DomainError, NotFound, ValidationFailed
from tcxd.common.export import ExportOverflow, Written, temp_path, write_csv, write_xlsx
from tcxd.common.fmt import fmt_int

from . import progress
from .conf import conf
from .models import ExportFormat, ExportJob, ExportStatus
from .sources import SOURCES, Prepared, Source

log = logging.getLogger(__name__)
FAILED_MESSAGE = "Lỗi hệ thống khi ghi tệp; vui lòng thử lại hoặc báo quản trị hệ thống."
CHANGED_MESSAGE = "Dữ liệu thay đổi trong khi xuất (nhiều dòng hơn đã đếm); vui lòng xuất lại."
GONE_MESSAGE = "Tổ chức trong bộ lọc không còn trong phạm vi quản lý của bạn."


def source_get(slug: str) -> Source:
    try:
        return SOURCES[slug]
    except KeyError:
        raise NotFound("Không có danh sách này để xuất.")


def _format(fmt: str) -> str:
    if fmt not in ExportFormat.values:
        raise ValidationFailed({"format": ["Chọn định dạng .xlsx hoặc CSV."]}, "Định dạng xuất không hợp lệ.")
    return fmt


def clean_params(params) -> dict[str, str]:
    """The list page's query parameters (the filters), without the page's own controls."""
    items = params.items() if hasattr(params, "items") else []
    return {str(k): str(v) for k, v in items
            if k not in ("tai", "trang", "dinh_dang", "csrfmiddlewaretoken") and v not in (None, "")}


def write_file(*, source: Source, prepared: Prepared, fmt: str, path: str | os.PathLike, total: int | None = None,
               limit: int | None = None, sheet_rows: int | None = None, on_progress=None) -> Written:
    """The rows of ``prepared`` written to ``path`` (.xlsx split past ``sheet_rows`` rows a sheet, or CSV)."""
    rows = prepared.rows(limit)
    if fmt == ExportFormat.CSV:
        return write_csv(path, source.columns, rows, progress=on_progress)
    return write_xlsx(path, source.columns, rows, sheet=source.sheet, total=total,
                      sheet_limit=sheet_rows or conf("SHEET_ROWS"), progress=on_progress)


def _audit(*, actor, source: Source, fmt: str, prepared: Prepared, rows: int, job: ExportJob | None = None):
    what = f"{source.filename}.{fmt}" + (f" (lần xuất {job.pk})" if job else "")
    note = f"{source.title}, {fmt_int(rows)} dòng"
    note += f". Bộ lọc: {prepared.filters_label}" if prepared.filters_label else ". Không lọc (toàn bộ phạm vi)"
    return audit_export(actor=actor, what=what, scope_org=prepared.scope_org, rows=rows, note=note)


@dataclass(frozen=True)
class DirectExport:
    path: str  # a temporary file: the caller sends it and removes it
    filename: str
    content_type: str
    rows: int


def export_write(*, actor, source: str, fmt: str, params: dict) -> DirectExport:
    """A small list written at once to a temporary file for a direct download; audited."""
    src, fmt = source_get(source), _format(fmt)
    prepared = src.prepare(actor, clean_params(params))
    total = prepared.queryset.count() if fmt == ExportFormat.XLSX else None
    path = temp_path(f".{fmt}")
    try:
        written = write_file(source=src, prepared=prepared, fmt=fmt, path=path, total=total)
    except BaseException:
        os.unlink(path)
        raise
    _audit(actor=actor, source=src, fmt=fmt, prepared=prepared, rows=written.rows)
    return DirectExport(path, f"{src.filename}.{fmt}", content_type(fmt), written.rows)


def export_job_create(*, actor, source: str, fmt: str, params: dict) -> ExportJob:
    """Record an export to run in the background (it is queued once this transaction commits); audited. The
    filters are checked now (a bad one: ValidationFailed; an org out of scope: 404)."""
    src, fmt = source_get(source), _format(fmt)
    params = clean_params(params)
    prepared = src.prepare(actor, params)
    ctx = current()
    with transaction.atomic():
        job = ExportJob.objects.create(
            actor=actor, source=src.slug, title=src.title, params=params, filters_label=prepared.filters_label,
            format=fmt, download_name=f"{src.filename}.{fmt}", scope_org=prepared.scope_org, ip=ctx.ip,
            user_agent=ctx.user_agent[:300], channel=ctx.channel)
        audit_record(actor=actor, action="create", obj=job, org=prepared.scope_org,
                     after={"source": src.slug, "format": fmt, "filters": params},
                     note=f"Xuất {src.title} chạy nền")
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_export

    run_export.enqueue(job_id)


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status, job.error, job.finished_at = ExportStatus.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    progress.clear(job.pk)
    return job


def export_job_run(job_id: int, *, sheet_rows: int | None = None) -> ExportJob:
    """The background task's body, holding the job's lock file while it runs (a killed worker releases it: the
    page then says the export was cut off)."""
    with progress.running(job_id):
        return _run(job_id, sheet_rows=sheet_rows)


def _run(job_id: int, *, sheet_rows: int | None = None) -> ExportJob:
    """The background task's body: read the rows as the job's owner sees them now, write the file under
    EXPORTS["ROOT"], record the outcome and audit the export. A failure leaves no file and a Vietnamese message."""
    job = ExportJob.objects.select_related("actor").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job
    job.status, job.started_at = ExportStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    token = set_context(RequestContext(ip=job.ip, user_agent=job.user_agent, channel=job.channel))
    root = Path(conf("ROOT"))
    relative = f"{job.created_at:%Y/%m}/{job.pk}-{job.actor_id}.{job.format}"
    path = root / relative
    try:
        src = source_get(job.source)
        try:
            prepared = src.prepare(job.actor, job.params)
        except (Http404, NotFound):
            return _fail(job, GONE_MESSAGE)
        except DomainError as exc:
            return _fail(job, exc.message)
        total = prepared.queryset.count()
        job.rows_total = total
        job.save(update_fields=["rows_total"])
        progress.report(job.pk, 0, total)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            written = write_file(source=src, prepared=prepared, fmt=job.format, path=path, total=total,
                                 sheet_rows=sheet_rows, on_progress=lambda done: progress.report(job.pk, done, total))
        except ExportOverflow:
            path.unlink(missing_ok=True)
            return _fail(job, CHANGED_MESSAGE)
        except Exception:
            log.exception("export %s failed", job.pk)
            path.unlink(missing_ok=True)
            return _fail(job, FAILED_MESSAGE)
        with transaction.atomic():
            job.status, job.finished_at = ExportStatus.DONE, timezone.now()
            job.rows_done, job.sheets, job.file_name, job.size = (written.rows, written.sheets, relative,
                                                                  path.stat().st_size)
            job.save(update_fields=["status", "finished_at", "rows_done", "sheets", "file_name", "size"])
            _audit(actor=job.actor, source=src, fmt=job.format, prepared=prepared, rows=written.rows, job=job)
        progress.clear(job.pk)
        return job
    finally:
        reset_context(token)


def content_type(fmt: str) -> str:
    from tcxd.common.export import CSV_TYPE, XLSX_TYPE

    return XLSX_TYPE if fmt == ExportFormat.XLSX else CSV_TYPE


def job_path(job: ExportJob) -> Path:
    return Path(conf("ROOT")) / job.file_name


def export_job_remove(*, actor, job: ExportJob) -> ExportJob:
    """Remove one's own export file now (the job stays, marked 'file removed'); audited. ``job`` comes from the
    owner-scoped selector."""
    if job.actor_id != actor.pk:
        raise NotFound()
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        raise DomainError("export_running", "Việc xuất đang chạy; chờ xong rồi mới xóa tệp được.")
    with transaction.atomic():
        if job.file_name:
            job_path(job).unlink(missing_ok=True)
        before = {"status": job.status, "file": job.file_name}
        job.status, job.file_name = ExportStatus.REMOVED, ""
        job.save(update_fields=["status", "file_name"])
        audit_record(actor=actor, action="delete", obj=job, org=job.scope_org, before=before,
                     after={"status": job.status}, note="Xóa tệp xuất dữ liệu")
    return job
