"""Fee services: each valid and invalid, scope and role, the regulation switch of 01/02/2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import NotFound, PermissionDenied, ValidationFailed
from tcxd.fees import services as S
from tcxd.fees.models import FeeBasis, FeeDecision, FeePayment
from tcxd.fees.periods import month_start
from tcxd.rules.pure.calendar import add_months

from .factories import make_member

D = dt.date
JAN, FEB, MAR = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)


def line(member, month) -> FeePayment:
    return FeePayment.objects.get(member=member, month=month)


def next_month() -> dt.date:
    return add_months(month_start(timezone.localdate()), 1)


class TestBasis:
    def test_history_is_kept_and_the_latest_applies(self, tree, cell_members):
        an = cell_members["an"]
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=JAN, group="salary", base_amount=8_000_000)
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=D(2026, 3, 17), group="salary",
                        base_amount=9_000_000)
        assert list(FeeBasis.objects.filter(member=an).values_list("valid_from", "base_amount")) == [
            (JAN, 8_000_000), (MAR, 9_000_000)]
        S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
        S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=MAR)
        assert line(an, FEB).amount_due == 80_000 and line(an, MAR).amount_due == 90_000

    def test_new_basis_refreshes_existing_lines_from_its_month(self, tree, cell_members):
        an = cell_members["an"]
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=FEB, group="salary", base_amount=8_000_000)
        for month in (FEB, MAR):
            S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=month)
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=MAR, group="salary", base_amount=10_000_000)
        assert line(an, FEB).amount_due == 80_000 and line(an, MAR).amount_due == 100_000
        entry = AuditEntry.objects.filter(action="fee.basis_set").latest("id")
        assert entry.after["recomputed_lines"] == 1

    def test_invalid_input_all_errors_at_once(self, tree, cell_members):
        with pytest.raises(ValidationFailed) as exc:
            S.fee_basis_set(actor=tree.admin, member=cell_members["an"], valid_from=None, group="salary",
                            base_amount=None)
        assert set(exc.value.errors) == {"valid_from", "base_amount"}
        with pytest.raises(ValidationFailed) as exc:
            S.fee_basis_set(actor=tree.admin, member=cell_members["an"], valid_from=next_month(), group="x",
                            base_amount=-5)
        assert "chưa đến" in exc.value.errors["valid_from"][0] and exc.value.errors["group"]
        assert FeeBasis.objects.count() == 0

    def test_student_needs_no_base(self, tree, cell_members):
        basis = S.fee_basis_set(actor=tree.admin, member=cell_members["cuong"], valid_from=FEB, group="student",
                                base_amount=123)
        assert basis.base_amount is None

    def test_not_a_member_that_month(self, tree):
        candidate = make_member(tree.cell_a1, "Vũ Thị Quần Chúng", status="candidate", admitted_on=None)
        with pytest.raises(ValidationFailed) as exc:
            S.fee_basis_set(actor=tree.admin, member=candidate, valid_from=FEB, group="salary", base_amount=1)
        assert "không phải đảng viên" in exc.value.errors["valid_from"][0]

    def test_scope_and_role(self, tree, users, cell_members):
        with pytest.raises(NotFound):
            S.fee_basis_set(actor=users["commune_officer"], member=cell_members["out"], valid_from=FEB,
                            group="salary", base_amount=1_000_000)
        with pytest.raises(PermissionDenied):
            S.fee_basis_set(actor=users["cell"], member=cell_members["an"], valid_from=FEB, group="salary",
                            base_amount=1_000_000)


def _decision(tree, member, **kw):
    args = {"kind": "reduce", "ground": "hardship", "percent": 50, "from_month": MAR, "to_month": D(2027, 2, 1),
            "reason": "Hộ cận nghèo", "decision_no": "12-QĐ/ĐU"}
    args.update(kw)
    return S.fee_decision_create(actor=tree.admin, member=member, **args)


class TestDecision:
    def test_twelve_months_allowed_thirteen_refused(self, tree, cell_members):
        with pytest.raises(ValidationFailed) as exc:
            _decision(tree, cell_members["an"], to_month=D(2027, 3, 1))
        assert "tối đa 12 tháng" in exc.value.errors["to_month"][0] and "13 tháng" in exc.value.errors["to_month"][0]
        decision = _decision(tree, cell_members["an"], to_month=D(2027, 2, 28))
        assert (decision.from_month, decision.to_month, decision.percent) == (MAR, D(2027, 2, 1), 50)

    @pytest.mark.parametrize("percent", [30, 50, 70])
    def test_reduction_rates(self, tree, cell_members, percent):
        assert _decision(tree, cell_members["an"], percent=percent).percent == percent

    @pytest.mark.parametrize("percent", [None, 0, 40, 100])
    def test_other_reduction_rates_refused(self, tree, cell_members, percent):
        with pytest.raises(ValidationFailed) as exc:
            _decision(tree, cell_members["an"], percent=percent)
        assert exc.value.errors["percent"] == ["Mức giảm phải là 30 %, 50 %, 70 % (QĐ 01-QĐ/TW)."]

    def test_no_reduction_rule_before_qd01(self, tree, cell_members):
        with pytest.raises(ValidationFailed) as exc:
            _decision(tree, cell_members["an"], from_month=JAN, to_month=JAN)
        assert "Chưa có quy định" in exc.value.errors["percent"][0]

    def test_exemption_for_social_pension_needs_no_end(self, tree, cell_members):
        d = _decision(tree, cell_members["binh"], kind="exempt", ground="social_pension", percent=None, to_month=None)
        assert d.percent == 100 and d.to_month is None
        with pytest.raises(ValidationFailed) as exc:
            _decision(tree, cell_members["an"], kind="exempt", percent=None, to_month=None)
        assert "phải có thời hạn" in exc.value.errors["to_month"][0]

    def test_overlap_end_before_start_and_missing_fields(self, tree, cell_members):
        _decision(tree, cell_members["an"])
        with pytest.raises(ValidationFailed) as exc:
            _decision(tree, cell_members["an"], from_month=D(2027, 2, 1), to_month=D(2027, 4, 1))
        assert "Trùng thời gian với quyết định số 12-QĐ/ĐU" in exc.value.errors["from_month"][0]
        with pytest.raises(ValidationFailed) as exc:
            _decision(tree, cell_members["binh"], to_month=D(2026, 1, 1), reason=" ", decision_no="",
                      decided_on=timezone.localdate() + dt.timedelta(days=1))
        assert {"to_month", "reason", "decision_no", "decided_on"} <= set(exc.value.errors)
        assert FeeDecision.objects.count() == 1

    def test_decision_applies_to_the_computed_months_in_range(self, tree, cell_members):
        an = cell_members["an"]
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=FEB, group="salary", base_amount=8_000_000)
        for month in (FEB, MAR):
            S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=month)
        _decision(tree, an, percent=30)
        assert line(an, FEB).amount_due == 80_000
        assert line(an, MAR).amount_due == 56_000 and "giảm 30 %" in line(an, MAR).rule_text


class TestMonthCompute:
    def test_regulation_switch_on_1_february_2026(self, tree, cell_members):
        an, cuong = cell_members["an"], cell_members["cuong"]
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=JAN, group="salary", base_amount=8_500_050)
        jan = S.fee_month_compute(actor=tree.admin, org=tree.province, month=JAN)
        feb = S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
        assert line(an, JAN).regulation == "QĐ 342-QĐ/TW" and line(an, JAN).amount_due == 85_001
        assert line(an, FEB).regulation == "QĐ 01-QĐ/TW" and line(an, FEB).amount_due == 85_001
        # the fixed student amount: 2.000 đ under QĐ 342-QĐ/TW (configurable default), 5.000 đ from QĐ 01-QĐ/TW on
        assert line(cuong, JAN).amount_due == 2_000 and "QĐ 342-QĐ/TW" in line(cuong, JAN).rule_text
        assert line(cuong, FEB).amount_due == 5_000
        assert (jan.members, feb.members) == (4, 4)
        assert jan.not_computable == 2  # Bình (pension) and Ngoài (salary) have no basis

    def test_ledger_lines_keep_their_org_and_member_from_being_deleted(self, tree, cell_members):
        """``org`` and ``recorded_by`` carry no database constraint (one check per line at commit):
        the ORM still refuses to delete what a ledger line points to."""
        from django.db.models import ProtectedError

        S.fee_month_compute(actor=tree.admin, org=tree.province, month=JAN)
        lines = FeePayment.objects.filter(month=JAN)
        an_line = line(cell_members["an"], JAN)
        assert lines.count() == 4 and an_line.org_id == tree.cell_a1.pk
        with pytest.raises(ProtectedError) as refused:
            tree.cell_a1.delete()
        assert an_line in refused.value.protected_objects
        with pytest.raises(ProtectedError) as refused:
            cell_members["an"].delete()
        assert an_line in refused.value.protected_objects
        assert FeePayment.objects.filter(month=JAN).count() == 4

    def test_party_age_49_vs_50_years(self, tree):
        old = make_member(tree.cell_a1, "Hoàng Văn Lão", admitted_on=D(1976, 2, 1), fee_group="pension",
                          birth_date=D(1950, 1, 1))
        younger = make_member(tree.cell_a1, "Hoàng Văn Trẻ", admitted_on=D(1976, 2, 2), fee_group="pension",
                              birth_date=D(1950, 1, 1))
        for m in (old, younger):
            S.fee_basis_set(actor=tree.admin, member=m, valid_from=FEB, group="pension", base_amount=6_000_000)
        S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
        assert line(old, FEB).amount_due == 0 and line(old, FEB).exempt
        assert "tuổi đảng 50 năm" in line(old, FEB).rule_text
        assert line(younger, FEB).amount_due == 30_000  # 49 years on 01/02/2026
        S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=MAR)
        assert line(younger, MAR).amount_due == 0  # 50 years on 01/03/2026

    def test_recompute_keeps_payments_and_only_touches_changed_lines(self, tree, cell_members):
        an = cell_members["an"]
        S.fee_basis_set(actor=tree.admin, member=an, valid_from=FEB, group="salary", base_amount=8_000_000)
        first = S.fee_month_compute(actor=tree.admin, org=tree.commune_a, month=FEB)
        assert (first.members, first.created, first.updated) == (3, 3, 0)
        S.fee_payment_record(actor=tree.admin, member=an, month=FEB, amount_paid=80_000, paid_on=D(2026, 2, 10),
                             channel="cash")
        FeeBasis.objects.create(member=cell_members["binh"], valid_from=FEB, group="pension", base_amount=4_000_000)
        again = S.fee_month_compute(actor=tree.admin, org=tree.commune_a, month=FEB)
        assert (again.created, again.updated) == (0, 1)
        assert line(an, FEB).amount_paid == 80_000 and line(cell_members["binh"], FEB).amount_due == 20_000

    def test_only_official_and_probationary_members_already_admitted(self, tree):
        make_member(tree.cell_a1, "Quần Chúng", status="candidate", admitted_on=None)
        make_member(tree.cell_a1, "Đã Xóa Tên", status="struck_off")
        late = make_member(tree.cell_a1, "Dự Bị Mới", status="probationary", ceremony_on=D(2026, 3, 2))
        result = S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
        assert result.members == 0
        assert S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=MAR).members == 1
        assert FeePayment.objects.get().member == late

    def test_future_month_scope_and_role(self, tree, users, cell_members):
        with pytest.raises(ValidationFailed) as exc:
            S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=next_month())
        assert "chưa đến" in exc.value.errors["month"][0]
        with pytest.raises(NotFound):
            S.fee_month_compute(actor=users["commune_officer"], org=tree.cell_b1, month=FEB)
        with pytest.raises(PermissionDenied):
            S.fee_month_compute(actor=users["leader"], org=tree.cell_a1, month=FEB)
        assert FeePayment.objects.count() == 0

    def test_one_audit_row(self, tree, cell_members):
        before = AuditEntry.objects.count()
        S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
        entry = AuditEntry.objects.latest("id")
        assert AuditEntry.objects.count() == before + 1
        assert entry.action == "fee.month_compute" and entry.after["members"] == 4
        assert entry.after["regulation"] == "QĐ 01-QĐ/TW"


class TestPayment:
    def test_record_creates_the_line_when_the_month_was_not_computed(self, tree, cell_members):
        cuong = cell_members["cuong"]
        paid = S.fee_payment_record(actor=tree.admin, member=cuong, month=D(2026, 2, 20), amount_paid=5_000,
                                    paid_on=D(2026, 2, 25), channel="portal")
        assert (paid.month, paid.amount_due, paid.amount_paid, paid.channel) == (FEB, 5_000, 5_000, "portal")
        assert paid.org == tree.cell_a1 and paid.recorded_by == tree.admin

    def test_more_than_due_is_accepted_less_is_refused(self, tree, cell_members):
        cuong = cell_members["cuong"]
        S.fee_payment_record(actor=tree.admin, member=cuong, month=FEB, amount_paid=20_000, paid_on=D(2026, 2, 1),
                             channel="cash")
        with pytest.raises(ValidationFailed) as exc:
            S.fee_payment_record(actor=tree.admin, member=cuong, month=MAR, amount_paid=4_999, paid_on=D(2026, 3, 1),
                                 channel="cash")
        assert exc.value.errors["payment"] == ["Số tiền đóng (4.999 đ) thấp hơn số phải đóng tháng 03/2026 (5.000 đ)."]

    def test_invalid_payment_reports_every_problem(self, tree, cell_members):
        with pytest.raises(ValidationFailed) as exc:
            S.fee_payment_record(actor=tree.admin, member=cell_members["cuong"], month=FEB, amount_paid=0,
                                 paid_on=timezone.localdate() + dt.timedelta(days=1), channel="bank")
        problems = exc.value.errors["payment"]
        assert len(problems) == 3 and "lớn hơn 0" in problems[0] and "tương lai" in problems[1]
        assert FeePayment.objects.count() == 0

    def test_correction_is_audited_with_before_and_after(self, tree, cell_members):
        cuong = cell_members["cuong"]
        S.fee_payment_record(actor=tree.admin, member=cuong, month=FEB, amount_paid=5_000, paid_on=D(2026, 2, 3),
                             channel="cash")
        S.fee_payment_record(actor=tree.admin, member=cuong, month=FEB, amount_paid=6_000, paid_on=D(2026, 2, 4),
                             channel="cash")
        entry = AuditEntry.objects.filter(action="fee.payment_record").latest("id")
        assert entry.before["amount_paid"] == 5_000 and entry.after["amount_paid"] == 6_000
        assert FeePayment.objects.count() == 1

    def test_ledger_save_is_all_or_nothing(self, tree, cell_members):
        an, cuong = cell_members["an"], cell_members["cuong"]
        good = S.PaymentEntry(cuong.pk, 5_000, D(2026, 2, 5), "cash")
        unknown_due = S.PaymentEntry(an.pk, 10, D(2026, 2, 5), "cash")  # no basis: due unknown, any amount
        outsider = S.PaymentEntry(cell_members["out"].pk, 5_000, D(2026, 2, 5), "cash")
        with pytest.raises(ValidationFailed) as exc:
            S.fee_ledger_save(actor=tree.admin, org=tree.cell_a1, month=FEB, entries=[good, unknown_due, outsider])
        assert set(exc.value.errors) == {f"member_{cell_members['out'].pk}"}
        assert FeePayment.objects.filter(amount_paid__isnull=False).count() == 0
        saved = S.fee_ledger_save(actor=tree.admin, org=tree.cell_a1, month=FEB, entries=[good, unknown_due])
        assert len(saved) == 2
        again = S.fee_ledger_save(actor=tree.admin, org=tree.cell_a1, month=FEB, entries=[good])
        assert again == []  # unchanged lines are not written again
