"""JSON API of the imports (nhập dữ liệu): upload a file as a batch (a client-chosen ``key`` makes a replay harmless:
a key already used answers 409 ``batch_replayed``), read the batch and its progress, set the column mapping (the
check of every row runs in the background), list the rows with their verdicts, decide per row or per field, apply
(background; a second apply answers 409), download the error report. The same scoping as the pages: a batch whose
receiving unit is out of scope → 404, read-only roles → 403 on writes, refusals → 400 with Vietnamese messages."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tcxd.authz.guards import require_write_role
from tcxd.common.errors import ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.orgs import selectors as org_selectors

from . import fields as F
from . import report
from . import selectors as Sel
from . import services as S
from .models import ImportBatch, ImportRow, Kind, Verdict

router = Router(tags=["Nhập dữ liệu"])
PAGE_SIZE = 25
ROWS_PAGE = 100
ROW_FILTERS = (*Verdict.values, "rejected", "skipped")


# -- schemas ------------------------------------------------------------------------------------------------------
class ProgressOut(Schema):
    job: str = Field(description="check (kiểm tra) hoặc apply (áp dụng); rỗng khi không có việc chạy nền")
    job_label: str
    label: str = Field(description="Bước đang chạy")
    done: int
    total: int
    percent: int
    waiting: bool = Field(description="Đang chờ tiến trình chạy nền nhận việc")
    interrupted: bool = Field(description="Lần chạy bị ngắt giữa chừng: không có gì được ghi, có thể áp dụng lại")
    finished: bool


class BatchOut(Schema):
    id: int
    key: uuid.UUID
    kind: str
    kind_label: str
    status: str
    status_label: str
    filename: str
    sha256: str
    size: int
    root_id: int
    root_name: str
    sheet: str
    header_row: int
    headers: list[str]
    mapping: dict[str, str] = Field(description="Chỉ số cột (từ 0, dạng chuỗi) → mã trường")
    notes: list[str] = Field(description="Các chuyển đổi khi đọc tệp")
    rows_total: int
    counts: dict[str, int] = Field(description="Kết quả kiểm tra → số dòng")
    result: dict[str, int] = Field(description="Khi đã áp dụng: created, updated, unchanged, rejected, skipped")
    mode: str
    error: str
    created_at: dt.datetime
    checked_at: dt.datetime | None
    applied_at: dt.datetime | None
    progress: ProgressOut
    same_file_batch_id: int | None = Field(None, description="Lô đã áp dụng trước đó của cùng một tệp (nếu có)")
    report_url: str


class BatchPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[BatchOut]


class DiffOut(Schema):
    field: str
    label: str
    before: str
    after: str


class RowOut(Schema):
    id: int
    row_no: int = Field(description="Số dòng trong trang tính")
    verdict: str
    verdict_label: str
    member_id: int | None
    values: dict[str, str] = Field(description="Giá trị trong tệp, theo tiêu đề cột")
    diff: list[DiffOut]
    reasons: list[str]
    notes: list[str]
    skip: bool
    declined: list[str]
    applied: bool


class RowPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[RowOut]


class RowParams(Schema):
    verdict: str | None = Field(None, description="new, update, unchanged, duplicate, conflict, out_of_scope, "
                                                  "invalid; rejected (mọi dòng bị từ chối); skipped (dòng bỏ qua)")
    page: int = Field(1, ge=1, le=1_000_000)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)


class MappingIn(Schema):
    mapping: dict[str, str] = Field(description="Chỉ số cột (từ 0) → mã trường (xem GET /imports/fields); "
                                                "chuỗi rỗng: không nhập cột đó")
    save_as: str = Field("", max_length=120, description="Lưu cách ghép cột với tên này (không bắt buộc)")


class DecideIn(Schema):
    skip: bool = Field(False, description="Bỏ qua dòng này")
    declined: list[str] = Field(default_factory=list, description="Các trường của dòng cập nhật giữ như cũ")


class ApplyIn(Schema):
    mode: str = Field(description="all (tất cả hoặc không) hoặc accepted (chỉ các dòng hợp lệ)")


class FieldOut(Schema):
    key: str
    label: str
    kind: str
    required_new: bool = Field(description="Bắt buộc với hồ sơ mới")
    event: bool = Field(description="Ghi qua sự kiện (quá trình đảng), không sửa được bằng nhập tệp")


# -- helpers ------------------------------------------------------------------------------------------------------
def _progress(batch: ImportBatch) -> dict:
    p = Sel.batch_progress(batch)
    return {"job": p.job, "job_label": p.job_label, "label": p.label, "done": p.done, "total": p.total,
            "percent": p.percent, "waiting": p.waiting, "interrupted": p.interrupted, "finished": p.finished}


def batch_out(batch: ImportBatch, *, same_file: bool = True) -> dict:
    earlier = Sel.same_file_applied(batch) if same_file and batch.status != "applied" else None
    return {"id": batch.pk, "key": batch.key, "kind": batch.kind, "kind_label": batch.get_kind_display(),
            "status": batch.status, "status_label": batch.get_status_display(), "filename": batch.filename,
            "sha256": batch.sha256, "size": batch.size, "root_id": batch.root_id, "root_name": batch.root.name,
            "sheet": batch.sheet, "header_row": batch.header_row, "headers": batch.headers,
            "mapping": batch.mapping or {}, "notes": batch.notes or [], "rows_total": batch.rows_total,
            "counts": batch.counts or {}, "result": batch.result or {}, "mode": batch.mode, "error": batch.error,
            "created_at": batch.created_at, "checked_at": batch.checked_at, "applied_at": batch.applied_at,
            "progress": _progress(batch), "same_file_batch_id": earlier.pk if earlier else None,
            "report_url": reverse("api:imports_batch_report", args=[batch.pk])}


def row_out(row: ImportRow) -> dict:
    return {"id": row.pk, "row_no": row.row_no, "verdict": row.verdict, "verdict_label": row.get_verdict_display(),
            "member_id": row.member_id, "values": {str(k): str(v) for k, v in (row.values or {}).items()},
            "diff": [{"field": d[0], "label": d[1], "before": d[2], "after": d[3]} for d in row.diff or []],
            "reasons": row.reasons or [], "notes": row.notes or [], "skip": row.skip, "declined": row.declined or [],
            "applied": row.applied}


def _writable(request, batch_id: int) -> ImportBatch:
    batch = Sel.batch_get(actor=request.auth, pk=batch_id)
    require_write_role(request.auth)
    return batch


def _fresh(batch: ImportBatch) -> ImportBatch:
    return ImportBatch.objects.select_related("root", "actor").get(pk=batch.pk)


# -- endpoints ----------------------------------------------------------------------------------------------------
@router.get("/fields", response={200: list[FieldOut], **READ_ERRORS},
            summary="Danh mục trường nhận dữ liệu (để ghép cột)")
def field_list(request, kind: str = "members"):
    required = F.REQUIRED_NEW_ORG if kind == F.ORGS else F.REQUIRED_NEW
    return [{"key": f.key, "label": f.label, "kind": f.kind, "required_new": f.key in required,
             "event": f.event} for f in F.catalogue(kind)]


@router.get("/batches", response={200: BatchPageOut, **READ_ERRORS},
            summary="Các lô nhập dữ liệu có đơn vị nhận trong phạm vi, mới nhất trước; 25 một trang")
def batch_list(request, params: Query[PageParams]):
    paginator = Paginator(Sel.batch_list(actor=request.auth), PAGE_SIZE)
    page = paginator.get_page(params.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "items": [batch_out(b, same_file=False) for b in page.object_list]}


@router.post("/batches", response={201: BatchOut, **ERRORS},
             summary="Tải tệp lên thành một lô (multipart: file, root_id, kind, key, sheet); đề xuất cách ghép cột")
def batch_upload(request, file: File[UploadedFile], root_id: Form[int], kind: Form[str] = Kind.MEMBERS,
                 key: Form[uuid.UUID | None] = None, sheet: Form[str] = ""):
    root = org_selectors.org_get(actor=request.auth, pk=root_id)
    require_write_role(request.auth)
    batch = S.import_batch_upload(actor=request.auth, root=root, filename=file.name or "", data=file.read(),
                                  kind=kind, key=key, sheet=(sheet or "").strip())
    return Status(201, batch_out(batch))


@router.get("/batches/{batch_id}", response={200: BatchOut, **READ_ERRORS},
            summary="Một lô: trạng thái, tiến độ, kết quả kiểm tra, chuyển đổi, cách ghép cột, kết quả áp dụng")
def batch_detail(request, batch_id: int):
    return batch_out(Sel.batch_get(actor=request.auth, pk=batch_id))


@router.put("/batches/{batch_id}/mapping", response={200: BatchOut, **ERRORS},
            summary="Ghép cột (có thể lưu để dùng lại) rồi kiểm tra từng dòng (chạy nền)")
def batch_map(request, batch_id: int, payload: MappingIn):
    batch = _writable(request, batch_id)
    mapping: dict[int, str] = {}
    bad = []
    for column, field in payload.mapping.items():
        try:
            mapping[int(column)] = field
        except ValueError:
            bad.append(column)
    if bad:
        raise ValidationFailed({"mapping": [f"Cột phải ghi bằng số thứ tự (từ 0): {', '.join(bad[:5])}."]})
    S.import_batch_map(actor=request.auth, batch=batch, mapping=mapping, save_as=payload.save_as)
    return batch_out(_fresh(batch))


@router.get("/batches/{batch_id}/rows", response={200: RowPageOut, **READ_ERRORS},
            summary="Các dòng của lô với kết quả kiểm tra, thay đổi, lý do; lọc theo kết quả; 100 một trang")
def row_list(request, batch_id: int, params: Query[RowParams]):
    batch = Sel.batch_get(actor=request.auth, pk=batch_id)
    if params.verdict and params.verdict not in ROW_FILTERS:
        raise ValidationFailed({"verdict": [f"Kết quả “{params.verdict}” không có; dùng {', '.join(ROW_FILTERS)}."]})
    paginator = Paginator(Sel.batch_rows(batch=batch, verdict=params.verdict or ""), ROWS_PAGE)
    page = paginator.get_page(params.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "items": [row_out(r) for r in page.object_list]}


@router.post("/rows/{import_row_id}/decide", response={200: RowOut, **ERRORS},
             summary="Bỏ qua một dòng, hoặc giữ như cũ một số trường của dòng cập nhật")
def row_decide(request, import_row_id: int, payload: DecideIn):
    row = Sel.row_get(actor=request.auth, pk=import_row_id)
    require_write_role(request.auth)
    return row_out(S.import_row_decide(actor=request.auth, row=row, skip=payload.skip, declined=payload.declined))


@router.post("/batches/{batch_id}/apply", response={202: BatchOut, **ERRORS},
             summary="Áp dụng lô (chạy nền, một giao dịch): all = tất cả hoặc không, accepted = chỉ dòng hợp lệ; "
                     "lô đã áp dụng → 409")
def batch_apply(request, batch_id: int, payload: ApplyIn):
    batch = _writable(request, batch_id)
    S.import_batch_apply(actor=request.auth, batch=batch, mode=payload.mode)
    return Status(202, batch_out(_fresh(batch)))


@router.get("/batches/{batch_id}/error-report", response={200: None, **READ_ERRORS}, url_name="imports_batch_report",
            summary="Báo cáo lỗi (.xlsx): mọi dòng bị từ chối và bỏ qua, kèm lý do và giá trị trong tệp (ghi nhật ký)")
def batch_report(request, batch_id: int):
    batch = Sel.batch_get(actor=request.auth, pk=batch_id)
    return report.error_report_response(actor=request.auth, batch=batch)
