"""The pure fee calculation at its boundaries (B-27, B-28)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tcxd.fees import calc
from tcxd.fees.calc import FeeRates, monthly_fee, round_vnd, step_value

QD01 = FeeRates(regulation="QĐ 01-QĐ/TW", salary=Decimal("0.01"), insurance_allowance=Decimal("0.01"),
                pension=Decimal("0.005"), student_vnd=5000, other_before_retirement=Decimal("0.003"),
                other_after_retirement=Decimal("0.002"), exempt_min_party_age_years=50)
QD342 = FeeRates(regulation="QĐ 342-QĐ/TW", salary=Decimal("0.01"), pension=Decimal("0.005"))


class TestRounding:
    def test_half_up_to_whole_dong(self):
        assert round_vnd(Decimal("85000.5")) == 85001
        assert round_vnd(Decimal("85000.49")) == 85000
        assert round_vnd(Decimal("0.5")) == 1

    def test_one_percent_of_salary_rounds_half_up(self):
        assert monthly_fee("salary", 8_500_050, rates=QD01).amount_vnd == 85_001  # 85.000,5
        assert monthly_fee("salary", 8_500_049, rates=QD01).amount_vnd == 85_000  # 85.000,49
        assert monthly_fee("salary", 8_500_000, rates=QD01).amount_vnd == 85_000

    def test_half_percent_of_pension(self):
        due = monthly_fee("pension", 1_234_567, rates=QD01)  # 6.172,835
        assert due.amount_vnd == 6_173
        assert "0,5 % × 1.234.567 đ (lương hưu) = 6.173 đ" in due.rule_text

    def test_reduction_is_rounded_once(self):
        # 1 % × 1.000.050 = 10.000,5; × 70 % = 7.000,35 → 7.000 (rounding 10.001 first would give 7.001)
        assert monthly_fee("salary", 1_000_050, rates=QD01, reduction_pct=30).amount_vnd == 7_000


class TestGroups:
    def test_salary_text_names_rate_base_and_regulation(self):
        due = monthly_fee("salary", 8_512_350, rates=QD01)
        assert due.amount_vnd == 85_124 and not due.exempt
        assert due.rule_text == ("1 % × 8.512.350 đ (tiền lương tháng trước làm căn cứ đóng BHXH) = 85.124 đ "
                                 "(QĐ 01-QĐ/TW)")

    def test_insurance_allowance_one_percent(self):
        assert monthly_fee("insurance_allowance", 4_000_000, rates=QD01).amount_vnd == 40_000

    def test_student_fixed_amount_and_reductions(self):
        assert monthly_fee("student", None, rates=QD01).amount_vnd == 5_000
        assert monthly_fee("student", 9_999_999, rates=QD01).amount_vnd == 5_000  # the base is ignored
        assert monthly_fee("student", None, rates=QD01, reduction_pct=30).amount_vnd == 3_500
        assert monthly_fee("student", None, rates=QD01, reduction_pct=50).amount_vnd == 2_500
        assert monthly_fee("student", None, rates=QD01, reduction_pct=70).amount_vnd == 1_500

    def test_other_members_by_retirement_age_from_the_table(self):
        before = monthly_fee("other", 4_960_000, rates=QD01)
        after = monthly_fee("other", 4_960_000, rates=QD01, past_retirement_age=True)
        assert before.amount_vnd == 14_880 and "trước tuổi nghỉ hưu" in before.rule_text
        assert after.amount_vnd == 9_920 and "sau tuổi nghỉ hưu" in after.rule_text

    def test_missing_base_or_rate_is_not_computable(self):
        assert monthly_fee("salary", None, rates=QD01).amount_vnd is None
        assert "Chưa có căn cứ tính" in monthly_fee("pension", None, rates=QD01).rule_text
        no_student = monthly_fee("student", None, rates=QD342)
        assert no_student.amount_vnd is None and "QĐ 342-QĐ/TW" in no_student.rule_text
        assert monthly_fee("abroad", 1_000_000, rates=QD01).amount_vnd is None
        assert monthly_fee("nonsense", 1, rates=QD01).amount_vnd is None


class TestExemptions:
    def test_party_age_49_pays_50_is_exempt(self):
        assert monthly_fee("pension", 6_000_000, rates=QD01, party_age_years=49).amount_vnd == 30_000
        exempt = monthly_fee("pension", 6_000_000, rates=QD01, party_age_years=50)
        assert exempt.amount_vnd == 0 and exempt.exempt
        assert "tuổi đảng 50 năm" in exempt.rule_text

    def test_no_party_age_exemption_without_the_rule(self):
        assert monthly_fee("salary", 6_000_000, rates=QD342, party_age_years=60).amount_vnd == 60_000

    def test_decision_exemption_wins_over_reduction(self):
        due = monthly_fee("salary", 6_000_000, rates=QD01, exemption="hưởng trợ cấp hưu trí xã hội")
        assert due.amount_vnd == 0 and due.exempt and "trợ cấp hưu trí xã hội" in due.rule_text

    def test_reduction_must_be_below_100(self):
        with pytest.raises(ValueError):
            monthly_fee("salary", 1, rates=QD01, reduction_pct=100)


def test_step_table():
    table = {"2026-02-01": "0.003", "2028-01-01": "0.005"}
    assert step_value(table, "2026-01-01") is None
    assert step_value(table, "2026-02-01") == Decimal("0.003")
    assert step_value(table, "2027-12-01") == Decimal("0.003")
    assert step_value(table, "2028-01-01") == Decimal("0.005")
    assert step_value(None, "2028-01-01") is None


def test_rate_display():
    assert calc.fmt_rate(Decimal("0.01")) == "1 %"
    assert calc.fmt_rate(Decimal("0.005")) == "0,5 %"
    assert calc.fmt_rate(Decimal("0.003")) == "0,3 %"


def test_no_django_in_the_pure_module():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(calc))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.startswith("django") for m in modules)
