"""JSON API of the party-fee ledger: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from tcxd.authz.guards import require_write_role
from tcxd.common.errors import ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.members.models import Member
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import selectors as S
from . import services
from .periods import in_range, month_start
from .schemas import (
    ArrearsOut,
    BasisIn,
    BasisOut,
    ComputeOut,
    DecisionIn,
    DecisionOut,
    LedgerOut,
    MonthIn,
    PaymentIn,
    PaymentOut,
    ReportOut,
)

router = Router(tags=["Đảng phí"])


class MonthParams(Schema):
    month: dt.date | None = Field(None, description="Một ngày trong tháng; mặc định tháng hiện tại")


class YearParams(Schema):
    year: int | None = Field(None, ge=1930, le=2100, description="Năm; mặc định năm hiện tại")


def _month(value: dt.date | None) -> dt.date:
    month = month_start(value or timezone.localdate())
    if not in_range(month):
        raise HttpError(422, "Tháng không hợp lệ.")
    return month


def _writable(request, org_id: int) -> Org:
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    require_write_role(request.auth)
    return org


def _member_in(org: Org, member_id: int) -> Member:
    """A member registered or temporarily attending (B-16) in the org's subtree; anything else is a
    field error (never a hint)."""
    in_subtree = org_selectors.subtree_q(org, "org__path") | org_selectors.subtree_q(org, "temporary_org__path")
    member = (Member.objects.filter(in_subtree, pk=member_id).select_related("org", "temporary_org").first()
              if 0 < member_id < 2**63 else None)
    if member is None:
        raise ValidationFailed({"member_id": ["Không có đảng viên này trong tổ chức."]})
    return member


@router.get("/orgs/{org_id}/ledger", response={200: LedgerOut, **READ_ERRORS},
            summary="Sổ thu đảng phí của tổ chức (đảng viên sinh hoạt trực tiếp) trong một tháng")
def ledger(request, org_id: int, params: Query[MonthParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    data = S.fee_ledger(org=org, month=_month(params.month))
    lines = []
    for r in data.rows:
        line = r.line
        lines.append({"member_id": r.member.pk, "full_name": r.member.full_name, "computed": line is not None,
                      **({"amount_due": line.amount_due, "rule_text": line.rule_text, "regulation": line.regulation,
                          "exempt": line.exempt, "amount_paid": line.amount_paid, "paid_on": line.paid_on,
                          "channel": line.channel} if line else {})})
    return {"org_id": org.pk, "month": data.month, "regulation": data.regulation, "members": data.count,
            "computed": data.computed, "paid": data.paid, "total_due": data.total_due,
            "total_paid": data.total_paid, "lines": lines}


@router.get("/orgs/{org_id}/arrears", response={200: list[ArrearsOut], **READ_ERRORS},
            summary="Đảng viên còn nợ đảng phí trong năm (tháng đã qua, có số phải đóng, chưa đóng)")
def arrears(request, org_id: int, params: Query[YearParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    rows = S.fee_arrears(org=org, year=params.year or timezone.localdate().year)
    return [{"member_id": r.member.pk, "full_name": r.member.full_name, "unpaid_months": r.unpaid_months,
             "owed": r.owed} for r in rows]


@router.get("/orgs/{org_id}/report", response={200: ReportOut, **READ_ERRORS},
            summary="Báo cáo thu đảng phí tháng theo chi bộ trong cây trực thuộc, có tổng cộng")
def report(request, org_id: int, params: Query[MonthParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    data = S.fee_collection_report(org=org, month=_month(params.month))
    return {"org_id": org.pk, "month": data.month, "regulation": data.regulation,
            "remit_share": None if data.remit_share is None else str(data.remit_share),
            "remit_amount": data.remit_amount, "rows": data.rows, "total": data.total}


@router.post("/orgs/{org_id}/compute", response={200: ComputeOut, **ERRORS},
             summary="Tính số phải đóng của tháng cho mọi đảng viên trong cây trực thuộc")
def compute(request, org_id: int, payload: MonthIn):
    org = _writable(request, org_id)
    return services.fee_month_compute(actor=request.auth, org=org, month=payload.month)


@router.post("/orgs/{org_id}/payments", response={201: PaymentOut, **ERRORS},
             summary="Ghi (hoặc sửa) khoản đảng phí đã đóng của một đảng viên trong một tháng")
def payment(request, org_id: int, payload: PaymentIn):
    org = _writable(request, org_id)
    member = _member_in(org, payload.member_id)
    line = services.fee_payment_record(actor=request.auth, member=member, month=payload.month,
                                       amount_paid=payload.amount_paid, paid_on=payload.paid_on,
                                       channel=payload.channel)
    return Status(201, line)


@router.post("/orgs/{org_id}/bases", response={201: BasisOut, **ERRORS},
             summary="Ghi căn cứ tính đảng phí của đảng viên từ một tháng (lưu lịch sử, không ghi đè)")
def basis(request, org_id: int, payload: BasisIn):
    org = _writable(request, org_id)
    member = _member_in(org, payload.member_id)
    row = services.fee_basis_set(actor=request.auth, member=member, valid_from=payload.valid_from,
                                 group=payload.group, base_amount=payload.base_amount, note=payload.note)
    return Status(201, row)


@router.post("/orgs/{org_id}/decisions", response={201: DecisionOut, **ERRORS},
             summary="Ghi quyết định miễn, giảm đảng phí (giảm 30/50/70 %, mỗi quyết định tối đa 12 tháng)")
def decision(request, org_id: int, payload: DecisionIn):
    org = _writable(request, org_id)
    member = _member_in(org, payload.member_id)
    row = services.fee_decision_create(
        actor=request.auth, member=member, kind=payload.kind, ground=payload.ground, percent=payload.percent,
        from_month=payload.from_month, to_month=payload.to_month, reason=payload.reason,
        decision_no=payload.decision_no, decided_on=payload.decided_on)
    return Status(201, row)
