"""Loading many dossiers at once (demo data, datasets, later the Excel imports) with the SAME rules
as the one-by-one services: every dossier and every event goes through the same validation, in
memory, before anything is written; then rows are inserted in batches in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tcxd.audit.services import audit_record
from tcxd.common import cccd as cccd_rules
from tcxd.common.text import fold
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M

from . import lifecycle as services
from . import tallies
from .models import Member, MemberEvent, MemberSensitive, MemberSpell
from .namewords import name_words_bulk
from .spells import ROW_FIELDS as SPELL_ROW
from .spells import dossier_values, open_of
from .spells import rows_of as spell_rows

BATCH = 2000


@dataclass
class EventSpec:
    kind: M.EventKind
    on: dt.date
    org_id: int | None = None
    target_org_id: int | None = None
    decision_no: str = ""
    decision_date: dt.date | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class MemberRecord:
    dossier: dict[str, Any]
    events: list[EventSpec]
    sensitive: dict[str, str] = field(default_factory=dict)


@dataclass
class BulkResult:
    created: int = 0
    events: int = 0
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)


def _check(record: MemberRecord, index: int, seen_cccd: set[str], lookup, calendar
           ) -> tuple[list[str], M.State, list[M.Event]]:
    d = record.dossier
    problems = cccd_rules.problems(d.get("cccd", ""), sex=d.get("sex"), birth_year=d["birth_date"].year)
    if d.get("cccd") in seen_cccd:
        problems.append("Số CCCD trùng với một hồ sơ khác trong cùng lô.")
    history: list[M.Event] = []
    facts = M.Facts(birth_date=d["birth_date"], sex=d["sex"],
                    lower_secondary_done=d.get("general_education", "thpt") in ("thcs", "thpt"))
    today = dt.date.today()
    for seq, spec in enumerate(record.events):
        if spec.on > today:  # as the services: only what has happened is recorded
            problems.append(f"{spec.kind.value} {spec.on:%d/%m/%Y}: ngày ở tương lai — chỉ ghi nhận sự việc "
                            "đã diễn ra.")
            break
        event = M.Event(kind=spec.kind, on=spec.on, org=spec.org_id, target_org=spec.target_org_id,
                        decision_no=spec.decision_no, decision_date=spec.decision_date, data=spec.data, seq=seq)
        found = M.validate(history, event, facts, lookup, calendar)
        if found:
            problems.extend(f"{spec.kind.value} {spec.on:%d/%m/%Y}: {p.message}" for p in found)
            break
        history.append(event)
    today = max((e.on for e in history), default=dt.date.today())
    return problems, M.state_on(history, today), history


@transaction.atomic
def members_bulk_load(*, actor, records: Iterable[MemberRecord], all_or_nothing: bool = False) -> BulkResult:
    """Validate every record with the lifecycle engine, then insert the valid ones in batches.

    Existing CCCDs are refused (the reconciliation import handles updates). With ``all_or_nothing``
    a single invalid record rejects the whole batch.
    """
    lookup, calendar = services.lookup, services.calendar()
    records = list(records)
    existing = set(Member.objects.filter(cccd__in=[r.dossier.get("cccd") for r in records])
                   .values_list("cccd", flat=True))
    result = BulkResult()
    accepted: list[tuple[MemberRecord, M.State, list[M.Event]]] = []
    seen: set[str] = set(existing)
    for index, record in enumerate(records):
        problems, state, history = _check(record, index, seen, lookup, calendar)
        if record.dossier.get("cccd") in existing:
            problems.append("Số CCCD đã có trong hệ thống.")
        if problems:
            result.rejected.append((index, problems))
            continue
        seen.add(record.dossier["cccd"])
        accepted.append((record, state, history))
    if all_or_nothing and result.rejected:
        return result
    touched: set[int] = set()
    for start in range(0, len(accepted), BATCH):
        chunk = accepted[start:start + BATCH]
        members = [_member(record, state) for record, state, _ in chunk]
        Member.objects.bulk_create(members, batch_size=BATCH)
        name_words_bulk(members, batch_size=BATCH)
        MemberSensitive.objects.bulk_create(
            [MemberSensitive(member=m, **r.sensitive) for m, (r, _, _) in zip(members, chunk, strict=True)],
            batch_size=BATCH)
        events = [MemberEvent(member=m, kind=spec.kind, on=spec.on, seq=seq, org_id=spec.org_id,
                              target_org_id=spec.target_org_id, decision_no=spec.decision_no,
                              decision_date=spec.decision_date, data=spec.data)
                  for m, (r, _, _) in zip(members, chunk, strict=True) for seq, spec in enumerate(r.events)]
        MemberEvent.objects.bulk_create(events, batch_size=BATCH)
        spells = [spell_rows(m.pk, dossier_values(m), history) for m, (_, _, history) in zip(members, chunk,
                                                                                                   strict=True)]
        MemberSpell.objects.bulk_create([MemberSpell(**dict(zip(SPELL_ROW, row, strict=True)))
                                         for rows in spells for row in rows], batch_size=BATCH)
        tallies.apply(tallies.deltas([None] * len(spells), [open_of(rows) for rows in spells]))
        result.events += len(events)
        touched.update(m.org_id for m in members)
        touched.update(m.temporary_org_id for m in members if m.temporary_org_id)
    result.created = len(accepted)
    services.headcounts_refresh(touched)
    if accepted:
        anchor = Org.objects.filter(pk__in=touched).order_by("path").first()
        audit_record(actor=actor, action="member.bulk_load", obj=anchor, org=anchor,
                     after={"created": result.created, "events": result.events,
                            "rejected": len(result.rejected)})
    return result


def _member(record: MemberRecord, state: M.State) -> Member:
    d = dict(record.dossier)
    history = record.events
    admissions = [e for e in history if e.kind == M.EventKind.ADMISSION_DECISION]
    ceremonies = [e.on for e in history if e.kind == M.EventKind.CEREMONY]
    recognitions = [e.on for e in history if e.kind == M.EventKind.RECOGNITION]
    name_norm = fold(d["full_name"])
    return Member(
        **d, name_norm=name_norm, given_name_norm=name_norm.split(" ")[-1],
        status=state.status, org_id=state.official_org, temporary_org_id=state.temporary_org,
        transfer_to_id=state.pending_transfer.to_org if state.pending_transfer else None,
        exempted=state.exempted, card_no=state.card_no or "",
        admitted_on=(admissions[0].decision_date or admissions[0].on) if admissions else None,
        ceremony_on=ceremonies[-1] if ceremonies else None,
        official_on=recognitions[-1] if recognitions else None,
        last_event_on=history[-1].on if history else None,
    )
