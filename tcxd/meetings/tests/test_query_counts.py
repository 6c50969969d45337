"""No N+1: the meeting pages and endpoints that show rows (cells, meetings, the roster, the register, the
striking-off list) run as many queries with a few rows as with many. (The register page's count against the
number of members has its own test in test_views.)"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client
from tcxd.conftest import make_org
from tcxd.fees.tests.factories import make_member
from tcxd.meetings import selectors as Sel
from tcxd.meetings import services as S
from tcxd.orgs.kinds import OrgKind

D = dt.date
STATUSES = [("present", ""), ("absent_excused", "Ốm"), ("absent_unexcused", ""), ("present", "")]


def _meeting(tree, org, day, *, kind="regular"):
    marks = {row.member.pk: STATUSES[(row.member.pk + day.month) % 4] for row in Sel.meeting_roster(org=org, day=day)}
    return S.meeting_record(actor=tree.admin, org=org, held_on=day, kind=kind, topic=f"Sinh hoạt {day:%m/%Y}",
                            attendance=marks)


def _grow(tree, start, n):
    """``n`` more members of cell A1 (every fifth exempted from activities), ``n`` more cells of commune A with a
    member and a meeting, then one meeting of cell A1 per month from month ``start`` + 1 on."""
    for i in range(start, start + n):
        make_member(tree.cell_a1, f"Đảng Viên Thứ {i}", sex="F" if i % 2 else "M", exempted=i % 5 == 4)
        cell = make_org(tree.admin, tree.commune_a, OrgKind.CELL, name=f"Chi bộ Thôn {i}")
        make_member(cell, f"Người Thôn {i}")
        _meeting(tree, cell, D(2026, 1 + i % 10, 10))
    for month in range(start // 2 + 1, (start + n) // 2 + 1):
        _meeting(tree, tree.cell_a1, D(2026, month, 5), kind="regular" if month % 3 else "extraordinary")


def _flat(client, tree, urls, small=4, large=16):
    """``urls``: strings or pairs, or callables of cell A1's latest meeting (measured on the latest one each time:
    the later meeting marks more members)."""
    def measured():
        latest = tree.cell_a1.meetings.order_by("-held_on").first()
        found = measure(client, [u(latest) if callable(u) else u for u in urls])
        return {key.replace(f"/{latest.pk}/", "/N/").replace(f"/{latest.pk}?", "/N?"): v for key, v in found.items()}

    _grow(tree, 0, small)
    measured()  # warm
    before = measured()
    _grow(tree, small, large - small)
    assert_flat(before, measured())


def test_meeting_index_queries_do_not_grow_with_rows(tree, users):
    url = reverse("meetings:index")
    _flat(session_client(users["commune_officer"]), tree, [url, (url, {"q": "thon"}), (url, {"trang": "1"})])


def test_cell_meetings_and_register_pages_queries_do_not_grow_with_rows(tree, users):
    a1 = tree.cell_a1.pk
    _flat(session_client(users["commune_officer"]), tree, [
        (reverse("meetings:cell", args=[a1]), {"nam": "2026"}),
        (reverse("meetings:register", args=[a1]), {"nam": "2026"}),
        (reverse("meetings:register", args=[a1]), {"nam": "2026", "cach_tinh": "rolling"})])


def test_meeting_detail_and_attendance_forms_queries_do_not_grow_with_rows(tree, users):
    _flat(session_client(users["commune_officer"]), tree, [
        lambda m: reverse("meetings:detail", args=[m.pk]), lambda m: reverse("meetings:edit", args=[m.pk]),
        reverse("meetings:record", args=[tree.cell_a1.pk])])


def test_meeting_api_queries_do_not_grow_with_rows(tree, users):
    base = f"/api/meetings/orgs/{tree.cell_a1.pk}"
    _flat(api_client(users["commune_officer"]), tree, [
        (base, {"year": 2026}), (f"{base}/register", {"year": 2026}), (f"{base}/striking-off", {"year": 2026}),
        (f"{base}/striking-off", {"year": 2026, "months": 1, "reading": "rolling"}),
        lambda m: f"/api/meetings/{m.pk}"])
