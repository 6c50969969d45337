"""Benchmarks of the party-fee ledger: one month of a province computed by ``fee_month_compute``,
against one SQL statement that computes the same figures (members, not computable, total due).

* ``fees.month``: the month's first computation (every ledger line created); the lines are deleted
  (and the table vacuumed on PostgreSQL), untimed, before each run;
* ``fees.month.recompute``: the same month again, lines already there and unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from tcxd.common.paths import path_range
from tcxd.fees import calc
from tcxd.fees.compute import retirement_cutoff
from tcxd.fees.models import FeeBasis, FeeDecision, FeePayment
from tcxd.fees.periods import month_end, month_start
from tcxd.fees.rates import fee_rates
from tcxd.fees.services import fee_month_compute
from tcxd.members.models import Member
from tcxd.orgs.models import Org
from tcxd.rules.pure.calendar import add_months

from ..runner import Benchmark
from .members import bench_officer
from .orgs import biggest_province

Answer = tuple[int, int, int]  # members, not computable, total due (đồng)
_T = {"m": Member._meta.db_table, "o": Org._meta.db_table, "b": FeeBasis._meta.db_table,
      "d": FeeDecision._meta.db_table, "p": FeePayment._meta.db_table}
SQL_CLEAR = "DELETE FROM {p} WHERE month = %s AND org_id IN (SELECT id FROM {o} WHERE path >= %s AND path < %s)"
SQL_LEDGER = ("SELECT COUNT(*), COALESCE(SUM(p.amount_due), 0) FROM {p} p JOIN {o} o ON o.id = p.org_id "
              "WHERE p.month = %s AND o.path >= %s AND o.path < %s")
SQL_DUES = """
SELECT COUNT(*), SUM(CASE WHEN amount IS NULL THEN 1 ELSE 0 END), COALESCE(SUM(amount), 0) FROM (
  SELECT CASE
    WHEN m.status = 'official' AND m.admitted_on <= %(age_cut)s THEN 0
    WHEN d.kind = 'exempt' THEN 0
    ELSE CASE COALESCE(b."group", m.fee_group)
      WHEN 'salary' THEN {salary}
      WHEN 'insurance_allowance' THEN {insurance_allowance}
      WHEN 'pension' THEN {pension}
      WHEN 'other' THEN CASE
        WHEN m.sex = 'M' AND m.birth_date < %(retired_m)s OR m.sex = 'F' AND m.birth_date < %(retired_f)s
        THEN {other_after} ELSE {other_before} END
      WHEN 'student' THEN {student}
      ELSE NULL END
    END AS amount
  FROM {m} m JOIN {o} o ON o.id = m.org_id LEFT JOIN {o} t ON t.id = m.temporary_org_id
  LEFT JOIN {b} b ON b.member_id = m.id AND b.valid_from <= %(month)s AND NOT EXISTS (
    SELECT 1 FROM {b} b2 WHERE b2.member_id = m.id AND b2.valid_from <= %(month)s
      AND (b2.valid_from > b.valid_from OR b2.valid_from = b.valid_from AND b2.id > b.id))
  LEFT JOIN {d} d ON d.member_id = m.id AND d.from_month <= %(month)s
    AND (d.to_month IS NULL OR d.to_month >= %(month)s) AND NOT EXISTS (
    SELECT 1 FROM {d} d2 WHERE d2.member_id = m.id AND d2.from_month <= %(month)s
      AND (d2.to_month IS NULL OR d2.to_month >= %(month)s)
      AND (d2.from_month > d.from_month OR d2.from_month = d.from_month AND d2.id > d.id))
  WHERE (t.path >= %(low)s AND t.path < %(high)s OR m.temporary_org_id IS NULL AND o.path >= %(low)s
         AND o.path < %(high)s) AND m.status IN ('official', 'probationary')
    AND (m.ceremony_on IS NULL OR m.ceremony_on <= %(month_end)s)
) dues"""
REDUCED = "(100 - CASE WHEN d.kind = 'reduce' THEN d.percent ELSE 0 END)"


def bench_month(today: dt.date | None = None) -> dt.date:
    """The last complete month: what an officer computes at the start of a month."""
    return add_months(month_start(today or timezone.localdate()), -1)


def _rate_sql(rate: Decimal | None) -> str:
    """calc.monthly_fee's amount for a rate of the base, in integer SQL: base × rate × (100 − reduction)
    / 100, rounded half up once (calc.half_up: (2n + d) / 2d). NULL when no rate or no basis."""
    if rate is None:
        return "NULL"
    num, den = rate.as_integer_ratio()
    return f"((2 * b.base_amount * {num} * {REDUCED} + {den * 100}) / {2 * den * 100})"


def _student_sql(amount: int | None) -> str:
    return "NULL" if amount is None else f"((2 * {amount} * {REDUCED} + 100) / 200)"


def dues_sql(rates: calc.FeeRates) -> str:
    return SQL_DUES.format(
        salary=_rate_sql(rates.salary), insurance_allowance=_rate_sql(rates.insurance_allowance),
        pension=_rate_sql(rates.pension), other_before=_rate_sql(rates.other_before_retirement),
        other_after=_rate_sql(rates.other_after_retirement), student=_student_sql(rates.student_vnd), **_T)


def dues_params(org: Org, month: dt.date, rates: calc.FeeRates) -> dict[str, object]:
    low, high = path_range(org.path)
    years = rates.exempt_min_party_age_years
    # whole_years(admitted_on, month) >= years  ⇔  admitted_on <= (month − years), month being a 1st
    age_cut = dt.date(month.year - years, month.month, 1) if years is not None else dt.date(1, 1, 1)
    return {"month": month, "month_end": month_end(month), "low": low, "high": high, "age_cut": age_cut,
            "retired_m": retirement_cutoff("M", month), "retired_f": retirement_cutoff("F", month)}


def _dues_floor(sql: str, params: dict[str, object]) -> Callable[[], Answer]:
    def run() -> Answer:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            members, missing, total = cursor.fetchone()
            return members, missing or 0, int(total)
    return run


def _clear(org: Org, month: dt.date) -> Callable[[], None]:
    """Delete the month's lines of the subtree. On PostgreSQL also VACUUM the ledger table: a month is
    computed once in real use, while the benchmark deletes and re-inserts 200 000 lines every run, and
    the dead rows and index entries piling up (without autovacuum) would slow every later run."""
    sql = SQL_CLEAR.format(**_T)

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [month, *path_range(org.path)])
            if connection.vendor == "postgresql" and connection.get_autocommit():
                cursor.execute(f"VACUUM (ANALYZE) {_T['p']}")
    return run


def _month(name: str, *, again: bool) -> Benchmark:
    province = biggest_province()
    officer = bench_officer(province)
    month = bench_month()
    clear = _clear(province, month)
    clear()
    result = fee_month_compute(actor=officer, org=province, month=month)
    expected: Answer = (result.members, result.not_computable, result.total_due)
    with connection.cursor() as cursor:
        cursor.execute(SQL_LEDGER.format(**_T), [month, *path_range(province.path)])
        lines, ledger_total = cursor.fetchone()
    if (lines, int(ledger_total)) != (result.members, result.total_due):
        raise AssertionError(f"{name}: ledger has {lines} lines, {ledger_total} đ; computed {expected}")

    def run() -> None:
        done = fee_month_compute(actor=officer, org=province, month=month)
        if (done.members, done.total_due, done.updated) != (result.members, result.total_due, 0):
            raise AssertionError(f"{name}: computed {done}, expected {result}")

    rates = fee_rates(month)
    floors = {"one_statement": _dues_floor(dues_sql(rates), dues_params(province, month, rates))}
    return Benchmark(name, result.members, run, floors, expected, prepare=None if again else clear)


def month() -> Benchmark:
    return _month("fees.month", again=False)


def month_recompute() -> Benchmark:
    return _month("fees.month.recompute", again=True)
