"""Members moved by a restructuring of the org tree (chuyển sinh hoạt theo sắp xếp tổ chức, issue 5).

When orgs close into successors (merged, split, dissolved into another), every member registered at a
closing org on the effective day moves to its successor: one ``ORG_RESTRUCTURED`` event per member,
judged by the lifecycle engine like any event, carrying the operation's id (``data["operation"]``) so
the whole operation can be undone. The orgs side (``tcxd.restructure``) calls these functions inside
its own transaction:

- ``reassign_blockers(org_ids, on)``: members that closing those orgs on ``on`` would strand;
- ``members_at(org_ids, on)``: how many members each of those orgs has on ``on`` (previews);
  ``members_registered(org_id, on)``: which (a split shares them out);
- ``members_reassign(...)``: the move (whole orgs, or chosen members), all members or none; derived
  rows written in batches exactly as ``lifecycle.project`` writes them one by one (projection columns,
  spells, tallies, name-word tops, headcounts), one audit row;
- ``members_reassign_undo(...)``: voids the operation's events and derives everything again, unless a
  later event depends on them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_read, require_write
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M

from . import lifecycle as L
from . import spells as SP
from . import tallies
from .models import EVENT_LABELS, Member, MemberEvent, MemberSpell
from .namewords import name_words_place

KIND = M.EventKind.ORG_RESTRUCTURED
COUNTED = (M.Status.PROBATIONARY.value, M.Status.OFFICIAL.value)
CHUNK = 1000  # members per batch (IN lists, locks, histories in memory)
SHOWN = 20  # problems listed in a refusal; the rest are counted
GROUPED_MAX = 50  # distinct values of a field written by one UPDATE each (more: bulk_update)
EVENT_FIELDS = ("member_id", "kind", "on", "seq", "org_id", "target_org_id", "decision_no", "decision_date", "data")
MEMBER_FIELDS = ("id", "full_name", "birth_date", "sex", "general_education", *SP.DOSSIER_FIELDS,
                 *(f.removesuffix("_id") for f in L.PROJECTED), "updated_at")


@dataclass(frozen=True)
class Blocker:
    """A member that closing an org would strand, and what to do first (Vietnamese)."""

    member_id: int
    full_name: str
    org_id: int  # the closing org concerned: the temporary host, the pending receiver, or where registered
    reason: str


# ---- reads -------------------------------------------------------------------------------------------

def _covering(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _registered(org_ids: set[int], on: dt.date) -> dict[int, int]:
    """member id → org, for the members counted at one of ``org_ids`` on ``on`` (G-04: official and
    probationary members at their official org; spells)."""
    out: dict[int, int] = {}
    for chunk in _chunks(org_ids):
        out.update(MemberSpell.objects.filter(_covering(on), org_id__in=chunk).values_list("member_id", "org_id"))
    return out


def members_at(org_ids: Iterable[int], on: dt.date) -> dict[int, int]:
    """How many members (official and probationary) are registered at each of ``org_ids`` on ``on``."""
    ids = set(org_ids)
    counts = dict.fromkeys(ids, 0)
    for chunk in _chunks(ids):
        rows = (MemberSpell.objects.filter(_covering(on), org_id__in=chunk).values("org_id")
                .annotate(n=Count("member_id")).order_by())
        counts.update({r["org_id"]: r["n"] for r in rows})
    return counts


def members_registered(org_id: int, on: dt.date) -> list[int]:
    """The members (official and probationary) registered at ``org_id`` on ``on``, by id."""
    return sorted(MemberSpell.objects.filter(_covering(on), org_id=org_id).values_list("member_id", flat=True))


def reassign_blockers(org_ids: Iterable[int], on: dt.date) -> list[Blocker]:
    """Members who would be stranded if ``org_ids`` closed on ``on``: temporarily attending at one of
    them, being transferred to one of them (not yet received), or registered at one of them with an
    event dated after ``on`` (the move cannot be inserted before later history)."""
    ids = set(org_ids)
    names = dict(Org.objects.filter(pk__in=ids).values_list("pk", "name"))
    out: list[Blocker] = []
    for chunk in _chunks(ids):
        for pk, name, host in Member.objects.filter(temporary_org_id__in=chunk).values_list(
                "pk", "full_name", "temporary_org_id"):
            out.append(Blocker(pk, name, host, f"Đang sinh hoạt tạm thời tại {names[host]} — hãy cho trở lại hoặc "
                                               "chuyển nơi sinh hoạt tạm thời trước khi sắp xếp."))
        for pk, name, receiver in Member.objects.filter(transfer_to_id__in=chunk).values_list(
                "pk", "full_name", "transfer_to_id"):
            out.append(Blocker(pk, name, receiver, f"Đang chuyển sinh hoạt đến {names[receiver]} chưa tiếp nhận — "
                                                   "hãy tiếp nhận hoặc hủy giấy giới thiệu trước."))
    # registered there on ``on``, or now (arrived, admitted or recognized since: an event after ``on`` too)
    where = _registered(ids, on)
    for chunk in _chunks(ids):
        for pk, org_id in Member.objects.filter(org_id__in=chunk, status__in=COUNTED).values_list("pk", "org_id"):
            where.setdefault(pk, org_id)
    for chunk in _chunks(where):
        later = dict(MemberEvent.objects.filter(member_id__in=chunk, voided_at__isnull=True, on__gt=on)
                     .values("member_id").annotate(first=Min("on")).order_by().values_list("member_id", "first"))
        if not later:
            continue
        first_kinds = {(m, d): k for m, d, k in MemberEvent.objects.filter(
            member_id__in=list(later), voided_at__isnull=True, on__in=set(later.values()))
            .order_by("member_id", "on", "-seq", "-id").values_list("member_id", "on", "kind")}
        full_names = dict(Member.objects.filter(pk__in=list(later)).values_list("pk", "full_name"))
        for pk, day in later.items():
            kind = EVENT_LABELS[M.EventKind(first_kinds[(pk, day)])]
            out.append(Blocker(pk, full_names[pk], where[pk], (
                f"Đã có sự kiện «{kind}» ngày {fmt_date(day)}, sau ngày sắp xếp {fmt_date(on)} — không ghi chen được "
                f"việc chuyển sinh hoạt theo sắp xếp tổ chức vào trước lịch sử đã ghi; hãy chọn ngày sắp xếp từ "
                f"{fmt_date(day)} trở đi.")))
    order = {pk: i for i, pk in enumerate(Org.objects.filter(pk__in=ids).order_by("path").values_list("pk", flat=True))}
    return sorted(out, key=lambda b: (order.get(b.org_id, 0), b.full_name, b.member_id, b.reason))


# ---- writes --------------------------------------------------------------------------------------------

def _event(row: tuple) -> M.Event:
    kind, on, seq, org, target, decision_no, decided, data = row
    return M.Event(kind=M.EventKind(kind), on=on, org=org, target_org=target, decision_no=decision_no,
                   decision_date=decided, data=data or {}, seq=seq)


def _locked(member_ids: list[int]) -> list[Member]:
    return list(Member.objects.select_for_update(of=("self",)).filter(pk__in=member_ids).order_by("pk")
                .only(*MEMBER_FIELDS))


def _histories(member_ids: list[int]) -> dict[int, list[tuple[int, M.Event]]]:
    """member id → [(event id, event)] of the non-voided events, in the engine's order."""
    out: dict[int, list[tuple[int, M.Event]]] = {pk: [] for pk in member_ids}
    for pk, *row in (MemberEvent.objects.filter(member_id__in=member_ids, voided_at__isnull=True)
                     .order_by("member_id", "on", "seq", "id").values_list("id", *EVENT_FIELDS)):
        out[row[0]].append((pk, _event(row[1:])))
    return out


