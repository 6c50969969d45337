"""Writes to the organization tree. Each public function is one transaction that validates by
the rules in force on the effective date, writes the dated history and one audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.common.text import fold
from tcxd.rules.selectors import param

from . import hooks
from . import versions as V
from .kinds import ALLOWED_CHILDREN, GRASSROOTS_KINDS, OrgKind, OrgStatus
from .models import Org, OrgChange, OrgHeadcount

SNAPSHOT_FIELDS = ("code", "name", "short_name", "kind", "grassroots_type", "admin_unit_id",
                   "valid_from", "valid_to", "status", "congress_cycle_months", "note", "path")
EDITABLE_FIELDS = ("code", "name", "short_name", "kind", "grassroots_type", "admin_unit",
                   "congress_cycle_months", "note")


@dataclass(frozen=True)
class Decision:
    """The decision behind a change (số, ngày, cơ quan ban hành)."""

    number: str = ""
    date: dt.date | None = None
    issuer: str = ""


def snapshot(org: Org) -> dict:
    return {f: getattr(org, f) for f in SNAPSHOT_FIELDS}


def _today() -> dt.date:
    return timezone.localdate()


def _check_day(day: dt.date | None, errors: dict, field: str) -> None:
    if day is None:
        errors.setdefault(field, []).append("Chưa nhập ngày.")
    elif day > _today():
        errors.setdefault(field, []).append(
            f"Ngày {fmt_date(day)} ở tương lai; chỉ ghi nhận thay đổi đã có hiệu lực."
        )


def _validate_attributes(*, kind: str, parent: Org | None, code: str, name: str,
                         grassroots_type: str, cycle: int | None, valid_from: dt.date | None,
                         valid_to: dt.date | None, exclude_pk: int | None, errors: dict) -> None:
    if not code.strip():
        errors.setdefault("code", []).append("Mã tổ chức không được để trống.")
    elif Org.objects.filter(code__iexact=code.strip()).exclude(pk=exclude_pk).exists():
        errors.setdefault("code", []).append(f"Mã tổ chức “{code}” đã được dùng cho tổ chức khác.")
    if not name.strip():
        errors.setdefault("name", []).append("Tên tổ chức không được để trống.")
    if kind not in OrgKind.values:
        errors.setdefault("kind", []).append("Loại tổ chức không hợp lệ.")
        return
    if parent is not None and kind not in ALLOWED_CHILDREN[parent.kind]:
        errors.setdefault("kind", []).append(
            f"{OrgKind(kind).label} không thể trực thuộc {OrgKind(parent.kind).label.lower()} "
            "(hệ thống tổ chức theo Điều lệ Đảng và QĐ 294-QĐ/TW)."
        )
    if kind in GRASSROOTS_KINDS and not grassroots_type:
        errors.setdefault("grassroots_type", []).append(
            "Tổ chức cơ sở đảng phải có loại hình (xã, phường, cơ quan, doanh nghiệp…) để thống kê."
        )
    if kind not in GRASSROOTS_KINDS and grassroots_type:
        errors.setdefault("grassroots_type", []).append(
            "Chỉ tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở) mới có loại hình tổ chức cơ sở."
        )
    if cycle is not None and cycle not in (30, 60):
        errors.setdefault("congress_cycle_months", []).append(
            "Chu kỳ đại hội là 30 tháng (hai lần trong 5 năm) hoặc 60 tháng (Điều lệ Đảng, Điều 24; "
            "thí điểm QĐ 294-QĐ/TW)."
        )
    if cycle == 30 and kind != OrgKind.CELL:
        errors.setdefault("congress_cycle_months", []).append(
            "Chỉ chi bộ trực thuộc mới có chu kỳ đại hội 30 tháng; tổ chức cơ sở đảng trở lên nhiệm kỳ 5 năm."
        )
    if kind == OrgKind.DISTRICT and valid_from is not None:
        # an open district-level node is a pre-reform org awaiting the abolition of its level (restructure
        # context; the structural check warns until then); none is founded, or lives on, after the last day
        last_day = dt.date.fromisoformat(param("org.district_level_last_day", on=valid_from))
        if valid_from > last_day:
            errors.setdefault("valid_from", []).append(
                f"Cấp huyện không còn tổ chức từ {fmt_date(last_day + V.ONE_DAY)} (QĐ 294-QĐ/TW): không thành lập "
                "tổ chức cấp huyện mới."
            )
        elif valid_to is not None and valid_to > last_day:
            errors.setdefault("valid_to", []).append(
                f"Cấp huyện không còn tổ chức từ {fmt_date(last_day + V.ONE_DAY)} "
                f"(QĐ 294-QĐ/TW): tổ chức cấp huyện phải kết thúc chậm nhất ngày {fmt_date(last_day)}."
            )


def _default_cycle(kind: str, on: dt.date) -> int | None:
    """A-06: cells under a grassroots committee twice in 5 years (30 months, or 60 in the
    QĐ 294 pilot); grassroots organizations and above every 5 years; party groups never."""
    if kind == OrgKind.CELL:
        return int(param("org.cell_congress_cycle_months", on=on))
    if kind == OrgKind.GROUP:
        return None
    return 60


@transaction.atomic
def org_create(*, actor, parent: Org | None, code: str, name: str, kind: str,
               valid_from: dt.date | None, short_name: str = "", grassroots_type: str = "",
               admin_unit=None, congress_cycle_months: int | None = None,
               valid_to: dt.date | None = None, note: str = "",
               decision: Decision = Decision()) -> Org:
    """Found an org under ``parent`` (thành lập). ``valid_to`` only for entering historic orgs."""
    if parent is None:
        if not (actor and (actor.is_superuser or actor.role == "admin")):
            raise DomainError("root_forbidden", "Chỉ quản trị hệ thống được tạo tổ chức gốc.")
    else:
        require_write(actor, parent.path)
        parent = Org.objects.select_for_update().get(pk=parent.pk)
    errors: dict[str, list[str]] = {}
    _check_day(valid_from, errors, "valid_from")
    if parent is not None and valid_from is not None:
        if not parent.is_active and (valid_to is None or valid_to > parent.valid_to):
            errors.setdefault("valid_to", []).append(
                f"{parent.name} chấm dứt hoạt động sau ngày {fmt_date(parent.valid_to)}: tổ chức trực thuộc "
                "phải kết thúc chậm nhất ngày đó (chỉ nhập được tổ chức lịch sử)."
            )
        if valid_from < parent.valid_from:
            errors.setdefault("valid_from", []).append(
                f"Ngày thành lập trước ngày thành lập của {parent.name} ({fmt_date(parent.valid_from)})."
            )
        since = V.path_stable_since(parent)
        if valid_from < since:
            errors.setdefault("valid_from", []).append(
                f"Ngày thành lập phải từ {fmt_date(since)} trở đi (ngày {parent.name} có vị trí hiện tại "
                "trong hệ thống tổ chức)."
            )
    if valid_to is not None and valid_from is not None and valid_to < valid_from:
        errors.setdefault("valid_to", []).append("Ngày kết thúc phải sau ngày thành lập.")
    if valid_to is not None and valid_to >= _today():
        errors.setdefault("valid_to", []).append(
            "Ngày kết thúc chỉ dùng khi nhập tổ chức đã chấm dứt hoạt động (trước hôm nay)."
        )
    _validate_attributes(kind=kind, parent=parent, code=code, name=name,
                         grassroots_type=grassroots_type, cycle=congress_cycle_months,
                         valid_from=valid_from, valid_to=valid_to, exclude_pk=None, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    cycle = congress_cycle_months or _default_cycle(kind, valid_from)
    org = Org(code=code.strip(), name=name.strip(), short_name=short_name.strip(),
              name_norm=fold(name), kind=kind, grassroots_type=grassroots_type,
              admin_unit=admin_unit, valid_from=valid_from, valid_to=valid_to,
              status=OrgStatus.CLOSED if valid_to else OrgStatus.ACTIVE,
              congress_cycle_months=cycle, note=note)
    if parent is None:
        org = Org.objects.add_root(instance=org)
    else:
        org = Org.objects.add_child(parent, instance=org)
    change = OrgChange.objects.create(
        org=org, kind=OrgChange.Kind.CREATED, effective_on=valid_from, decision_no=decision.number,
        decision_date=decision.date, decision_issuer=decision.issuer, summary=f"Thành lập {org.name}",
    )
    version = V.version_from_org(org, change, valid_from, parent.id if parent else None)
    version.status = OrgStatus.ACTIVE
    version.valid_to = valid_to
    version.save()
    if valid_to is not None:  # a historic org entered after the fact: record its end as well
        OrgChange.objects.create(org=org, kind=OrgChange.Kind.CLOSED, effective_on=valid_to + V.ONE_DAY,
                                 summary=f"Chấm dứt hoạt động sau ngày {fmt_date(valid_to)}")
    OrgHeadcount.objects.create(org=org)
    audit_record(actor=actor, action="org.create", obj=org, after=snapshot(org), org=org)
    return org


def _change_kind(changed: set[str]) -> str:
    if changed <= {"name", "short_name"}:
        return OrgChange.Kind.RENAMED
    if changed == {"code"}:
        return OrgChange.Kind.RECODED
    if "kind" in changed:
        return OrgChange.Kind.RETYPED
    return OrgChange.Kind.EDITED


@transaction.atomic
def org_update(*, actor, org: Org, effective_on: dt.date | None, decision: Decision = Decision(),
               **fields) -> Org:
    """Rename, re-code, re-type or edit an org with effect from ``effective_on``."""
    require_write(actor, org.path)
    org = Org.objects.select_for_update().get(pk=org.pk)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("unknown_field", f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    before = snapshot(org)
    new = {f: fields.get(f, getattr(org, f)) for f in EDITABLE_FIELDS}
    if "kind" in fields and "congress_cycle_months" not in fields and fields["kind"] in OrgKind.values:
        new["congress_cycle_months"] = _default_cycle(fields["kind"], effective_on or _today())
    for key in ("code", "name", "short_name", "note"):
        new[key] = (new[key] or "").strip()
    changed = {f for f in EDITABLE_FIELDS if new[f] != getattr(org, f)}
    if not changed:
        raise DomainError("no_change", "Không có thông tin nào thay đổi.")
    if not org.is_active:
        raise DomainError("org_closed", f"{org.name} đã giải thể; không sửa được thông tin.")
    errors: dict[str, list[str]] = {}
    _check_day(effective_on, errors, "effective_on")
    parent = Org.objects.filter(path=org.parent_path).first() if org.depth > 1 else None
    _validate_attributes(kind=new["kind"], parent=parent, code=new["code"], name=new["name"],
                         grassroots_type=new["grassroots_type"], cycle=new["congress_cycle_months"],
                         valid_from=org.valid_from, valid_to=org.valid_to, exclude_pk=org.pk,
                         errors=errors)
    if "kind" in changed and new["kind"] in OrgKind.values:
        child_kinds = set(V.children_qs(org).values_list("kind", flat=True))
        bad = sorted(OrgKind(k).label for k in child_kinds - ALLOWED_CHILDREN[new["kind"]])
        if bad:
            errors.setdefault("kind", []).append(
                f"Các tổ chức trực thuộc ({', '.join(bad)}) không phù hợp với loại "
                f"{OrgKind(new['kind']).label.lower()}; hãy chuyển đổi chúng trước."
            )
    if errors:
        raise ValidationFailed(errors)
    V.require_not_before(effective_on, V.latest_change_day([org.id]))
    for f in changed:
        setattr(org, f, new[f])
    org.name_norm = fold(org.name)
    org.save(update_fields=[*sorted(changed), "name_norm"])
    change = OrgChange.objects.create(
        org=org, kind=_change_kind(changed), effective_on=effective_on, decision_no=decision.number,
        decision_date=decision.date, decision_issuer=decision.issuer,
        summary=", ".join(sorted(Org._meta.get_field(f).verbose_name for f in changed)),
    )
    V.close_open_versions([org.id], effective_on - V.ONE_DAY)
    parent_id = parent.id if parent else None
    V.version_from_org(org, change, effective_on, parent_id).save()
    audit_record(actor=actor, action="org.update", obj=org, before=before, after=snapshot(org), org=org)
    return org


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org, effective_on: dt.date | None,
             decision: Decision = Decision()) -> Org:
    """Move ``org`` with its whole subtree under ``new_parent`` (chuyển trực thuộc)."""
    require_write(actor, org.path)
    require_write(actor, new_parent.path)
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
    errors: dict[str, list[str]] = {}
    _check_day(effective_on, errors, "effective_on")
    if org.depth == 1:
        errors.setdefault("new_parent", []).append("Không chuyển được tổ chức gốc.")
    elif new_parent.path.startswith(org.path):
        errors.setdefault("new_parent", []).append("Không chuyển tổ chức vào chính nó hoặc tổ chức trực thuộc nó.")
    elif new_parent.path == org.parent_path:
        errors.setdefault("new_parent", []).append(f"{org.name} đã trực thuộc {new_parent.name}.")
    if not org.is_active:
        errors.setdefault("org", []).append(f"{org.name} đã giải thể; không chuyển được.")
    if not new_parent.is_active:
        errors.setdefault("new_parent", []).append(f"{new_parent.name} đã giải thể.")
    if org.kind not in ALLOWED_CHILDREN[new_parent.kind]:
        errors.setdefault("new_parent", []).append(
            f"{OrgKind(org.kind).label} không thể trực thuộc {OrgKind(new_parent.kind).label.lower()}."
        )
    if errors:
        raise ValidationFailed(errors)
    ids = V.subtree_ids(org)
    V.require_not_before(effective_on, V.latest_change_day(ids))
    V.require_not_before(effective_on, V.path_stable_since(new_parent))
    before = snapshot(org)
    old_parent_name = Org.objects.get(path=org.parent_path).name
    old_path = org.path
    Org.objects.move(org, new_parent, "last-child")
    org.refresh_from_db()
    hooks.subtree_moved(org.pk, old_path, org.path)
    change = OrgChange.objects.create(
        org=org, kind=OrgChange.Kind.MOVED, effective_on=effective_on, decision_no=decision.number,
        decision_date=decision.date, decision_issuer=decision.issuer,
        summary=f"Từ {old_parent_name} sang {new_parent.name}",
    )
    V.close_open_versions(ids, effective_on - V.ONE_DAY)
    V.open_versions_for_subtree(org, change, effective_on)
    audit_record(actor=actor, action="org.move", obj=org, before=before, after=snapshot(org), org=org,
                 note=change.summary)
    return org


@transaction.atomic
def org_close(*, actor, org: Org, last_day: dt.date | None, decision: Decision = Decision(),
              note: str = "") -> Org:
    """Dissolve / end an org: it stays in the tree, closed, valid to ``last_day``."""
    require_write(actor, org.path)
    org = Org.objects.select_for_update().get(pk=org.pk)
    errors: dict[str, list[str]] = {}
    _check_day(last_day, errors, "last_day")
    if not org.is_active:
        errors.setdefault("org", []).append(f"{org.name} đã giải thể từ trước.")
    active_children = V.children_qs(org).count()
    if active_children:
        errors.setdefault("org", []).append(
            f"Còn {active_children} tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể trước."
        )
    head = OrgHeadcount.objects.filter(org=org).first()
    if head and head.total:
        errors.setdefault("org", []).append(
            f"Còn {head.total} đảng viên sinh hoạt tại {org.name}; hãy chuyển sinh hoạt đảng trước."
        )
    if errors:
        raise ValidationFailed(errors)
    V.require_not_before(last_day, V.latest_change_day([org.id]), field="last_day")
    before = snapshot(org)
    org.status = OrgStatus.CLOSED
    org.valid_to = last_day
    org.save(update_fields=["status", "valid_to"])
    OrgChange.objects.create(
        org=org, kind=OrgChange.Kind.CLOSED, effective_on=last_day + V.ONE_DAY,
        decision_no=decision.number, decision_date=decision.date, decision_issuer=decision.issuer,
        summary=f"Chấm dứt hoạt động sau ngày {fmt_date(last_day)}", note=note,
    )
    V.close_open_versions([org.id], last_day)
    audit_record(actor=actor, action="org.close", obj=org, before=before, after=snapshot(org), org=org,
                 note=note)
    return org


@transaction.atomic
def org_headcount_set(*, actor, org: Org, official: int, probationary: int) -> OrgHeadcount:
    """Enter an org's own member counts (until the members context derives them)."""
    require_write(actor, org.path)
    from django.apps import apps

    if apps.get_model("members", "Member").objects.filter(org=org).exists():
        raise DomainError("headcount_derived", "Đảng số của tổ chức này được tính từ hồ sơ đảng viên; "
                                               "không nhập tay.")
    if official < 0 or probationary < 0:
        raise ValidationFailed({"official": ["Số đảng viên không được âm."]})
    head, _ = OrgHeadcount.objects.select_for_update().get_or_create(org=org)
    before = {"official": head.official, "probationary": head.probationary}
    head.official, head.probationary = official, probationary
    head.save(update_fields=["official", "probationary", "updated_at"])
    audit_record(actor=actor, action="org.headcount", obj=org, before=before,
                 after={"official": official, "probationary": probationary}, org=org)
    return head
