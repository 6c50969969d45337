"""Read-side queries over administrative units and their 2025 merge lineage."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from tcxd.common.text import fold

from .models import AdminUnit, AdminUnitLineage, Level, MapVersion

_LEVEL_RANK = Case(
    When(level=Level.PROVINCE, then=Value(0)),
    When(level=Level.DISTRICT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def province_list(map_version: str = MapVersion.V2025) -> QuerySet[AdminUnit]:
    """Provincial units of one map, in GSO code order (Hà Nội first)."""
    return AdminUnit.objects.filter(map_version=map_version, level=Level.PROVINCE).order_by("code")


def units_of(parent: AdminUnit) -> QuerySet[AdminUnit]:
    """Direct children of a unit (districts of a pre-2025 province, communes of a 2025 province, …)."""
    return AdminUnit.objects.filter(parent=parent).order_by("code")


def unit_by_code(code: str, *, map_version: str = MapVersion.V2025) -> AdminUnit | None:
    return AdminUnit.objects.filter(map_version=map_version, code=code).select_related("parent").first()


def unit_search(
    q: str, *, map_version: str | None = None, level: str | None = None, limit: int = 20
) -> list[AdminUnit]:
    """Accent-insensitive search on the folded name: "ba dinh" finds "Phường Ba Đình".

    Ranking: exact full name, then full-name prefix ("phuong ba"), then word prefix ("ba dinh"),
    then any substring; within a rank provinces before districts before communes.
    """
    needle = fold(q)
    if not needle:
        return []
    qs = AdminUnit.objects.filter(name_norm__contains=needle)
    if map_version:
        qs = qs.filter(map_version=map_version)
    if level:
        qs = qs.filter(level=level)
    rank = Case(
        When(name_norm=needle, then=Value(0)),
        When(name_norm__startswith=needle, then=Value(1)),
        When(name_norm__contains=" " + needle, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    qs = qs.annotate(rank=rank, level_rank=_LEVEL_RANK).select_related("parent", "parent__parent")
    return list(qs.order_by("rank", "map_version", "level_rank", "name_norm", "code")[:limit])


def successors_of(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """2025 units that took over (all or part of) a pre-2025 unit."""
    return AdminUnit.objects.filter(predecessor_links__predecessor=unit).distinct().order_by("code")


def successors_of_units(units) -> dict[int, list[AdminUnit]]:
    """``successors_of`` each of ``units`` (by id, with their parents), in one query: for a list of units."""
    out: dict[int, list[AdminUnit]] = {}
    for link in (AdminUnitLineage.objects.filter(predecessor__in=units).select_related("successor__parent")
                 .order_by("successor__code")):
        out.setdefault(link.predecessor_id, []).append(link.successor)
    return out


def predecessors_of(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """Pre-2025 units merged (wholly or partly) into a 2025 unit."""
    return (
        AdminUnit.objects.filter(successor_links__successor=unit)
        .distinct()
        .select_related("parent")
        .order_by("level", "code")
    )


def unit_label(unit: AdminUnit) -> str:
    """The unit and its parents: "Xã Tân Thành, Huyện Hữu Lũng, Tỉnh Lạng Sơn"."""
    parts = []
    node: AdminUnit | None = unit
    while node is not None:
        parts.append(node.name)
        node = node.parent
    return ", ".join(parts)


def unit_choice_label(unit: AdminUnit) -> str:
    """What a picker shows and reads back: "12345 — Xã …, Huyện …, Tỉnh …" (the code comes first)."""
    return f"{unit.code} — {unit_label(unit)}"


def unit_from_choice(text: str, *, map_version: str) -> tuple[AdminUnit | None, str | None]:
    """Read back a picker's text ("12345 — …" or just "12345") → (unit, None), (None, None) when empty,
    or (None, message) when no unit of that map has the code."""
    code = (text or "").split(" — ")[0].strip()
    if not code:
        return None, None
    unit = unit_by_code(code, map_version=map_version) if code.isdigit() else None
    if unit is None:
        which = "trước 01/07/2025" if map_version == MapVersion.PRE2025 else "từ 01/07/2025"
        return None, (f"Không có đơn vị hành chính “{code}” trong danh mục {which}; gõ tên xã/phường rồi chọn "
                      "trong danh sách gợi ý.")
    return unit, None
