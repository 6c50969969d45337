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
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.common import cccd as cccd_rules
from tcxd.common.db import insert_objects, json_text, write_rows
from tcxd.common.text import fold
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.membership.derive import Track, step, track_of

from . import lifecycle as services
from . import tallies
from .models import (
    ALL_FIELDS,
    EVENT_LABELS,
    Member,
    MemberEvent,
    MemberFieldSource,
    MemberNameWord,
    MemberSensitive,
    MemberSpell,
)
from .namewords import ROW_FIELDS as WORD_ROW
from .namewords import slots_of as _word_slots
from .namewords import word_rows
from .spells import ROW_FIELDS as SPELL_ROW
from .spells import dossier_values
from .spells import rows_of as spell_rows

BATCH = 2000
EVENT_ROW = ("member_id", "kind", "on", "seq", "org_id", "target_org_id", "decision_no", "decision_date", "data",
             "created_at")
SENSITIVE_ROW = ("member_id", "family_political_notes", "personal_history_notes", "economic_situation")


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


def check_record(record: MemberRecord, lookup, calendar, *, seen_cccd: frozenset[str] | set[str] = frozenset()
                 ) -> tuple[list[str], M.State, list[M.Event]]:
    """The record's problems (CCCD form and every event judged by the lifecycle engine, in order), and its
    state and history if it has none."""
    d = record.dossier
    problems = cccd_rules.problems(d.get("cccd", ""), sex=d.get("sex"), birth_year=d["birth_date"].year)
    if d.get("cccd") in seen_cccd:
        problems.append("Số CCCD trùng với một hồ sơ khác trong cùng lô.")
    history: list[M.Event] = []
    facts = M.Facts(birth_date=d["birth_date"], sex=d["sex"],
                    lower_secondary_done=d.get("general_education", "thpt") in ("thcs", "thpt"))
    today = dt.date.today()
    track = Track()  # the fold of ``history`` kept along (not derived again for each event)
    for seq, spec in enumerate(record.events):
        if spec.on > today:  # as the services: only what has happened is recorded
            problems.append(f"{EVENT_LABELS[spec.kind]} {spec.on:%d/%m/%Y}: ngày ở tương lai — chỉ ghi nhận sự việc "
                            "đã diễn ra.")
            break
        event = M.Event(kind=spec.kind, on=spec.on, org=spec.org_id, target_org=spec.target_org_id,
                        decision_no=spec.decision_no, decision_date=spec.decision_date, data=spec.data, seq=seq)
        in_order = not history or (history[-1].on, history[-1].seq) <= (event.on, event.seq)
        found = M.validate(history, event, facts, lookup, calendar, track=track if in_order else None)
        if found:
            problems.extend(f"{EVENT_LABELS[spec.kind]} {spec.on:%d/%m/%Y}: {p.message}" for p in found)
            break
        history.append(event)
        track = step(track, event) if in_order else track_of(history)
    # the state at the end of the last event's day: the fold of the whole (ordered) history
    return problems, track.state, history


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
        problems, state, history = check_record(record, lookup, calendar, seen_cccd=seen)
        if record.dossier.get("cccd") in existing:
            problems.append("Số CCCD đã có trong hệ thống.")
        if problems:
            result.rejected.append((index, problems))
            continue
        seen.add(record.dossier["cccd"])
        accepted.append((record, state, history))
    if all_or_nothing and result.rejected:
        return result
    members_bulk_insert(actor=actor, accepted=accepted, result=result)
    return result


