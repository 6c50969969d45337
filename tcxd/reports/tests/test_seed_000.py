"""Seed 000 (Báo Quảng Ngãi, 14/10/2023), reproduced from data through the report engine: since the provincial
congress “Ban Tổ chức Tỉnh ủy đã tham mưu thực hiện quy trình kiện toàn, điều động, luân chuyển, bổ nhiệm lại,
giới thiệu cán bộ ứng cử thuộc diện Ban Thường vụ quản lý đối với 176 lượt cán bộ … Trong nửa nhiệm kỳ qua đã
kết nạp 3.439 đảng viên.”

The province's half term (16/10/2020 – 13/10/2023): 176 decisions of those five kinds recorded through the
cadre services (plus one voided, some outside the period or the subtree), 3.439 admissions loaded with the
member bulk loader (the same validation as the services); the shipped form CB-KY counts them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from tcxd.cadres import services as CS
from tcxd.common.fmt import fmt_int
from tcxd.conftest import D2015, make_org
from tcxd.members.bulk import EventSpec, MemberRecord, members_bulk_load
from tcxd.members.tests.conftest import cccd_for
from tcxd.orgs.kinds import OrgKind
from tcxd.reports import stats
from tcxd.reports.models import ReportForm
from tcxd.reports.report_forms import previous_period, render_form
from tcxd.rules.pure.membership import EventKind as K

D = dt.date
START, END = D(2020, 10, 16), D(2023, 10, 13)  # after the XX provincial congress, to the article's day
SPLIT = {"kien_toan": 31, "dieu_dong": 42, "luan_chuyen": 18, "bo_nhiem_lai": 45, "gioi_thieu_ung_cu": 40}
ADMISSIONS = 3439
DAY = dt.timedelta(days=1)


def _days(n: int, first: dt.date, last: dt.date) -> list[dt.date]:
    """``n`` dates spread over [first, last], both ends included."""
    span = (last - first).days
    return [first + dt.timedelta(days=(i * span) // max(n - 1, 1)) for i in range(n)]


def _admitted(org_id: int, serial: int, decision: dt.date, *, official: bool = False) -> MemberRecord:
    """A member whose admission (and, for a cadre, recognition) is copied from the paper dossier."""
    ceremony = decision + dt.timedelta(days=20)
    events = [EventSpec(K.ADMISSION_DECISION, decision, org_id, decision_date=decision, decision_no=f"{serial}-QĐ",
                        data={"historical": True}),
              EventSpec(K.CEREMONY, ceremony, org_id, data={"historical": True})]
    if official:
        events.append(EventSpec(K.RECOGNITION, ceremony.replace(year=ceremony.year + 1), org_id,
                                decision_no=f"{serial}-CT", data={"historical": True}))
    birth = D(1975 + serial % 20, 1 + serial % 12, 1 + serial % 28) if official else D(1996, 1 + serial % 12, 10)
    return MemberRecord({"full_name": f"Đảng viên Số {serial}", "sex": "MF"[serial % 2], "birth_date": birth,
                         "cccd": cccd_for(serial, "MF"[serial % 2], birth.year)}, events)


@pytest.fixture
def half_term(tree):
    t = tree
    t.agency = make_org(t.admin, t.province, OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ Cơ quan Tỉnh ủy",
                        code="T20CQ", valid_from=D2015)
    cells = [make_org(t.admin, t.agency, OrgKind.CELL, name=f"Chi bộ Ban {i}", code=f"T20CQ{i}", valid_from=D2015)
             for i in range(1, 4)]
    t.other = make_org(t.admin, t.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Khác", code="T99", valid_from=D2015)
    serials = itertools.count(200_000)
    # admissions: 3.439 over the period (both ends included), and some just outside it
    t.admission_days = _days(ADMISSIONS, START, END)
    t.outside_admissions = [START - DAY] * 7 + [D(2019, 12, 1)] * 5 + [END + DAY] * 4 + [D(2024, 3, 1)] * 6
    records = [_admitted(cells[i % 3].pk, next(serials), day)
               for i, day in enumerate(t.admission_days + t.outside_admissions)]
    cadres = [_admitted(cells[i % 3].pk, next(serials), D(2000 + i % 10, 3, 1), official=True) for i in range(30)]
    result = members_bulk_load(actor=t.admin, records=records + cadres, all_or_nothing=True)
    assert result.rejected == [] and result.created == len(records) + len(cadres)
    from tcxd.members.models import Member

    t.cadres = list(Member.objects.filter(cccd__in=[r.dossier["cccd"] for r in cadres]).order_by("pk"))
    # decisions: the 176 of the period, the first on its first day and the last on its last day
    kinds = [kind for kind, n in SPLIT.items() for _ in range(n)]
    t.moves = list(zip(kinds, _days(len(kinds), START, END), strict=True))
    for i, (kind, day) in enumerate(t.moves):
        _record(t, kind, day, i, t.agency if i % 7 == 0 else t.province)
    # not counted: the day before, the day after, voided, another province's; counted only the year before
    t.extra = [("dieu_dong", START - DAY, t.province), ("kien_toan", END + DAY, t.province),
               ("bo_nhiem", D(2020, 3, 2), t.province), ("luan_chuyen", D(2021, 5, 5), t.other)]
    for j, (kind, day, org) in enumerate(t.extra):
        _record(t, kind, day, 500 + j, org)
    voided = _record(t, "bo_nhiem_lai", D(2022, 1, 10), 600, t.province)
    CS.cadre_move_void(actor=t.admin, pk=voided.pk, reason="Nhập trùng quyết định")
    return t


def _record(t, kind, day, i, org):
    kw = {"to_position": "Phó Trưởng ban"} if kind not in ("dieu_dong", "luan_chuyen") else {"to_unit": "Sở Nội vụ"}
    if kind == "gioi_thieu_ung_cu" and i % 4 == 0:  # a higher post: the file received three weeks before
        kw.update(higher_post=True, file_received_on=day - dt.timedelta(days=21))
    return CS.cadre_move_record(actor=t.admin, member=t.cadres[i % len(t.cadres)], managing_org=org, kind=kind,
                                effective_on=day, decision_no=f"{i}-QĐ/TU", decision_date=day - dt.timedelta(days=3),
                                decision_issuer="Ban Thường vụ Tỉnh ủy", **kw)


def _grid(rendered) -> dict[str, list[int]]:
    return {r.key: r.values for r in rendered.rows}


def test_seed_000_176_cadre_moves_and_3439_admissions_through_the_form(half_term, admin_user):
    t = half_term
    form = ReportForm.objects.get(code="CB-KY")
    rendered = render_form(actor=admin_user, form=form, org=t.province, start=START, end=END)
    grid = _grid(rendered)
    current = {k: v[0] for k, v in grid.items()}
    assert current["can_bo"] == 176
    assert {k: current[k] for k in SPLIT} == SPLIT
    assert current["biet_phai"] == current["bo_nhiem"] == 0
    assert current["ket_nap"] == ADMISSIONS and fmt_int(current["ket_nap"]) == "3.439"
    # the same period of the previous year, recounted from the data
    pstart, pend = previous_period(START, END)
    dated = [(k, d) for k, d in t.moves] + [(k, d) for k, d, org in t.extra if org == t.province]
    previous = {k: sum(1 for kind, d in dated if kind == k and pstart <= d <= pend) for k in (*SPLIT, "bo_nhiem")}
    assert {k: grid[k][1] for k in previous} == previous and previous["bo_nhiem"] == 1
    assert grid["can_bo"][1] == sum(previous.values())
    assert grid["ket_nap"][1] == sum(1 for d in t.admission_days + t.outside_admissions if pstart <= d <= pend)
    # the page shows the same figures, formatted
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("reports:forms"), {"bieu": "CB-KY", "to_chuc": t.province.pk,
                                                 "tu_ngay": "16/10/2020", "den_ngay": "13/10/2023"})
    html = page.content.decode()
    assert page.status_code == 200 and "3.439" in html and ">176<" in html.replace(" ", "")
    assert "Công tác cán bộ trong kỳ" in html


def test_seed_000_period_boundaries(half_term, admin_user):
    t = half_term

    def moves(a, b, org=None):
        return stats.cadre_moves(actor=admin_user, org=org or t.province, start=a, end=b)

    def admissions(a, b):
        return stats.movements(actor=admin_user, org=t.province, start=a, end=b)["admitted"]

    assert sum(moves(START, START).values()) == 1 and moves(START, START)["cadre_kien_toan"] == 1
    assert sum(moves(END, END).values()) == 1 and moves(END, END)["cadre_gioi_thieu_ung_cu"] == 1
    assert sum(moves(START - DAY, START - DAY).values()) == 1  # recorded, outside the period
    assert sum(moves(END + DAY, END + DAY).values()) == 1
    assert sum(moves(START + DAY, END - DAY).values()) == 174
    assert sum(moves(START - DAY, END + DAY).values()) == 178
    on_day = Counter(t.admission_days)
    assert admissions(START, START) == on_day[START] > 0 and admissions(END, END) == on_day[END] > 0
    assert admissions(START - DAY, START - DAY) == 7 and admissions(END + DAY, END + DAY) == 4
    assert admissions(START, END) == ADMISSIONS
    assert admissions(START - DAY, END + DAY) == ADMISSIONS + 11
    # another province's decisions are its own; the grassroots committee's are part of the province's
    assert sum(moves(START, END, t.other).values()) == 1
    agency = moves(START, END, t.agency)
    assert sum(agency.values()) == sum(1 for i in range(176) if i % 7 == 0) < 176



def test_cadre_decisions_are_read_only_for_forms_that_may_count_them(tree, admin_user, monkeypatch):
    calls = []
    real = stats.cadre_moves
    monkeypatch.setattr(stats, "cadre_moves", lambda **kw: calls.append(kw) or real(**kw))
    day = {"start": D(2026, 1, 1), "end": D(2026, 6, 30)}
    render_form(actor=admin_user, form=ReportForm.objects.get(code="BD-KY"), org=tree.province, **day)
    assert calls == []  # the member movements form names no cadre decision
    everything_but_admissions = {"kind": "movements", "code": "THU", "title": "Thử", "definition": {
        "columns": [{"key": "ky", "label": "Kỳ", "filter": {"period": "current"}}],
        "rows": [{"key": "khac", "label": "Khác", "filter": {"movement": {"not": "admitted"}}}]}}
    render_form(actor=admin_user, form=everything_but_admissions, org=tree.province, **day)
    assert len(calls) == 2  # the period and the same period of the previous year
