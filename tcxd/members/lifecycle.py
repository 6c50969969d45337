"""The bridge between the member tables and the pure lifecycle engine: rule lookups, the working-day
calendar, events as engine values, the projection columns and the org headcounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from tcxd.orgs.models import Org, OrgHeadcount
from tcxd.rules.pure import membership as M
from tcxd.rules.selectors import holiday_set, param

from .models import Member, MemberEvent
from .namewords import name_words_place
from .spells import spells_write


def _today() -> dt.date:
    return timezone.localdate()


def lookup(key: str, on: dt.date) -> Any:
    return param(key, on=on)


def calendar() -> M.Calendar:
    holidays, extra = holiday_set()
    return M.Calendar(holidays=holidays, extra_working_days=extra)


def to_event(row: MemberEvent) -> M.Event:
    return M.Event(kind=M.EventKind(row.kind), on=row.on, org=row.org_id, target_org=row.target_org_id,
                   decision_no=row.decision_no, decision_date=row.decision_date, data=row.data or {}, seq=row.seq)


def history_of(member: Member) -> list[M.Event]:
    rows = MemberEvent.objects.filter(member=member, voided_at__isnull=True).order_by("on", "seq", "id")
    return [to_event(r) for r in rows]


def facts_of(member: Member) -> M.Facts:
    return M.Facts(birth_date=member.birth_date, sex=member.sex,
                   lower_secondary_done=member.general_education in ("thcs", "thpt"))


# ---- projection and headcounts -------------------------------------------------------------------

# The projection columns of ``Member`` (field names as set on the instance).
PROJECTED = ("status", "org_id", "temporary_org_id", "transfer_to_id", "exempted", "card_no", "admitted_on",
             "ceremony_on", "official_on", "last_event_on")


def projection(member: Member, history: list[M.Event]) -> dict[str, Any]:
    """The projection columns (``PROJECTED``) ``history`` gives ``member`` (nothing written)."""
    last_day = max((e.on for e in history), default=None)
    state = M.state_on(history, max(last_day or _today(), _today()))
    admissions = [e for e in history if e.kind == M.EventKind.ADMISSION_DECISION]
    ceremonies = [e.on for e in history if e.kind == M.EventKind.CEREMONY]
    recognitions = [e.on for e in history if e.kind == M.EventKind.RECOGNITION]
    return {
        "status": state.status,
        "org_id": state.official_org or member.org_id,
        "temporary_org_id": state.temporary_org,
        "transfer_to_id": state.pending_transfer.to_org if state.pending_transfer else None,
        "exempted": state.exempted,
        "card_no": state.card_no or "",
        "admitted_on": (admissions[0].decision_date or admissions[0].on) if admissions else None,
        "ceremony_on": ceremonies[-1] if ceremonies else None,
        "official_on": recognitions[-1] if recognitions else None,
        # the latest event's date (a recognition recorded last is dated back to the probation end)
        "last_event_on": last_day,
    }


def project(member: Member, history: list[M.Event]) -> set[int]:
    """Write the derived columns and the spells; return the orgs whose headcount may have changed."""
    before = {member.org_id, member.temporary_org_id}
    placed = (member.org_id, member.temporary_org_id, member.transfer_to_id)
    for field, value in projection(member, history).items():
        setattr(member, field, value)
    member.save(update_fields=["status", "org", "temporary_org", "transfer_to", "exempted", "card_no",
                               "admitted_on", "ceremony_on", "official_on", "last_event_on", "updated_at"])
    spells_write(member, history)
    if (member.org_id, member.temporary_org_id, member.transfer_to_id) != placed:
        name_words_place([member.pk])
    return {o for o in before | {member.org_id, member.temporary_org_id} if o}


def headcounts_refresh(org_ids) -> None:
    """Recount official/probationary members registered at each org (G-04: temporarily transferred
    members count at their official org; members being transferred count at the sender): one upsert per
    thousand orgs, counted in SQL."""
    org_ids = sorted(set(org_ids))
    qn = connection.ops.quote_name
    counts, orgs, members = (qn(m._meta.db_table) for m in (OrgHeadcount, Org, Member))
    with connection.cursor() as cursor:
        for start in range(0, len(org_ids), 1000):
            chunk = org_ids[start:start + 1000]
            cursor.execute(
                f"INSERT INTO {counts} (org_id, official, probationary, updated_at) "
                f"SELECT o.id, COALESCE(SUM(CASE WHEN m.status = %s THEN 1 ELSE 0 END), 0), "
                f"COALESCE(SUM(CASE WHEN m.status = %s THEN 1 ELSE 0 END), 0), %s "
                f"FROM {orgs} o LEFT JOIN {members} m ON m.org_id = o.id "
                f"WHERE o.id IN ({', '.join(['%s'] * len(chunk))}) GROUP BY o.id "
                f"ON CONFLICT (org_id) DO UPDATE SET official = excluded.official, "
                f"probationary = excluded.probationary, updated_at = excluded.updated_at",
                [M.Status.OFFICIAL.value, M.Status.PROBATIONARY.value, timezone.now(), *chunk])
