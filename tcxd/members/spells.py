"""Spells (``MemberSpell``): the periods during which a member is counted, derived from the events.

``standings(history)`` folds the engine's timeline into periods of one standing (official org,
status, exempted, temporarily transferred, party-age start); ``spells_write`` rewrites a member's
rows with the projection (same transaction as the event), ``spells_dossier_update`` copies the
dossier's statistical columns when the dossier changes. ``rebuild`` recomputes every member from
the events and reports the rows that differ (there must be none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tcxd.rules.pure import membership as M
from tcxd.rules.pure.membership.derive import age_basis

from . import tallies
from .models import Member, MemberSpell

DOSSIER_FIELDS = ("sex", "birth_date", "ethnicity", "religion", "general_education", "professional_level",
                  "academic_title", "political_theory", "occupation_group")
STANDING_FIELDS = ("org_id", "status", "exempted", "temporary", "party_age_start")
ROW_FIELDS = ("member_id", "valid_from", "valid_to", *STANDING_FIELDS, *DOSSIER_FIELDS)
COUNTED = (M.Status.PROBATIONARY, M.Status.OFFICIAL)


@dataclass(frozen=True)
class Standing:
    org_id: int
    status: str
    exempted: bool
    temporary: bool
    party_age_start: dt.date | None


def _standing(history: Sequence[M.Event], day: dt.date, state: M.State) -> Standing | None:
    if state.status not in COUNTED or state.official_org is None:
        return None
    basis = age_basis(history, day)
    start = basis.effective_start if basis is not None and basis.active else None
    return Standing(state.official_org, M.Status(state.status).value, state.exempted,
                    state.temporary_transfer is not None, start)


def standings(history: Sequence[M.Event]) -> list[tuple[dt.date, dt.date | None, Standing]]:
    """(first day, last day or None, standing) of every period the member is counted (G-04): on day D
    the member is counted with ``standing`` iff ``first <= D <= last`` — the state at the end of D."""
    out: list[list] = []
    for day, state in M.timeline(history):
        standing = _standing(history, day, state)
        if out and out[-1][1] is None:
            if out[-1][2] == standing:
                continue
            out[-1][1] = day - dt.timedelta(days=1)
        if standing is not None:
            out.append([day, None, standing])
    return [(first, last, standing) for first, last, standing in out]


def dossier_values(member: Member) -> tuple:
    return tuple(getattr(member, f) for f in DOSSIER_FIELDS)


def rows_of(member_id: int, dossier: tuple, history: Sequence[M.Event]) -> list[tuple]:
    """The spell rows (``ROW_FIELDS``) of one member."""
    return [(member_id, first, last, s.org_id, s.status, s.exempted, s.temporary, s.party_age_start, *dossier)
            for first, last, s in standings(history)]


_OPEN_INDEX = [ROW_FIELDS.index(f) for f in tallies.OPEN_FIELDS]


def open_of(rows: Sequence[tuple]) -> tuple | None:
    """The open spell of spell rows (``ROW_FIELDS``) as ``tallies.OPEN_FIELDS``, None if none."""
    for row in rows:
        if row[2] is None:
            return tuple(row[i] for i in _OPEN_INDEX)
    return None


def spells_write(member: Member, history: Sequence[M.Event]) -> None:
    """Rewrite ``member``'s spells from ``history`` (called with the projection), and the tallies."""
    before = tallies.open_row(member.pk)
    MemberSpell.objects.filter(member_id=member.pk).delete()
    rows = rows_of(member.pk, dossier_values(member), history)
    MemberSpell.objects.bulk_create([MemberSpell(**dict(zip(ROW_FIELDS, row, strict=True))) for row in rows])
    tallies.apply(tallies.deltas([before], [open_of(rows)]))


def spells_dossier_update(member: Member) -> None:
    """Copy the dossier's statistical columns into ``member``'s spells (after a dossier change), and
    move the member between tally keys."""
    before = tallies.open_row(member.pk)
    MemberSpell.objects.filter(member_id=member.pk).update(**dict(zip(DOSSIER_FIELDS, dossier_values(member),
                                                                      strict=True)))
    tallies.apply(tallies.deltas([before], [tallies.open_row(member.pk)]))


def stored_rows(member_ids: Iterable[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    for row in (MemberSpell.objects.filter(member_id__in=list(member_ids))
                .order_by("member_id", "valid_from").values_list(*ROW_FIELDS)):
        out.setdefault(row[0], []).append(tuple(row))
    return out


# -- rebuild -----------------------------------------------------------------------------------------
@dataclass
class RebuildReport:
    members: int = 0
    rows: int = 0
    mismatched: list[int] = None  # members whose stored spells differed (rewritten unless check only)

    def __post_init__(self) -> None:
        self.mismatched = self.mismatched or []


def _event(row) -> M.Event:
    kind, on, seq, org, target, decision_no, decided, data = row
    return M.Event(kind=M.EventKind(kind), on=on, org=org, target_org=target, decision_no=decision_no,
                   decision_date=decided, data=data or {}, seq=seq)


def rebuild(*, check_only: bool = False, batch: int = 2000, member_model=Member, event_model=None,
            spell_model=MemberSpell, progress=None) -> RebuildReport:
    """Recompute every member's spells from the events and compare with the stored rows; rewrite the
    members that differ (unless ``check_only``). The models can be a migration's historical ones."""
    if event_model is None:
        from .models import MemberEvent as event_model
    report = RebuildReport()
    ids = list(member_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        dossiers = {row[0]: tuple(row[1:]) for row in
                    member_model.objects.filter(pk__in=chunk).values_list("pk", *DOSSIER_FIELDS)}
        histories: dict[int, list[M.Event]] = {pk: [] for pk in chunk}
        for row in (event_model.objects.filter(member_id__in=chunk, voided_at__isnull=True)
                    .order_by("member_id", "on", "seq", "id")
                    .values_list("member_id", "kind", "on", "seq", "org_id", "target_org_id", "decision_no",
                                 "decision_date", "data")):
            histories[row[0]].append(_event(row[1:]))
        stored: dict[int, list[tuple]] = {}
        for row in (spell_model.objects.filter(member_id__in=chunk).order_by("member_id", "valid_from")
                    .values_list(*ROW_FIELDS)):
            stored.setdefault(row[0], []).append(tuple(row))
        wrong: list[int] = []
        fresh: list[tuple] = []
        for pk in chunk:
            rows = rows_of(pk, dossiers[pk], histories[pk])
            report.rows += len(rows)
            if rows != stored.get(pk, []):
                wrong.append(pk)
                fresh.extend(rows)
        report.members += len(chunk)
        report.mismatched.extend(wrong)
        if wrong and not check_only:
            spell_model.objects.filter(member_id__in=wrong).delete()
            spell_model.objects.bulk_create([spell_model(**dict(zip(ROW_FIELDS, row, strict=True))) for row in fresh],
                                            batch_size=batch)
        if progress is not None:
            progress(report.members, len(ids))
    return report
