"""Gathering the inputs of the fee calculation for many members at once: one query per kind of data
(members, bases, decisions, the few members near the party-age threshold and the events of those who
had a gap), then the pure ``calc.monthly_fee`` for each member.

Where a member pays (B-16, B-27): at the org where he or she attends — the host org of a temporary
transfer (``Member.temporary_org``) while it lasts, else the official org. ``payer_q`` selects the
members paying in a subtree; a month's ledger line is kept at that org (``fee_org_id``).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from tcxd.members.models import Member
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import subtree_q
from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.retirement import pension_start

from . import calc
from .bulk import fetch
from .models import DecisionGround, DecisionKind, FeeBasis, FeeDecision
from .party_age import party_ages
from .periods import month_end
from .rates import fee_rates

ACTIVE_STATUSES = ("official", "probationary")
RETIRED_BY_AGE_YEARS = 80
GROUND_LABELS = {ground.value: ground.label.lower() for ground in DecisionGround}


# A member as read for a month: (id, official org id, temporary org id or None, status, fee group,
# 1 if past the statutory retirement age in the month else 0). Plain tuples: 200 000 of them.
MemberRow = tuple[int, int, int | None, str, str, int]
# A member's fee for a month: (member id, id of the org where it is paid, the fee due).
MemberDue = tuple[int, int, calc.FeeDue]


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


@lru_cache(maxsize=64)
def retirement_cutoff(sex: str, month: dt.date) -> dt.date:
    """The first birth month whose pension starts after ``month``: people born before it are past the
    statutory retirement age in ``month``. The pension start depends on the birth month and sex only
    and never decreases with the birth month — checked here over the 80 years before ``month``
    (ValueError if a future roadmap broke that); anyone older is past any retirement age."""
    first_not: dt.date | None = None
    day = add_months(month, -12 * RETIRED_BY_AGE_YEARS)
    while day <= month:
        past = pension_start(day, sex) <= month
        if past and first_not is not None:
            raise ValueError("pension_start is not monotonic in the birth month: no single cut-off")
        if not past and first_not is None:
            first_not = day
        day = add_months(day, 1)
    if first_not == add_months(month, -12 * RETIRED_BY_AGE_YEARS):
        raise ValueError(f"nobody born {RETIRED_BY_AGE_YEARS} years before {month} is past the retirement age?")
    return first_not or add_months(month, 1)


def member_rows(qs: QuerySet[Member], month: dt.date) -> list[MemberRow]:
    """The members of ``qs`` as rows for ``month`` (one query, no date column read)."""
    born_before_cut = Q(sex="M", birth_date__lt=retirement_cutoff("M", month)) | Q(
        sex="F", birth_date__lt=retirement_cutoff("F", month))
    past = Case(When(born_before_cut, then=Value(1)), default=Value(0), output_field=IntegerField())
    return fetch(qs.annotate(past_retirement=past)
                 .values_list("id", "org_id", "temporary_org_id", "status", "fee_group", "past_retirement").order_by())


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


def dues_for(members: QuerySet[Member], month: dt.date, member_q: Q,
             rates: calc.FeeRates | None = None) -> list[MemberDue]:
    """The fee due for ``month`` of each member of ``members``, with the org where it is paid;
    ``member_q`` selects the same members from the basis and decision tables (a ``member__…``
    filter). Four queries (five with gap members near the party-age threshold), whatever the number
    of members.

    Members with the same inputs get the same answer, so ``calc.monthly_fee`` runs once per distinct
    (group, base, decision, party age when exempting, retirement) — a fraction of a province.
    """
    rates = rates or fee_rates(month)
    rows = member_rows(members, month)
    bases = bases_in_force(member_q, month)
    decisions = decisions_in_force(member_q, month)
    ages = party_ages(members, month, rates.exempt_min_party_age_years)
    memo: dict[tuple, calc.FeeDue] = {}
    out: list[MemberDue] = []
    append = out.append
    other = calc.OTHER
    no_decision = (None, 0)
    for member_id, org_id, temporary_id, _status, fee_group, past in rows:
        group, base = bases.get(member_id) or (fee_group, None)
        exemption, reduction = decisions.get(member_id, no_decision) if decisions else no_decision
        key = (group, base, exemption, reduction, ages.get(member_id) if ages else None, group == other and past == 1)
        due = memo.get(key)
        if due is None:
            due = memo[key] = calc.monthly_fee(group, base, rates=rates, party_age_years=key[4], exemption=exemption,
                                               reduction_pct=reduction, past_retirement_age=key[5])
        append((member_id, temporary_id or org_id, due))
    return out
