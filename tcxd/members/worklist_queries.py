"""Selectors of the work lists ("Việc cần làm").

* per-section shortlists: one indexed query per section (by status, transfer, event kind), never a
  join over the events with DISTINCT, never a cap: the engine then decides exactly;
* event histories read as tuples (one query per 900 members) and turned into engine values;
* the two sections decided in SQL alone: incomplete dossiers (the completeness checklist
  ``codes.REQUIRED_DOCUMENTS``) and cells with fewer official members than the minimum (A-03), each
  as an exact count plus one page of rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from tcxd.authz.scope import scope_for
from tcxd.orgs.kinds import CELL_KINDS, OrgStatus
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months, latest_start
from tcxd.rules.pure.membership.derive import EXIT_KINDS, EXIT_STATUSES
from tcxd.rules.selectors import param, rulebook

from .codes import REQUIRED_DOCUMENTS, DocumentType
from .models import Attachment, Member, MemberEvent


def _chunk() -> int:
    """Ids per IN (…) list: SQLite before 3.32 takes at most 999 host parameters, later ones 32 766,
    PostgreSQL 65 535."""
    return 900 if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 32) else 10_000


CHUNK = _chunk()
ACTIVE = (M.Status.CANDIDATE, M.Status.ADMITTED, M.Status.PROBATIONARY, M.Status.OFFICIAL)
# The checklist stage of each active status (as selectors.member_facts reads it).
STAGE_STATUSES = {
    "candidate": (M.Status.CANDIDATE, M.Status.ADMITTED),
    "probationary": (M.Status.PROBATIONARY,),
    "official": (M.Status.OFFICIAL,),
}
_KINDS = {k.value: k for k in M.EventKind}


# -- rules -------------------------------------------------------------------------------------------
_SCALARS = (int, float, str, bool, type(None))


def _copier(value):
    """How to hand out ``value`` without letting a caller change the book: as is (a scalar), a
    shallow copy (a list or dict of scalars), else a deep copy."""
    if isinstance(value, _SCALARS):
        return lambda: value
    if isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
        return lambda: list(value)
    if isinstance(value, dict) and all(isinstance(v, _SCALARS) for v in value.values()):
        return lambda: dict(value)
    return lambda: copy.deepcopy(value)


def rule_lookup():
    """``lifecycle.lookup`` for one computation: the same values (the version in force on the day),
    each version looked up once; lists and dicts are still handed out as copies."""
    book = rulebook()
    versions: dict[tuple[str, dt.date], object] = {}

    def lookup(key: str, on: dt.date):
        try:
            copier = versions[key, on]
        except KeyError:
            copier = versions[key, on] = _copier(book.version_in_force(key, on).parameter.value)
        return copier()

    return lookup


def smallest_value(key: str, on: dt.date) -> int:
    """The smallest value ``key`` has ever had (and the one in force on ``on``): a bound that holds
    whichever version applied on an event's own date."""
    values = [v.parameter.value for v in rulebook().history(key)]
    return min([int(v) for v in values if isinstance(v, int)] + [int(param(key, on=on))])


# -- scope -------------------------------------------------------------------------------------------
def member_scope_q(actor, prefix: str = "") -> Q:
    """``selectors.member_queryset``'s scope as a Q on a relation to Member (``prefix`` = "member__")."""
    scope = scope_for(actor)
    if scope.is_everything:
        return Q()
    return (scope.q(f"{prefix}org__path") | scope.q(f"{prefix}temporary_org__path")
            | scope.q(f"{prefix}transfer_to__path"))


# A shortlisted member: id → (updated_at as text, full name, name of the official org). ``updated_at`` changes
# with every event recorded or voided (lifecycle.project, same transaction): the memo's fingerprint.
Shortlist = dict[int, tuple[str, str, str]]
ROW = ("id", "stamp", "full_name", "org__name")
MOVES = ("org_id", "temporary_org_id", "transfer_to_id")
# A walk over the orgs in scope costs about one index probe per org (and per status), against one
# row read per member found by a section's own index.
ROWS_PER_ORG = 1
# The admission decisions dated in the badge windows (ten milestones, a quarter year each) are a few
# per cent of all members: through them when the scope holds more than that share of the orgs.
BADGE_EVENT_SHARE = 0.05
MANY_ORGS = 500  # orgs to name at once above which all the scope's orgs are read by path range
PLAN_STATS_TTL = 300.0
_PLAN_STATS: dict = {}


