"""Bulk test data for counting: many members with admission events, many cells with congresses.

Rows are inserted directly (thousands of them in a second); the selectors under test read them
exactly as they read rows written by the services.
"""

from __future__ import annotations

import datetime as dt
import itertools

from tcxd.common.paths import ALPHABET, STEPLEN
from tcxd.common.text import fold
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Congress, Org, OrgChange, OrgVersion

_serials = itertools.count(700_000)
_codes = itertools.count(1)


def _step(n: int) -> str:
    digits = []
    for _ in range(STEPLEN):
        n, r = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


def bulk_admissions(org: Org, dates: list[dt.date], *, kind: str = "admission_decision",
                    voided: bool = False) -> list[MemberEvent]:
    """One new member per date, each with one ``kind`` event at ``org`` on that date."""
    members = Member.objects.bulk_create([
        Member(full_name=f"Đảng viên {n}", name_norm=f"dang vien {n}", given_name_norm=str(n), sex="M",
               birth_date=dt.date(1995, 1, 1), cccd=f"{n:012d}", org=org, status="probationary")
        for n in (next(_serials) for _ in dates)])
    return MemberEvent.objects.bulk_create([
        MemberEvent(member=m, kind=kind, on=on, org=org, decision_date=on,
                    voided_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC) if voided else None,
                    void_reason="nhập nhầm" if voided else "")
        for m, on in zip(members, dates, strict=True)])


def bulk_cells(parent: Org, count: int, *, kind: str = OrgKind.CELL, valid_from: dt.date = dt.date(2025, 7, 1),
               first_step: int | None = None) -> list[Org]:
    """``count`` active cells under ``parent`` with their dated version rows (the tree as of any date)."""
    start = first_step if first_step is not None else parent.numchild + 1
    batch = next(_codes)
    orgs = Org.objects.bulk_create([
        Org(path=parent.path + _step(start + i), depth=parent.depth + 1, numchild=0, code=f"BC{batch}.{i}",
            name=f"Chi bộ số {i + 1}", name_norm=fold(f"Chi bộ số {i + 1}"), kind=kind, valid_from=valid_from,
            status=OrgStatus.ACTIVE, congress_cycle_months=30 if kind == OrgKind.CELL else None)
        for i in range(count)])
    Org.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    parent.refresh_from_db()
    orgs = list(Org.objects.filter(code__startswith=f"BC{batch}.").order_by("path"))
    change = OrgChange.objects.create(org=parent, kind=OrgChange.Kind.CREATED, effective_on=valid_from,
                                      summary=f"Thành lập {count} chi bộ (dữ liệu kiểm thử)")
    OrgVersion.objects.bulk_create([
        OrgVersion(org=o, change=change, valid_from=valid_from, path=o.path, depth=o.depth, parent=parent,
                   code=o.code, name=o.name, kind=o.kind, status=o.status) for o in orgs])
    return orgs


def bulk_congresses(cells: list[Org], *, held_on: dt.date | None, term: tuple[int, int] = (2025, 2027)) -> None:
    Congress.objects.bulk_create([Congress(org=c, term_start_year=term[0], term_end_year=term[1], held_on=held_on)
                                  for c in cells])