def _refusal(problems: list[str], message: str) -> ValidationFailed:
    shown = problems[:SHOWN]
    if len(problems) > SHOWN:
        shown.append(f"… và {len(problems) - SHOWN} trường hợp khác.")
    return ValidationFailed({"__all__": shown}, message=message)


def _reproject(members: list[Member], histories: dict[int, list[M.Event]], changes: Counter) -> set[int]:
    """``lifecycle.project`` for many members at once: projection columns, spells, name-word tops, the
    tally changes added to ``changes`` (applied once by the caller); returns the orgs whose headcount
    may have changed."""
    touched: set[int] = set()
    moved: list[int] = []
    changed: set[str] = set()
    now = timezone.now()
    for member in members:
        touched |= {member.org_id, member.temporary_org_id}
        placed = (member.org_id, member.temporary_org_id, member.transfer_to_id)
        for field, value in L.projection(member, histories[member.pk]).items():
            if getattr(member, field) != value:
                setattr(member, field, value)
                changed.add(field.removesuffix("_id"))
        member.updated_at = now
        touched |= {member.org_id, member.temporary_org_id}
        if (member.org_id, member.temporary_org_id, member.transfer_to_id) != placed:
            moved.append(member.pk)
    ids = [m.pk for m in members]
    _update(members, sorted(changed), now)
    changes.update(_spells_write(ids, {m.pk: SP.rows_of(m.pk, SP.dossier_values(m), histories[m.pk])
                                       for m in members}))
    name_words_place(moved)
    return {o for o in touched if o}