def plan_stats() -> dict:
    """Sizes that only weigh one plan against another (never change an answer), so a few minutes
    old is fine: all orgs, members by the statuses shortlisted, pending transfers."""
    if not _PLAN_STATS or time.monotonic() - _PLAN_STATS["at"] > PLAN_STATS_TTL:
        statuses = (M.Status.CANDIDATE, M.Status.ADMITTED, M.Status.PROBATIONARY, *EXIT_STATUSES)
        by_status = dict(Member.objects.filter(status__in=statuses).values_list("status")
                         .annotate(n=Count("id")).order_by())
        _PLAN_STATS.update(at=time.monotonic(), orgs=Org.objects.count(), by_status=by_status,
                           moving=Member.objects.filter(transfer_to__gt=0).count(),
                           visiting=Member.objects.filter(temporary_org__gt=0).count(),
                           screened=MemberEvent.objects.filter(kind=M.EventKind.SCREENING_VOTE).count())
    return _PLAN_STATS


class ScopedRows:
    """Member rows within one user's scope (``selectors.member_queryset``: the official org, the host
    of a temporary transfer or the receiver of a pending one lies in the scope), read by whichever of
    two plans touches fewer rows: from the section's own index (status, transfer, event kind) with the
    scope checked on each row found, or from the orgs in scope. One query OR'ing three path ranges
    over three joins lets SQLite walk every org or every member."""

    def __init__(self, actor) -> None:
        self.scope = scope_for(actor)
        self.everything = self.scope.is_everything
        self.org_count = 0 if self.everything else Org.objects.filter(self.scope.q("path")).count()
        self._visiting: list[int] | None = None
        self._orgs: dict[int, tuple[str, str]] = {}
        self._scope_orgs_read = False

    def by_own_index(self, estimate: int) -> bool:
        """Whether ``estimate`` rows found by the section's index cost less than walking the scope."""
        return self.everything or estimate <= self.org_count * ROWS_PER_ORG

    def visiting(self) -> list[int]:
        """Members outside the scope's orgs brought in by a temporary or pending transfer (few: read
        by the transfer indexes)."""
        if self._visiting is None:
            org_in = self.scope.q("org__path")
            found: set[int] = set()
            for moved, path in (("temporary_org", "temporary_org__path"), ("transfer_to", "transfer_to__path")):
                found.update(Member.objects.filter(**{f"{moved}__isnull": False}).filter(self.scope.q(path))
                             .exclude(org_in).values_list("id", flat=True).order_by())
            self._visiting = sorted(found)
        return self._visiting

    def share(self) -> float:
        """The scope's share of all orgs."""
        if self.everything:
            return 1.0
        return self.org_count / max(1, plan_stats()["orgs"])

    def orgs(self, ids) -> dict[int, tuple[str, str]]:
        """org id → (name, path), read once per request: many at once by the scope's path range (a
        list of thousands of ids costs more), the rest (outside the scope's orgs) by id."""
        missing = sorted({i for i in ids if i is not None} - self._orgs.keys())
        if len(missing) > MANY_ORGS and not self._scope_orgs_read:
            self._scope_orgs_read = True
            self._orgs.update((pk, (name, path)) for pk, name, path in
                              Org.objects.filter(self.scope.q("path")).values_list("id", "name", "path"))
            missing = [i for i in missing if i not in self._orgs]
        for i in range(0, len(missing), CHUNK):
            self._orgs.update((pk, (name, path)) for pk, name, path in
                              Org.objects.filter(pk__in=missing[i:i + CHUNK]).values_list("id", "name", "path"))
        return self._orgs

    def rows(self, qs: QuerySet, *, estimate: int, prefix: str = "") -> Shortlist:
        """``qs``'s members in scope (``prefix`` = "member__" when ``qs`` is over events)."""
        if self.by_own_index(estimate):
            # the member table alone (a join to the orgs would make SQLite walk every org); the
            # orgs' names and paths come from one lookup of the few orgs found
            fields = ["stamp" if f == "stamp" else prefix + f for f in ("id", "stamp", "full_name", *MOVES)]
            found = list(_stamped(qs, prefix).values_list(*fields).order_by())
            orgs = self.orgs(o for row in found for o in row[3:])
            prefixes = self.scope.prefixes  # ("",) for everything
            out: Shortlist = {}
            for pk, stamp, name, official, temporary, receiving in found:
                if any(o is not None and orgs[o][1].startswith(prefixes) for o in (official, temporary, receiving)):
                    out[pk] = (stamp, name, orgs[official][0])
            return out
        member_qs = qs if not prefix else Member.objects.filter(pk__in=qs.values(prefix + "id"))
        member_qs = _stamped(member_qs)
        out = {pk: (stamp, name, org) for pk, stamp, name, org in
               member_qs.filter(self.scope.q("org__path")).values_list(*ROW).order_by()}
        visiting = self.visiting()
        for i in range(0, len(visiting), CHUNK):
            out.update((pk, (stamp, name, org)) for pk, stamp, name, org in
                       member_qs.filter(pk__in=visiting[i:i + CHUNK]).values_list(*ROW).order_by())
        return out

    def count(self, qs: QuerySet) -> int:
        """``qs`` (members) counted over the scope, by the orgs in scope."""
        if self.everything:
            return qs.count()
        visiting = self.visiting()
        return qs.filter(self.scope.q("org__path")).count() + sum(
            qs.filter(pk__in=visiting[i:i + CHUNK]).count() for i in range(0, len(visiting), CHUNK))


