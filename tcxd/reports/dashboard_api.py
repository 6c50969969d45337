"""The dashboard's API: the five series of the "Tổng quan" page as JSON, for an org in scope (else 404)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tcxd.common.errors import ValidationFailed
from tcxd.common.schemas import READ_ERRORS
from tcxd.orgs import selectors as org_selectors

from . import dashboard as D

router = Router(tags=["Thống kê, báo cáo"])


class DashboardParams(Schema):
    on: str | None = Field(None, description="Số liệu tại ngày: yyyy-mm-dd hoặc dd/mm/yyyy; mặc định hôm nay, "
                                             "không được sau hôm nay")
    year: str | None = Field(None, description="Năm của chỉ tiêu kết nạp; mặc định năm của ngày xem")


class CategoryOut(Schema):
    code: str = Field(description="Mã: ngày (ISO), tháng (yyyy-mm), mã nhóm, mã tổ chức trực thuộc")
    label: str


class SeriesOut(Schema):
    key: str
    label: str
    values: list[int | float | None] = Field(description="Một giá trị cho mỗi mục; null: chưa có (tháng chưa tới, "
                                                         "đơn vị không có chi bộ)")
    texts: list[str] = Field(description="Giá trị hiển thị kiểu Việt Nam: 1.793, 61,83 %")
    drawn: bool = Field(description="false: chỉ là một cột của bảng số liệu")


class ChartOut(Schema):
    key: str = Field(description="members_by_status, admissions, pyramid, political_theory, congress")
    title: str
    category_label: str
    categories: list[CategoryOut]
    series: list[SeriesOut]
    summary: str
    total_row: list[str]
    empty: bool = Field(description="true: chưa có số liệu")


class DashboardOut(Schema):
    org_id: int
    org_name: str
    on: str
    year: int
    term: list[int] = Field(description="Nhiệm kỳ đại hội chứa ngày xem, ví dụ [2025, 2030]")
    charts: list[ChartOut]


@router.get("/orgs/{org_id}/dashboard", response={200: DashboardOut, **READ_ERRORS},
            summary="Tổng quan: đảng viên theo loại qua các năm, kết nạp so với chỉ tiêu, tháp tuổi và giới tính, "
                    "lý luận chính trị, tiến độ đại hội theo tổ chức trực thuộc")
def dashboard(request, org_id: int, params: Query[DashboardParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    day, year, errors = D.dashboard_params(params.on, params.year, today=timezone.localdate())
    if errors:
        raise ValidationFailed(errors, "Tham số chưa hợp lệ: " + " ".join(m for ms in errors.values() for m in ms))
    return D.dashboard(actor=request.auth, org=org, day=day, year=year).as_dict()
