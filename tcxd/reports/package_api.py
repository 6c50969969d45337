"""JSON API of periodic report packages (báo cáo định kỳ) and their consolidation up the tree: the same
scoping as the pages (out of scope → 404, read-only roles → 403 on writes), Vietnamese messages (400)."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tcxd.audit.services import audit_export
from tcxd.authz.guards import require_write_role
from tcxd.common.errors import ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.orgs import selectors as org_selectors

from . import package_docx as PD
from . import package_exports as PE
from . import package_services as S
from . import packages as PK
from .form_api import RenderedOut
from .models import PackageKind, PackageStatus, ReportPackage

router = Router(tags=["Báo cáo định kỳ"])
PAGE_SIZE = 25


class SectionOut(Schema):
    key: str
    label: str


class TemplateOut(Schema):
    code: str
    version: int
    kind: str = Field(description="half_year (6 tháng), nine_months (9 tháng) hoặc annual (năm)")
    kind_label: str
    title: str
    form_codes: list[str]
    cutoff_day: int
    cutoff_month: int = Field(description="Ngày chốt số liệu: ngày/tháng của năm báo cáo (G-01, cấu hình được)")
    start_day: int
    start_month: int = Field(description="Ngày bắt đầu kỳ; sau ngày chốt thì thuộc năm trước")
    deadline_days: int = Field(description="Hạn nộp: số ngày sau ngày chốt số liệu")
    sections: list[SectionOut]
    note: str


class PackageIn(Schema):
    template: str = Field(description="Mã mẫu báo cáo, ví dụ BC-NAM")
    year: int = Field(description="Năm báo cáo")


class NarrativeIn(Schema):
    narrative: dict[str, str] = Field(description="Mã phần lời văn → nội dung (các phần khác giữ nguyên)")


class ReopenIn(Schema):
    reason: str = Field(description="Lý do mở lại báo cáo đã nộp")


class PackageOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(description="Tên tổ chức tại ngày chốt số liệu")
    template_code: str
    template_version: int
    title: str
    kind: str
    year: int
    period_start: dt.date
    cutoff: dt.date
    deadline: dt.date
    status: str = Field(description="draft (dự thảo) hoặc submitted (đã nộp, số liệu đã khóa)")
    status_label: str
    version: int = Field(description="Lần tạo số liệu hiện hành")
    standing: str | None = Field(None, description="on_time, late (đã nộp), pending, missing, draft_overdue")
    standing_label: str | None = None
    narrative: dict[str, str]
    created_at: dt.datetime
    submitted_at: dt.datetime | None = None
    submitted_on: dt.date | None = None


class VersionOut(Schema):
    number: int
    template_version: int
    generated_at: dt.datetime
    has_docx: bool = Field(description="Có tệp Word đã lưu (lần nộp)")


class PackageDetailOut(PackageOut):
    forms: list[RenderedOut] = Field(description="Số liệu đã lưu của lần tạo hiện hành (không tính lại)")
    versions: list[VersionOut]


class PackagePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[PackageOut]


class ListParams(Schema):
    year: int | None = Field(None, description="Năm báo cáo")
    template: str | None = Field(None, description="Mã mẫu")
    status: str | None = Field(None, description="draft hoặc submitted")
    org_id: int | None = Field(None, description="Chỉ các báo cáo trong cây trực thuộc của tổ chức này")
    page: int = Field(1, description="Trang (25 báo cáo một trang)")


class DiffParams(Schema):
    on: dt.date | None = Field(None, description="Ngày của số liệu hiện hành đem so (mặc định ngày chốt số liệu)")


class DiffCellOut(Schema):
    stored: int | None
    live: int | None
    delta: int
    changed: bool


class DiffRowOut(Schema):
    key: str
    label: str
    is_total: bool
    only_in: str = Field(description="stored / live: dòng chỉ có ở một bên; rỗng khi có ở cả hai")
    cells: list[DiffCellOut]


class ColumnKeyOut(Schema):
    key: str
    label: str


class FormDiffOut(Schema):
    code: str
    title: str
    changed_cells: int
    increase: int
    decrease: int
    columns: list[ColumnKeyOut]
    rows: list[DiffRowOut]


class DiffOut(Schema):
    package_id: int
    version: int
    on: dt.date
    same_day: bool = Field(description="So với số liệu hiện hành của chính ngày chốt")
    changed_cells: int
    increase: int
    decrease: int
    forms: list[FormDiffOut]


class ConsolidationParams(Schema):
    template: str | None = Field(None, description="Mã mẫu (mặc định mẫu đầu tiên)")
    year: int | None = Field(None, description="Năm báo cáo (mặc định năm gần nhất đã qua ngày chốt)")


class ChildOut(Schema):
    org_id: int
    name: str
    standing: str = Field(description="on_time, late, pending (chưa nộp, còn hạn), missing, draft_overdue")
    standing_label: str
    package_id: int | None = None
    submitted_on: dt.date | None = None


class SplitRowOut(Schema):
    key: str
    label: str
    is_total: bool
    values: list[int] = Field(description="Số tổng hợp = frozen + live")
    frozen: list[int] = Field(description="Phần từ báo cáo đã nộp (đã khóa)")
    live: list[int] = Field(description="Phần số liệu trực tiếp, chưa nộp báo cáo")


class ConsolidatedFormOut(Schema):
    code: str
    title: str
    period_text: str
    columns: list[ColumnKeyOut]
    rows: list[SplitRowOut]


class ConsolidationOut(Schema):
    org_id: int
    org_name: str
    template_code: str
    template_version: int
    year: int
    period_start: dt.date
    cutoff: dt.date
    deadline: dt.date
    submitted: int
    children_count: int
    live_label: str
    children: list[ChildOut]
    forms: list[ConsolidatedFormOut]


def template_out(t) -> dict:
    return {"code": t.code, "version": t.version, "kind": t.kind, "kind_label": PackageKind(t.kind).label,
            "title": t.title, "form_codes": t.form_codes, "cutoff_day": t.cutoff_day, "cutoff_month": t.cutoff_month,
            "start_day": t.start_day, "start_month": t.start_month, "deadline_days": t.deadline_days,
            "sections": t.sections, "note": t.note}


def package_out(p: ReportPackage, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    standing = PK.submission_standing(submitted_on=p.submitted_on if p.is_frozen else None, deadline=p.deadline,
                                      today=today)
    if standing == PK.MISSING:
        standing = PK.DRAFT_LATE
    return {"id": p.pk, "org_id": p.org_id, "org_name": p.org_name, "template_code": p.template_code,
            "template_version": p.template.version, "title": p.template.title, "kind": p.template.kind,
            "year": p.year, "period_start": p.period_start, "cutoff": p.cutoff, "deadline": p.deadline,
            "status": p.status, "status_label": p.get_status_display(), "version": p.current_version,
            "standing": standing, "standing_label": PK.STANDING_LABELS[standing], "narrative": p.narrative or {},
            "created_at": p.created_at, "submitted_at": p.submitted_at, "submitted_on": p.submitted_on}


def _detail(p: ReportPackage) -> dict:
    version = PK.package_current_version(package=p)
    return {**package_out(p), "forms": [f.as_dict() for f in PK.figures_forms(version.figures)],
            "versions": [{"number": v.number, "template_version": v.template.version, "generated_at": v.generated_at,
                          "has_docx": bool(v.docx)} for v in PK.package_versions(package=p)]}


def _writable_package(request, package_id: int) -> ReportPackage:
    package = PK.package_get(actor=request.auth, pk=package_id)
    require_write_role(request.auth)
    return package


def default_year(template, today: dt.date) -> int:
    """The latest year whose cut-off day has come."""
    return today.year if PK.package_period(template, today.year).cutoff <= today else today.year - 1


def consolidation_for(actor, org, template_code: str | None, year: int | None) -> PK.Consolidation:
    today = timezone.localdate()
    if template_code:
        template = PK.package_template_current(code=template_code)
    else:
        template = PK.package_templates().order_by("-position").first()
        if template is None:
            raise ValidationFailed({"template": ["Chưa có mẫu báo cáo định kỳ nào."]})
    year = default_year(template, today) if year is None else year
    return PK.consolidation(actor=actor, org=org, template=template, year=year, today=today)


@router.get("/package-templates", response={200: list[TemplateOut], **READ_ERRORS},
            summary="Các mẫu báo cáo định kỳ đang dùng (phiên bản hiện hành)")
def templates_list(request):
    return [template_out(t) for t in PK.package_templates()]


@router.get("/packages", response={200: PackagePageOut, **READ_ERRORS},
            summary="Báo cáo định kỳ của các tổ chức trong phạm vi, lọc theo năm, mẫu, trạng thái; 25 một trang")
def packages_list(request, params: Query[ListParams]):
    org = org_selectors.org_get(actor=request.auth, pk=params.org_id) if params.org_id is not None else None
    if params.status and params.status not in PackageStatus.values:
        raise ValidationFailed({"status": [f"Trạng thái “{params.status}” không có; dùng draft hoặc submitted."]})
    qs = PK.packages_list(actor=request.auth, year=params.year, template_code=params.template, status=params.status,
                          org=org)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(params.page)
    today = timezone.localdate()
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "items": [package_out(p, today) for p in page.object_list]}


@router.post("/orgs/{org_id}/packages", response={200: PackageDetailOut, **ERRORS},
             summary="Tạo báo cáo định kỳ (dự thảo) của tổ chức; nếu đã có dự thảo thì tạo lại số liệu (phiên bản mới)")
def package_generate(request, org_id: int, payload: PackageIn):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    require_write_role(request.auth)
    return _detail(S.package_generate(actor=request.auth, org=org, template_code=payload.template, year=payload.year))


@router.get("/packages/{package_id}", response={200: PackageDetailOut, **READ_ERRORS},
            summary="Báo cáo định kỳ: thông tin, lời văn, số liệu đã lưu của các biểu, các lần tạo số liệu")
def package_detail(request, package_id: int):
    return _detail(PK.package_get(actor=request.auth, pk=package_id))


@router.post("/packages/{package_id}/narrative", response={200: PackageOut, **ERRORS},
             summary="Sửa lời văn của báo cáo dự thảo")
def package_narrative(request, package_id: int, payload: NarrativeIn):
    package = _writable_package(request, package_id)
    return package_out(S.package_update_narrative(actor=request.auth, package=package, narrative=payload.narrative))


@router.post("/packages/{package_id}/submit", response={200: PackageOut, **ERRORS},
             summary="Nộp báo cáo: số liệu và tệp Word được khóa, không tính lại nữa")
def package_submit(request, package_id: int):
    package = _writable_package(request, package_id)
    return package_out(S.package_submit(actor=request.auth, package=package))


@router.post("/packages/{package_id}/reopen", response={200: PackageOut, **ERRORS},
             summary="Mở lại báo cáo đã nộp (chỉ cấp ủy cấp trên, kèm lý do)")
def package_reopen(request, package_id: int, payload: ReopenIn):
    package = _writable_package(request, package_id)
    return package_out(S.package_reopen(actor=request.auth, package=package, reason=payload.reason))


@router.get("/packages/{package_id}/diff", response={200: DiffOut, **READ_ERRORS},
            summary="So sánh số liệu đã lưu của báo cáo với số liệu hiện hành, từng ô")
def package_diff(request, package_id: int, params: Query[DiffParams]):
    package = PK.package_get(actor=request.auth, pk=package_id)
    diff = PK.package_diff(actor=request.auth, package=package, day=params.on, today=timezone.localdate())
    return {"package_id": package.pk, "version": diff.version, "on": diff.day, "same_day": diff.same_day,
            "changed_cells": diff.changed_cells, "increase": diff.increase, "decrease": diff.decrease,
            "forms": [{"code": f.code, "title": f.title, "changed_cells": f.changed_cells, "increase": f.increase,
                       "decrease": f.decrease, "columns": [{"key": k, "label": lab} for k, lab in f.columns],
                       "rows": [{"key": r.key, "label": r.label, "is_total": r.is_total, "only_in": r.only_in,
                                 "cells": [{"stored": c.stored, "live": c.live, "delta": c.delta, "changed": c.changed}
                                           for c in r.cells]} for r in f.rows]} for f in diff.forms]}


@router.get("/packages/{package_id}/docx", response={200: None, **READ_ERRORS},
            summary="Tải báo cáo dạng Word (.docx): bản đã nộp như lúc nộp; dự thảo dựng từ số liệu đã lưu")
def package_docx(request, package_id: int):
    package = PK.package_get(actor=request.auth, pk=package_id)
    response = HttpResponse(S.package_docx_bytes(package=package), content_type=PD.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{PE.package_filename(package)}"'
    return response


def _consolidation_out(c: PK.Consolidation) -> dict:
    return {"org_id": c.org.pk, "org_name": c.org_name, "template_code": c.template.code,
            "template_version": c.template.version, "year": c.year, "period_start": c.period.start,
            "cutoff": c.period.cutoff, "deadline": c.period.deadline, "submitted": c.submitted_count,
            "children_count": len(c.children), "live_label": PK.LIVE_LABEL,
            "children": [{"org_id": line.org_id, "name": line.name, "standing": line.standing,
                          "standing_label": line.standing_label,
                          "package_id": line.package.pk if line.package else None,
                          "submitted_on": line.package.submitted_on if line.package else None}
                         for line in c.children],
            "forms": [{"code": f.rendered.code, "title": f.rendered.title, "period_text": f.rendered.period_text,
                       "columns": [{"key": col.key, "label": col.label} for col in f.rendered.columns],
                       "rows": [{"key": r.key, "label": r.label, "is_total": r.is_total, "values": r.totals,
                                 "frozen": r.frozen, "live": r.live} for r in f.rows]} for f in c.forms]}


@router.get("/orgs/{org_id}/consolidation", response={200: ConsolidationOut, **READ_ERRORS},
            summary="Tổng hợp báo cáo định kỳ của các tổ chức trực thuộc: tình hình nộp và số liệu tổng hợp")
def consolidation(request, org_id: int, params: Query[ConsolidationParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    return _consolidation_out(consolidation_for(request.auth, org, params.template, params.year))


@router.get("/orgs/{org_id}/consolidation/xlsx", response={200: None, **READ_ERRORS},
            summary="Tải bảng tổng hợp dạng .xlsx (tình hình nộp; mỗi biểu: tổng hợp, phần đã nộp, phần trực tiếp)")
def consolidation_xlsx(request, org_id: int, params: Query[ConsolidationParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    data = consolidation_for(request.auth, org, params.template, params.year)
    audit_export(actor=request.auth, what=PE.consolidation_filename(data), scope_org=data.org,
                 rows=len(data.children), note=f"Tổng hợp báo cáo {data.template.code} năm {data.year} (.xlsx)")
    response = HttpResponse(PE.consolidation_xlsx(data), content_type=PE.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{PE.consolidation_filename(data)}"'
    return response