def _stamped(qs: QuerySet, prefix: str = "") -> QuerySet:
    """``updated_at`` as text (``stamp``): compared, never computed with, so no per-row conversion."""
    return qs.annotate(stamp=Cast(f"{prefix}updated_at", output_field=CharField()))


def _live(kind, **extra) -> QuerySet:
    return MemberEvent.objects.filter(member_id=OuterRef("pk"), kind=kind, voided_at__isnull=True, **extra)


# -- shortlists --------------------------------------------------------------------------------------
def deadline_shortlist(rows: ScopedRows, *, on: dt.date, horizon: dt.date) -> Shortlist:
    """Every member for whom ``open_deadlines`` may give a work-list item due by ``horizon``:
    candidates (and readmissions under way) after a cell vote, admitted members awaiting the ceremony,
    probationary members whose recognition review may fall due by ``horizon`` or whose cell has voted
    since the ceremony, pending official transfers, temporary transfers (their return date), members
    put on the screening help list (B-21) long enough ago for the period to end by ``horizon``. One
    indexed query per section; their union, uncut."""
    months = smallest_value("probation.months", on)
    review_days = smallest_value("recognition.cell_review_working_days", on)
    # review due = the review_days-th working day after end = ceremony + months: at least review_days
    # calendar days after it. Three days of slack for the end-of-month clamp (29/02).
    ceremony_cutoff = add_months(horizon - dt.timedelta(days=review_days), -months) + dt.timedelta(days=3)
    stats = plan_stats()
    counts = stats["by_status"]
    cell_vote = Exists(_live(M.EventKind.CELL_VOTE))
    out = rows.rows(Member.objects.filter(cell_vote, status=M.Status.CANDIDATE),
                    estimate=counts.get(M.Status.CANDIDATE, 0))
    for status in sorted(EXIT_STATUSES):  # one status at a time: SQLite scans the table for an IN of three
        out.update(rows.rows(Member.objects.filter(cell_vote, status=status), estimate=counts.get(status, 0)))
    out.update(rows.rows(Member.objects.filter(status=M.Status.ADMITTED), estimate=counts.get(M.Status.ADMITTED, 0)))
    out.update(rows.rows(Member.objects.filter(ceremony_on__lte=ceremony_cutoff, status=M.Status.PROBATIONARY),
                         estimate=counts.get(M.Status.PROBATIONARY, 0)))
    # or (a later ceremony) a recognition vote since the ceremony: the decision is due n working days
    # after it. Such a vote is dated after the cut-off: found through the recent votes (kind, day).
    votes = MemberEvent.objects.filter(kind=M.EventKind.RECOGNITION_VOTE, on__gt=ceremony_cutoff,
                                       voided_at__isnull=True, member__status=M.Status.PROBATIONARY,
                                       on__gte=F("member__ceremony_on"))
    out.update(rows.rows(votes, estimate=counts.get(M.Status.PROBATIONARY, 0), prefix="member__"))
    moving = Member.objects.filter(transfer_to__gt=0, status__in=(M.Status.PROBATIONARY, M.Status.OFFICIAL))
    out.update(rows.rows(moving, estimate=stats["moving"]))
    visiting = Member.objects.filter(temporary_org__gt=0, status__in=(M.Status.PROBATIONARY, M.Status.OFFICIAL))
    out.update(rows.rows(visiting, estimate=stats["visiting"]))
    # the help period ends add_months(vote, months) ≤ horizon: the vote is at most that many months back
    # (the smallest period ever in force; three days of slack for the end-of-month clamp)
    period = smallest_value("screening.help_period_months", on)
    listed = MemberEvent.objects.filter(kind=M.EventKind.SCREENING_VOTE, voided_at__isnull=True,
                                        on__lte=add_months(horizon, -period) + dt.timedelta(days=3),
                                        member__status__in=(M.Status.PROBATIONARY, M.Status.OFFICIAL))
    out.update(rows.rows(listed, estimate=stats["screened"], prefix="member__"))
    return out


