"""Structural warnings over a subtree (A-01, A-03, A-04, A-06), computed set-wise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import F, Max, Q

from tcxd.common.fmt import fmt_date
from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.org_structure import cell_below_minimum, grassroots_cell_should_be_committee
from tcxd.rules.selectors import param

from .kinds import CELL_KINDS, CommitteeRole, OrgKind, OrgStatus
from .models import CommitteeMember, Org
from .selectors import subtree_q


@dataclass(frozen=True)
class Warning:
    org_id: int
    org_name: str
    org_path: str
    code: str
    message: str
    rule: str
    parent_name: str = ""


def org_warnings(*, org: Org, day: dt.date, limit: int | None = None,
                 only_self: bool = False) -> list[Warning]:
    """Warnings for every org in ``org``'s subtree (or for ``org`` alone with ``only_self``)."""
    where = Q(pk=org.pk) if only_self else subtree_q(org)
    where_rel = Q(org_id=org.pk) if only_self else subtree_q(org, "org__path")

    def _active():
        return Org.objects.filter(where, status=OrgStatus.ACTIVE)

    out: list[Warning] = []
    min_official = int(param("org.cell_min_official_members", on=day))
    big = int(param("org.grassroots_party_committee_min_members", on=day))
    committee_min = int(param("org.cell_committee_min_official_members", on=day))
    window = int(param("org.cell_congress_window_months", on=day))
    last_district_day = dt.date.fromisoformat(param("org.district_level_last_day", on=day))

    # The filters run in SQL (a national subtree has a quarter of a million cells); the pure rule
    # functions then confirm each candidate, so the rule's wording lives in one place.
    small = _active().filter(kind__in=CELL_KINDS).filter(
        Q(headcount__official__lt=min_official) | Q(headcount__isnull=True)).values(
        "id", "name", "path", "headcount__official")
    for c in small:
        official = c["headcount__official"] or 0
        if cell_below_minimum(official, min_official):
            out.append(Warning(c["id"], c["name"], c["path"], "cell_below_minimum",
                               f"Chi bộ chỉ có {official} đảng viên chính thức (tối thiểu {min_official}): "
                               "cấp ủy cấp trên phải bổ sung đảng viên hoặc hợp nhất chi bộ.",
                               "Điều lệ Đảng, Điều 21; QĐ 294-QĐ/TW"))
    large = _active().filter(kind=OrgKind.GRASSROOTS_CELL).annotate(
        total=F("headcount__official") + F("headcount__probationary")).filter(total__gte=big).values(
        "id", "name", "path", "total")
    for c in large:
        if grassroots_cell_should_be_committee(c["total"], big):
            out.append(Warning(c["id"], c["name"], c["path"], "grassroots_cell_too_big",
                               f"Chi bộ cơ sở có {c['total']} đảng viên (từ {big} trở lên): "
                               "cần xem xét lập đảng bộ cơ sở.",
                               "Điều lệ Đảng, Điều 21"))

    members_role = CommitteeMember.objects.filter(
        Q(to_date__isnull=True) | Q(to_date__gte=day), from_date__lte=day,
        role=CommitteeRole.MEMBER, org__kind__in=CELL_KINDS, org__status=OrgStatus.ACTIVE,
        org__headcount__official__lt=committee_min,
    ).filter(where_rel).values("org_id", "org__name", "org__path",
                                                  "org__headcount__official").distinct()
    for m in members_role:
        out.append(Warning(m["org_id"], m["org__name"], m["org__path"], "cell_committee_without_quorum",
                           f"Chi bộ có {m['org__headcount__official']} đảng viên chính thức (dưới "
                           f"{committee_min}) nhưng đang có chi ủy viên.",
                           "Điều lệ Đảng, Điều 24; QĐ 294-QĐ/TW"))

    for d in Org.objects.filter(where, kind=OrgKind.DISTRICT).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=last_district_day)).values("id", "name", "path"):
        out.append(Warning(d["id"], d["name"], d["path"], "district_after_abolition",
                           f"Tổ chức cấp huyện còn hiệu lực sau {fmt_date(last_district_day)}.",
                           "QĐ 294-QĐ/TW (bỏ cấp huyện từ 01/7/2025)"))

    overdue = _active().filter(congress_cycle_months__isnull=False).annotate(
        last=Max("congresses__held_on")).filter(last__isnull=False).values(
        "id", "name", "path", "last", "congress_cycle_months", "kind")
    for o in overdue:
        slack = window if o["kind"] in CELL_KINDS else 0
        latest = add_months(o["last"], o["congress_cycle_months"] + slack)
        if latest < day:
            out.append(Warning(o["id"], o["name"], o["path"], "congress_overdue",
                               f"Đại hội gần nhất {fmt_date(o['last'])}; đã quá hạn đại hội nhiệm kỳ mới "
                               f"(hạn chót {fmt_date(latest)}).", "Điều lệ Đảng, Điều 24; Chỉ thị 45-CT/TW"))

    with_secretary = CommitteeMember.objects.filter(
        Q(to_date__isnull=True) | Q(to_date__gte=day), from_date__lte=day,
        role=CommitteeRole.SECRETARY).values("org_id")
    no_secretary = _active().filter(kind__in=CELL_KINDS, valid_from__lte=day).exclude(
        id__in=with_secretary).values("id", "name", "path")
    for c in no_secretary:
        out.append(Warning(c["id"], c["name"], c["path"], "cell_without_secretary",
                           "Chi bộ chưa có bí thư.", "Điều lệ Đảng, Điều 24"))

    out.sort(key=lambda w: (w.org_path, w.code))
    out = out[:limit] if limit else out
    parents = dict(Org.objects.filter(path__in={w.org_path[:-Org.steplen] for w in out})
                   .values_list("path", "name"))
    return [replace(w, parent_name=parents.get(w.org_path[:-Org.steplen], "")) for w in out]


def org_own_warnings(*, org: Org, day: dt.date) -> list[Warning]:
    return org_warnings(org=org, day=day, only_self=True)
