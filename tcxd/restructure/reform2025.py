"""The 2025 reform of one province as one restructuring operation (A-01, E-01): its pre-2025 party
organizations mapped onto the 2025 administrative units by the administrative-unit lineage
(``geo.AdminUnitLineage``), effective 01/07/2025 (the district level ends 30/06/2025, QĐ 294-QĐ/TW).

Spec of a ``reform_2025`` operation: ``{"province_unit": "<2025 province GSO code>", "sources": [ids of the
pre-2025 provincial party orgs], "parent_id": id of the national root, "code": str, "name": str}``.

What applying does, in one transaction with one journal (undone as a whole):

1. the provincial org of the 2025 province is founded under ``parent_id`` (kind PROVINCIAL, its admin unit the
   2025 province), unless an active org with that admin unit already exists that is not a source;
2. communes are re-formed: every active org under the sources whose admin unit is a pre-2025 commune (or a
   pre-2025 island district that became a đặc khu) is an *old commune org*; old commune orgs are grouped by the
   2025 commune their unit became; each 2025 commune gets its org (kind COMMUNE, "Đảng bộ xã/phường/đặc khu …",
   code ``X<code>``, or ``X<code>.2025`` when that is taken) unless an active org with that admin unit exists;
   it receives the old orgs' children (cells…) and the members registered directly at them (ORG_RESTRUCTURED);
   in the same relocation the districts' and the sources' other children (agencies, enterprises, communes left
   unmapped) and their members go to the 2025 provincial org;
3. the old commune orgs close on 30/06 with lineage old → new (whole);
4. every DISTRICT org under the sources closes; the sources close, lineage source → new (whole).

**Split communes.** A pre-2025 commune linked "part" to several 2025 communes has one party organization;
it goes whole to one of them, chosen in this order: the 2025 commune with the same GSO code (the NSO kept
the code of the commune where the new one has its seat), else the one with the same name, else the one
with the lowest code. Such units are listed in the outcome's warnings (``split_commune``) with the chosen
successor and the others: cells or members meant for another commune are moved afterwards (split, move).

Orgs whose admin unit has no 2025 successor in this province stay, unchanged, under the 2025 provincial org
(warning ``commune_unmapped``). ``reform_2025_draft`` builds the draft of a province from the orgs in the tree
(and optionally its plan, with the number of units to reduce computed from them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Q

from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date, fmt_int
from tcxd.common.paths import path_range
from tcxd.common.text import fold
from tcxd.geo.models import REFORM_DATE, AdminUnit, AdminUnitLineage, Level, LineageKind, MapVersion, UnitType
from tcxd.orgs import restructuring as R
from tcxd.orgs.kinds import ALLOWED_CHILDREN, OrgKind, OrgStatus
from tcxd.orgs.models import Org

from .engine import Outcome, Run
from .models import OperationKind, OperationStatus, RestructureOperation, RestructurePlan

RULE = "NQ 202/2025/QH15; nghị quyết sắp xếp đơn vị hành chính cấp xã năm 2025; QĐ 294-QĐ/TW"
PLAN_START = dt.date(2025, 6, 12)  # NQ 202/2025/QH15 adopted and in force
SHOWN = 30  # units named in one warning; the rest are counted


def province_org_name(unit: AdminUnit) -> str:
    prefix = "Đảng bộ thành phố" if unit.unit_type == UnitType.TP_TW else "Đảng bộ tỉnh"
    return f"{prefix} {unit.short_name}"


def commune_org_name(unit: AdminUnit) -> str:
    kind = {UnitType.PHUONG: "phường", UnitType.DAC_KHU: "đặc khu"}.get(unit.unit_type, "xã")
    return f"Đảng bộ {kind} {unit.short_name}"


def _free_code(base: str, taken: set[str]) -> str:
    """``base``, else ``base.2025``, ``base.2025.2`` …: the first code no org (nor this run) uses."""
    candidates = [base, f"{base}.2025", *(f"{base}.2025.{n}" for n in range(2, 100))]
    for code in candidates:
        if code.upper() not in taken and not Org.objects.filter(code__iexact=code).exists():
            taken.add(code.upper())
            return code
    raise DomainError("code_exhausted", f"Không tạo được mã tổ chức mới từ “{base}”.")


# -- the layout: what the lineage gives for the orgs in the tree ------------------------------------------------
@dataclass
class Layout:
    """The pre-2025 orgs under the sources and where each goes (read only; errors and warnings collected)."""

    unit: AdminUnit
    sources: list[Org]
    province: Org | None = None  # the existing 2025 provincial org (not a source), if any
    olds: list[Org] = field(default_factory=list)  # old commune orgs, in path order
    successor: dict[int, AdminUnit] = field(default_factory=dict)  # old org id → 2025 commune unit
    existing: dict[int, Org] = field(default_factory=dict)  # 2025 commune unit id → its active org
    districts: list[Org] = field(default_factory=list)
    children: dict[int, list[Org]] = field(default_factory=dict)  # old org id → its active children
    split: list[dict] = field(default_factory=list)
    unmapped: list[Org] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    @property
    def mapped(self) -> list[Org]:
        return [o for o in self.olds if o.pk in self.successor]

    @property
    def new_units(self) -> list[AdminUnit]:
        """The 2025 communes whose org is to be founded, by code."""
        units = {u.pk: u for u in self.successor.values() if u.pk not in self.existing}
        return sorted(units.values(), key=lambda u: u.code)


def _subtrees(orgs: list[Org]) -> Q:
    q = Q(pk__in=[])
    for o in orgs:
        low, high = path_range(o.path)
        q |= Q(path__gte=low, path__lt=high)
    return q


def _inside(org: Org, roots: list[Org] | dict[str, Org]) -> Org | None:
    """The outermost of ``roots`` (or of a path → org map of them) strictly above ``org``."""
    by_path = roots if isinstance(roots, dict) else {r.path: r for r in roots}
    return next((by_path[org.path[:i]] for i in range(Org.steplen, len(org.path), Org.steplen)
                 if org.path[:i] in by_path), None)


def _children_of(orgs: list[Org]) -> dict[int, list[Org]]:
    """Org id → its active children in path order, for many orgs in few queries."""
    by_path = {o.path: o for o in orgs}
    out: dict[int, list[Org]] = {o.pk: [] for o in orgs}
    for i in range(0, len(orgs), 100):
        q = Q(pk__in=[])
        for o in orgs[i:i + 100]:
            low, high = path_range(o.path)
            q |= Q(path__gt=low, path__lt=high, depth=o.depth + 1)
        for child in Org.objects.filter(q, status=OrgStatus.ACTIVE).order_by("path"):
            out[by_path[child.path[:-Org.steplen]].pk].append(child)
    return out


def choose_successor(old: AdminUnit, links: list[tuple[AdminUnit, str]]) -> AdminUnit:
    """The 2025 unit that takes ``old``'s party organization: its only link, else (split in parts) the one with
    the same code, else the same name, else the lowest code."""
    whole = [s for s, kind in links if kind == LineageKind.WHOLE]
    if len(whole) == 1:
        return whole[0]
    ordered = sorted((s for s, _k in links), key=lambda s: s.code)
    return (next((s for s in ordered if s.code == old.code), None)
            or next((s for s in ordered if fold(s.short_name) == fold(old.short_name)), None)
            or ordered[0])


def province_unit(code) -> AdminUnit:
    unit = AdminUnit.objects.filter(map_version=MapVersion.V2025, level=Level.PROVINCE,
                                    code=str(code or "").strip()).first()
    if unit is None:
        raise ValidationFailed({"province_unit": [
            f"Không có tỉnh, thành phố mã “{code or ''}” trong danh mục đơn vị hành chính từ 01/07/2025 "
            "(34 tỉnh, thành phố; NQ 202/2025/QH15)."]})
    return unit


def predecessor_provinces(unit: AdminUnit) -> list[AdminUnit]:
    """The pre-2025 provinces merged (wholly or partly) into the 2025 province ``unit``."""
    return list(AdminUnit.objects.filter(successor_links__successor=unit, map_version=MapVersion.PRE2025,
                                         level=Level.PROVINCE).distinct().order_by("code"))


def layout(unit: AdminUnit, sources: list[Org]) -> Layout:
    """Where the orgs under ``sources`` go in the 2025 province ``unit``; refusals in ``errors``."""
    lay = Layout(unit=unit, sources=sources)
    old_units = {u.pk: u for u in predecessor_provinces(unit)}
    for s in sources:
        if s.kind != OrgKind.PROVINCIAL or s.admin_unit_id is None or \
                s.admin_unit.map_version != MapVersion.PRE2025 or s.admin_unit.level != Level.PROVINCE:
            lay.error("sources", f"{s.name} không phải đảng bộ tỉnh, thành phố trước 01/07/2025 (tổ chức cấp tỉnh "
                                 "gắn với một trong 63 tỉnh, thành phố của bản đồ hành chính cũ).")
        elif s.admin_unit_id not in old_units:
            lay.error("sources", f"{s.admin_unit.name} (cũ) không hợp nhất vào {unit.name} theo danh mục sắp xếp đơn "
                                 f"vị hành chính ({RULE}): {s.name} không thuộc thao tác này.")
        other = _inside(s, [t for t in sources if t.pk != s.pk])
        if other:
            lay.error("sources", f"{s.name} nằm trong {other.name}.")
    existing = list(Org.objects.filter(admin_unit=unit, status=OrgStatus.ACTIVE)
                    .exclude(pk__in=[s.pk for s in sources]))
    if len(existing) > 1:
        lay.error("province_unit", f"Có {len(existing)} tổ chức đang hoạt động gắn với {unit.name}: "
                                   + ", ".join(o.name for o in existing) + ".")
    elif existing:
        lay.province = existing[0]
        if lay.province.kind != OrgKind.PROVINCIAL:
            lay.error("province_unit", f"{lay.province.name} gắn với {unit.name} nhưng không phải đảng bộ tỉnh, "
                                       "thành phố.")
        holder = _inside(lay.province, sources)
        if holder:
            lay.error("province_unit", f"{lay.province.name} nằm trong {holder.name}, tổ chức sẽ kết thúc hoạt động.")
    chosen = {s.admin_unit_id for s in sources}
    for u in old_units.values():
        if u.pk not in chosen:
            org = Org.objects.filter(admin_unit=u, status=OrgStatus.ACTIVE).exclude(
                pk__in=[s.pk for s in sources]).first()
            if org is not None:
                lay.warnings.append({"code": "source_missing", "org": org.name, "rule": RULE, "message": (
                    f"{u.name} (cũ) cũng hợp nhất vào {unit.name} nhưng {org.name} chưa được chọn: thực hiện bằng một "
                    "thao tác khác (tổ chức tỉnh mới đã có sẽ tiếp nhận).")})
    if lay.errors or not sources:
        return lay
    _communes(lay)
    return lay


def _communes(lay: Layout) -> None:
    unit, sources = lay.unit, lay.sources
    under = _subtrees(sources)
    candidates = list(Org.objects.filter(under, status=OrgStatus.ACTIVE, admin_unit__map_version=MapVersion.PRE2025,
                                         admin_unit__level__in=[Level.COMMUNE, Level.DISTRICT])
                      .exclude(pk__in=[s.pk for s in sources]).select_related("admin_unit").order_by("path"))
    links: dict[int, list[tuple[AdminUnit, str]]] = {}
    for link in AdminUnitLineage.objects.filter(predecessor_id__in={o.admin_unit_id for o in candidates},
                                                successor__level=Level.COMMUNE).select_related("successor"):
        links.setdefault(link.predecessor_id, []).append((link.successor, link.kind))
    for org in candidates:
        if org.admin_unit.level == Level.COMMUNE or links.get(org.admin_unit_id):  # island districts → đặc khu
            lay.olds.append(org)
    old_ids = {o.pk for o in lay.olds}
    lay.districts = list(Org.objects.filter(under, status=OrgStatus.ACTIVE, kind=OrgKind.DISTRICT)
                         .exclude(pk__in=old_ids).order_by("path"))
    olds = {o.path: o for o in lay.olds}
    for org in lay.olds:
        outer = _inside(org, olds)
        if outer:
            lay.error("communes", f"{org.name} nằm trong {outer.name}: hai tổ chức đảng cấp xã lồng nhau, hãy sắp xếp "
                                  "lại trước.")
        mine = [s for s, _k in links.get(org.admin_unit_id, []) if s.parent_id == unit.pk]
        if not mine:
            lay.unmapped.append(org)
            continue
        kinds = {s.pk: k for s, k in links[org.admin_unit_id]}
        successor = choose_successor(org.admin_unit, [(s, kinds[s.pk]) for s in mine])
        lay.successor[org.pk] = successor
        if len(links[org.admin_unit_id]) > 1 or kinds[successor.pk] == LineageKind.PART:
            lay.split.append({"org_id": org.pk, "org": org.name, "unit_code": org.admin_unit.code,
                              "unit": org.admin_unit.name, "chosen_code": successor.code, "chosen": successor.name,
                              "others": [s.name for s, _k in sorted(links[org.admin_unit_id], key=lambda x: x[0].code)
                                         if s.pk != successor.pk]})
    unit_ids = {u.pk for u in lay.successor.values()}
    province_roots = [*sources, *([lay.province] if lay.province else [])]
    for org in Org.objects.filter(admin_unit_id__in=unit_ids, status=OrgStatus.ACTIVE).order_by("path"):
        if org.admin_unit_id in lay.existing:
            lay.error("communes", f"Có hai tổ chức đang hoạt động gắn với cùng đơn vị hành chính: "
                                  f"{lay.existing[org.admin_unit_id].name}, {org.name}.")
        elif not any(org.path.startswith(r.path) for r in province_roots):
            lay.error("communes", f"{org.name} gắn với đơn vị hành chính của {lay.unit.name} nhưng thuộc tổ chức khác "
                                  "ngoài tỉnh được sắp xếp.")
        elif _inside(org, olds):
            lay.error("communes", f"{org.name} nằm trong {_inside(org, olds).name}, tổ chức sẽ kết thúc hoạt động.")
        lay.existing[org.admin_unit_id] = org
    lay.children = _children_of(lay.mapped)
    for org in lay.mapped:
        target_unit = lay.successor[org.pk]
        target = lay.existing.get(target_unit.pk)
        kind = target.kind if target else OrgKind.COMMUNE
        where = target.name if target else commune_org_name(target_unit)
        for child in lay.children[org.pk]:
            if child.kind not in ALLOWED_CHILDREN[kind]:
                lay.error("communes", f"{child.name} ({OrgKind(child.kind).label.lower()}, thuộc {org.name}) không thể "
                                      f"trực thuộc {where} ({OrgKind(kind).label.lower()}; hệ thống tổ chức theo Điều "
                                      "lệ Đảng và QĐ 294-QĐ/TW): hãy sắp xếp lại tổ chức này trước.")
    if lay.split:
        listed = "; ".join(f"{s['unit']} → {s['chosen']} (còn: {', '.join(s['others']) or 'đơn vị khác'})"
                           for s in lay.split[:SHOWN])
        more = f"; và {fmt_int(len(lay.split) - SHOWN)} đơn vị khác" if len(lay.split) > SHOWN else ""
        lay.warnings.append({"code": "split_commune", "org": lay.unit.name, "rule": RULE, "message": (
            f"{fmt_int(len(lay.split))} xã, phường cũ chỉ sáp nhập một phần vào mỗi đơn vị mới; tổ chức đảng của mỗi "
            "đơn vị được chuyển cả vào một đơn vị mới (cùng mã, nếu không thì cùng tên, nếu không thì mã nhỏ nhất): "
            f"{listed}{more}. Chi bộ, đảng viên thuộc phần địa bàn khác chuyển sau bằng thao tác chuyển, chia tách.")})
    if lay.unmapped:
        names = ", ".join(f"{o.name} ({o.admin_unit.name})" for o in lay.unmapped[:SHOWN])
        more = f" và {fmt_int(len(lay.unmapped) - SHOWN)} tổ chức khác" if len(lay.unmapped) > SHOWN else ""
        lay.warnings.append({"code": "commune_unmapped", "org": lay.unit.name, "rule": RULE, "message": (
            f"Không có đơn vị hành chính kế tục thuộc {lay.unit.name} trong danh mục: {names}{more}. Các tổ chức này "
            "giữ nguyên, trực thuộc đảng bộ tỉnh mới; sắp xếp tiếp bằng thao tác riêng.")})


# -- the operation ---------------------------------------------------------------------------------------------
@dataclass
class ReformOutcome(Outcome):
    """The engine's outcome plus the reform's own warnings and summary (in the preview's ``outcome``)."""

    warnings: list[dict] = field(default_factory=list)
    reform: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {**super().as_json(), "warnings": self.warnings, "reform": self.reform}


def _sources(spec: dict) -> list[Org]:
    raw = spec.get("sources") or []
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed({"sources": ["Chọn các đảng bộ tỉnh, thành phố trước 01/07/2025 được hợp nhất."]})
    try:
        ids = list(dict.fromkeys(int(i) for i in raw))
    except (TypeError, ValueError):
        raise ValidationFailed({"sources": ["Danh sách tổ chức hợp nhất không hợp lệ."]})
    orgs = Org.objects.select_related("admin_unit").in_bulk(ids)
    errors = [f"Không có tổ chức #{i}." for i in ids if i not in orgs]
    errors += [f"{orgs[i].name} đã kết thúc hoạt động." for i in ids if i in orgs and not orgs[i].is_active]
    if errors:
        raise ValidationFailed({"sources": errors})
    return [orgs[i] for i in ids]


def reform(run: Run, spec: dict) -> None:
    """Apply (or, in a preview, dry-run) the 2025 reform of one province; see the module's docstring."""
    run.outcome = ReformOutcome(**asdict(run.outcome))
    outcome: ReformOutcome = run.outcome
    unit = province_unit(spec.get("province_unit"))
    sources = _sources(spec)
    day = run.day
    if day != REFORM_DATE:
        raise ValidationFailed({"effective_on": [
            f"Sắp xếp theo đơn vị hành chính 2025 có hiệu lực từ ngày {fmt_date(REFORM_DATE)} (cấp huyện kết thúc "
            f"ngày {fmt_date(REFORM_DATE - dt.timedelta(days=1))}; {RULE}): ngày hiệu lực phải là "
            f"{fmt_date(REFORM_DATE)}."]})
    for s in sources:
        require_write(run.actor, s.path)
    lay = layout(unit, sources)
    if lay.errors:
        raise ValidationFailed(lay.errors)
    outcome.warnings += lay.warnings
    # 1. the 2025 provincial org
    province = lay.province
    if province is None:
        parent = Org.objects.filter(pk=_int(spec.get("parent_id"))).first()
        if parent is None or not parent.is_active:
            raise ValidationFailed({"parent_id": ["Chọn tổ chức cấp trên (Trung ương) của đảng bộ tỉnh mới."]})
        require_write(run.actor, parent.path)
        province = R.found(run.journal, parent=parent, code=str(spec.get("code") or "").strip(),
                           name=str(spec.get("name") or "").strip(), short_name=unit.short_name,
                           kind=OrgKind.PROVINCIAL, day=day, decision=run.decision, admin_unit_id=unit.pk)
        outcome.founded.append(province.pk)
    else:
        require_write(run.actor, province.path)
    # 2. the 2025 communes' orgs; the old communes' children, the districts' and sources' others, moved
    targets = dict(lay.existing)
    taken: set[str] = set()
    new_units = lay.new_units
    for n, u in enumerate(new_units):
        run.progress("Thành lập đảng bộ xã, phường, đặc khu", n, len(new_units))
        org = R.found(run.journal, parent=province, code=_free_code(f"X{u.code}", taken), name=commune_org_name(u),
                      short_name=u.short_name, kind=OrgKind.COMMUNE, day=day, decision=run.decision,
                      admin_unit_id=u.pk)
        outcome.founded.append(org.pk)
        targets[u.pk] = org
    run.progress("Thành lập đảng bộ xã, phường, đặc khu", len(new_units), len(new_units))
    mapped = lay.mapped
    target_of = {o.pk: targets[lay.successor[o.pk].pk] for o in mapped}
    # what else goes under the new province: the districts' and the sources' other children (one relocation
    # for all, the tallies re-summed once; an org holding an existing 2025 commune org moves after the cells
    # went into that one, so that each move's hooks see the paths as they end up)
    closing = {o.pk for o in mapped} | {d.pk for d in lay.districts}
    others = _children_of([*lay.districts, *sources])
    handed = [c for o in [*lay.districts, *sources] for c in others[o.pk] if c.pk not in closing]
    by_path = {c.path: c for c in handed}
    holders = {h.pk for t in lay.existing.values() for h in [by_path.get(t.path) or _inside(t, by_path)] if h}
    run.relocate([*((child, target_of[o.pk]) for o in mapped for child in lay.children[o.pk]),
                  *((c, province) for c in handed if c.pk not in holders)])
    run.relocate([(Org.objects.get(pk=c.pk), province) for c in handed if c.pk in holders])
    run.reassign({**{o.pk: target_of[o.pk].pk for o in mapped}, **{d.pk: province.pk for d in lay.districts},
                  **{s.pk: province.pk for s in sources}})
    # 3. the old communes close into the 2025 ones
    groups: dict[int, list[Org]] = {}
    for o in mapped:
        groups.setdefault(target_of[o.pk].pk, []).append(o)
    for target_id, olds in groups.items():
        target = Org.objects.get(pk=target_id)
        run.close(olds, f"Hợp nhất vào {target.name} (sắp xếp đơn vị hành chính cấp xã)")
        for o in olds:
            R.lineage(run.journal, o, target, day=day, whole=True, operation_id=run.op.pk)
    for o in mapped:
        moved = outcome.members_by_source.get(o.pk, 0)
        if moved:
            outcome.warnings.append({"code": "members_at_commune", "org": target_of[o.pk].name, "rule": RULE,
                                     "message": f"{fmt_int(moved)} đảng viên sinh hoạt trực tiếp tại {o.name} chuyển "
                                                f"về {target_of[o.pk].name}: cần phân về các chi bộ."})
    # 4. the district level ends; the former provinces close into the new one
    if lay.districts:
        run.close(lay.districts, "Kết thúc hoạt động cấp huyện (QĐ 294-QĐ/TW)")
    run.close(sources, f"Hợp nhất vào {province.name} (NQ 202/2025/QH15)")
    for s in sources:
        R.lineage(run.journal, s, province, day=day, whole=True, operation_id=run.op.pk)
    used = {t.pk for t in target_of.values()}
    outcome.successors = [province.pk, *sorted(used)]
    outcome.reform = {
        "province_unit": unit.code, "province": province.name, "province_id": province.pk,
        "province_founded": lay.province is None, "sources": [s.name for s in sources],
        "districts_closed": len(lay.districts), "old_communes_closed": len(mapped),
        "communes_founded": len(new_units), "communes_existing": len(used - {targets[u.pk].pk for u in new_units}),
        "communes": _commune_rows(mapped, lay, target_of), "split": lay.split,
        "unmapped": [o.name for o in lay.unmapped], "to_province": len(handed),
    }


def _commune_rows(mapped: list[Org], lay: Layout, target_of: dict[int, Org]) -> list[dict]:
    rows: dict[int, dict] = {}
    for o in mapped:
        t, u = target_of[o.pk], lay.successor[o.pk]
        row = rows.setdefault(t.pk, {"unit_code": u.code, "org": t.name, "org_id": t.pk, "from": []})
        row["from"].append(o.name)
    return sorted(rows.values(), key=lambda r: r["unit_code"])


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- the draft of a province -----------------------------------------------------------------------------------
def reform_2025_sources(unit: AdminUnit) -> list[Org]:
    """The active pre-2025 provincial orgs of the provinces merged into the 2025 province ``unit``."""
    return list(Org.objects.filter(admin_unit__in=predecessor_provinces(unit), kind=OrgKind.PROVINCIAL,
                                   status=OrgStatus.ACTIVE).select_related("admin_unit").order_by("path"))


def plan_targets(lay: Layout) -> tuple[int, str]:
    """Units to reduce: former provinces + districts + old communes − the new province − the new communes; and
    the sum spelled out (the plan's note)."""
    new_province = 0 if lay.province else 1
    reduced = len(lay.sources) + len(lay.districts) + len(lay.mapped) - new_province - len(lay.new_units)
    text = (f"Giảm {fmt_int(reduced)} đầu mối = {fmt_int(len(lay.sources))} đảng bộ tỉnh, thành phố cũ + "
            f"{fmt_int(len(lay.districts))} đảng bộ cấp huyện + {fmt_int(len(lay.mapped))} tổ chức đảng cấp xã cũ − "
            f"{new_province} đảng bộ tỉnh mới − {fmt_int(len(lay.new_units))} đảng bộ xã, phường, đặc khu mới.")
    return reduced, text


@transaction.atomic
def reform_2025_draft(*, actor, province_code: str, decision_no: str = "", decision_date: dt.date | None = None,
                      decision_issuer: str = "Bộ Chính trị", with_plan: bool = True) -> RestructureOperation:
    """The draft ``reform_2025`` operation of a 2025 province from the pre-2025 orgs in the tree (found by their
    admin units and the lineage), ready to preview; with ``with_plan`` its plan (đề án), targets computed from
    the same orgs."""
    from . import services as S

    unit = province_unit(province_code)
    sources = reform_2025_sources(unit)
    if not sources:
        raise ValidationFailed({"province_unit": [
            f"Không có đảng bộ tỉnh, thành phố nào trước 01/07/2025 của {unit.name} đang hoạt động (gắn với "
            + ", ".join(u.name for u in predecessor_provinces(unit)) + "): không còn gì để sắp xếp."]})
    earlier = (RestructureOperation.objects.filter(kind=OperationKind.REFORM_2025, spec__province_unit=unit.code)
               .exclude(status=OperationStatus.UNDONE).order_by("id").first())
    if earlier is not None:
        raise DomainError("reform_exists", f"Đã có thao tác sắp xếp {unit.name} (#{earlier.pk} «{earlier.title}», "
                                           f"{earlier.get_status_display().lower()}).")
    parents = {s.parent_path for s in sources}
    if len(parents) != 1:
        raise ValidationFailed({"sources": ["Các đảng bộ tỉnh cũ không cùng trực thuộc một tổ chức cấp trên: "
                                            + ", ".join(s.name for s in sources) + "."]})
    parent = Org.objects.get(path=parents.pop())
    lay = layout(unit, sources)
    if lay.errors:
        raise ValidationFailed(lay.errors)
    name = lay.province.name if lay.province else province_org_name(unit)
    spec = {"province_unit": unit.code, "sources": [s.pk for s in sources], "parent_id": parent.pk,
            "code": lay.province.code if lay.province else _free_code(f"T{unit.code}", set()), "name": name}
    plan = None
    reduced, text = plan_targets(lay)
    if with_plan and reduced > 0:
        code = f"DA-2025-{unit.code}"
        plan = S.restructure_plan_save(
            actor=actor, org=parent, code=code, plan=RestructurePlan.objects.filter(org=parent, code=code).first(),
            title=f"Sắp xếp tổ chức đảng {unit.name} theo đơn vị hành chính từ 01/07/2025", start_on=PLAN_START,
            deadline=REFORM_DATE, target_reduced=reduced, note=text)
    return S.restructure_draft(
        actor=actor, kind=OperationKind.REFORM_2025, spec=spec, effective_on=REFORM_DATE, plan=plan,
        title=f"Sắp xếp tổ chức đảng theo đơn vị hành chính 2025: {unit.name} (hợp nhất "
              + ", ".join(s.admin_unit.name for s in sources) + ")",
        decision_no=decision_no, decision_date=decision_date, decision_issuer=decision_issuer)


__all__ = ["Layout", "ReformOutcome", "choose_successor", "commune_org_name", "layout", "plan_targets",
           "predecessor_provinces", "province_org_name", "province_unit", "reform", "reform_2025_draft",
           "reform_2025_sources"]
