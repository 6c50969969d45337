"""Writes to the party-fee ledger. One transaction each: check scope, validate by the rules in force
for the month (all errors at once, Vietnamese messages), write, one audit row per write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date, fmt_int
from tcxd.members.codes import FeeGroup
from tcxd.members.models import Member
from tcxd.orgs.models import Org
from tcxd.rules.pure.calendar import add_months

from . import bulk, calc
from .compute import attending_q, dues_for, fee_org_id, fetch, member_of_month_q, payer_q
from .models import DecisionGround, DecisionKind, FeeBasis, FeeChannel, FeeDecision, FeePayment
from .periods import fmt_month, in_range, month_start, months_inclusive
from .rates import decision_max_months, fee_rates, reduction_percents

MAX_AMOUNT = 10**12  # whole đồng; anything larger is a typing mistake


def _today() -> dt.date:
    return timezone.localdate()


def _is_user(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def _month_errors(month: dt.date | None, field: str, errors: dict[str, list[str]], *,
                  allow_future: bool = False) -> dt.date | None:
    if month is None:
        errors.setdefault(field, []).append("Chưa nhập tháng.")
        return None
    month = month_start(month)
    if not in_range(month):
        errors.setdefault(field, []).append(f"Tháng {fmt_month(month)} không hợp lệ.")
        return None
    if not allow_future and month > month_start(_today()):
        errors.setdefault(field, []).append(f"Tháng {fmt_month(month)} chưa đến.")
        return None
    return month


def _member_of_month(member: Member, month: dt.date) -> bool:
    return Member.objects.filter(member_of_month_q(month), pk=member.pk).exists()


def _due_of(member: Member, month: dt.date) -> calc.FeeDue:
    """The fee due of one member for one month (the same code as a province's computation)."""
    [(_member, _org, due)] = dues_for(Member.objects.filter(pk=member.pk), month, Q(member_id=member.pk))
    return due


def _fee_org(member: Member) -> Org:
    """Where the member pays the fee: the host org of a temporary transfer, else the official org."""
    return member.temporary_org if member.temporary_org_id else member.org


def _require_member_write(actor, member: Member) -> None:
    """Write access to a member's fee records: in the scope of the org where the fee is paid (the
    host org of a temporary transfer, B-16) or of the official org."""
    if member.temporary_org_id:
        try:
            require_write(actor, member.temporary_org.path)
            return
        except NotFound:
            pass
    require_write(actor, member.org.path)


# ---- basis and decisions ---------------------------------------------------------------------------

def _recompute_member(member: Member, first_month: dt.date, last_month: dt.date | None = None) -> int:
    """Refresh the amount due of the member's existing ledger lines from ``first_month`` on."""
    qs = FeePayment.objects.filter(member=member, month__gte=first_month)
    if last_month is not None:
        qs = qs.filter(month__lte=last_month)
    changed = 0
    for line in qs:
        due = _due_of(member, line.month)
        if (line.amount_due, line.rule_text, line.exempt) != (due.amount_vnd, due.rule_text[:300], due.exempt):
            line.amount_due, line.rule_text, line.exempt = due.amount_vnd, due.rule_text[:300], due.exempt
            line.computed_at = timezone.now()
            line.save(update_fields=["amount_due", "rule_text", "exempt", "computed_at"])
            changed += 1
    return changed


@transaction.atomic
def fee_basis_set(*, actor, member: Member, valid_from: dt.date | None, group: str,
                  base_amount: int | None, note: str = "") -> FeeBasis:
    """Record what the member's fee is computed from, from a month on (a new row; history is kept)."""
    _require_member_write(actor, member)
    errors: dict[str, list[str]] = {}
    month = _month_errors(valid_from, "valid_from", errors)
    if group not in FeeGroup.values:
        errors["group"] = ["Nhóm đóng đảng phí không hợp lệ."]
    elif group in calc.GROUPS_WITH_BASE:
        if base_amount is None:
            errors["base_amount"] = [f"Chưa nhập căn cứ tính ({calc.BASE_LABELS[group]})."]
        elif not 0 < base_amount < MAX_AMOUNT:
            errors["base_amount"] = ["Căn cứ tính phải là số tiền dương (đồng)."]
    elif base_amount is not None and not 0 <= base_amount < MAX_AMOUNT:
        errors["base_amount"] = ["Căn cứ tính phải là số tiền dương (đồng)."]
    if month and not _member_of_month(member, month):
        errors.setdefault("valid_from", []).append(
            f"{member.full_name} không phải đảng viên chính thức hoặc dự bị trong tháng {fmt_month(month)}.")
    if errors:
        raise ValidationFailed(errors)
    basis = FeeBasis.objects.create(member=member, valid_from=month, group=group,
                                    base_amount=base_amount if group in calc.GROUPS_WITH_BASE else None,
                                    note=note.strip()[:255], recorded_by=actor if _is_user(actor) else None)
    recomputed = _recompute_member(member, month)
    audit_record(actor=actor, action="fee.basis_set", obj=basis, org=_fee_org(member),
                 after={"member": member.pk, "valid_from": month, "group": group,
                        "base_amount": basis.base_amount, "recomputed_lines": recomputed})
    return basis


def _decision_errors(member: Member, *, kind: str, ground: str, percent: int | None, first: dt.date | None,
                     last: dt.date | None, reason: str, decision_no: str,
                     decided_on: dt.date | None) -> tuple[dict[str, list[str]], int]:
    errors: dict[str, list[str]] = {}
    first = _month_errors(first, "from_month", errors, allow_future=True)
    if last is not None:
        last = month_start(last)
    if kind not in DecisionKind.values:
        errors["kind"] = ["Loại quyết định không hợp lệ (miễn hoặc giảm)."]
    if ground not in DecisionGround.values:
        errors["ground"] = ["Căn cứ miễn, giảm không hợp lệ."]
    if not reason.strip():
        errors["reason"] = ["Chưa ghi lý do."]
    if not decision_no.strip():
        errors["decision_no"] = ["Chưa nhập số quyết định."]
    if decided_on is not None and decided_on > _today():
        errors["decided_on"] = ["Ngày quyết định ở tương lai."]
    pct = 100
    if first is not None and kind == DecisionKind.REDUCE:
        allowed = reduction_percents(first)
        if allowed is None:
            errors["percent"] = [f"Chưa có quy định về mức giảm đảng phí áp dụng cho tháng {fmt_month(first)}."]
        elif percent not in allowed:
            errors["percent"] = [f"Mức giảm phải là {', '.join(f'{p} %' for p in allowed)} (QĐ 01-QĐ/TW)."]
        else:
            pct = percent
        if ground == DecisionGround.SOCIAL_PENSION:
            errors["ground"] = ["Đảng viên hưởng trợ cấp hưu trí xã hội được miễn, không phải giảm."]
    if first is not None and ground == DecisionGround.HARDSHIP:
        limit = decision_max_months(first)
        if last is None:
            errors["to_month"] = ["Quyết định miễn, giảm vì hoàn cảnh khó khăn phải có thời hạn (đến tháng)."]
        elif limit is None:
            errors["to_month"] = [f"Chưa có quy định về thời hạn miễn, giảm áp dụng cho tháng {fmt_month(first)}."]
        elif last >= first and months_inclusive(first, last) > limit:
            errors["to_month"] = [f"Mỗi quyết định miễn, giảm đảng phí tối đa {limit} tháng; "
                                  f"{fmt_month(first)}–{fmt_month(last)} là {months_inclusive(first, last)} tháng."]
    if first is not None and last is not None and last < first:
        errors["to_month"] = ["Tháng kết thúc trước tháng bắt đầu."]
    if first is not None and "to_month" not in errors:
        overlap = FeeDecision.objects.filter(member=member).filter(
            Q(to_month__isnull=True) | Q(to_month__gte=first))
        if last is not None:
            overlap = overlap.filter(from_month__lte=last)
        clash = overlap.order_by("from_month").first()
        if clash is not None:
            until = fmt_month(clash.to_month) if clash.to_month else "nay"
            errors["from_month"] = [f"Trùng thời gian với quyết định số {clash.decision_no} "
                                    f"({fmt_month(clash.from_month)}–{until})."]
    return errors, pct


@transaction.atomic
def fee_decision_create(*, actor, member: Member, kind: str, ground: str, percent: int | None,
                        from_month: dt.date | None, to_month: dt.date | None, reason: str, decision_no: str,
                        decided_on: dt.date | None = None) -> FeeDecision:
    """An exemption or a 30/50/70 % reduction for a range of months (B-28: hardship ≤ 12 months)."""
    _require_member_write(actor, member)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    errors, pct = _decision_errors(member, kind=kind, ground=ground, percent=percent, first=from_month,
                                   last=to_month, reason=reason, decision_no=decision_no, decided_on=decided_on)
    if errors:
        raise ValidationFailed(errors)
    first = month_start(from_month)
    last = month_start(to_month) if to_month else None
    decision = FeeDecision.objects.create(
        member=member, kind=kind, ground=ground, percent=pct, from_month=first, to_month=last,
        reason=reason.strip()[:500], decision_no=decision_no.strip()[:60], decided_on=decided_on,
        recorded_by=actor if _is_user(actor) else None)
    recomputed = _recompute_member(member, first, last)
    audit_record(actor=actor, action="fee.decision_create", obj=decision, org=_fee_org(member),
                 after={"member": member.pk, "kind": kind, "ground": ground, "percent": pct, "from_month": first,
                        "to_month": last, "decision_no": decision.decision_no, "recomputed_lines": recomputed})
    return decision


# ---- monthly computation ------------------------------------------------------------------------

@dataclass(frozen=True)
class ComputeResult:
    month: dt.date
    members: int
    created: int
    updated: int
    not_computable: int
    total_due: int


@transaction.atomic
def fee_month_compute(*, actor, org: Org, month: dt.date | None) -> ComputeResult:
    """Compute the amount due for ``month`` of every official/probationary member paying in the
    subtree of ``org`` (registered there, or temporarily attending there — B-16): new ledger lines are
    created at the org where the member pays, changed ones updated (payments are kept; a line stays at
    the org it was created at)."""
    require_write(actor, org.path)
    errors: dict[str, list[str]] = {}
    month = _month_errors(month, "month", errors)
    if errors:
        raise ValidationFailed(errors)
    rates = fee_rates(month)
    member_q = payer_q(org, "member__") & member_of_month_q(month, "member__")
    dues = dues_for(Member.objects.filter(payer_q(org) & member_of_month_q(month)), month, member_q, rates)
    existing = {
        member_id: (pk, due, text, regulation, bool(exempt))
        for pk, member_id, due, text, regulation, exempt in fetch(FeePayment.objects.filter(
            member_q, month=month).values_list(
            "id", "member_id", "amount_due", "rule_text", "regulation", "exempt").order_by())
    }
    now = timezone.now()
    regulation = rates.regulation
    new: list[tuple] = []
    changes: list[tuple] = []
    total = not_computable = 0
    for member_id, org_id, due in dues:
        amount = due.amount_vnd
        if amount is None:
            not_computable += 1
        else:
            total += amount
        text = due.rule_text[:300]
        line = existing.get(member_id) if existing else None
        if line is None:
            new.append((member_id, org_id, amount, text, due.exempt))
        elif line[1:] != (amount, text, regulation, due.exempt):
            changes.append((amount, text, regulation, due.exempt, bulk.adapt_moment(now), line[0]))
    bulk.insert_lines(new, month=month, regulation=regulation, computed_at=now)
    bulk.update_lines(changes)
    result = ComputeResult(month=month, members=len(dues), created=len(new), updated=len(changes),
                           not_computable=not_computable, total_due=total)
    audit_record(actor=actor, action="fee.month_compute", obj=org, org=org,
                 after={"month": month, "regulation": rates.regulation, "members": result.members,
                        "created": result.created, "updated": result.updated,
                        "not_computable": result.not_computable, "total_due": result.total_due})
    return result


# ---- payments ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentEntry:
    member_id: int
    amount_paid: int | None
    paid_on: dt.date | None
    channel: str


def _line_for(member: Member, month: dt.date) -> FeePayment:
    """The member's ledger line for the month, computed now if the month was not computed yet."""
    line = FeePayment.objects.select_for_update().filter(member=member, month=month).first()
    if line is not None:
        return line
    due = _due_of(member, month)
    return FeePayment(member=member, org_id=fee_org_id(member), month=month, amount_due=due.amount_vnd,
                      rule_text=due.rule_text[:300], regulation=fee_rates(month).regulation, exempt=due.exempt,
                      computed_at=timezone.now())


def _payment_problems(member: Member, month: dt.date, line: FeePayment, entry: PaymentEntry) -> list[str]:
    problems: list[str] = []
    if entry.amount_paid is None or entry.amount_paid <= 0:
        problems.append("Số tiền đóng phải lớn hơn 0.")
    elif entry.amount_paid >= MAX_AMOUNT:
        problems.append("Số tiền đóng quá lớn.")
    elif line.amount_due is not None and entry.amount_paid < line.amount_due:
        problems.append(f"Số tiền đóng ({fmt_int(entry.amount_paid)} đ) thấp hơn số phải đóng tháng "
                        f"{fmt_month(month)} ({fmt_int(line.amount_due)} đ).")
    if entry.paid_on is None:
        problems.append("Chưa nhập ngày đóng.")
    elif entry.paid_on > _today():
        problems.append(f"Ngày đóng {fmt_date(entry.paid_on)} ở tương lai.")
    elif entry.paid_on < add_months(month, -12):
        problems.append(f"Ngày đóng {fmt_date(entry.paid_on)} sớm hơn tháng {fmt_month(month)} quá 12 tháng.")
    if entry.channel not in FeeChannel.values:
        problems.append("Chưa chọn hình thức đóng (tiền mặt hoặc Cổng Dịch vụ công quốc gia).")
    if not _member_of_month(member, month) and line.pk is None:
        problems.append(f"{member.full_name} không phải đảng viên chính thức hoặc dự bị trong tháng "
                        f"{fmt_month(month)}.")
    return problems


def _payment_write(actor, member: Member, line: FeePayment, entry: PaymentEntry) -> FeePayment:
    before = {"amount_paid": line.amount_paid, "paid_on": line.paid_on, "channel": line.channel} \
        if line.pk and line.amount_paid is not None else None
    line.amount_paid, line.paid_on, line.channel = entry.amount_paid, entry.paid_on, entry.channel
    line.recorded_by = actor if _is_user(actor) else None
    line.recorded_at = timezone.now()
    line.save()
    audit_record(actor=actor, action="fee.payment_record", obj=line, org=_fee_org(member), before=before,
                 after={"member": member.pk, "month": line.month, "amount_due": line.amount_due,
                        "amount_paid": line.amount_paid, "paid_on": line.paid_on, "channel": line.channel})
    return line


@transaction.atomic
def fee_payment_record(*, actor, member: Member, month: dt.date | None, amount_paid: int | None,
                       paid_on: dt.date | None, channel: str) -> FeePayment:
    """Record (or correct) what a member paid for a month. Less than the amount due is refused;
    more is accepted (voluntary higher payments, B-29)."""
    _require_member_write(actor, member)
    errors: dict[str, list[str]] = {}
    month = _month_errors(month, "month", errors)
    if errors:
        raise ValidationFailed(errors)
    line = _line_for(member, month)
    entry = PaymentEntry(member.pk, amount_paid, paid_on, channel)
    problems = _payment_problems(member, month, line, entry)
    if problems:
        raise ValidationFailed({"payment": problems}, message=problems[0])
    return _payment_write(actor, member, line, entry)


@transaction.atomic
def fee_ledger_save(*, actor, org: Org, month: dt.date | None, entries: list[PaymentEntry]) -> list[FeePayment]:
    """Record several payments of one cell's ledger at once: all or nothing (errors per member).
    Lines shown again unchanged are skipped; each written line leaves one audit row."""
    require_write(actor, org.path)
    errors: dict[str, list[str]] = {}
    month = _month_errors(month, "month", errors)
    if errors:
        raise ValidationFailed(errors)
    ids = [e.member_id for e in entries]
    on_ledger = attending_q(org) | Q(pk__in=FeePayment.objects.filter(org=org, month=month).values("member_id"))
    members = {m.pk: m for m in Member.objects.filter(on_ledger, pk__in=ids).select_related("org", "temporary_org")}
    checked: list[tuple[Member, FeePayment, PaymentEntry]] = []
    for entry in entries:
        member = members.get(entry.member_id)
        if member is None:
            errors[f"member_{entry.member_id}"] = ["Đảng viên không sinh hoạt tại tổ chức này."]
            continue
        line = _line_for(member, month)
        if line.org_id != org.pk:
            errors[f"member_{member.pk}"] = [f"Khoản đảng phí tháng {fmt_month(month)} của {member.full_name} "
                                             "được ghi ở sổ thu của tổ chức khác."]
            continue
        if line.pk and (line.amount_paid, line.paid_on, line.channel) == (entry.amount_paid, entry.paid_on,
                                                                        entry.channel):
            continue  # shown again unchanged: nothing to write
        problems = _payment_problems(member, month, line, entry)
        if problems:
            errors[f"member_{member.pk}"] = problems
        else:
            checked.append((member, line, entry))
    if errors:
        raise ValidationFailed(errors, message="Chưa lưu: có dòng chưa hợp lệ, xem thông báo ở từng dòng.")
    return [_payment_write(actor, member, line, entry) for member, line, entry in checked]
