"""Gathering the inputs of the fee calculation for many members at once: one query per kind of data
(members, bases, decisions, and the events of the few members near the party-age threshold), then
the pure ``calc.monthly_fee`` for each member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import Q, QuerySet

from tcxd.members.models import Member
from tcxd.rules.pure.retirement import pension_start

from . import calc
from .models import DecisionKind, FeeBasis, FeeDecision
from .party_age import party_age_years
from .periods import month_end
from .rates import fee_rates

ACTIVE_STATUSES = ("official", "probationary")
MEMBER_FIELDS = ("id", "org_id", "status", "fee_group", "admitted_on", "birth_date", "sex")


@dataclass(frozen=True)
class MemberRow:
    id: int
    org_id: int
    status: str
    fee_group: str
    admitted_on: dt.date | None
    birth_date: dt.date
    sex: str


def member_of_month_q(month: dt.date, prefix: str = "") -> Q:
    """Official or probationary now, and already a member (ceremony held) by the month's end.

    Uses the projection columns (status, org) of today: a member who left the Party after the month
    is not in a recomputation of that month; the lines already in the ledger stay.
    """
    return Q(**{f"{prefix}status__in": ACTIVE_STATUSES}) & (
        Q(**{f"{prefix}ceremony_on__isnull": True}) | Q(**{f"{prefix}ceremony_on__lte": month_end(month)}))


def fetch(qs: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset straight from the cursor (dates come back as dates from
    both backends' drivers), skipping the per-row iterator work that matters at 200 000 rows."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def member_rows(qs: QuerySet[Member]) -> list[MemberRow]:
    return [MemberRow(*values) for values in fetch(qs.values_list(*MEMBER_FIELDS).order_by())]


def bases_in_force(member_q: Q, month: dt.date) -> dict[int, tuple[str, int | None]]:
    """member id → (group, base amount) of the latest basis valid from the month or earlier."""
    rows = (FeeBasis.objects.filter(member_q, valid_from__lte=month)
            .order_by("member_id", "valid_from", "id").values_list("member_id", "group", "base_amount"))
    return {member_id: (group, base) for member_id, group, base in fetch(rows)}


def decisions_in_force(member_q: Q, month: dt.date) -> dict[int, FeeDecision]:
    rows = (FeeDecision.objects.filter(member_q, from_month__lte=month)
            .filter(Q(to_month__isnull=True) | Q(to_month__gte=month))
            .only("member_id", "kind", "ground", "percent", "decision_no").order_by("member_id", "from_month", "id"))
    return {d.member_id: d for d in rows}


@lru_cache(maxsize=65536)
def _pension_start(birth_date: dt.date, sex: str) -> dt.date | None:
    try:
        return pension_start(birth_date, sex)
    except (ValueError, KeyError):
        return None


def _past_retirement(row: MemberRow, month: dt.date) -> bool:
    start = _pension_start(row.birth_date, row.sex)
    return start is not None and start <= month


def dues_for(rows: list[MemberRow], month: dt.date, member_q: Q,
             rates: calc.FeeRates | None = None) -> dict[int, calc.FeeDue]:
    """The fee due of each member row for ``month``; ``member_q`` selects the same members from the
    basis and decision tables (a ``member__…`` filter)."""
    rates = rates or fee_rates(month)
    bases = bases_in_force(member_q, month)
    decisions = decisions_in_force(member_q, month)
    ages = party_age_years(((r.id, r.status, r.admitted_on) for r in rows), month,
                           rates.exempt_min_party_age_years)
    out: dict[int, calc.FeeDue] = {}
    for row in rows:
        group, base = bases.get(row.id, (row.fee_group, None))
        decision = decisions.get(row.id)
        exemption = None
        reduction = 0
        if decision is not None:
            if decision.kind == DecisionKind.EXEMPT:
                exemption = f"{decision.get_ground_display().lower()}, quyết định số {decision.decision_no}"
            else:
                reduction = decision.percent
        out[row.id] = calc.monthly_fee(
            group, base, rates=rates, party_age_years=ages.get(row.id), exemption=exemption,
            reduction_pct=reduction, past_retirement_age=group == calc.OTHER and _past_retirement(row, month))
    return out
