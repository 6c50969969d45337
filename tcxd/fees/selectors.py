"""Reads of the party-fee ledger: a cell's ledger for a month or a year, arrears per member, and the
monthly collection report of a subtree. Callers pass an org already checked against the actor's
scope (``orgs.selectors.org_get``); every query here stays inside that org or its subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tcxd.members.models import Member
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import subtree_q

from .calc import GROUPS_WITH_BASE, round_vnd
from .compute import attending_q, member_of_month_q, payer_q
from .models import FeeBasis, FeeDecision, FeePayment
from .periods import month_start, year_months
from .rates import regulation_code, remit_share

# ---- a cell's ledger for one month -----------------------------------------------------------------

@dataclass
class LedgerRow:
    member: Member
    line: FeePayment | None

    @property
    def computed(self) -> bool:
        return self.line is not None

    @property
    def paid(self) -> bool:
        return self.line is not None and self.line.amount_paid is not None


@dataclass
class Ledger:
    org: Org
    month: dt.date
    rows: list[LedgerRow]
    regulation: str

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def computed(self) -> int:
        return sum(1 for r in self.rows if r.computed)

    @property
    def paid(self) -> int:
        return sum(1 for r in self.rows if r.paid)

    @property
    def total_due(self) -> int:
        return sum((r.line.amount_due or 0) for r in self.rows if r.line)

    @property
    def total_paid(self) -> int:
        return sum((r.line.amount_paid or 0) for r in self.rows if r.line)


MEMBER_COLUMNS = ("id", "full_name", "status", "fee_group", "org_id", "temporary_org_id", "birth_date")


def _members_of(org: Org, month: dt.date):
    """Members paying the fee at ``org`` that month: registered there and not temporarily attending
    elsewhere, or temporarily attending there (B-16)."""
    return (Member.objects.filter(member_of_month_q(month), attending_q(org)).only(*MEMBER_COLUMNS)
            .order_by("given_name_norm", "name_norm", "id"))


def fee_ledger(*, org: Org, month: dt.date) -> Ledger:
    """The ledger lines kept at ``org`` for the month, and the members paying there whose month is not
    computed yet. A member's line is in one ledger only: the org where it was computed (a member
    temporarily attending another org pays there, B-16). Two queries, three when lines are kept here
    for members who pay elsewhere now (moved or temporarily transferred since)."""
    month = month_start(month)
    members = list(_members_of(org, month))
    ids = {m.pk for m in members}
    lines = {p.member_id: p for p in FeePayment.objects.filter(Q(member_id__in=ids) | Q(org=org), month=month)}
    rows = [LedgerRow(m, lines.get(m.pk)) for m in members if m.pk not in lines or lines[m.pk].org_id == org.pk]
    moved = {member_id for member_id, line in lines.items() if line.org_id == org.pk} - ids
    if moved:
        rows += [LedgerRow(m, lines[m.pk]) for m in Member.objects.filter(pk__in=moved).only(*MEMBER_COLUMNS)
                 .order_by("given_name_norm", "name_norm", "id")]
    return Ledger(org=org, month=month, rows=rows, regulation=regulation_code(month))


# ---- a cell's ledger for a year, arrears -----------------------------------------------------------

PAID, UNPAID, EXEMPT, NOT_COMPUTED, NOT_DUE_YET = "paid", "unpaid", "exempt", "none", "future"


@dataclass
class YearRow:
    member: Member
    cells: list[tuple[str, FeePayment | None]]  # one per month: (mark, line)
    unpaid_months: list[dt.date] = field(default_factory=list)
    owed: int = 0
    paid_total: int = 0


def _mark(line: FeePayment | None, month: dt.date, current: dt.date) -> str:
    if line is None:
        return NOT_DUE_YET if month >= current else NOT_COMPUTED
    if line.amount_paid is not None:
        return PAID
    if line.exempt or line.amount_due == 0:
        return EXEMPT
    if line.amount_due is None:  # no basis or no rate: cannot be judged
        return NOT_COMPUTED
    return NOT_DUE_YET if month >= current else UNPAID


def fee_year(*, org: Org, year: int, today: dt.date | None = None) -> list[YearRow]:
    """Members paying the fee at ``org`` now (registered there, or temporarily attending there), with
    their 12 ledger months of ``year`` wherever each line is kept. A month counts as unpaid once it is
    over (the current month is still open) when something was due and nothing was paid. Two queries."""
    current = month_start(today or timezone.localdate())
    months = year_months(year)
    members = list(Member.objects.filter(attending_q(org), status__in=("official", "probationary"))
                   .only("id", "full_name", "status").order_by("given_name_norm", "name_norm", "id"))
    lines: dict[tuple[int, dt.date], FeePayment] = {
        (p.member_id, p.month): p for p in FeePayment.objects.filter(
            member__in=[m.pk for m in members], month__gte=months[0], month__lte=months[-1])}
    rows = []
    for member in members:
        row = YearRow(member=member, cells=[])
        for month in months:
            line = lines.get((member.pk, month))
            mark = _mark(line, month, current)
            row.cells.append((mark, line))
            if mark == UNPAID:
                row.unpaid_months.append(month)
                row.owed += line.amount_due or 0
            if line is not None:
                row.paid_total += line.amount_paid or 0
        rows.append(row)
    return rows


def fee_arrears(*, org: Org, year: int, today: dt.date | None = None) -> list[YearRow]:
    """Members with at least one unpaid month in the calendar year, most months first."""
    rows = [r for r in fee_year(org=org, year=year, today=today) if r.unpaid_months]
    return sorted(rows, key=lambda r: (-len(r.unpaid_months), r.member.full_name))


def unpaid_months(*, member_ids: list[int], first: dt.date, last: dt.date,
                  today: dt.date | None = None) -> dict[int, set[dt.date]]:
    """member id → months in [first, last] that are over, had something due and nothing paid."""
    current = month_start(today or timezone.localdate())
    rows = (FeePayment.objects.filter(member_id__in=member_ids, month__gte=first, month__lte=last,
                                      month__lt=current, amount_paid__isnull=True, amount_due__gt=0)
            .values_list("member_id", "month"))
    out: dict[int, set[dt.date]] = {}
    for member_id, month in rows:
        out.setdefault(member_id, set()).add(month)
    return out


# ---- basis and decisions of a cell's members ----------------------------------------------------

@dataclass
class MemberFeeFacts:
    member: Member
    basis: FeeBasis | None
    decisions: list[FeeDecision]

    @property
    def missing_basis(self) -> bool:
        """No basis recorded while the member's group is computed from one (salary, pension…)."""
        return self.basis is None and self.member.fee_group in GROUPS_WITH_BASE


