"""JSON API of report forms (biểu thống kê): the list, a form filled for an org in scope (the same
numbers as the page) and its .xlsx export. Out of scope → 404; a bad day, period or form → 400 with
Vietnamese messages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tcxd.audit.services import audit_export
from tcxd.common.schemas import READ_ERRORS
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import exports
from . import report_forms as RF
from .models import FormKind

router = Router(tags=["Biểu thống kê"])


class FormOut(Schema):
    code: str
    title: str
    family: str
    kind: str = Field(description="members (đảng viên), organizations (tổ chức đảng) hoặc movements (biến động)")
    kind_label: str
    description: str
    definition: dict = Field(description="Định nghĩa biểu: dòng, cột, tổng (xem tài liệu tcxd.reports.report_forms)")


class RenderParams(Schema):
    on: dt.date | None = Field(None, description="Biểu đảng viên, tổ chức: tính đến ngày (mặc định hôm nay)")
    start: dt.date | None = Field(None, description="Biểu biến động: từ ngày (mặc định 01/01 năm nay)")
    end: dt.date | None = Field(None, description="Biểu biến động: đến ngày (mặc định hôm nay)")


class HeaderCellOut(Schema):
    label: str
    colspan: int
    rowspan: int
    key: str = Field(description="Mã cột lá; rỗng với nhóm cột và ô tiêu đề dòng")


class ColumnOut(Schema):
    key: str
    label: str
    is_total: bool


class RowOut(Schema):
    key: str
    label: str
    indent: int
    is_total: bool
    values: list[int] = Field(description="Một số nguyên cho mỗi cột, theo thứ tự của columns")


class RenderedOut(Schema):
    code: str
    title: str
    family: str
    kind: str
    org_id: int
    org_name: str = Field(description="Tên tổ chức tại ngày tính")
    on: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    previous_start: dt.date | None = Field(None, description="Cùng kỳ năm trước: từ ngày")
    previous_end: dt.date | None = Field(None, description="Cùng kỳ năm trước: đến ngày")
    period_text: str
    header_rows: list[list[HeaderCellOut]]
    columns: list[ColumnOut]
    rows: list[RowOut]
    notes: list[str]


def _form_out(form) -> dict:
    return {"code": form.code, "title": form.title, "family": form.family, "kind": form.kind,
            "kind_label": FormKind(form.kind).label, "description": form.description,
            "definition": form.definition}


def _render(request, org_id: int, form_code: str, params: RenderParams) -> RF.RenderedForm:
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    form = RF.report_form_get(code=form_code)
    today = timezone.localdate()
    if form.kind == FormKind.MOVEMENTS:
        when = {"start": params.start or dt.date(today.year, 1, 1), "end": params.end or today}
    else:
        when = {"on": params.on or today}
    return RF.render_form(actor=request.auth, form=form, org=org, today=today, **when)


@router.get("/forms", response={200: list[FormOut], **READ_ERRORS}, summary="Danh sách biểu thống kê đang dùng")
def forms_list(request):
    return [_form_out(f) for f in RF.report_forms_list()]


@router.get("/orgs/{org_id}/forms/{form_code}", response={200: RenderedOut, **READ_ERRORS},
            summary="Biểu thống kê của tổ chức (cây trực thuộc) tại một ngày, hoặc trong một kỳ với biểu biến động")
def form_render(request, org_id: int, form_code: str, params: Query[RenderParams]):
    return _render(request, org_id, form_code, params).as_dict()


@router.get("/orgs/{org_id}/forms/{form_code}/xlsx", response={200: None, **READ_ERRORS},
            summary="Tải biểu thống kê dạng .xlsx theo mẫu biểu (tiêu đề gộp ô, dòng tổng in đậm)")
def form_xlsx(request, org_id: int, form_code: str, params: Query[RenderParams]):
    rendered = _render(request, org_id, form_code, params)
    audit_export(actor=request.auth, what=exports.filename(rendered, "xlsx"),
                 scope_org=Org.objects.only("path").get(pk=rendered.org_id), rows=len(rendered.rows),
                 note=f"Biểu thống kê {rendered.code} của {rendered.org_name} (.xlsx)")
    response = HttpResponse(exports.xlsx_bytes(rendered), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(rendered, "xlsx")}"'
    return response