def members_bulk_insert(*, actor, accepted: list[tuple[MemberRecord, M.State, list[M.Event]]],
                        result: BulkResult | None = None, audit: bool = True, source: str = "",
                        ref: str = "") -> list[Member]:
    """Insert records already judged by ``check_record`` (inside the caller's transaction): dossiers,
    events, spells, name words, tallies, headcounts; one audit row for the load (``audit=False``: the caller
    writes its own). ``source``: the outside source that set every field of these dossiers (an import)."""
    result = result if result is not None else BulkResult()
    created: list[Member] = []
    touched: set[int] = set()
    for start in range(0, len(accepted), BATCH):
        chunk = accepted[start:start + BATCH]
        members = [_member(record, state) for record, state, _ in chunk]
        insert_objects(members)
        # the rows hanging from the new dossiers go in as tuples through the bulk writer (COPY on PostgreSQL)
        slots = _word_slots(members)
        write_rows(MemberNameWord, WORD_ROW, [row for m in members for row in
                                              word_rows(m.pk, m.name_norm, m.given_name_norm, slots[m.pk])])
        write_rows(MemberSensitive, SENSITIVE_ROW,
                   [(m.pk, *(r.sensitive.get(f, "") for f in SENSITIVE_ROW[1:]))
                    for m, (r, _, _) in zip(members, chunk, strict=True)])
        now = timezone.now()
        events = [(m.pk, M.EventKind(spec.kind).value, spec.on, seq, spec.org_id, spec.target_org_id, spec.decision_no,
                   spec.decision_date, spec.data, now)
                  for m, (r, _, _) in zip(members, chunk, strict=True) for seq, spec in enumerate(r.events)]
        write_rows(MemberEvent, EVENT_ROW, [(*e[:8], json_text(e[8]), e[9]) for e in events])
        spells = [spell_rows(m.pk, dossier_values(m), history) for m, (_, _, history) in zip(members, chunk,
                                                                                                   strict=True)]
        write_rows(MemberSpell, SPELL_ROW, [row for rows in spells for row in rows])
        if source:  # one row per dossier under "*" (a field corrected later gets its own row)
            write_rows(MemberFieldSource, ("member_id", "field", "source", "ref", "set_at"),
                       [(m.pk, ALL_FIELDS, source, ref, now) for m in members])
        result.events += len(events)
        created.extend(members)
        touched.update(m.org_id for m in members)
        touched.update(m.temporary_org_id for m in members if m.temporary_org_id)
    result.created = len(accepted)
    tallies.add_members([m.pk for m in created])
    services.headcounts_refresh(touched)
    if accepted and audit:
        anchor = Org.objects.filter(pk__in=touched).order_by("path").first()
        audit_record(actor=actor, action="member.bulk_load", obj=anchor, org=anchor,
                     after={"created": result.created, "events": result.events,
                            "rejected": len(result.rejected)})
    return created


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


def members_bulk_update(*, actor, changes: list[tuple[int, dict[str, Any]]], source: str, ref: str,
                        note: str = "") -> int:
    """Dossier corrections from an outside source (an import batch), inside the caller's transaction.

    Each change is ``(member id, {field: new value})`` for dossier fields only, already judged by the
    caller with ``services.dossier_problems`` and the CCCD uniqueness check. Writes the dossiers, their
    name words and counted spell columns, which source set each field (``MemberFieldSource``), and one
    audit row per member with the fields before and after."""
    from .namewords import name_words_set
    from .services import DOSSIER_FIELDS, dossier_snapshot
    from .spells import spells_dossier_update

    by_id = dict(changes)
    unknown = {f for fields in by_id.values() for f in fields} - set(DOSSIER_FIELDS)
    if unknown:
        raise ValueError(f"not dossier fields: {sorted(unknown)}")
    now = timezone.now()
    updated = 0
    ids = sorted(by_id)
    for start in range(0, len(ids), BATCH):
        members = list(Member.objects.select_for_update().select_related("org")
                       .filter(pk__in=ids[start:start + BATCH]).order_by("pk"))
        sources = []
        for member in members:
            fields = by_id[member.pk]
            before = dossier_snapshot(member)
            counted = dossier_values(member)
            old_name_norm = member.name_norm
            for key, value in fields.items():
                setattr(member, key, value)
            member.name_norm = fold(member.full_name)
            member.given_name_norm = member.name_norm.split(" ")[-1]
            member.save()
            if member.name_norm != old_name_norm:
                name_words_set(member, old_name_norm=old_name_norm)
            if dossier_values(member) != counted:
                spells_dossier_update(member)
            sources.extend(MemberFieldSource(member=member, field=key, source=source, ref=ref, set_at=now)
                           for key in fields)
            audit_record(actor=actor, action="member.update", obj=member, before=before,
                         after=dossier_snapshot(member), org=member.org, note=note)
            updated += 1
        MemberFieldSource.objects.bulk_create(sources, batch_size=BATCH, update_conflicts=True,
                                              unique_fields=["member", "field"],
                                              update_fields=["source", "ref", "set_at"])
    return updated