def fee_member_facts(*, org: Org, month: dt.date) -> list[MemberFeeFacts]:
    """For each member paying the fee at ``org`` (registered there, or temporarily attending there):
    the basis in force for ``month`` and the decisions that have not ended before it. Three queries."""
    month = month_start(month)
    members = list(Member.objects.filter(attending_q(org), status__in=("official", "probationary"))
                   .only("id", "full_name", "fee_group", "status").order_by("given_name_norm", "name_norm", "id"))
    ids = [m.pk for m in members]
    bases: dict[int, FeeBasis] = {}
    for basis in FeeBasis.objects.filter(member_id__in=ids, valid_from__lte=month).order_by("valid_from", "id"):
        bases[basis.member_id] = basis
    decisions: dict[int, list[FeeDecision]] = {}
    for d in FeeDecision.objects.filter(member_id__in=ids).filter(
            Q(to_month__isnull=True) | Q(to_month__gte=month)).order_by("from_month", "id"):
        decisions.setdefault(d.member_id, []).append(d)
    return [MemberFeeFacts(m, bases.get(m.pk), decisions.get(m.pk, [])) for m in members]


# ---- the monthly collection report of a subtree -----------------------------------------------------

COUNTERS = ("members", "lines", "exempt", "due", "paid_count", "paid", "unpaid_count", "unpaid_due",
            "not_computable")


@dataclass
class ReportRow:
    org_id: int
    name: str
    path: str
    members: int = 0  # official + probationary paying there that month (temporarily attending included)
    lines: int = 0  # ledger lines computed
    exempt: int = 0
    due: int = 0
    paid_count: int = 0
    paid: int = 0
    unpaid_count: int = 0  # something due, nothing paid
    unpaid_due: int = 0
    not_computable: int = 0  # no basis or no rate in force

    @property
    def not_computed(self) -> int:
        return max(0, self.members - self.lines)


@dataclass
class CollectionReport:
    org: Org
    month: dt.date
    rows: list[ReportRow]
    total: ReportRow
    regulation: str
    remit_share: Decimal | None

    @property
    def remit_amount(self) -> int | None:
        return None if self.remit_share is None else round_vnd(self.total.paid * self.remit_share)


def fee_collection_report(*, org: Org, month: dt.date) -> CollectionReport:
    """Counts and sums by org (the cell a ledger line was kept at) over the subtree, with totals.
    Members are counted where they pay: a member temporarily attending another org (B-16) at that
    org, not at the official one — once. Three queries: ledger lines grouped by org, the members' orgs,
    the orgs' names."""
    month = month_start(month)
    unpaid = Q(amount_paid__isnull=True, amount_due__gt=0)
    grouped = (FeePayment.objects.filter(subtree_q(org, "org__path"), month=month).values("org_id")
               .annotate(lines=Count("id"), exempt=Count("id", filter=Q(exempt=True)), due=Sum("amount_due"),
                         paid_count=Count("id", filter=Q(amount_paid__isnull=False)), paid=Sum("amount_paid"),
                         unpaid_count=Count("id", filter=unpaid), unpaid_due=Sum("amount_due", filter=unpaid),
                         not_computable=Count("id", filter=Q(amount_due__isnull=True)))
               .order_by())
    stats = {r["org_id"]: r for r in grouped}
    counts = dict(Member.objects.filter(payer_q(org), member_of_month_q(month))
                  .annotate(fee_org=Coalesce("temporary_org_id", "org_id")).values_list("fee_org")
                  .annotate(n=Count("id")).order_by())
    ids = set(stats) | set(counts)
    orgs = Org.objects.filter(pk__in=ids).only("id", "name", "path").order_by("path")
    rows: list[ReportRow] = []
    total = ReportRow(org_id=org.pk, name="Tổng cộng", path=org.path)
    for o in orgs:
        s = stats.get(o.pk, {})
        row = ReportRow(org_id=o.pk, name=o.name, path=o.path, members=counts.get(o.pk, 0),
                        **{k: s.get(k) or 0 for k in COUNTERS if k != "members"})
        rows.append(row)
        for attr in COUNTERS:
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return CollectionReport(org=org, month=month, rows=rows, total=total, regulation=regulation_code(month),
                            remit_share=remit_share(month))