def _spells_write(ids: list[int], fresh: dict[int, list[tuple]]) -> Counter:
    """``spells.spells_write`` for many members: the stored spells become ``fresh`` (rows in
    ``spells.ROW_FIELDS``), touching only the rows that differ — a spell that only ends (or reopens)
    is re-dated in place, the others deleted or inserted; returns the tally changes."""
    stored: dict[int, dict[tuple, int]] = {pk: {} for pk in ids}
    for spell_id, *row in MemberSpell.objects.filter(member_id__in=ids).values_list("id", *SP.ROW_FIELDS):
        stored[row[0]][tuple(row)] = spell_id
    redate: dict[dt.date | None, list[int]] = {}
    gone: list[int] = []
    added: list[tuple] = []
    for pk in ids:
        new = set(fresh[pk])
        old = {row: spell_id for row, spell_id in stored[pk].items() if row not in new}
        ends = {(row[1], row[3:]): row for row in fresh[pk] if row not in stored[pk]}
        for row, spell_id in old.items():
            same = ends.pop((row[1], row[3:]), None)  # same spell, another last day
            if same is None:
                gone.append(spell_id)
            else:
                redate.setdefault(same[2], []).append(spell_id)
        added.extend(ends.values())
    MemberSpell.objects.filter(pk__in=gone).delete()
    for valid_to, spell_ids in redate.items():
        MemberSpell.objects.filter(pk__in=spell_ids).update(valid_to=valid_to)
    MemberSpell.objects.bulk_create([MemberSpell(**dict(zip(SP.ROW_FIELDS, row, strict=True))) for row in added],
                                    batch_size=2000)
    return tallies.deltas([SP.open_of(list(stored[pk])) for pk in ids], [SP.open_of(fresh[pk]) for pk in ids])


def _update(members: list[Member], fields: list[str], now) -> None:
    """Write the projection columns that changed: one UPDATE per distinct value of a field (a move sets
    few: the successors, the day), ``bulk_update`` for a field with many (an undo's earlier dates)."""
    Member.objects.filter(pk__in=[m.pk for m in members]).update(updated_at=now)
    for field in fields:
        attname = Member._meta.get_field(field).attname
        groups: dict = {}
        for member in members:
            groups.setdefault(getattr(member, attname), []).append(member.pk)
        if len(groups) > GROUPED_MAX:
            Member.objects.bulk_update(members, [field], batch_size=500)
            continue
        for value, ids in groups.items():
            Member.objects.filter(pk__in=ids).update(**{attname: value})


def _orgs_in_scope(actor, org_ids: set[int]) -> dict[int, Org]:
    orgs = Org.objects.in_bulk(list(org_ids))
    if set(orgs) != org_ids:
        raise NotFound("Không tìm thấy tổ chức đảng.")
    ordered = sorted(orgs.values(), key=lambda o: o.path)
    for org in ordered:  # an org out of scope is not found, whatever the role
        require_read(actor, org.path)
    for org in ordered:
        require_write(actor, org.path)
    return orgs


