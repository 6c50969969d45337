"""Congresses (A-06) and committee seats (A-04, A-08) at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import ValidationFailed
from tcxd.orgs import committee as C
from tcxd.orgs import services as S
from tcxd.orgs.kinds import CommitteeRole

D = dt.date


def seat(tree, org, role, method="elected", **kw):
    return C.committee_member_add(actor=tree.admin, org=org, role=role, person_name=kw.pop("name", "Nguyễn Văn An"),
                                  from_date=kw.pop("from_date", D(2025, 9, 1)), method=method, **kw)


class TestCellCommittee:
    def test_cell_with_8_official_elects_no_committee_members(self, tree):
        S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=8, probationary=3)
        seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=1)
        seat(tree, tree.cell_a1, CommitteeRole.DEPUTY_SECRETARY)
        with pytest.raises(ValidationFailed) as exc:
            seat(tree, tree.cell_a1, CommitteeRole.MEMBER)
        assert "dưới 9" in exc.value.errors["role"][0]

    def test_cell_with_9_official_elects_at_most_7(self, tree):
        S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=9, probationary=0)
        seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=1)
        seat(tree, tree.cell_a1, CommitteeRole.DEPUTY_SECRETARY)
        for i in range(5):
            seat(tree, tree.cell_a1, CommitteeRole.MEMBER, name=f"Ủy viên {i}")
        with pytest.raises(ValidationFailed) as exc:  # the 8th seat
            seat(tree, tree.cell_a1, CommitteeRole.MEMBER, name="Ủy viên 8")
        assert "tối đa 7" in exc.value.errors["role"][0]

    def test_one_deputy_only(self, tree):
        S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=12, probationary=0)
        seat(tree, tree.cell_a1, CommitteeRole.DEPUTY_SECRETARY)
        with pytest.raises(ValidationFailed):
            seat(tree, tree.cell_a1, CommitteeRole.DEPUTY_SECRETARY, name="Phó 2")

    @pytest.mark.parametrize("rounds, ok", [(1, True), (3, True), (4, False)])
    def test_secretary_ballot_rounds(self, tree, rounds, ok):
        S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=5, probationary=0)
        if ok:
            assert seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=rounds).ballot_round == rounds
        else:
            with pytest.raises(ValidationFailed) as exc:
                seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=rounds)
            assert "chỉ định" in exc.value.errors["ballot_round"][0]

    def test_appointment_after_failed_ballots_needs_a_decision(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, method="appointed")
        assert "decision_no" in exc.value.errors
        s = seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, method="appointed", decision_no="15-QĐ/ĐU")
        assert s.method == "appointed"

    def test_second_secretary_refused_until_first_leaves(self, tree):
        first = seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=1)
        with pytest.raises(ValidationFailed):
            seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=1, name="Trần Thị Bình")
        C.committee_member_end(actor=tree.admin, seat=first, to_date=D(2025, 10, 1), reason="Chuyển công tác")
        seat(tree, tree.cell_a1, CommitteeRole.SECRETARY, ballot_round=1, name="Trần Thị Bình",
             from_date=D(2025, 10, 2))
        assert AuditEntry.objects.filter(action="committee.end").count() == 1

    def test_no_inspection_committee_in_a_cell(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            seat(tree, tree.cell_a1, CommitteeRole.INSPECTION_CHAIR)
        assert "Ủy ban kiểm tra" in exc.value.errors["role"][0]
        assert seat(tree, tree.commune_a, CommitteeRole.INSPECTION_CHAIR).body == "inspection"

    def test_seat_write_is_audited(self, tree):
        s = seat(tree, tree.commune_a, CommitteeRole.SECRETARY, ballot_round=1)
        assert AuditEntry.objects.filter(action="committee.add", object_id=str(s.pk)).count() == 1


class TestCongress:
    def test_term_spans(self, tree):
        with pytest.raises(ValidationFailed):
            C.congress_create(actor=tree.admin, org=tree.commune_a, term_start_year=2025, term_end_year=2027)
        c = C.congress_create(actor=tree.admin, org=tree.commune_a, term_start_year=2025, term_end_year=2030,
                              held_on=D(2025, 8, 20))
        assert c.term_label == "2025–2030"
        with pytest.raises(ValidationFailed):  # same term twice
            C.congress_create(actor=tree.admin, org=tree.commune_a, term_start_year=2025, term_end_year=2030)
        assert AuditEntry.objects.filter(action="congress.create").count() == 1

    @pytest.mark.parametrize("held, ok", [
        (D(2028, 1, 10), True),   # due 10/01/2028 (30 months after 10/07/2025)
        (D(2027, 7, 10), True),   # 6 months early: the window's edge
        (D(2027, 7, 9), False),   # one day earlier
    ])
    def test_cell_congress_window(self, tree, held, ok, monkeypatch):
        monkeypatch.setattr("tcxd.orgs.services._today", lambda: D(2030, 1, 1))
        monkeypatch.setattr("tcxd.orgs.committee._today", lambda: D(2030, 1, 1))
        C.congress_create(actor=tree.admin, org=tree.cell_a1, term_start_year=2025, term_end_year=2027,
                          held_on=D(2025, 7, 10))
        call = dict(actor=tree.admin, org=tree.cell_a1, term_start_year=2027, term_end_year=2030, held_on=held)
        if ok:
            assert C.congress_create(**call).held_on == held
        else:
            with pytest.raises(ValidationFailed) as exc:
                C.congress_create(**call)
            assert "6 tháng" in exc.value.errors["held_on"][0]

    def test_update_records_held_date(self, tree):
        c = C.congress_create(actor=tree.admin, org=tree.commune_a, term_start_year=2025, term_end_year=2030,
                              planned_on=D(2025, 8, 1))
        C.congress_update(actor=tree.admin, congress=c, held_on=D(2025, 8, 2))
        c.refresh_from_db()
        assert c.held_on == D(2025, 8, 2)
        assert AuditEntry.objects.filter(action="congress.update").count() == 1
