"""Writes to member dossiers and their events. One transaction each; the pure lifecycle engine
judges every event by the rules in force on its date; the projection columns, the org headcounts
and one audit row are written in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.authz.scope import scope_for
from tcxd.common import cccd as cccd_rules
from tcxd.common.errors import DomainError, NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.common.text import fold
from tcxd.geo.models import MapVersion
from tcxd.geo.selectors import successors_of
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M

from . import lifecycle as L
from .codes import Sex
from .models import ALL_FIELDS, FieldSource, Member, MemberEvent, MemberFieldSource, MemberSensitive
from .namewords import name_words_set
from .spells import dossier_values, spells_dossier_update

DOSSIER_FIELDS = (
    "full_name", "birth_name", "other_names", "sex", "birth_date", "birth_place", "hometown",
    "hometown_pre2025", "hometown_2025", "permanent_address", "current_address", "ethnicity", "religion",
    "cccd", "cccd_issued_on", "phone", "email", "general_education", "general_grade", "professional_level",
    "specialization", "academic_title", "political_theory", "foreign_language", "it_level",
    "occupation_group", "occupation", "workplace", "youth_union_joined_on", "profile_no", "fee_group",
)
SENSITIVE_FIELDS = ("family_political_notes", "personal_history_notes", "economic_situation")
# The rule parameter whose regulation governs each event kind (stored on the event, I.5).
GOVERNING_PARAM = {
    M.EventKind.CELL_VOTE: "admission.cell_vote_threshold",
    M.EventKind.COMMITTEE_VOTE: "admission.committee_vote_threshold",
    M.EventKind.ADMISSION_DECISION: "admission.decision_deadline_working_days",
    M.EventKind.CEREMONY: "admission.ceremony_deadline_working_days",
    M.EventKind.RECOGNITION_VOTE: "recognition.cell_vote_threshold",
    M.EventKind.RECOGNITION: "probation.months",
    M.EventKind.TRANSFER_OUT: "transfer.official_deadline_working_days",
    M.EventKind.READMISSION_DECISION: "admission.readmission_max_times",
    M.EventKind.BADGE: "badge.milestones_years",
    M.EventKind.SCREENING_VOTE: "screening.help_list_vote_threshold",
}

RESTRUCTURE_ONLY = ("Chuyển sinh hoạt theo sắp xếp tổ chức chỉ được ghi khi sắp xếp tổ chức (hợp nhất, sáp nhập, chia "
                    "tách…), cho mọi đảng viên của tổ chức cùng lúc; không ghi riêng cho từng đảng viên.")


def dossier_snapshot(member: Member) -> dict:
    data = {f: getattr(member, f + "_id" if f.startswith("hometown_") else f) for f in DOSSIER_FIELDS}
    data["cccd"] = member.cccd_masked  # never in clear in the audit trail
    return data


def _today() -> dt.date:
    return timezone.localdate()


# ---- dossier ---------------------------------------------------------------------------------------

def _cccd_taken(*, actor, cccd: str, exclude_pk=None) -> list[str]:
    existing = Member.objects.filter(cccd=cccd).exclude(pk=exclude_pk).select_related("org").first()
    if existing is None:
        return []
    if scope_for(actor).contains(existing.org.path):
        return [f"Số CCCD đã có trong hồ sơ của {existing.full_name} (sinh ngày {fmt_date(existing.birth_date)}, "
                f"{existing.org.name}). Mở hồ sơ đó thay vì tạo hồ sơ mới."]
    return ["Số CCCD này đã được đăng ký trong hệ thống ở một tổ chức khác. Liên hệ Ban Tổ chức cấp trên "
            "để chuyển hồ sơ."]


def _fill_hometown_2025(data: dict) -> None:
    """Quê quán on the 2025 map, derived from the pre-2025 commune when it went wholly into one unit (E-01)."""
    old = data.get("hometown_pre2025")
    if old is None or data.get("hometown_2025") is not None or getattr(old, "map_version", None) != MapVersion.PRE2025:
        return
    successors = list(successors_of(old)[:2])
    if len(successors) == 1:
        data["hometown_2025"] = successors[0]


def dossier_problems(data: dict, *, today: dt.date) -> dict[str, list[str]]:
    """What is wrong with a dossier's values, without the database (the forms, the API and the imports
    all judge a dossier with this; uniqueness of the CCCD is checked by the caller)."""
    errors: dict[str, list[str]] = {}
    if not (data.get("full_name") or "").strip():
        errors["full_name"] = ["Chưa nhập họ và tên."]
    if data.get("sex") not in Sex.values:
        errors["sex"] = ["Chưa chọn giới tính."]
    birth = data.get("birth_date")
    if birth is None:
        errors["birth_date"] = ["Chưa nhập ngày sinh."]
    elif birth > today:
        errors["birth_date"] = ["Ngày sinh ở tương lai."]
    elif birth.year < 1900:
        errors["birth_date"] = ["Năm sinh không hợp lệ."]
    for field, version, which in (("hometown_pre2025", MapVersion.PRE2025, "trước 01/07/2025"),
                                  ("hometown_2025", MapVersion.V2025, "từ 01/07/2025")):
        unit = data.get(field)
        if unit is not None and getattr(unit, "map_version", None) != version:
            errors[field] = [f"Quê quán: đơn vị hành chính phải thuộc danh mục {which} (NQ 202/2025/QH15)."]
    cccd_errors = cccd_rules.problems(data.get("cccd") or "", sex=data.get("sex"),
                                      birth_year=birth.year if birth else None)
    if cccd_errors:
        errors["cccd"] = cccd_errors
    for field, label in (("cccd_issued_on", "Ngày cấp CCCD"), ("youth_union_joined_on", "Ngày vào Đoàn")):
        day = data.get(field)
        if day is not None and day > today:
            errors[field] = [f"{label} ở tương lai."]
        elif day is not None and birth is not None and day < birth:
            errors[field] = [f"{label} trước ngày sinh."]
    if data.get("email"):
        try:
            validate_email(data["email"])
        except DjangoValidationError:
            errors["email"] = ["Địa chỉ email không hợp lệ."]
    return errors


def _validate_dossier(*, actor, data: dict, exclude_pk=None) -> dict[str, list[str]]:
    errors = dossier_problems(data, today=_today())
    if "cccd" not in errors:
        taken = _cccd_taken(actor=actor, cccd=data.get("cccd") or "", exclude_pk=exclude_pk)
        if taken:
            errors["cccd"] = taken
    return errors


@transaction.atomic
def member_create(*, actor, org: Org, on: dt.date | None, note: str = "", sensitive: dict | None = None,
                  **dossier) -> Member:
    """Open a dossier for a candidate (quần chúng ưu tú) proposed to ``org`` (a cell) on ``on``."""
    require_write(actor, org.path)
    unknown = set(dossier) - set(DOSSIER_FIELDS)
    if unknown:
        raise DomainError("unknown_field", f"Không có trường: {', '.join(sorted(unknown))}.")
    dossier["cccd"] = cccd_rules.normalize(dossier.get("cccd", ""))
    _fill_hometown_2025(dossier)
    errors = _validate_dossier(actor=actor, data=dossier)
    if on is None:
        errors.setdefault("on", []).append("Chưa nhập ngày được giới thiệu.")
    elif on > _today():
        errors.setdefault("on", []).append("Ngày ở tương lai.")
    if org.kind not in ("cell", "grassroots_cell"):
        errors.setdefault("org", []).append("Quần chúng ưu tú được giới thiệu về một chi bộ.")
    if errors:
        raise ValidationFailed(errors)
    member = Member(org=org, status=M.Status.CANDIDATE, name_norm=fold(dossier["full_name"]),
                    given_name_norm=fold(dossier["full_name"]).split(" ")[-1], **dossier)
    member.full_name = member.full_name.strip()
    member.save()
    name_words_set(member)
    MemberSensitive.objects.create(member=member, **(sensitive or {}))
    event = MemberEvent.objects.create(member=member, kind=M.EventKind.CANDIDATE, on=on, org=org, note=note,
                                       actor=actor if getattr(actor, "is_authenticated", False) else None)
    L.project(member, [L.to_event(event)])
    audit_record(actor=actor, action="member.create", obj=member, after=dossier_snapshot(member), org=org)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, sensitive: dict | None = None, **fields) -> Member:
    """Correct the dossier (not the events)."""
    require_write(actor, member.org.path)
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise DomainError("unknown_field", f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = dossier_snapshot(member)
    if "cccd" in fields:
        fields["cccd"] = cccd_rules.normalize(fields["cccd"])
    if "hometown_pre2025" in fields and fields.get("hometown_2025", member.hometown_2025) is None:
        _fill_hometown_2025(fields)
    data = {f: fields.get(f, getattr(member, f)) for f in DOSSIER_FIELDS}
    errors = _validate_dossier(actor=actor, data=data, exclude_pk=member.pk)
    if errors:
        raise ValidationFailed(errors)
    counted_before = dossier_values(member)
    changed = [key for key, value in fields.items() if getattr(member, key) != value]
    for key, value in fields.items():
        setattr(member, key, value)
    if changed:  # corrected in TCXD: no longer as the outside source last set it
        _field_sources_corrected(member, changed)
    old_name_norm = member.name_norm
    member.name_norm = fold(member.full_name)
    member.given_name_norm = member.name_norm.split(" ")[-1]
    member.save()
    if member.name_norm != old_name_norm:
        name_words_set(member, old_name_norm=old_name_norm)
    if dossier_values(member) != counted_before:
        spells_dossier_update(member)
    if sensitive is not None:
        MemberSensitive.objects.update_or_create(member=member, defaults={
            k: v for k, v in sensitive.items() if k in SENSITIVE_FIELDS})
    audit_record(actor=actor, action="member.update", obj=member, before=before, after=dossier_snapshot(member),
                 org=member.org)
    return member


def _field_sources_corrected(member: Member, fields: list[str]) -> None:
    """Fields just corrected in TCXD: TCXD is now their source."""
    MemberFieldSource.objects.filter(member=member, field__in=fields).delete()
    if MemberFieldSource.objects.filter(member=member, field=ALL_FIELDS).exists():
        now = timezone.now()
        MemberFieldSource.objects.bulk_create([MemberFieldSource(member=member, field=f, source=FieldSource.TCXD,
                                                                 set_at=now) for f in fields])


def field_source(member: Member, field: str) -> tuple[str, str, object]:
    """(source, batch reference, when) of a dossier field; TCXD with no reference when never imported."""
    rows = {r.field: r for r in MemberFieldSource.objects.filter(member=member, field__in=[field, ALL_FIELDS])}
    row = rows.get(field) or rows.get(ALL_FIELDS)
    return (row.source, row.ref, row.set_at) if row else (FieldSource.TCXD, "", None)


# ---- events ----------------------------------------------------------------------------------------

def _event_org(member: Member, kind: M.EventKind, org: Org | None) -> Org:
    """The org acting: the receiver for TRANSFER_IN, otherwise the member's official org."""
    if kind == M.EventKind.TRANSFER_IN:
        if member.transfer_to_id is None:
            raise DomainError("no_pending_transfer", "Đảng viên không có giấy giới thiệu chuyển sinh hoạt đang chờ "
                                                     "tiếp nhận (QĐ 294-QĐ/TW, mục 6.3).")
        return member.transfer_to
    return org or member.org