def _anchor(orgs: Iterable[Org]) -> Org:
    """The lowest org above (or at) all of ``orgs``: the audit row is read in its scope."""
    orgs = list(orgs)
    paths = [o.path for o in orgs]
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[:-Org.steplen]
    return Org.objects.filter(path=common).first() or min(orgs, key=lambda o: o.path)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def members_reassign(*, actor, moves: Mapping[int, int], on: dt.date, operation_id: int, decision_no: str = "",
                     decision_date: dt.date | None = None, decision_issuer: str = "", note: str = "",
                     members: Mapping[int, int] | None = None) -> int:
    """Move every member registered on ``on`` at an org that is a key of ``moves`` to ``moves[org]``, and
    each member given in ``members`` (member id → org: a split shares one org's members out) from where
    it is registered on ``on`` (chuyển sinh hoạt theo sắp xếp tổ chức); all or none. The orgs that are
    keys of ``moves`` close: their blockers refuse the move. Returns how many members moved."""
    moves = {int(k): int(v) for k, v in moves.items()}
    chosen = {int(k): int(v) for k, v in (members or {}).items()}
    chosen_at = dict(MemberSpell.objects.filter(_covering(on), member_id__in=list(chosen))
                     .values_list("member_id", "org_id")) if chosen and on is not None else {}
    orgs = _orgs_in_scope(actor, set(moves) | set(moves.values()) | set(chosen.values()) | set(chosen_at.values()))
    errors: dict[str, list[str]] = {}
    if not moves and not chosen:
        errors["moves"] = ["Chưa có tổ chức đảng nào được sắp xếp."]
    for source, target in sorted(moves.items()):
        if source == target:
            errors.setdefault("moves", []).append(f"«{orgs[source].name}»: tổ chức đảng kế tục phải khác tổ chức "
                                                  "được sắp xếp.")
        elif target in moves:
            errors.setdefault("moves", []).append(f"«{orgs[target].name}» vừa là tổ chức được sắp xếp vừa là tổ "
                                                  "chức kế tục trong cùng một lần chuyển.")
    today = timezone.localdate()
    if on is None:
        errors["on"] = ["Chưa nhập ngày hiệu lực."]
    elif on > today:
        errors["on"] = [f"Ngày {fmt_date(on)} ở tương lai: chỉ ghi nhận việc sắp xếp đã có hiệu lực."]
    else:
        for target in sorted(set(moves.values()) | set(chosen.values())):
            org = orgs[target]
            if org.valid_from > on or (org.valid_to is not None and org.valid_to < on):
                errors.setdefault("moves", []).append(
                    f"Tổ chức đảng kế tục «{org.name}» không hoạt động vào ngày {fmt_date(on)}.")
        for member_id in sorted(chosen):
            where = chosen_at.get(member_id)
            if where is None:
                errors.setdefault("members", []).append(
                    f"Đảng viên #{member_id} không sinh hoạt chính thức tại tổ chức đảng nào ngày {fmt_date(on)}.")
            elif where in moves:
                errors.setdefault("members", []).append(
                    f"Đảng viên #{member_id} sinh hoạt tại «{orgs[where].name}», tổ chức đã được chuyển cả: không "
                    "chỉ định riêng được.")
    if decision_date is not None and decision_date > today:
        errors["decision_date"] = ["Ngày quyết định ở tương lai."]
    if isinstance(operation_id, bool) or not isinstance(operation_id, int) or operation_id <= 0:
        errors["operation_id"] = ["Thiếu mã đợt sắp xếp tổ chức."]
    if len(decision_no.strip()) > 60:
        errors["decision_no"] = ["Số quyết định dài quá 60 ký tự."]
    if len(decision_issuer.strip()) > 255:
        errors["decision_issuer"] = ["Cơ quan quyết định dài quá 255 ký tự."]
    if errors:
        raise ValidationFailed(errors, message=next(iter(errors.values()))[0])
    blockers = reassign_blockers(moves, on) if moves else []
    if blockers:
        raise _refusal([f"{b.full_name}: {b.reason}" for b in blockers],
                       f"Còn {len(blockers)} trường hợp đảng viên phải xử lý trước khi chuyển sinh hoạt theo sắp xếp "
                       f"tổ chức ngày {fmt_date(on)}.")
    # member id → (org registered at on ``on``, successor)
    plan = {pk: (source, moves[source]) for pk, source in _registered(set(moves), on).items()}
    plan.update({pk: (chosen_at[pk], target) for pk, target in chosen.items()})
    calendar, data = L.calendar(), {"operation": operation_id}
    problems: list[str] = []
    touched: set[int] = {o for pair in plan.values() for o in pair} | set(moves) | set(moves.values())
    changes: Counter = Counter()
    for chunk in _chunks(plan):
        locked = _locked(chunk)
        histories = {pk: [e for _, e in events] for pk, events in _histories(chunk).items()}
        rows: list[MemberEvent] = []
        for member in locked:
            history, (source, target) = histories[member.pk], plan[member.pk]
            seq = 1 + max((e.seq for e in history if e.on == on), default=-1)
            event = M.Event(kind=KIND, on=on, org=source, target_org=target, decision_no=decision_no.strip(),
                            decision_date=decision_date, data=data, seq=seq)
            found = M.validate(history, event, L.facts_of(member), L.lookup, calendar)
            problems.extend(f"{member.full_name}: {p.message}" for p in found)
            history.append(event)
            rows.append(MemberEvent(member=member, kind=KIND, on=on, seq=seq, org_id=source, target_org_id=target,
                                    decision_no=event.decision_no, decision_date=decision_date,
                                    decision_issuer=decision_issuer.strip(), data=dict(data), note=note,
                                    actor=_user(actor)))
        if problems:  # keep judging the rest (every problem at once); nothing more is written
            continue
        MemberEvent.objects.bulk_create(rows, batch_size=CHUNK)
        touched |= _reproject(locked, histories, changes)
    if problems:
        raise _refusal(problems, f"Không chuyển được sinh hoạt theo sắp xếp tổ chức: {problems[0]}")
    tallies.apply(changes)
    L.headcounts_refresh(touched)
    anchor = _anchor(orgs.values())
    audit_record(actor=actor, action="member.reassign", obj=anchor, org=anchor, note=note, after={
        "operation": operation_id, "on": on, "moves": {str(k): v for k, v in sorted(moves.items())},
        "chosen": {str(k): v for k, v in sorted(chosen.items())}, "members": len(plan),
        "decision_no": decision_no.strip(), "decision_date": decision_date, "decision_issuer": decision_issuer.strip()})
    return len(plan)


