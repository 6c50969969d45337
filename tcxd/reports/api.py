"""The reports context's API (statistics, forms, targets, packages)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tcxd.authz.guards import require_write_role
from tcxd.common.errors import ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import progress as P
from . import services
from .models import Indicator
from .validation import indicator_errors, year_errors

router = Router(tags=["Thống kê, báo cáo"])


class ProgressParams(Schema):
    year: int | None = Field(None, description="Năm của chỉ tiêu; mặc định năm hiện tại")
    indicator: str = Field(Indicator.ADMISSIONS.value, description="Mã chỉ tiêu: "
                           + "; ".join(f"{v} ({label})" for v, label in Indicator.choices))
    on: dt.date | None = Field(None, description="Tính đến ngày (mặc định hôm nay; không quá 31/12 của năm)")


class ProgressRowOut(Schema):
    org_id: int
    code: str
    name: str
    active: bool
    planned: int | None = Field(None, description="Chỉ tiêu: tự đặt, nếu không thì cộng từ cấp dưới")
    planned_source: str | None = Field(None, description="own (tự đặt), children (cộng từ cấp dưới) hoặc null")
    planned_source_label: str
    achieved: int
    population: int | None = Field(None, description="Chỉ tiêu đại hội chi bộ: tổng số chi bộ trong cây tại ngày tính")
    ratio_text: str = Field(description="Tỷ lệ đạt kiểu Việt Nam, làm tròn nửa lên, ví dụ “71,85 %”")
    text: str = Field(description="Ví dụ “934 đảng viên, đạt 71,85 %”")


class ProgressOut(ProgressRowOut):
    year: int
    indicator: str
    indicator_label: str
    unit: str
    on: dt.date
    period_start: dt.date
    period_end: dt.date
    children: list[ProgressRowOut]


class TargetIn(Schema):
    planned: int = Field(description="Số kế hoạch, số nguyên dương")
    note: str = ""


class TargetOut(Schema):
    id: int
    org_id: int
    year: int
    indicator: str
    planned: int
    note: str
    created_at: dt.datetime
    ended_at: dt.datetime | None = None


def _row(r: P.ProgressRow) -> dict:
    return {"org_id": r.org.pk, "code": r.org.code, "name": r.org.name, "active": r.org.is_active,
            "planned": r.planned, "planned_source": r.source, "planned_source_label": r.source_label,
            "achieved": r.achieved, "population": r.population, "ratio_text": r.ratio_text, "text": r.text}


def _writable(request, org_id: int) -> Org:
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    require_write_role(request.auth)
    return org


@router.get("/orgs/{org_id}/progress", response={200: ProgressOut, **READ_ERRORS},
            summary="Tiến độ thực hiện chỉ tiêu năm của tổ chức và từng tổ chức trực thuộc, tính đến một ngày")
def progress(request, org_id: int, params: Query[ProgressParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    today = timezone.localdate()
    year = today.year if params.year is None else params.year
    errors = {k: v for k, v in {"year": year_errors(year, today=today),
                                "indicator": indicator_errors(params.indicator)}.items() if v}
    if errors:
        raise ValidationFailed(errors)
    data = P.target_progress(actor=request.auth, org=org, year=year, indicator=params.indicator,
                             day=params.on or today)
    return {**_row(data.row), "year": data.year, "indicator": data.indicator, "indicator_label": data.indicator_label,
            "unit": data.unit, "on": data.day, "period_start": data.start, "period_end": data.until,
            "children": [_row(r) for r in data.children]}


@router.put("/orgs/{org_id}/targets/{year}/{indicator}", response={200: TargetOut, **ERRORS},
            summary="Đặt (hoặc sửa) chỉ tiêu năm của tổ chức; chỉ tiêu cũ được lưu trong lịch sử")
def target_put(request, org_id: int, year: int, indicator: str, payload: TargetIn):
    org = _writable(request, org_id)
    return services.target_set(actor=request.auth, org=org, year=year, indicator=indicator,
                               planned=payload.planned, note=payload.note)


@router.post("/orgs/{org_id}/targets/{year}/{indicator}", response={200: TargetOut, **ERRORS},
             summary="Đặt (hoặc sửa) chỉ tiêu năm của tổ chức (như PUT)")
def target_post(request, org_id: int, year: int, indicator: str, payload: TargetIn):
    return target_put(request, org_id, year, indicator, payload)


@router.delete("/orgs/{org_id}/targets/{year}/{indicator}", response={200: TargetOut, **ERRORS},
               summary="Xóa chỉ tiêu tự đặt của tổ chức (lưu lịch sử); chỉ tiêu khi đó cộng từ cấp dưới")
def target_delete(request, org_id: int, year: int, indicator: str):
    org = _writable(request, org_id)
    return services.target_remove(actor=request.auth, org=org, year=year, indicator=indicator)
