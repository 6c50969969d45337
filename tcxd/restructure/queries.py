"""Reads the restructuring pages and API need besides ``selectors``: an org picked by its code within the
user's scope, the orgs and members a split can hand out, an operation's parameters in words, a plan's
operations. Scoped like every read (the org pickers only find orgs in the actor's subtree)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from tcxd.common.fmt import fmt_int
from tcxd.members import reassign
from tcxd.members.models import Member
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.kinds import GrassrootsType, OrgKind, OrgStatus
from tcxd.orgs.models import Org

from . import selectors
from .models import OperationKind, RestructureOperation, RestructurePlan
from .services import spec_org_ids

SEPARATOR = " — "


def org_label(org: Org) -> str:
    """What an org picker shows and reads back: “XA1 — Chi bộ Khối 1”."""
    return f"{org.code}{SEPARATOR}{org.name}"


def org_by_code(*, actor, text: str) -> Org | None:
    """The org of the code typed or picked (“code — name” or the code alone), if it is in the actor's scope."""
    code = (text or "").split(SEPARATOR)[0].strip()
    if not code:
        return None
    return org_selectors.org_queryset(actor=actor).filter(code__iexact=code).first()


def org_suggestions(*, actor, text: str, limit: int = 12) -> list[Org]:
    """Active orgs in scope whose name (accents ignored) or code matches what was typed."""
    return list(org_selectors.org_search(actor=actor, q=text, limit=limit))


def active_children(org: Org) -> list[Org]:
    return list(org_selectors.org_children(org=org))


@dataclass(frozen=True)
class MemberChoice:
    id: int
    full_name: str
    birth_date: dt.date | None
    status_label: str


def members_registered(org: Org, day: dt.date) -> list[MemberChoice]:
    """The members (official and probationary) registered at ``org`` itself on ``day``, by name."""
    ids = reassign.members_registered(org.pk, day)
    rows = (Member.objects.filter(pk__in=ids).order_by("given_name_norm", "name_norm", "pk")
            .only("pk", "full_name", "birth_date", "status"))
    return [MemberChoice(m.pk, m.full_name, m.birth_date, m.get_status_display()) for m in rows]


# -- an operation in words ----------------------------------------------------------------------------------
@dataclass
class Line:
    """One row of an operation's parameters: a label and its parts, each a text or an org (linked)."""

    label: str
    parts: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(p.name if isinstance(p, Org) else str(p) for p in self.parts)


def _join(orgs: list, missing: str = "(chưa chọn)") -> list:
    out: list = []
    for i, org in enumerate(orgs):
        if i:
            out.append(", ")
        out.append(org if org is not None else missing)
    return out or [missing]


def _org(orgs: dict[int, Org], value):
    """The org of an id in a spec; a text when the id names none."""
    if value in (None, ""):
        return None
    pk = _int(value)
    return orgs.get(pk) or f"(tổ chức #{value} không tồn tại)"


def _new_org(new: dict, orgs: dict[int, Org]) -> list:
    kind = new.get("kind") or ""
    label = OrgKind(kind).label if kind in OrgKind.values else "chưa chọn loại"
    grassroots = new.get("grassroots_type") or ""
    extra = f", {GrassrootsType(grassroots).label.lower()}" if grassroots in GrassrootsType.values else ""
    parts: list = [f"thành lập mới “{new.get('name') or '(chưa nhập tên)'}” (mã {new.get('code') or '—'}; "
                   f"{label}{extra}), trực thuộc "]
    parts += _join([_org(orgs, new.get("parent_id"))])
    return parts


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _target(spec: dict, orgs: dict[int, Org]) -> list:
    if spec.get("target_id"):
        return _join([_org(orgs, spec["target_id"])])
    if spec.get("new"):
        return _new_org(spec["new"], orgs)
    return ["(chưa chọn)"]


