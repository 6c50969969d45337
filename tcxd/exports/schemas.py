from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ExportIn(Schema):
    source: str = Field(description="Danh sách: dang-vien (đảng viên), can-bo (sổ quyết định công tác cán bộ)")
    format: str = Field("xlsx", description="xlsx hoặc csv (UTF-8 có BOM)")
    params: dict[str, str] = Field(default_factory=dict,
                                   description="Bộ lọc như trên trang danh sách (ví dụ {\"status\": \"official\", "
                                               "\"to_chuc\": \"12\"} hoặc {\"loai\": \"bo_nhiem\"})")


class ExportJobOut(Schema):
    id: int
    source: str
    title: str
    format: str
    status: str
    status_label: str
    params: dict
    filters_label: str
    rows_total: int | None
    rows_done: int
    percent: int
    sheets: int
    size: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None = Field(None, description="Tải tệp khi đã xong (chỉ người tạo tải được)")


class DirectParams(Schema):
    format: str = Field("xlsx", description="xlsx hoặc csv")