def previous_occasion(next_occasion: dt.date, occasions: Iterable[str]) -> dt.date:
    """The award occasion just before ``next_occasion`` ("MM-DD" days, B-23)."""
    days = sorted(dt.date(next_occasion.year + k, int(o[:2]), int(o[3:])) for k in (-1, 0) for o in occasions)
    return max(d for d in days if d < next_occasion)


def badge_windows(milestones: Iterable[int], previous: dt.date, occasion: dt.date) -> list[tuple[dt.date, dt.date]]:
    """For each milestone, the admission days (low exclusive, high inclusive) whose party age,
    without gaps, reaches it after ``previous`` and by ``occasion``: the badge falls on ``occasion``."""
    return [(latest_start(previous, 12 * years), latest_start(occasion, 12 * years)) for years in milestones]


class _OffDayDecisions:
    """Members with an admission decision signed on another day than its effective date
    (``decision_date`` ≠ ``on``): their party age counts from the signing day, which no index
    finds. Kept in this process: the full scan once, then only the events added since (events are
    never edited, only added or voided; a voided one only widens the shortlist). Scanned in full
    again every ``TTL`` seconds (rows of transactions that committed late), on another database, or
    when the last row read is gone or different (a rolled-back test database)."""

    TTL = 300.0
    MARGIN = 1000  # ids re-read below the mark: rows of transactions still open at the last read

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.members: set[int] = set()
        self.mark, self.mark_row, self.scanned, self.db = 0, None, -self.TTL, None

    @staticmethod
    def _row(pk: int):
        return MemberEvent.objects.filter(id=pk).values_list("member_id", "kind", "on").first()

    def ids(self) -> set[int]:
        db = (connection.alias, connection.settings_dict.get("NAME"))
        with self.lock:
            now = time.monotonic()
            fresh = (self.db == db and now - self.scanned < self.TTL
                     and (not self.mark or self._row(self.mark) == self.mark_row))
            if not fresh:
                self.clear()
                self.scanned, self.db = now, db
            top = MemberEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            low = max(0, self.mark - self.MARGIN)
            if top > low:
                self.members |= set(
                    MemberEvent.objects.filter(id__gt=low, id__lte=top, kind=M.EventKind.ADMISSION_DECISION,
                                               decision_date__isnull=False)
                    .exclude(decision_date=F("on")).values_list("member_id", flat=True).order_by())
            self.mark, self.mark_row = top, self._row(top) if top else None
            return set(self.members)