@transaction.atomic
def member_event_record(*, actor, member: Member, kind: str, on: dt.date | None, target_org: Org | None = None,
                        decision_no: str = "", decision_date: dt.date | None = None, decision_issuer: str = "",
                        data: dict | None = None, note: str = "", documents=()) -> MemberEvent:
    """Record one lifecycle event, judged by the rules in force on ``on``.

    ``documents``: (doc type, title, uploaded file) tuples stored as the event's evidence (the decision,
    the minutes…) in the same transaction; one bad file refuses the whole event.
    """
    from . import dossier_services as DS

    try:
        kind = M.EventKind(kind)
    except ValueError:
        raise DomainError("unknown_event", "Loại sự kiện không hợp lệ.", field="kind")
    if kind == M.EventKind.ORG_RESTRUCTURED:
        raise DomainError("restructure_only", RESTRUCTURE_ONLY, field="kind")
    doc_errors: dict[str, list[str]] = {}
    for doc_type, title, upload in documents:
        for field, messages in DS.attachment_errors(doc_type=doc_type, title=title, upload=upload).items():
            doc_errors.setdefault("doc_type" if field == "doc_type" else "file", []).extend(messages)
    member = Member.objects.select_for_update(of=("self",)).select_related("org", "transfer_to").get(pk=member.pk)
    acting = _event_org(member, kind, None)
    require_write(actor, acting.path)
    if target_org is not None:
        if not scope_for(actor).contains(target_org.path) and kind not in (
                M.EventKind.TRANSFER_OUT, M.EventKind.TEMP_TRANSFER_OUT):
            raise NotFound()
    if doc_errors:
        raise ValidationFailed(doc_errors)
    if on is None:
        raise ValidationFailed({"on": ["Chưa nhập ngày hiệu lực."]})
    if on > _today():
        raise ValidationFailed({"on": [f"Ngày {fmt_date(on)} ở tương lai: chỉ ghi nhận sự việc đã diễn ra."]})
    if decision_date is not None and decision_date > _today():
        raise ValidationFailed({"decision_date": ["Ngày quyết định ở tương lai."]})
    history = L.history_of(member)
    seq = 1 + max((e.seq for e in history if e.on == on), default=-1)
    event = M.Event(kind=kind, on=on, org=acting.id, target_org=target_org.id if target_org else None,
                    decision_no=decision_no.strip(), decision_date=decision_date, data=data or {}, seq=seq)
    problems = M.validate(history, event, L.facts_of(member), L.lookup, L.calendar())
    if problems:
        errors: dict[str, list[str]] = {}
        for p in problems:
            errors.setdefault(p.field or "__all__", []).append(f"{p.message}" + (f" ({p.rule})" if p.rule and
                                                                                  p.rule not in p.message else ""))
        raise ValidationFailed(errors, message=problems[0].message)
    governing = GOVERNING_PARAM.get(kind)
    regulation = ""
    if governing:
        try:
            from tcxd.rules.selectors import regulation_for

            regulation = regulation_for(governing, on=on).code
        except LookupError:
            regulation = ""
    row = MemberEvent.objects.create(
        member=member, kind=kind, on=on, seq=seq, org=acting, target_org=target_org,
        decision_no=event.decision_no, decision_date=decision_date, decision_issuer=decision_issuer.strip(),
        data=dict(event.data), note=note, regulation=regulation,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    touched = L.project(member, [*history, event])
    L.headcounts_refresh(touched | ({target_org.id} if target_org else set()))
    audit_record(actor=actor, action=f"member.event.{kind.value}", obj=member, org=acting,
                 after={"kind": kind.value, "on": on, "decision_no": event.decision_no, **(data or {})}, note=note)
    for doc_type, title, upload in documents:
        DS.attachment_store(actor=actor, member=member, doc_type=doc_type, title=title, upload=upload, event=row)
    return row


@transaction.atomic
def member_event_void(*, actor, event: MemberEvent, reason: str) -> MemberEvent:
    """Undo a mistaken entry: only the member's latest event, with a reason; the record stays."""
    member = Member.objects.select_for_update().get(pk=event.member_id)
    require_write(actor, (event.org or member.org).path)
    if not reason.strip():
        raise ValidationFailed({"reason": ["Cần ghi lý do hủy."]})
    latest = MemberEvent.objects.filter(member=member, voided_at__isnull=True).order_by("-on", "-seq", "-id").first()
    if latest is None or latest.pk != event.pk:
        raise DomainError("not_latest_event", "Chỉ hủy được sự kiện mới nhất của đảng viên; hãy hủy các sự kiện "
                                              "sau trước.")
    if event.kind == M.EventKind.CANDIDATE:
        raise DomainError("cannot_void_first", "Không hủy sự kiện đầu tiên của hồ sơ.")
    if event.kind == M.EventKind.ORG_RESTRUCTURED:
        raise DomainError("restructure_only", "Việc chuyển sinh hoạt theo sắp xếp tổ chức chỉ hủy được bằng cách hủy "
                                              "đợt sắp xếp tổ chức đã ghi nó.")
    event.voided_at, event.void_reason = timezone.now(), reason.strip()
    event.save(update_fields=["voided_at", "void_reason"])
    touched = L.project(member, L.history_of(member))
    L.headcounts_refresh(touched | ({event.target_org_id} if event.target_org_id else set()))
    audit_record(actor=actor, action="member.event.void", obj=member, org=member.org,
                 before={"kind": event.kind, "on": event.on}, after={"voided": True}, note=reason)
    return event