def describe(operation: RestructureOperation) -> list[Line]:
    """The parameters of an operation in words (orgs by name, members counted)."""
    spec = operation.spec if isinstance(operation.spec, dict) else {}
    orgs = Org.objects.in_bulk(list(spec_org_ids(spec)))
    get = lambda key: _org(orgs, spec.get(key))  # noqa: E731
    kind = operation.kind
    lines: list[Line] = []
    if kind == OperationKind.MERGE:
        sources = [_org(orgs, i) for i in spec.get("sources") or []]
        lines.append(Line("Các tổ chức hợp nhất, sáp nhập", _join(sources)))
        lines.append(Line("Tổ chức tiếp nhận", _target(spec, orgs)))
        lines.append(Line("Sau sắp xếp", ["các tổ chức hợp nhất chấm dứt hoạt động từ ngày trước ngày hiệu lực; "
                                           "tổ chức trực thuộc và đảng viên của chúng chuyển về tổ chức tiếp nhận."]))
    elif kind == OperationKind.SPLIT:
        lines.append(Line("Tổ chức chia tách", _join([get("source_id")])))
        lines.append(Line("Tổ chức cũ", ["chấm dứt hoạt động sau chia tách" if spec.get("close_source")
                                         else "tiếp tục hoạt động"]))
        for n, part in enumerate(spec.get("parts") or [], 1):
            part = part if isinstance(part, dict) else {}
            children = [_org(orgs, c) for c in part.get("children") or []]
            parts = _target(part, orgs)
            parts.append(f"; nhận {fmt_int(len(children))} tổ chức trực thuộc")
            if children:
                parts += [" ("] + _join(children) + [")"]
            parts.append(f" và {fmt_int(len(part.get('members') or []))} đảng viên")
            lines.append(Line(f"Phần {n}", parts))
    elif kind == OperationKind.DISSOLVE:
        lines.append(Line("Tổ chức giải thể", _join([get("org_id")])))
        lines.append(Line("Tổ chức trực thuộc chuyển về", _join([get("children_to_id")], "(không có / chưa chọn)")))
        lines.append(Line("Đảng viên chuyển sinh hoạt về", _join([get("members_to_id")], "(không có / chưa chọn)")))
    elif kind == OperationKind.MOVE:
        lines.append(Line("Tổ chức chuyển", _join([get("org_id")])))
        lines.append(Line("Trực thuộc mới", _join([get("new_parent_id")])))
    elif kind == OperationKind.RENAME:
        lines.append(Line("Tổ chức", _join([get("org_id")])))
        for key, label in (("name", "Tên mới"), ("code", "Mã mới"), ("short_name", "Tên ngắn mới")):
            if spec.get(key):
                lines.append(Line(label, [str(spec[key])]))
    elif kind == OperationKind.RETYPE:
        lines.append(Line("Tổ chức", _join([get("org_id")])))
        new_kind = spec.get("kind") or ""
        lines.append(Line("Loại tổ chức mới", [OrgKind(new_kind).label if new_kind in OrgKind.values
                                               else "(chưa chọn)"]))
        grassroots = spec.get("grassroots_type") or ""
        if grassroots in GrassrootsType.values:
            lines.append(Line("Loại hình tổ chức cơ sở đảng", [GrassrootsType(grassroots).label]))
    elif kind == OperationKind.ABOLISH_LEVEL:
        lines.append(Line("Trong cây của", _join([get("root_id")])))
        level = spec.get("level_kind") or ""
        lines.append(Line("Cấp bỏ", [OrgKind(level).label if level in OrgKind.values else "(chưa chọn)"]))
        lines.append(Line("Sau sắp xếp", ["mọi tổ chức đang hoạt động của cấp này chấm dứt hoạt động; tổ chức trực "
                                           "thuộc và đảng viên của chúng chuyển về cấp trên trực tiếp."]))
    elif kind == OperationKind.REFORM_2025:
        lines.append(Line("Tỉnh, thành phố (danh mục 2025)", [str(spec.get("province_unit") or "(chưa chọn)")]))
        lines.append(Line("Các đảng bộ trước sắp xếp", _join([_org(orgs, i) for i in spec.get("sources") or []])))
        lines.append(Line("Tổ chức mới", [f"“{spec.get('name') or '(chưa nhập tên)'}” (mã {spec.get('code') or '—'}), "
                                          "trực thuộc "] + _join([get("parent_id")])))
    return lines


# -- plans ---------------------------------------------------------------------------------------------------
def plan_operations(*, actor, plan: RestructurePlan) -> QuerySet[RestructureOperation]:
    """The plan's operations the actor may see, latest first."""
    return selectors.operation_list(actor=actor).filter(plan=plan)


def plans_for_choice(*, actor) -> list[RestructurePlan]:
    """Plans an operation may count towards: those of orgs in the actor's scope, latest first."""
    return list(selectors.plan_list(actor=actor)[:200])


def scope_roots(*, actor) -> list[Org]:
    return list(org_selectors.org_scope_roots(actor=actor).filter(status=OrgStatus.ACTIVE))
