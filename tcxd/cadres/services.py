"""Writes to the cadre register. One transaction each: scope (the managing committee's subtree), every
problem of the entry at once, the rules in force on the decision's dates (``tcxd.rules.pure.cadres``),
the row, exactly one audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.members import lifecycle as L
from tcxd.members.models import Member
from tcxd.members.selectors import member_queryset
from tcxd.orgs.kinds import INSPECTION_KINDS, OrgKind
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import org_version_on
from tcxd.rules.pure import cadres as R
from tcxd.rules.pure import membership as M
from tcxd.rules.selectors import param_version

from .models import CadreMove

# A standing committee (Ban Thường vụ) manages cadres from the grassroots party committee upward.
MANAGING_KINDS = INSPECTION_KINDS
TEXT_FIELDS = ("decision_issuer", "from_position", "from_unit", "to_position", "to_unit")
MAX_TEXT = 255
# What an entry of each kind must say about where the cadre goes.
NEEDS_POSITION = frozenset({R.MoveKind.KIEN_TOAN, R.MoveKind.BO_NHIEM, R.MoveKind.BO_NHIEM_LAI,
                            R.MoveKind.GIOI_THIEU_UNG_CU})
NEEDS_UNIT = frozenset({R.MoveKind.DIEU_DONG, R.MoveKind.LUAN_CHUYEN, R.MoveKind.BIET_PHAI})
COUNTED = (M.Status.PROBATIONARY, M.Status.OFFICIAL)


def lookup(key: str, on: dt.date) -> tuple[Any, str]:
    """(value, regulation code) of ``key`` in force on ``on`` (LookupError when none is)."""
    version = param_version(key, on=on)
    return version.parameter.value, version.regulation.code


def _today() -> dt.date:
    return timezone.localdate()


def snapshot(move: CadreMove) -> dict:
    return {"member": move.member_id, "kind": move.kind, "effective_on": move.effective_on,
            "decision_no": move.decision_no, "decision_date": move.decision_date,
            "decision_issuer": move.decision_issuer, "managing_org": move.managing_org_id,
            "from_position": move.from_position, "from_unit": move.from_unit, "to_position": move.to_position,
            "to_unit": move.to_unit, "to_org": move.to_org_id, "higher_post": move.higher_post,
            "file_received_on": move.file_received_on, "term_end": move.term_end, "regulation": move.regulation}


def _field_errors(*, kind, effective_on, decision_no, decision_date, file_received_on, texts: dict[str, str],
                  to_org: Org | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = _today()
    if kind is None:
        add("kind", "Chưa chọn loại quyết định (kiện toàn, điều động, luân chuyển, biệt phái, bổ nhiệm, bổ nhiệm lại, "
                    "giới thiệu ứng cử).")
    if effective_on is None:
        add("effective_on", "Chưa nhập ngày hiệu lực của quyết định.")
    if not decision_no:
        add("decision_no", "Chưa nhập số quyết định.")
    elif len(decision_no) > 60:
        add("decision_no", "Số quyết định tối đa 60 ký tự.")
    if decision_date is None:
        add("decision_date", "Chưa nhập ngày quyết định.")
    elif decision_date > today:
        add("decision_date", f"Ngày quyết định {fmt_date(decision_date)} ở tương lai: chỉ ghi quyết định đã ban hành.")
    elif effective_on is not None and effective_on < decision_date:
        add("effective_on", f"Ngày hiệu lực {fmt_date(effective_on)} trước ngày quyết định {fmt_date(decision_date)}.")
    if file_received_on is not None:
        if file_received_on > today:
            add("file_received_on", f"Ngày nhận hồ sơ {fmt_date(file_received_on)} ở tương lai.")
        elif decision_date is not None and file_received_on > decision_date:
            add("file_received_on", f"Ngày nhận đủ hồ sơ {fmt_date(file_received_on)} sau ngày quyết định "
                                    f"{fmt_date(decision_date)}: hồ sơ được nhận trước khi quyết định.")
    for field, value in texts.items():
        if len(value) > MAX_TEXT:
            add(field, f"Tối đa {MAX_TEXT} ký tự.")
    if kind in NEEDS_POSITION and not texts["to_position"]:
        add("to_position", f"{R.KIND_LABELS[kind]}: chưa nhập chức vụ (chức danh) mới.")
    if kind in NEEDS_UNIT and not (texts["to_unit"] or to_org is not None):
        add("to_unit", f"{R.KIND_LABELS[kind]}: chưa nhập đơn vị (hoặc tổ chức đảng) nơi đến.")
    return errors


def _managing_org_errors(org: Org, on: dt.date | None) -> list[str]:
    if org.kind not in MANAGING_KINDS:
        return [f"{org.name} ({OrgKind(org.kind).label.lower()}) không có Ban Thường vụ quản lý cán bộ: chọn cấp ủy từ "
                "đảng bộ cơ sở trở lên."]
    if on is not None and org_version_on(org=org, day=on) is None:
        return [f"{org.name} chưa thành lập hoặc đã giải thể vào ngày {fmt_date(on)}."]
    return []


def _member_facts(member: Member, on: dt.date) -> tuple[M.State, tuple[R.Discipline, ...]]:
    history = L.history_of(member)
    disciplines = tuple(R.Discipline(e.on, str(e.data.get("form", ""))) for e in history
                        if e.kind == M.EventKind.DISCIPLINE)
    return M.state_on(history, on), disciplines


def _regulations(*, higher_post: bool, decision_date: dt.date, file_received_on: dt.date | None,
                 term_regulation: str) -> str:
    """The regulations whose rules judged the entry (stored with it, I.5)."""
    codes = [term_regulation] if term_regulation else []
    if higher_post:
        for key, day in ((R.MIN_REMAINING_KEY, file_received_on), (R.DISCIPLINE_WAIT_KEY, decision_date)):
            if day is None:
                continue
            try:
                codes.append(lookup(key, day)[1])
            except LookupError:
                continue
    return "; ".join(dict.fromkeys(codes))[:200]


@transaction.atomic
def cadre_move_record(*, actor, member: Member, kind: str, effective_on: dt.date | None, decision_no: str,
                      decision_date: dt.date | None, managing_org: Org, decision_issuer: str = "",
                      from_position: str = "", from_unit: str = "", to_position: str = "", to_unit: str = "",
                      to_org: Org | None = None, higher_post: bool = False, file_received_on: dt.date | None = None,
                      note: str = "") -> CadreMove:
    """Record one decision about one cadre managed by ``managing_org``'s standing committee."""
    require_write(actor, managing_org.path)
    if not member_queryset(actor=actor).filter(pk=member.pk).exists():
        raise NotFound()
    try:
        move_kind: R.MoveKind | None = R.MoveKind(kind)
    except ValueError:
        move_kind = None
    texts = {f: (v or "").strip() for f, v in (("decision_issuer", decision_issuer), ("from_position", from_position),
                                                ("from_unit", from_unit), ("to_position", to_position),
                                                ("to_unit", to_unit))}
    decision_no = (decision_no or "").strip()
    errors = _field_errors(kind=move_kind, effective_on=effective_on, decision_no=decision_no,
                           decision_date=decision_date, file_received_on=file_received_on, texts=texts, to_org=to_org)
    org_problems = _managing_org_errors(managing_org, effective_on)
    if org_problems:
        errors.setdefault("managing_org", []).extend(org_problems)
    if effective_on is not None:
        state, disciplines = _member_facts(member, effective_on)
        if state.status not in COUNTED:
            errors.setdefault("member", []).append(
                f"{member.full_name} không phải đảng viên (dự bị hoặc chính thức) vào ngày {fmt_date(effective_on)}: "
                "sổ công tác cán bộ ghi quyết định về cán bộ là đảng viên.")
        if move_kind is not None and decision_date is not None and "decision_date" not in errors:
            move = R.Move(kind=move_kind, effective_on=effective_on, decision_date=decision_date,
                          birth_date=member.birth_date, sex=member.sex, higher_post=higher_post,
                          file_received_on=file_received_on, disciplines=disciplines)
            for problem in R.check_move(move, lookup):
                errors.setdefault(problem.field or "__all__", []).append(problem.message)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(errors, message=first)
    assert move_kind is not None and effective_on is not None and decision_date is not None
    term_end, term_regulation = R.appointment_term_end(move_kind, effective_on, lookup)
    move = CadreMove.objects.create(
        member=member, kind=move_kind.value, effective_on=effective_on, decision_no=decision_no,
        decision_date=decision_date, managing_org=managing_org, to_org=to_org, higher_post=higher_post,
        file_received_on=file_received_on, term_end=term_end, note=(note or "").strip(),
        regulation=_regulations(higher_post=higher_post, decision_date=decision_date,
                                file_received_on=file_received_on, term_regulation=term_regulation),
        created_by=actor if getattr(actor, "is_authenticated", False) else None, **texts)
    audit_record(actor=actor, action=f"cadre_move.record.{move.kind}", obj=move, after=snapshot(move),
                 org=managing_org, note=move.note)
    return move


@transaction.atomic
def cadre_move_void(*, actor, pk: int, reason: str) -> CadreMove:
    """Void a mistaken entry, with a reason; the row stays (struck through) and no longer counts."""
    move = CadreMove.objects.select_for_update(of=("self",)).select_related("managing_org").filter(pk=pk).first()
    if move is None:
        raise NotFound()
    require_write(actor, move.managing_org.path)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": ["Cần ghi lý do hủy."]}, message="Cần ghi lý do hủy.")
    if len(reason) > MAX_TEXT:
        raise ValidationFailed({"reason": [f"Lý do hủy tối đa {MAX_TEXT} ký tự."]})
    if move.voided_at is not None:
        raise DomainError("already_voided", f"Quyết định này đã được hủy lúc "
                                            f"{timezone.localtime(move.voided_at):%H:%M %d/%m/%Y}.")
    move.voided_at, move.void_reason = timezone.now(), reason
    move.voided_by = actor if getattr(actor, "is_authenticated", False) else None
    move.save(update_fields=["voided_at", "void_reason", "voided_by"])
    audit_record(actor=actor, action="cadre_move.void", obj=move, before=snapshot(move), after={"voided": True},
                 org=move.managing_org, note=reason)
    return move