OFF_DAY_DECISIONS = _OffDayDecisions()


def badge_shortlist(rows: ScopedRows, windows: list[tuple[dt.date, dt.date]]) -> Shortlist:
    """Official members whose badge may fall on the next occasion: party age counted from the
    admission decision reaches a milestone in its window, or the history holds an exit (a gap, a
    restoration or a new admission: party age is then not the decision day + years).

    Found through the admission decisions dated in the windows (index on kind and day) plus those
    signed on another day, or, for a small scope, through the official members of its orgs."""
    if not windows:
        return {}
    exits = MemberEvent.objects.filter(
        Q(kind__in=EXIT_KINDS) | Q(kind=M.EventKind.DISCIPLINE, data__form="khai_tru"), voided_at__isnull=True)
    official = Member.objects.filter(status=M.Status.OFFICIAL)
    out = rows.rows(official.filter(pk__in=exits.values("member_id")), estimate=0)
    days = Q()
    for low, high in windows:
        days |= Q(on__gt=low, on__lte=high)
    if rows.share() >= BADGE_EVENT_SHARE:
        found = MemberEvent.objects.filter(days, kind=M.EventKind.ADMISSION_DECISION, voided_at__isnull=True,
                                           member__status=M.Status.OFFICIAL)
        out.update(rows.rows(found, estimate=0, prefix="member__"))
        off_day = sorted(OFF_DAY_DECISIONS.ids())
        for i in range(0, len(off_day), CHUNK):
            out.update(rows.rows(official.filter(pk__in=off_day[i:i + CHUNK]), estimate=0))
        return out
    admitted = Q()
    for low, high in windows:
        admitted |= Q(admitted_on__gt=low, admitted_on__lte=high)
    out.update(rows.rows(official.filter(admitted), estimate=1 << 62))
    return out


# -- histories ---------------------------------------------------------------------------------------
def histories(member_ids: Iterable[int]) -> dict[int, list[M.Event]]:
    """Each member's live events as engine values, in (on, seq, id) order; tuples straight from the
    cursor (no model instances), dates read as ISO text, each distinct JSON text decoded once (the
    engine never changes an event's data)."""
    ids = sorted(set(member_ids))
    out: dict[int, list[M.Event]] = defaultdict(list)
    qn = connection.ops.quote_name
    on = qn("on")
    sql = (f"SELECT member_id, kind, CAST({on} AS TEXT), seq, org_id, target_org_id, decision_no, "
           f"CAST(decision_date AS TEXT), data FROM {qn(MemberEvent._meta.db_table)} "
           f"WHERE member_id IN ({{marks}}) AND voided_at IS NULL ORDER BY member_id, {on}, seq, id")
    day = dt.date.fromisoformat
    decoded: dict = {}

    def data_of(value):
        if not isinstance(value, str):  # a driver that decodes JSON itself
            return value if value is not None else {}
        try:
            return decoded[value]
        except KeyError:
            found = decoded[value] = json.loads(value)
            return found

    with connection.cursor() as cursor:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            cursor.execute(sql.format(marks=", ".join(["%s"] * len(chunk))), chunk)
            for member_id, kind, when, seq, org, target, decision_no, decided, data in cursor.fetchall():
                out[member_id].append(M.Event(kind=_KINDS[kind], on=day(when), org=org, target_org=target,
                                              decision_no=decision_no, decision_date=decided and day(decided),
                                              data=data_of(data), seq=seq))
    return out


