"""Progress against annual targets, through the real selectors: the seed figures (seed 002: 934 admitted
of a 1.300 plan = 71,85 %; 1.793 of 2.900 cells held their congress = 61,83 %), any date, voided
events, the roll-up of planned figures, and the ratio display."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from tcxd.conftest import make_org, make_user
from tcxd.members import services as MS
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.orgs import committee as C
from tcxd.orgs import services as org_services
from tcxd.orgs.kinds import OrgKind
from tcxd.reports import progress as P
from tcxd.reports.models import Indicator
from tcxd.reports.services import target_remove, target_set

from .factories import bulk_admissions, bulk_cells, bulk_congresses

D = dt.date
ADM, CONG = Indicator.ADMISSIONS, Indicator.CELL_CONGRESS


def _days(n: int, first: dt.date, last: dt.date) -> list[dt.date]:
    """``n`` dates spread over [first, last]."""
    span = (last - first).days
    return [first + dt.timedelta(days=(i * span) // max(n - 1, 1)) for i in range(n)]


@pytest.fixture
def seed_admissions(tree):
    """934 admissions in 2026 up to 15/10/2026 in the province, plus what must not count."""
    bulk_admissions(tree.cell_a1, _days(500, D(2026, 1, 1), D(2026, 10, 15)))
    bulk_admissions(tree.gcell_a2, _days(197, D(2026, 2, 1), D(2026, 9, 30)))
    bulk_admissions(tree.gcell_a2, [D(2026, 3, 3)] * 3, kind="readmission_decision")  # kết nạp lại counts too
    bulk_admissions(tree.cell_b1, _days(234, D(2026, 1, 5), D(2026, 10, 15)))
    # not counted: later than the day, the year before, voided, other event kinds
    bulk_admissions(tree.cell_a1, _days(20, D(2026, 10, 16), D(2026, 11, 20)))
    bulk_admissions(tree.cell_b1, _days(10, D(2025, 6, 1), D(2025, 12, 31)))
    bulk_admissions(tree.cell_b1, [D(2026, 5, 5)] * 5, voided=True)
    bulk_admissions(tree.cell_a1, [D(2026, 5, 5)] * 7, kind="ceremony")
    bulk_admissions(tree.cell_a1, [D(2026, 5, 5)] * 4, kind="cell_vote")
    return tree


def test_seed_002_admissions_934_of_1300(seed_admissions):
    t = seed_admissions
    target_set(actor=t.admin, org=t.province, year=2026, indicator=ADM, planned=1300, note="Nghị quyết 2026")
    p = P.target_progress(actor=t.admin, org=t.province, year=2026, indicator=ADM, day=D(2026, 10, 15))
    assert (p.row.achieved, p.row.planned, p.row.source) == (934, 1300, P.OWN)
    assert p.row.ratio_text == "71,85 %"
    assert p.row.text == "934 đảng viên, đạt 71,85 %"
    assert p.row.source_label == "tự đặt"
    assert (p.start, p.until) == (D(2026, 1, 1), D(2026, 10, 15))
    children = {r.org.code: r for r in p.children}
    assert (children["XA"].achieved, children["XB"].achieved) == (700, 234)
    assert sum(r.achieved for r in p.children) == p.row.achieved
    # a later day sees the 20 later admissions; the year's end caps a day of the next year
    assert P.target_progress(actor=t.admin, org=t.province, year=2026, indicator=ADM,
                             day=D(2026, 12, 31)).row.achieved == 954
    assert P.target_progress(actor=t.admin, org=t.province, year=2025, indicator=ADM,
                             day=D(2026, 10, 15)).row.achieved == 10


def test_past_date_excludes_later_admissions(seed_admissions):
    t = seed_admissions
    on_june = P.target_progress(actor=t.admin, org=t.commune_b, year=2026, indicator=ADM, day=D(2026, 6, 30))
    expected = sum(1 for d in _days(234, D(2026, 1, 5), D(2026, 10, 15)) if d <= D(2026, 6, 30))
    assert on_june.row.achieved == expected < 234
    before = P.target_progress(actor=t.admin, org=t.commune_b, year=2026, indicator=ADM, day=D(2025, 12, 31))
    assert before.before_year and before.row.achieved == 0


def test_admission_through_the_services_counts_until_voided(tree):
    member = new_candidate(tree, serial=41, on=D(2025, 11, 3))
    admit(tree, member, start=D(2025, 11, 3))  # decision 110 days later: 21/02/2026, ceremony 07/03/2026
    decision = member.events.get(kind="admission_decision")
    assert decision.on == D(2026, 2, 21)

    def achieved(day):
        return P.target_progress(actor=tree.admin, org=tree.commune_a, year=2026, indicator=ADM, day=day).row.achieved

    assert (achieved(D(2026, 2, 20)), achieved(D(2026, 2, 21)), achieved(D(2026, 11, 1))) == (0, 1, 1)
    MS.member_event_void(actor=tree.admin, event=member.events.get(kind="ceremony"), reason="Nhập nhầm")
    MS.member_event_void(actor=tree.admin, event=decision, reason="Nhập nhầm ngày")
    assert achieved(D(2026, 11, 1)) == 0


def test_seed_002_cells_1793_of_2900(tree):
    commune = make_org(tree.admin, tree.province, OrgKind.COMMUNE, name="Đảng bộ xã Kiểm Thử", code="XK")
    unit_a = make_org(tree.admin, commune, OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ Khối A", code="XKA")
    unit_b = make_org(tree.admin, commune, OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ Khối B", code="XKB")
    cells_a, cells_b = bulk_cells(unit_a, 1500), bulk_cells(unit_b, 1400)
    bulk_congresses(cells_a[:1000], held_on=D(2025, 8, 10))
    bulk_congresses(cells_a[1000:1200], held_on=D(2025, 10, 15))  # after the day looked at
    bulk_congresses(cells_b[:793], held_on=D(2025, 9, 1))
    bulk_congresses(cells_b[793:893], held_on=D(2022, 9, 1), term=(2022, 2024))  # an earlier term
    target_set(actor=tree.admin, org=commune, year=2025, indicator=CONG, planned=2900)

    p = P.target_progress(actor=tree.admin, org=commune, year=2025, indicator=CONG, day=D(2025, 9, 30))
    assert (p.row.achieved, p.row.planned, p.row.population) == (1793, 2900, 2900)
    assert p.row.ratio_text == "61,83 %"
    assert p.row.text == "1.793 chi bộ, đạt 61,83 %"
    assert p.term == (2025, 2030)
    assert [(r.org.code, r.achieved, r.population) for r in p.children] == [("XKA", 1000, 1500), ("XKB", 793, 1400)]
    # later congresses count on a later day
    later = P.target_progress(actor=tree.admin, org=commune, year=2025, indicator=CONG, day=D(2025, 12, 31))
    assert later.row.achieved == 1993
    # without the commune's own target its plan is its subordinates' sum
    target_set(actor=tree.admin, org=unit_a, year=2025, indicator=CONG, planned=1500)
    target_set(actor=tree.admin, org=unit_b, year=2025, indicator=CONG, planned=1300)
    target_remove(actor=tree.admin, org=commune, year=2025, indicator=CONG)
    summed = P.target_progress(actor=tree.admin, org=commune, year=2025, indicator=CONG, day=D(2025, 9, 30))
    assert (summed.row.planned, summed.row.source, summed.row.source_label) == (2800, P.FROM_BELOW, "cộng từ cấp dưới")
    assert summed.row.ratio_text == "64,04 %"  # 1793/2800 = 64,0357…


def test_congress_counts_both_cell_kinds_through_the_orgs_selector(tree):
    C.congress_create(actor=tree.admin, org=tree.cell_a1, term_start_year=2025, term_end_year=2027,
                      held_on=D(2025, 9, 1))
    C.congress_create(actor=tree.admin, org=tree.gcell_a2, term_start_year=2025, term_end_year=2030,
                      held_on=D(2025, 9, 20))
    C.congress_create(actor=tree.admin, org=tree.commune_a, term_start_year=2025, term_end_year=2030,
                      held_on=D(2025, 8, 1))  # not a cell
    p = P.target_progress(actor=tree.admin, org=tree.province, year=2025, indicator=CONG, day=D(2025, 9, 10))
    assert (p.row.achieved, p.row.population) == (1, 3)
    p = P.target_progress(actor=tree.admin, org=tree.province, year=2025, indicator=CONG, day=D(2025, 10, 1))
    assert (p.row.achieved, p.row.population) == (2, 3)
    assert p.row.text == "2 chi bộ (chưa có chỉ tiêu)" and p.row.ratio_text == "–"


def test_children_targets_sum_up_recursively(tree):
    target_set(actor=tree.admin, org=tree.cell_a1, year=2026, indicator=ADM, planned=4)
    target_set(actor=tree.admin, org=tree.gcell_a2, year=2026, indicator=ADM, planned=6)
    target_set(actor=tree.admin, org=tree.cell_b1, year=2026, indicator=ADM, planned=5)
    target_set(actor=tree.admin, org=tree.cell_b1, year=2025, indicator=ADM, planned=50)  # another year
    target_set(actor=tree.admin, org=tree.cell_b1, year=2026, indicator=CONG, planned=1)  # another indicator
    bulk_admissions(tree.cell_a1, [D(2026, 3, 1)] * 3)

    p = P.target_progress(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert (p.row.planned, p.row.source) == (15, P.FROM_BELOW)
    assert [(r.org.code, r.planned, r.source) for r in p.children] == [("XA", 10, P.FROM_BELOW),
                                                                       ("XB", 5, P.FROM_BELOW)]
    assert p.row.text == "3 đảng viên, đạt 20,00 %"
    # an own target replaces the sum below it, at that level only
    target_set(actor=tree.admin, org=tree.commune_a, year=2026, indicator=ADM, planned=12)
    p = P.target_progress(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert p.row.planned == 17
    assert [(r.org.code, r.planned, r.source_label) for r in p.children] == [("XA", 12, "tự đặt"),
                                                                             ("XB", 5, "cộng từ cấp dưới")]
    commune = P.target_progress(actor=tree.admin, org=tree.commune_a, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert [(r.org.code, r.planned, r.achieved, r.ratio_text) for r in commune.children] == [
        ("XA1", 4, 3, "75,00 %"), ("XA2", 6, 0, "0,00 %")]
    none = P.target_progress(actor=tree.admin, org=tree.province, year=2027, indicator=ADM, day=D(2026, 11, 1))
    assert (none.row.planned, none.row.source, none.row.source_label) == (None, None, "chưa có chỉ tiêu")


def test_closed_child_shows_only_with_figures(tree):
    spare = make_org(tree.admin, tree.commune_b, OrgKind.CELL, name="Chi bộ Thôn Cũ", code="XB9")
    org_services.org_close(actor=tree.admin, org=spare, last_day=D(2026, 6, 30))
    p = P.target_progress(actor=tree.admin, org=tree.commune_b, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert [r.org.code for r in p.children] == ["XB1"]
    bulk_admissions(spare, [D(2026, 2, 2)])
    p = P.target_progress(actor=tree.admin, org=tree.commune_b, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert [(r.org.code, r.achieved) for r in p.children] == [("XB1", 0), ("XB9", 1)]
    assert p.row.achieved == 1


@pytest.mark.parametrize("places, text", [(0, "72 %"), (1, "71,8 %"), (2, "71,85 %"), (3, "71,846 %")])
def test_decimals_are_configurable(settings, tree, places, text):
    settings.TCXD_RATIO_DECIMALS = places
    target_set(actor=tree.admin, org=tree.cell_a1, year=2026, indicator=ADM, planned=1300)
    bulk_admissions(tree.cell_a1, [D(2026, 4, 4)] * 934)
    p = P.target_progress(actor=tree.admin, org=tree.cell_a1, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert p.row.ratio_text == text
    assert p.row.text == f"934 đảng viên, đạt {text}"


def test_half_is_rounded_up_in_the_page_figures(tree):
    target_set(actor=tree.admin, org=tree.cell_a1, year=2026, indicator=ADM, planned=800)
    bulk_admissions(tree.cell_a1, [D(2026, 4, 4)])  # 1/800 = 0,125 %
    p = P.target_progress(actor=tree.admin, org=tree.cell_a1, year=2026, indicator=ADM, day=D(2026, 11, 1))
    assert p.row.ratio_text == "0,13 %"


def test_out_of_scope_org_is_not_found(tree):
    officer_b = make_user("xb", "officer", tree.commune_b)
    with pytest.raises(Http404):
        P.target_progress(actor=officer_b, org=tree.commune_a, year=2026, indicator=ADM, day=D(2026, 11, 1))
