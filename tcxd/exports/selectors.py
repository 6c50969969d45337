"""Reads of the exports. A user sees only their own export jobs (another user's job: 404, for every role)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tcxd.common.errors import NotFound

from . import progress
from .conf import conf
from .models import ExportJob, ExportStatus
from .services import clean_params, source_get


def export_job_list(*, actor) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(actor=actor).order_by("-created_at", "-id")


def export_job_get(*, actor, pk) -> ExportJob:
    try:
        return ExportJob.objects.select_related("scope_org").get(pk=int(pk), actor=actor)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404


def export_job_for_api(*, actor, pk: int) -> ExportJob:
    try:
        return export_job_get(actor=actor, pk=pk)
    except Http404:
        raise NotFound()


def export_plan(*, actor, source: str, params) -> dict:
    """How a list would be exported: its rows (counted up to just past the background threshold, so that a
    national list is not counted in full to decide) and whether it runs in the background."""
    src = source_get(source)
    prepared = src.prepare(actor, clean_params(params))
    above = conf("BACKGROUND_ABOVE")
    counted = prepared.queryset.order_by()[:above + 1].count()
    background = counted > above
    return {"source": src, "prepared": prepared, "background": background,
            "rows": prepared.queryset.count() if background else counted, "threshold": above}


def job_progress(job: ExportJob) -> dict:
    """What the progress bar shows: rows written of the total, a percentage, finished or not, the error."""
    done, total = job.rows_done, job.rows_total
    if job.status == ExportStatus.RUNNING:
        if not progress.alive(job.pk):  # its worker was killed: nothing more will come
            return {"status": ExportStatus.FAILED, "status_label": "Bị ngắt giữa chừng", "done": done,
                    "total": total, "percent": 0, "finished": True,
                    "error": "Tiến trình chạy nền đã dừng trước khi xuất xong; không có tệp. Hãy xuất lại."}
        live = progress.read(job.pk) or {}
        done, total = live.get("done", 0), live.get("total", total)
    if job.status == ExportStatus.DONE:
        percent = 100
    elif total:
        percent = min(99, int(done * 100 / total))
    else:
        percent = 0
    return {"status": job.status, "status_label": job.get_status_display(), "done": done, "total": total,
            "percent": percent, "finished": job.finished, "error": job.error}