# -- incomplete dossiers -----------------------------------------------------------------------------
def stage_of(status: str) -> str:
    return "official" if status == M.Status.OFFICIAL else (
        "probationary" if status == M.Status.PROBATIONARY else "candidate")


def _incomplete_q() -> Q:
    """Active members missing at least one document their stage requires."""
    cond = Q()
    for stage, statuses in STAGE_STATUSES.items():
        missing = Q()
        for doc in REQUIRED_DOCUMENTS[stage]:
            missing |= ~Exists(Attachment.objects.filter(member_id=OuterRef("pk"), doc_type=doc))
        cond |= Q(status__in=statuses) & missing
    return cond


def incomplete_dossier_count(rows: ScopedRows, *, actor) -> int:
    """Active members in scope whose dossier lacks a document of the checklist: the active members
    minus those with every document of their stage (found from the documents on file)."""
    active = rows.count(Member.objects.filter(status__in=ACTIVE))
    complete = 0
    for stage, statuses in STAGE_STATUSES.items():
        docs = REQUIRED_DOCUMENTS[stage]
        complete += (Attachment.objects.filter(member_scope_q(actor, "member__"), member__status__in=statuses,
                                               doc_type__in=docs)
                     .values("member_id").annotate(n=Count("doc_type", distinct=True)).filter(n=len(docs))
                     .order_by().count())
    return active - complete


def incomplete_dossier_page(rows: ScopedRows, *, actor, offset: int, limit: int
                            ) -> list[tuple[int, str, str, str, list[str]]]:
    """One page of the incomplete dossiers, in Vietnamese name order: (id, full name, org name,
    status, labels of the missing documents). A big scope walks the name index (most members
    qualify, the page fills at once); a small one takes its orgs' members and sorts them."""
    members = Member.objects.filter(_incomplete_q(), status__in=ACTIVE)
    if rows.share() >= BADGE_EVENT_SHARE:
        members = members.filter(member_scope_q(actor))
    else:
        members = members.filter(rows.scope.q("org__path") | Q(pk__in=rows.visiting()))
    found = list(members.order_by("given_name_norm", "name_norm", "id")
                 .values_list("id", "full_name", "org__name", "status")[offset:offset + limit])
    have = defaultdict(set)
    for member_id, doc in Attachment.objects.filter(member_id__in=[r[0] for r in found]).values_list(
            "member_id", "doc_type"):
        have[member_id].add(doc)
    return [(pk, name, org, status, [DocumentType(d).label for d in REQUIRED_DOCUMENTS[stage_of(status)]
                                     if d not in have[pk]])
            for pk, name, org, status in found]


# -- cells under the minimum -------------------------------------------------------------------------
@dataclass(frozen=True)
class SmallCell:
    id: int
    name: str
    path: str
    official: int
    parent_name: str


def _small_cells(actor, minimum: int) -> QuerySet:
    """Active cells (chi bộ trực thuộc, chi bộ cơ sở) in scope with fewer official members than
    ``minimum`` by their headcount (kept by the member services; typed in for orgs without member
    records), the same filter as orgs.checks.org_warnings."""
    return (Org.objects.filter(scope_for(actor).q("path"), status=OrgStatus.ACTIVE, kind__in=CELL_KINDS)
            .filter(Q(headcount__official__lt=minimum) | Q(headcount__isnull=True)))


def small_cells(*, actor, minimum: int) -> list[SmallCell]:
    """Every such cell in scope, in tree order (few: one query, so the count and the page agree);
    the parent's name is filled in by ``with_parents`` for the rows shown."""
    return [SmallCell(pk, name, path, official or 0, "") for pk, name, path, official in
            _small_cells(actor, minimum).order_by("path").values_list("id", "name", "path", "headcount__official")]


def with_parents(cells: list[SmallCell]) -> list[SmallCell]:
    parents = dict(Org.objects.filter(path__in={c.path[:-Org.steplen] for c in cells}).values_list("path", "name"))
    return [SmallCell(c.id, c.name, c.path, c.official, parents.get(c.path[:-Org.steplen], "")) for c in cells]
