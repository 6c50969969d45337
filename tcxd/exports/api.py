"""JSON API of the exports: start a background export of a list with its filters, follow it, download the file,
remove it; download a small list at once. A user sees only their own exports (another user's: 404)."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from ninja import Query, Router, Status

from tcxd.common.errors import DomainError, NotFound
from tcxd.common.export import file_download
from tcxd.common.fmt import fmt_int
from tcxd.common.schemas import ERRORS, READ_ERRORS

from . import selectors as Sel
from . import services as S
from .models import ExportJob, ExportStatus
from .schemas import DirectParams, ExportIn, ExportJobOut

router = Router(tags=["Xuất dữ liệu"])
LIST_LIMIT = 100


def job_out(job: ExportJob) -> dict:
    progress = Sel.job_progress(job)
    return {"id": job.pk, "source": job.source, "title": job.title, "format": job.format, "status": job.status,
            "status_label": job.get_status_display(), "params": job.params or {}, "filters_label": job.filters_label,
            "rows_total": progress["total"], "rows_done": progress["done"], "percent": progress["percent"],
            "sheets": job.sheets, "size": job.size, "error": job.error, "created_at": job.created_at,
            "finished_at": job.finished_at,
            "download_url": reverse("api:export_file", args=[job.pk]) if job.status == ExportStatus.DONE else None}


@router.get("", response={200: list[ExportJobOut], **READ_ERRORS},
            summary="Các lần xuất chạy nền của người dùng (mới nhất trước, tối đa 100)")
def exports_list(request):
    return [job_out(j) for j in Sel.export_job_list(actor=request.auth)[:LIST_LIMIT]]


@router.post("", response={201: ExportJobOut, **ERRORS},
             summary="Xuất một danh sách chạy nền (.xlsx chia trang tính khi quá 1.048.575 dòng, hoặc CSV) với bộ "
                     "lọc của trang danh sách; theo dõi bằng GET /api/exports/{job_id}")
def export_create(request, payload: ExportIn):
    job = S.export_job_create(actor=request.auth, source=payload.source, fmt=payload.format, params=payload.params)
    job.refresh_from_db()  # the task may have run already (TASKS_IMMEDIATE)
    return Status(201, job_out(job))


@router.get("/sources/{source}/file", response={200: None, **READ_ERRORS},
            summary="Tải ngay một danh sách nhỏ (không quá ngưỡng chạy nền, mặc định 20.000 dòng); bộ lọc là các "
                    "tham số truy vấn của trang danh sách")
def export_direct(request, source: str, params: Query[DirectParams]):
    plan = Sel.export_plan(actor=request.auth, source=source, params=request.GET)
    if plan["background"]:
        raise DomainError("export_too_big", f"Danh sách có {fmt_int(plan['rows'])} dòng, nhiều hơn "
                                            f"{fmt_int(plan['threshold'])}: dùng POST /api/exports để xuất chạy nền.")
    out = S.export_write(actor=request.auth, source=source, fmt=params.format, params=request.GET)
    return file_download(out.path, out.filename, out.content_type)


@router.get("/{job_id}", response={200: ExportJobOut, **READ_ERRORS},
            summary="Một lần xuất: trạng thái, tiến độ (số dòng đã ghi), lỗi, đường dẫn tải tệp")
def export_detail(request, job_id: int):
    return job_out(Sel.export_job_for_api(actor=request.auth, pk=job_id))


@router.get("/{job_id}/file", response={200: None, **READ_ERRORS}, url_name="export_file",
            summary="Tải tệp của một lần xuất đã xong")
def export_file(request, job_id: int):
    job = Sel.export_job_for_api(actor=request.auth, pk=job_id)
    path = S.job_path(job) if job.file_name else None
    if path is None or not path.exists():
        raise NotFound("Tệp chưa có hoặc đã bị xóa.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name,
                        content_type=S.content_type(job.format))


@router.post("/{job_id}/remove", response={200: ExportJobOut, **ERRORS}, summary="Xóa tệp của một lần xuất")
def export_remove(request, job_id: int):
    job = Sel.export_job_for_api(actor=request.auth, pk=job_id)
    return job_out(S.export_job_remove(actor=request.auth, job=job))
