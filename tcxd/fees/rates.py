"""The fee rule parameters in force for a month (``fees.*`` in the rule registry), read once per
month and handed to the pure calculation. Values unverified in the domain notes are configurable
by administrators in the registry (rules app); nothing is hard-coded here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tcxd.rules.selectors import param, regulation_for

from .calc import FeeRates, step_value

OTHER_TABLE_KEY = "fees.other_members_rate_of_regional_min_wage"


def _decimal(key: str, on: dt.date) -> Decimal | None:
    value = param(key, on=on, default=None)
    return None if value is None else Decimal(str(value))


def _int(key: str, on: dt.date) -> int | None:
    value = param(key, on=on, default=None)
    return None if value is None else int(value)


def regulation_code(month: dt.date) -> str:
    """The fee regulation in force on the month's first day (QĐ 01-QĐ/TW from 01/02/2026)."""
    try:
        return regulation_for("fees.rate_salary", on=month).code
    except LookupError:
        return ""


def fee_rates(month: dt.date) -> FeeRates:
    table = param(OTHER_TABLE_KEY, on=month, default=None) or {}
    iso = month.isoformat()
    return FeeRates(
        regulation=regulation_code(month),
        salary=_decimal("fees.rate_salary", month),
        insurance_allowance=_decimal("fees.rate_social_insurance_allowance", month),
        pension=_decimal("fees.rate_pension", month),
        student_vnd=_int("fees.student_monthly_vnd", month),
        other_before_retirement=step_value(table.get("truoc_tuoi_nghi_huu"), iso),
        other_after_retirement=step_value(table.get("sau_tuoi_nghi_huu"), iso),
        exempt_min_party_age_years=_int("fees.exempt_min_party_age_years", month),
    )


def reduction_percents(month: dt.date) -> list[int] | None:
    """Allowed reduction percentages (30, 50, 70), or None when no rule is in force that month."""
    values = param("fees.reduction_rates", on=month, default=None)
    if values is None:
        return None
    return sorted(int((Decimal(str(v)) * 100).to_integral_value()) for v in values)


def decision_max_months(month: dt.date) -> int | None:
    return _int("fees.reduction_max_months", month)


def remit_share(month: dt.date) -> Decimal | None:
    """Share of collected fees a cell remits upward (B-30; unverified under QĐ 01 → may be None)."""
    return _decimal("fees.cell_remit_share", month)
