"""Reads of the cadre register: scope by the managing committee, filters, counts by kind over a period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from tcxd.cadres import selectors as S
from tcxd.cadres import services as CS
from tcxd.common.errors import NotFound

from .conftest import cadre, record

D = dt.date


@pytest.fixture
def register(tree, cadre_a):
    t = tree
    t.cadre_b = cadre(t, serial=311, org=t.cell_b1, full_name="Đặng Thị Ngọc Ánh")
    t.m_province = record(t.admin, cadre_a, t.province, effective_on=D(2026, 1, 5), decision_date=D(2026, 1, 2))
    t.m_commune_a = record(t.admin, cadre_a, t.commune_a, kind="dieu_dong", to_position="", to_unit="UBND phường",
                           effective_on=D(2026, 4, 1), decision_date=D(2026, 3, 30))
    t.m_commune_b = record(t.admin, t.cadre_b, t.commune_b, kind="luan_chuyen", to_position="",
                           to_unit="Xã Cao Lộc", effective_on=D(2026, 6, 30), decision_date=D(2026, 6, 1))
    t.m_voided = record(t.admin, t.cadre_b, t.commune_b, kind="kien_toan", effective_on=D(2026, 5, 5),
                        decision_date=D(2026, 5, 4))
    CS.cadre_move_void(actor=t.admin, pk=t.m_voided.pk, reason="Nhầm")
    return t


def _ids(qs):
    return sorted(m.pk for m in qs)


def test_scope_is_the_managing_committee(register, users):
    t = register
    everything = S.cadre_move_list(actor=t.admin, filters=S.CadreMoveFilters())
    assert _ids(everything) == sorted([t.m_province.pk, t.m_commune_a.pk, t.m_commune_b.pk])
    assert _ids(S.cadre_move_list(actor=users["province_officer"], filters=S.CadreMoveFilters())) == _ids(everything)
    assert _ids(S.cadre_move_list(actor=users["commune_officer"], filters=S.CadreMoveFilters())) == [t.m_commune_a.pk]
    assert _ids(S.cadre_move_list(actor=users["cell"], filters=S.CadreMoveFilters())) == []
    with pytest.raises(Http404):
        S.cadre_move_get(actor=users["commune_officer"], pk=t.m_commune_b.pk)
    with pytest.raises(Http404):
        S.cadre_move_get(actor=users["commune_officer"], pk="abc")
    assert S.cadre_move_get(actor=users["commune_officer"], pk=t.m_commune_a.pk) == t.m_commune_a


def test_filters(register):
    t = register

    def found(**kw):
        return _ids(S.cadre_move_list(actor=t.admin, filters=S.CadreMoveFilters(**kw)))

    assert found(kind="dieu_dong") == [t.m_commune_a.pk]
    assert found(start=D(2026, 4, 1), end=D(2026, 6, 30)) == sorted([t.m_commune_a.pk, t.m_commune_b.pk])
    assert found(end=D(2026, 3, 31)) == [t.m_province.pk]
    assert found(q="ngoc anh") == [t.m_commune_b.pk]  # accents ignored, inside the name
    assert found(q="HOÀNG") == sorted([t.m_province.pk, t.m_commune_a.pk])
    assert found(org_id=t.commune_b.pk) == [t.m_commune_b.pk]
    assert found(org_id=t.commune_b.pk, include_voided=True) == sorted([t.m_commune_b.pk, t.m_voided.pk])
    listed = list(S.cadre_move_list(actor=t.admin, filters=S.CadreMoveFilters()))
    assert [m.effective_on for m in listed] == sorted((m.effective_on for m in listed), reverse=True)
    summary = S.cadre_move_summary(S.cadre_move_list(actor=t.admin, filters=S.CadreMoveFilters()))
    assert summary == {"rows": [("dieu_dong", "Điều động", 1), ("luan_chuyen", "Luân chuyển", 1),
                                ("bo_nhiem", "Bổ nhiệm", 1)], "total": 3, "voided": 0}
    with_voided = S.cadre_move_list(actor=t.admin, filters=S.CadreMoveFilters(include_voided=True))
    assert S.cadre_move_summary(with_voided)["total"] == 3 and S.cadre_move_summary(with_voided)["voided"] == 1


def test_org_filter_outside_the_scope_is_not_found(register, users):
    with pytest.raises(Http404):
        S.cadre_move_list(actor=users["commune_officer"], filters=S.CadreMoveFilters(org_id=register.commune_b.pk))


def test_counts_by_kind_over_a_period_of_a_subtree(register, users):
    t = register
    year = S.cadre_move_counts(actor=t.admin, org=t.province, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert year == {"kien_toan": 0, "dieu_dong": 1, "luan_chuyen": 1, "biet_phai": 0, "bo_nhiem": 1,
                    "bo_nhiem_lai": 0, "gioi_thieu_ung_cu": 0}  # the voided kiện toàn is not counted
    assert sum(S.cadre_move_counts(actor=t.admin, org=t.commune_b, start=D(2026, 1, 1),
                                   end=D(2026, 12, 31)).values()) == 1
    # the ends of the period count; the day after does not
    assert S.cadre_move_counts(actor=t.admin, org=t.province, start=D(2026, 1, 5), end=D(2026, 1, 5))["bo_nhiem"] == 1
    assert S.cadre_move_counts(actor=t.admin, org=t.province, start=D(2026, 1, 6),
                               end=D(2026, 6, 29))["luan_chuyen"] == 0
    assert S.cadre_move_counts(actor=t.admin, org=t.province, start=D(2026, 6, 30),
                               end=D(2026, 6, 30))["luan_chuyen"] == 1
    with pytest.raises(NotFound):
        S.cadre_move_counts(actor=users["commune_officer"], org=t.commune_b, start=D(2026, 1, 1), end=D(2026, 12, 31))


def test_pickers_find_party_members_and_orgs_in_scope(register, users):
    t = register
    officer = users["commune_officer"]
    found = S.member_suggestions(actor=officer, text="hoang van")
    assert [m.full_name for m in found] == ["Hoàng Văn Quyết"]
    assert S.member_suggestions(actor=officer, text="ngoc") == []  # commune B's cadre is out of scope
    label = S.member_label(found[0])
    assert S.member_from_label(actor=officer, text=label) == found[0]
    assert S.member_from_label(actor=officer, text=S.member_label(t.cadre_b)) is None
    assert S.member_from_label(actor=officer, text="Hoàng Văn Quyết") is None
    assert [o.code for o in S.org_suggestions(actor=officer, text="dong kinh")] == ["XA", "XA2"]
    assert S.org_from_label(actor=officer, text=S.org_label(t.commune_a)) == t.commune_a
    assert S.org_from_label(actor=officer, text="XB — Đảng bộ xã Cao Lộc") is None
