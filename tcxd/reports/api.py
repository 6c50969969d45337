"""The reports context's API (statistics, forms, targets, packages)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Thống kê, báo cáo"])
