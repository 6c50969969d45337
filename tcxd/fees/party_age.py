"""Party age in whole years for the 50-year fee exemption (B-12, B-28), for many members at once.

The projection column ``Member.admitted_on`` (first admission decision) gives an upper bound: gaps
(struck off, expelled, lost contact…) only shorten party age. So only members whose upper bound
reaches the threshold — a few per cent of a province — are looked at closely: their events go
through the lifecycle engine's ``party_age`` when the engine is installed. Members without events
keep the bound.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import defaultdict
from collections.abc import Iterable

CHUNK = 5000  # ids per IN (...) list: well under every backend's parameter limit


def whole_years(since: dt.date, on: dt.date) -> int:
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


def _engine_available() -> bool:
    try:
        return importlib.util.find_spec("tcxd.rules.pure.membership.engine") is not None
    except ImportError:
        return False


def _exact(member_ids: list[int], on: dt.date) -> dict[int, int | None]:
    """Party age by the lifecycle engine for members who have events (one query per 5 000 members)."""
    if not member_ids or not _engine_available():
        return {}
    from tcxd.members.models import MemberEvent
    from tcxd.rules.pure import membership as M

    histories = defaultdict(list)
    for i in range(0, len(member_ids), CHUNK):
        rows = (MemberEvent.objects.filter(member_id__in=member_ids[i:i + CHUNK], voided_at__isnull=True)
                .order_by("member_id", "on", "seq", "id"))
        for row in rows:
            histories[row.member_id].append(M.Event(
                kind=M.EventKind(row.kind), on=row.on, org=row.org_id, target_org=row.target_org_id,
                decision_no=row.decision_no, decision_date=row.decision_date, data=row.data or {}, seq=row.seq))
    out: dict[int, int | None] = {}
    for member_id, history in histories.items():
        age = M.party_age(history, on)
        out[member_id] = age.years if age else None
    return out


def party_age_years(rows: Iterable[tuple[int, str, dt.date | None]], on: dt.date,
                    threshold: int | None) -> dict[int, int]:
    """``rows`` = (member id, status, admitted_on). Answers the whole years of party age on ``on`` of
    the official members who have reached ``threshold`` (nobody else needs it); exact where the
    member has events."""
    if threshold is None:
        return {}
    ages: dict[int, int] = {}
    for member_id, status, admitted_on in rows:
        if status == "official" and admitted_on is not None and admitted_on <= on:
            years = whole_years(admitted_on, on)
            if years >= threshold:
                ages[member_id] = years
    for member_id, years in _exact(list(ages), on).items():
        if years is None or years < threshold:
            ages.pop(member_id, None)
        else:
            ages[member_id] = years
    return ages
