from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class LedgerLineOut(Schema):
    member_id: int
    full_name: str
    computed: bool
    amount_due: int | None = None
    rule_text: str = ""
    regulation: str = ""
    exempt: bool = False
    amount_paid: int | None = None
    paid_on: dt.date | None = None
    channel: str = ""


class LedgerOut(Schema):
    org_id: int
    month: dt.date
    regulation: str
    members: int
    computed: int
    paid: int
    total_due: int
    total_paid: int
    lines: list[LedgerLineOut]


class ArrearsOut(Schema):
    member_id: int
    full_name: str
    unpaid_months: list[dt.date]
    owed: int


class ReportRowOut(Schema):
    org_id: int
    name: str
    members: int
    lines: int
    exempt: int
    due: int
    paid_count: int
    paid: int
    unpaid_count: int
    unpaid_due: int
    not_computable: int


class ReportOut(Schema):
    org_id: int
    month: dt.date
    regulation: str
    remit_share: str | None
    remit_amount: int | None
    rows: list[ReportRowOut]
    total: ReportRowOut


class MonthIn(Schema):
    month: dt.date = Field(..., description="Một ngày bất kỳ trong tháng (lấy ngày đầu tháng), ví dụ 2026-02-01")


class ComputeOut(Schema):
    month: dt.date
    members: int
    created: int
    updated: int
    not_computable: int
    total_due: int


class PaymentIn(Schema):
    member_id: int
    month: dt.date
    amount_paid: int = Field(..., ge=0, le=10**12)
    paid_on: dt.date
    channel: str = Field(..., description="cash (tiền mặt tại chi bộ) | portal (Cổng Dịch vụ công quốc gia)")


class PaymentOut(Schema):
    id: int
    member_id: int
    org_id: int
    month: dt.date
    amount_due: int | None
    rule_text: str
    regulation: str
    amount_paid: int | None
    paid_on: dt.date | None
    channel: str


class BasisIn(Schema):
    member_id: int
    valid_from: dt.date
    group: str
    base_amount: int | None = Field(None, ge=0, le=10**12)
    note: str = ""


class BasisOut(Schema):
    id: int
    member_id: int
    valid_from: dt.date
    group: str
    base_amount: int | None
    note: str


class DecisionIn(Schema):
    member_id: int
    kind: str = Field(..., description="exempt | reduce")
    ground: str = Field(..., description="social_pension | hardship")
    percent: int | None = Field(None, description="30, 50 hoặc 70 khi giảm")
    from_month: dt.date
    to_month: dt.date | None = None
    reason: str
    decision_no: str
    decided_on: dt.date | None = None


class DecisionOut(Schema):
    id: int
    member_id: int
    kind: str
    ground: str
    percent: int
    from_month: dt.date
    to_month: dt.date | None
    reason: str
    decision_no: str
    decided_on: dt.date | None
