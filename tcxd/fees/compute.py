"""Gathering the inputs of the fee calculation for many members at once: one query per kind of data
(members, bases, decisions, and the events of the few members near the party-age threshold who had
a gap), then the pure ``calc.monthly_fee`` for each member.

Where a member pays (B-16, B-27): at the org where he or she attends — the host org of a temporary
transfer (``Member.temporary_org``) while it lasts, else the official org. ``payer_q`` selects the
members paying in a subtree; a month's ledger line is kept at that org (``MemberRow.fee_org_id``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from tcxd.members.models import Member
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import subtree_q
from tcxd.rules.pure.retirement import pension_start

from . import calc
from .models import DecisionGround, DecisionKind, FeeBasis, FeeDecision
from .party_age import party_age_years
from .periods import month_end
from .rates import fee_rates

ACTIVE_STATUSES = ("official", "probationary")
MEMBER_FIELDS = ("id", "org_id", "temporary_org_id", "status", "fee_group", "admitted_on", "official_on",
                 "last_event_on", "birth_date", "sex")
GROUND_LABELS = {ground.value: ground.label.lower() for ground in DecisionGround}


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    fee_org_id: int  # where the fee is paid: the temporary (host) org, else the official org
    status: str
    fee_group: str
    admitted_on: dt.date | None
    official_on: dt.date | None
    last_event_on: dt.date | None
    birth_date: dt.date
    sex: str


def fee_org_id(member: Member) -> int:
    """The org where ``member`` pays the fee and where the month's ledger line is kept (B-16)."""
    return member.temporary_org_id or member.org_id


def payer_q(org: Org, prefix: str = "") -> Q:
    """Members paying the fee in the subtree of ``org``: temporarily attending an org there, or
    registered there and not temporarily attending elsewhere. Each member pays in one place only."""
    hosted = subtree_q(org, f"{prefix}temporary_org__path")
    registered = Q(**{f"{prefix}temporary_org__isnull": True}) & subtree_q(org, f"{prefix}org__path")
    return hosted | registered


def attending_q(org: Org, prefix: str = "") -> Q:
    """Members paying the fee at ``org`` itself (see ``payer_q``)."""
    return Q(**{f"{prefix}temporary_org": org}) | Q(**{f"{prefix}org": org, f"{prefix}temporary_org__isnull": True})


def member_of_month_q(month: dt.date, prefix: str = "") -> Q:
    """Official or probationary now, and already a member (ceremony held) by the month's end.

    Uses the projection columns (status, org, temporary org) of today: a member who left the Party
    after the month is not in a recomputation of that month; the lines already in the ledger stay.
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
    return [MemberRow(pk, temporary or org, *rest)
            for pk, org, temporary, *rest in fetch(qs.values_list(*MEMBER_FIELDS).order_by())]


def bases_in_force(member_q: Q, month: dt.date) -> dict[int, tuple[str, int | None]]:
    """member id → (group, base amount) of the latest basis valid from the month or earlier."""
    rows = (FeeBasis.objects.filter(member_q, valid_from__lte=month)
            .order_by("member_id", "valid_from", "id").values_list("member_id", "group", "base_amount"))
    return {member_id: (group, base) for member_id, group, base in fetch(rows)}


def decisions_in_force(member_q: Q, month: dt.date) -> dict[int, tuple[str | None, int]]:
    """member id → (exemption text or None, reduction percent) of the decision in force that month
    (the latest started one if several overlap)."""
    rows = (FeeDecision.objects.filter(member_q, from_month__lte=month)
            .filter(Q(to_month__isnull=True) | Q(to_month__gte=month)).order_by("member_id", "from_month", "id")
            .values_list("member_id", "kind", "ground", "percent", "decision_no"))
    out: dict[int, tuple[str | None, int]] = {}
    for member_id, kind, ground, percent, number in fetch(rows):
        if kind == DecisionKind.EXEMPT:
            out[member_id] = (f"{GROUND_LABELS.get(ground, ground)}, quyết định số {number}", 0)
        else:
            out[member_id] = (None, percent)
    return out


class RetirementCache:
    """Whether a member is past the statutory retirement age in a month (for the "other members"
    rates). The pension start depends on the birth month and sex only (``retirement.pension_start``
    counts from the first day of the birth month), so it is computed once per birth month."""

    def __init__(self, month: dt.date) -> None:
        self.month = month
        self._past: dict[tuple[int, int, str], bool] = {}

    def past(self, birth_date: dt.date, sex: str) -> bool:
        key = (birth_date.year, birth_date.month, sex)
        found = self._past.get(key)
        if found is None:
            try:
                start = pension_start(birth_date.replace(day=1), sex)
            except (ValueError, KeyError):
                found = False
            else:
                found = start <= self.month
            self._past[key] = found
        return found


def dues_for(rows: list[MemberRow], month: dt.date, member_q: Q,
             rates: calc.FeeRates | None = None) -> dict[int, calc.FeeDue]:
    """The fee due of each member row for ``month``; ``member_q`` selects the same members from the
    basis and decision tables (a ``member__…`` filter).

    Members with the same inputs get the same answer, so ``calc.monthly_fee`` runs once per distinct
    (group, base, decision, party age when exempting, retirement) — a fraction of a province.
    """
    rates = rates or fee_rates(month)
    bases = bases_in_force(member_q, month)
    decisions = decisions_in_force(member_q, month)
    ages = party_age_years(((r.id, r.status, r.admitted_on, r.official_on, r.last_event_on) for r in rows), month,
                           rates.exempt_min_party_age_years)
    retired = RetirementCache(month)
    memo: dict[tuple, calc.FeeDue] = {}
    out: dict[int, calc.FeeDue] = {}
    no_decision = (None, 0)
    for row in rows:
        member_id = row.id
        group, base = bases.get(member_id) or (row.fee_group, None)
        exemption, reduction = decisions.get(member_id, no_decision)
        past = group == calc.OTHER and retired.past(row.birth_date, row.sex)
        key = (group, base, exemption, reduction, ages.get(member_id), past)
        due = memo.get(key)
        if due is None:
            due = memo[key] = calc.monthly_fee(group, base, rates=rates, party_age_years=key[4], exemption=exemption,
                                               reduction_pct=reduction, past_retirement_age=past)
        out[member_id] = due
    return out
