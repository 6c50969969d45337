"""The monthly party fee (đảng phí) of one member — pure Python, no Django (domain B-27, B-28).

The rates are looked up by the caller (``tcxd.fees.rates.fee_rates``: the rule parameters in force on
the month's first day — QĐ 01-QĐ/TW from 01/02/2026, QĐ 342-QĐ/TW before) and passed in, so this
module only does arithmetic and explains it.

Order of the rules:

1. party age ≥ ``exempt_min_party_age_years`` (50 years, B-28) → exempt;
2. an exemption decision (social pension allowance, extreme hardship) → exempt;
3. the group's amount: 1 % of the previous month's insured salary, 1 % of a social-insurance
   allowance, 0,5 % of a pension, the fixed student amount, or for other members a rate of the
   regional minimum wage from the configurable table (before/after retirement age);
4. a reduction decision (30/50/70 %) applies to that amount.

Rounding: the amount is computed exactly (integer arithmetic on the rate's exact fraction) as
base × rate × (100 − reduction) / 100 and rounded **once**, to a whole đồng, **half up**:
12.345,5 đ → 12.346 đ, 12.345,49 đ → 12.345 đ. A fixed amount (students) is reduced the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from tcxd.common.fmt import fmt_decimal

# Fee groups: the codes of ``tcxd.members.codes.FeeGroup`` (kept as plain strings here).
SALARY = "salary"
INSURANCE_ALLOWANCE = "insurance_allowance"
PENSION = "pension"
STUDENT = "student"
OTHER = "other"
ABROAD = "abroad"
GROUPS = (SALARY, INSURANCE_ALLOWANCE, PENSION, STUDENT, OTHER, ABROAD)
GROUPS_WITH_BASE = (SALARY, INSURANCE_ALLOWANCE, PENSION, OTHER)

BASE_LABELS = {
    SALARY: "tiền lương tháng trước làm căn cứ đóng BHXH",
    INSURANCE_ALLOWANCE: "trợ cấp BHXH",
    PENSION: "lương hưu",
    OTHER: "lương tối thiểu vùng",
}


@dataclass(frozen=True)
class FeeRates:
    """The rule parameters in force for one month (None: not in force / not configured)."""

    regulation: str = ""
    salary: Decimal | None = None
    insurance_allowance: Decimal | None = None
    pension: Decimal | None = None
    student_vnd: int | None = None
    other_before_retirement: Decimal | None = None
    other_after_retirement: Decimal | None = None
    exempt_min_party_age_years: int | None = None


@dataclass(frozen=True)
class FeeDue:
    """``amount_vnd`` None means "cannot be computed" (no basis, or no rate in force); ``rule_text``
    says why or how the amount was obtained, in Vietnamese."""

    amount_vnd: int | None
    rule_text: str
    exempt: bool = False


def round_vnd(value: Decimal) -> int:
    """Whole đồng, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def half_up(numerator: int, denominator: int) -> int:
    """The non-negative fraction numerator/denominator rounded half up to an integer."""
    return (2 * numerator + denominator) // (2 * denominator)


@lru_cache(maxsize=64)
def _ratio(rate: Decimal) -> tuple[int, int]:
    return rate.as_integer_ratio()


@lru_cache(maxsize=64)
def fmt_rate(rate: Decimal) -> str:
    """0.005 → '0,5 %'; 0.01 → '1 %'."""
    pct = (rate * 100).normalize()
    places = max(0, -pct.as_tuple().exponent)
    return f"{fmt_decimal(pct, places)} %"


def _vnd(amount: int) -> str:
    return f"{amount:,} đ".replace(",", ".")  # amounts are never negative: fmt_int without the sign


def _suffix(rates: FeeRates) -> str:
    return f" ({rates.regulation})" if rates.regulation else ""


def _group_rate(group: str, rates: FeeRates, past_retirement_age: bool) -> Decimal | None:
    if group == SALARY:
        return rates.salary
    if group == INSURANCE_ALLOWANCE:
        return rates.insurance_allowance
    if group == PENSION:
        return rates.pension
    if group == OTHER:
        return rates.other_after_retirement if past_retirement_age else rates.other_before_retirement
    return None


def monthly_fee(group: str, base_amount: int | None, *, rates: FeeRates, party_age_years: int | None = None,
                exemption: str | None = None, reduction_pct: int = 0,
                past_retirement_age: bool = False) -> FeeDue:
    """The fee due for one month.

    ``base_amount``: whole đồng (salary, allowance, pension or regional minimum wage), unused for
    students. ``exemption``: the reason of an exemption decision in force (its text goes into the
    explanation), or None. ``reduction_pct``: 0, or the percentage of a reduction decision in force.
    """
    suffix = _suffix(rates)
    threshold = rates.exempt_min_party_age_years
    if threshold is not None and party_age_years is not None and party_age_years >= threshold:
        return FeeDue(0, f"Miễn: tuổi đảng {party_age_years} năm (từ {threshold} năm trở lên){suffix}", True)
    if exemption:
        return FeeDue(0, f"Miễn: {exemption}{suffix}", True)
    if not 0 <= reduction_pct < 100:
        raise ValueError("reduction_pct must be in [0, 100)")
    if group == ABROAD:
        return FeeDue(None, "Đảng viên ở nước ngoài: mức đóng riêng, chưa có trong hệ thống")
    if group == STUDENT:
        if rates.student_vnd is None:
            return FeeDue(None, f"Chưa có mức đóng cho học sinh, sinh viên theo quy định áp dụng{suffix}")
        numerator, denominator = rates.student_vnd, 1
        text = f"Học sinh, sinh viên: {_vnd(rates.student_vnd)}/tháng"
    elif group in GROUPS_WITH_BASE:
        rate = _group_rate(group, rates, past_retirement_age)
        if rate is None:
            return FeeDue(None, f"Chưa có tỷ lệ đóng cho nhóm này theo quy định áp dụng{suffix}")
        if base_amount is None:
            return FeeDue(None, f"Chưa có căn cứ tính ({BASE_LABELS[group]})")
        num, den = _ratio(rate)
        numerator, denominator = base_amount * num, den
        extra = (" sau tuổi nghỉ hưu" if past_retirement_age else " trước tuổi nghỉ hưu") if group == OTHER else ""
        text = f"{fmt_rate(rate)} × {_vnd(base_amount)} ({BASE_LABELS[group]}{extra})"
    else:
        return FeeDue(None, "Nhóm đóng đảng phí không hợp lệ")
    amount = half_up(numerator * (100 - reduction_pct), denominator * 100)
    if reduction_pct:
        text += f", giảm {reduction_pct} %"
    return FeeDue(amount, f"{text} = {_vnd(amount)}{suffix}")


def step_value(table: dict[str, object] | None, month_iso: str) -> Decimal | None:
    """The value of a dated step table ({"2026-02-01": "0.003", "2028-01-01": "0.005"}) on a day
    given as an ISO string: the step with the latest start on or before it."""
    if not table:
        return None
    starts = sorted(k for k in table if k <= month_iso)
    if not starts:
        return None
    value = table[starts[-1]]
    return None if value is None else Decimal(str(value))
