"""Party age in whole years for the 50-year fee exemption (B-12, B-28), for many members at once.

The party age is the membership lifecycle engine's (``tcxd.rules.pure.membership.party_age``): from
the first admission decision, minus the gaps between an exit (struck off, expelled, left…) and the
next readmission decision, frozen at an exit not followed by readmission.

Running the engine over the events of a whole province is slow, and unnecessary:

* the projection column ``Member.admitted_on`` (first admission decision) gives an upper bound —
  gaps only shorten party age — so only members whose bound reaches the threshold (a few per cent)
  are looked at;
* of those, a member without any event that can open a gap or restart the chain (``GAP_KINDS``)
  has exactly the bound as party age, once recognised official (``Member.official_on`` on or
  before the day); the engine runs only over the events of the others (a readmitted member still
  on probation included: the engine counts the first membership).

An official member without any event at all (``Member.last_event_on`` empty: records typed in before
the lifecycle was kept) keeps the bound.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

from .bulk import fetch

CHUNK = 5000  # ids per IN (...) list: well under every backend's parameter limit

# Events after which the engine's party age may differ from the bound: exits and expulsion (also
# a DISCIPLINE event of the form khai_tru), readmission, restoration, death, and a dropped candidacy
# (a later new CANDIDATE starts a new chain).
GAP_KINDS: tuple[str, ...] = tuple(str(k) for k in (
    M.EventKind.STRUCK_OFF, M.EventKind.EXPELLED, M.EventKind.LEFT, M.EventKind.PROBATION_STRUCK_OFF,
    M.EventKind.DISCIPLINE, M.EventKind.READMISSION_DECISION, M.EventKind.RESTORED, M.EventKind.DIED,
    M.EventKind.CANDIDATE_DROPPED))


def whole_months(since: dt.date, on: dt.date) -> int:
    """``calendar.whole_months_between`` without its loop (called for every member near the
    threshold): the largest k with ``add_months(since, k) <= on``. With k the difference of the
    months, ``add_months(since, k)`` falls in the month of ``on``, on ``since``'s day clamped to the
    month's length; if that is after ``on``, k − 1 lands in the month before."""
    if on <= since:
        return 0
    months = (on.year - since.year) * 12 + on.month - since.month
    day = since.day
    if day > 28:
        day = min(day, monthrange(on.year, on.month)[1])
    return months - 1 if day > on.day else months


def whole_years(since: dt.date, on: dt.date) -> int:
    """Whole years from ``since`` to ``on`` by the engine's calendar-month arithmetic (B-12)."""
    return whole_months(since, on) // 12


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def gap_members(member_ids: list[int]) -> set[int]:
    """Those of ``member_ids`` who have a (not voided) event of a ``GAP_KINDS`` kind."""
    from tcxd.members.models import MemberEvent

    found: set[int] = set()
    for chunk in _chunks(member_ids):
        found.update(MemberEvent.objects.filter(member_id__in=chunk, kind__in=GAP_KINDS, voided_at__isnull=True)
                     .values_list("member_id", flat=True).distinct().order_by())
    return found


def histories(member_ids: list[int]) -> dict[int, list[M.Event]]:
    """The (not voided) events of each member, in order, as the engine's ``Event``s."""
    from tcxd.members.models import MemberEvent

    out: dict[int, list[M.Event]] = defaultdict(list)
    fields = ("member_id", "kind", "on", "org_id", "target_org_id", "decision_no", "decision_date", "data", "seq")
    for chunk in _chunks(member_ids):
        rows = (MemberEvent.objects.filter(member_id__in=chunk, voided_at__isnull=True)
                .order_by("member_id", "on", "seq", "id").values_list(*fields))
        for member_id, kind, on, org, target, number, decided, data, seq in rows:
            out[member_id].append(M.Event(kind=M.EventKind(kind), on=on, org=org, target_org=target,
                                          decision_no=number, decision_date=decided, data=data or {}, seq=seq))
    return out


def engine_years(history: list[M.Event], on: dt.date) -> int | None:
    """Whole years of party age by the lifecycle engine (None: never recognised official)."""
    age = M.party_age(history, on)
    return None if age is None else age.years


def near_cut(on: dt.date, threshold: int) -> dt.date:
    """Members admitted after this day are short of ``threshold`` years on ``on`` even by the bound
    (3 days of slack for the clamping of month ends: 29/02 + 50 years = 28/02)."""
    return add_months(on, -12 * threshold) + dt.timedelta(days=3)


def party_age_years(rows: Iterable[tuple[int, str, dt.date | None, dt.date | None, dt.date | None]],
                    on: dt.date, threshold: int | None, gaps: set[int] | None = None) -> dict[int, int]:
    """``rows`` = (member id, status, admitted_on, official_on, last_event_on) — the projection
    columns. Answers the whole years of party age on ``on`` of the members who have reached
    ``threshold`` (nobody else needs it), as the lifecycle engine counts it over their events.
    ``gaps``: the members among ``rows`` with a gap event, when the caller has looked them up."""
    if threshold is None:
        return {}
    ages: dict[int, int] = {}
    with_events: dict[int, dt.date | None] = {}
    for member_id, status, admitted_on, official_on, last_event_on in rows:
        if admitted_on is None or admitted_on > on:
            continue
        years = whole_years(admitted_on, on)
        if years < threshold:
            continue
        if last_event_on is not None:
            with_events[member_id] = official_on
            ages[member_id] = years
        elif status == "official":  # no events on file: the recorded admission and status are all there is
            ages[member_id] = years
    gaps = gap_members(list(with_events)) if gaps is None else gaps & with_events.keys()
    for member_id, official_on in with_events.items():
        if member_id not in gaps and (official_on is None or official_on > on):
            del ages[member_id]  # not (yet) recognised official on that day: no party age (B-12)
    for member_id, history in histories(sorted(gaps)).items():
        years = engine_years(history, on)
        if years is None or years < threshold:
            ages.pop(member_id, None)
        else:
            ages[member_id] = years
    return ages


def party_ages(members: QuerySet, on: dt.date, threshold: int | None) -> dict[int, int]:
    """``party_age_years`` of the members of a queryset (a province): two queries — the few members
    admitted long enough ago, and the members with a gap event — then the engine for those of the
    first who are in the second."""
    from tcxd.members.models import MemberEvent

    if threshold is None:
        return {}
    cut = near_cut(on, threshold)
    rows = fetch(members.filter(admitted_on__lte=cut)
                 .values_list("id", "status", "admitted_on", "official_on", "last_event_on").order_by())
    # Gap events are rare: read them all through the (kind, on) index, without joining the members
    # (a join or DISTINCT makes SQLite scan every event) and keep those of ``rows``.
    gaps = {member_id for (member_id,) in fetch(MemberEvent.objects.filter(
        kind__in=GAP_KINDS, voided_at__isnull=True).values_list("member_id").order_by())}
    return party_age_years(rows, on, threshold, gaps)