@transaction.atomic
def members_reassign_undo(*, actor, operation_id: int, reason: str, forget_orgs: Iterable[int] = ()) -> int:
    """Void every move of restructuring operation ``operation_id`` and derive the members again;
    refused while a later event recorded after a move depends on it. Returns how many members.
    ``forget_orgs``: orgs the undo removes (founded by the operation, they never stood): the voided moves that
    name them are deleted rather than kept (this function's audit row keeps the trace)."""
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["Cần ghi lý do hủy."]}, message="Cần ghi lý do hủy.")
    moves = list(MemberEvent.objects.filter(kind=KIND, voided_at__isnull=True, data__operation=operation_id)
                 .values_list("id", "member_id", "org_id", "target_org_id"))
    if not moves:
        return 0
    orgs = _orgs_in_scope(actor, {o for _, _, *pair in moves for o in pair if o})
    undone = {pk for pk, *_ in moves}
    problems: list[str] = []
    touched: set[int] = set(orgs)
    changes: Counter = Counter()
    for chunk in _chunks({member for _, member, *_ in moves}):
        members = _locked(chunk)
        events = _histories(chunk)
        for member in members:
            mine = [(pk, e) for pk, e in events[member.pk] if pk in undone]
            for pk, e in events[member.pk]:
                after = next(((mpk, m) for mpk, m in mine if pk > mpk and (e.on, e.seq) > (m.on, m.seq)), None)
                if pk not in undone and after is not None:
                    problems.append(
                        f"{member.full_name}: sự kiện «{EVENT_LABELS[e.kind]}» ngày {fmt_date(e.on)} được ghi sau "
                        f"việc chuyển sinh hoạt theo sắp xếp tổ chức ngày {fmt_date(after[1].on)} — hãy hủy sự kiện "
                        "đó trước.")
                    break
        if problems:
            continue
        histories = {pk: [e for epk, e in rows if epk not in undone] for pk, rows in events.items()}
        touched |= _reproject(members, histories, changes)
    if problems:
        raise _refusal(problems, f"Không hủy được đợt sắp xếp tổ chức: {len(problems)} đảng viên đã có sự kiện mới hơn "
                                 "dựa trên việc chuyển sinh hoạt này.")
    MemberEvent.objects.filter(pk__in=undone).update(voided_at=timezone.now(), void_reason=reason.strip()[:255])
    gone = sorted(set(forget_orgs))
    if gone:
        MemberEvent.objects.filter(pk__in=undone).filter(Q(org_id__in=gone) | Q(target_org_id__in=gone)).delete()
    tallies.apply(changes)
    L.headcounts_refresh(touched)
    count = len({member for _, member, *_ in moves})
    anchor = _anchor(orgs.values())
    audit_record(actor=actor, action="member.reassign.undo", obj=anchor, org=anchor, note=reason.strip(),
                 before={"operation": operation_id, "members": count},
                 after={"voided": True, "deleted_with_orgs": gone})
    return count

