"""Members moved by a restructuring of the org tree (chuyển sinh hoạt theo sắp xếp tổ chức): who
blocks it, the move (all members or none, every derived row as the projection writes it), its undo,
and the scope. The autouse fixture (tcxd/conftest.py) checks spells, tallies and name-word tops after
every test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tcxd.conftest import make_org
from tcxd.members import lifecycle, tallies
from tcxd.members import selectors as MSel
from tcxd.members import services as MS
from tcxd.members.models import Member, MemberEvent, MemberNameSlot, MemberNameWord, MemberSpell
from tcxd.members.reassign import (
    Blocker,
    members_at,
    members_reassign,
    members_reassign_undo,
    members_registered,
    reassign_blockers,
)
from tcxd.members.spells import stored_rows
from tcxd.members.tests.conftest import admit, new_candidate, vote
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import OrgHeadcount
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

K = M.EventKind
D = dt.date
ON = D(2026, 3, 1)
DAY = dt.timedelta(days=1)
OP = 7001


def official(tree, serial, org=None, **extra):
    """An official member of ``org`` (admitted 2024, recognized 2025) through the services."""
    member = new_candidate(tree, org=org, serial=serial, **extra)
    ceremony = admit(tree, member)
    end = add_months(ceremony, 12)
    MS.member_event_record(actor=tree.admin, member=member, kind=K.RECOGNITION_VOTE, on=end + 10 * DAY, data=vote(7))
    MS.member_event_record(actor=tree.admin, member=member, kind=K.RECOGNITION, on=end, decision_no="05-QĐ/ĐU",
                           decision_date=end + 20 * DAY)
    member.refresh_from_db()
    return member


def probationary(tree, serial, org=None):
    """A probationary member of ``org``: ceremony on 04/10/2025, probation ends 04/10/2026."""
    start = D(2025, 6, 2)
    member = new_candidate(tree, org=org, serial=serial, on=start)
    admit(tree, member, start=start)
    member.refresh_from_db()
    return member


def reassign(tree, moves, on=ON, actor=None, **kw):
    return members_reassign(actor=actor or tree.admin, moves={a.pk: b.pk for a, b in moves.items()}, on=on,
                            operation_id=kw.pop("operation_id", OP), **kw)


def counted_at(member, day):
    return MemberSpell.objects.filter(member=member, valid_from__lte=day).exclude(valid_to__lt=day).values_list(
        "org_id", flat=True).first()


def headcount(org):
    row = OrgHeadcount.objects.filter(org=org).first()
    return (row.official, row.probationary) if row else (0, 0)


def snapshot(members, orgs):
    ids = [m.pk for m in members]
    projection = list(Member.objects.filter(pk__in=ids).order_by("pk").values_list(
        "pk", "status", "org_id", "temporary_org_id", "transfer_to_id", "exempted", "card_no", "admitted_on",
        "ceremony_on", "official_on", "last_event_on"))
    tops = dict(MemberNameSlot.objects.values_list("id", "top"))  # a slot stands for a top (after undo: another)
    words = sorted((m, w, *(tops.get(s, "") for s in slots)) for m, w, *slots in MemberNameWord.objects.filter(
        member_id__in=ids).values_list("member_id", "word", "org_slot", "temporary_slot", "transfer_slot"))
    return projection, stored_rows(ids), tallies.stored(), [headcount(o) for o in orgs], words


@pytest.fixture
def merged(tree):
    """Cell A1 (commune A) has two official members and one probationary member, a candidate, and a
    member of A2 beside it; the successor is a new cell of commune A."""
    t = tree
    t.successor = make_org(t.admin, t.commune_a, OrgKind.CELL, name="Chi bộ Khối 1-2", code="XA12")
    t.a1_official = [official(t, 1, full_name="Lê Thị Hoa"), official(t, 2, full_name="Trần Văn Bình")]
    t.a1_probationary = probationary(t, 3)
    t.a1_candidate = new_candidate(t, serial=4)
    t.a2_official = official(t, 5, org=t.gcell_a2)
    return t


# ---- the move ---------------------------------------------------------------------------------------------

def test_members_move_on_the_day_and_nothing_else_changes(merged):
    t = merged
    moved = [*t.a1_official, t.a1_probationary]
    ages = {m.pk: MSel.member_facts(member=m, on=D(2026, 11, 1)).party_age for m in moved}
    before = {m.pk: (m.status, m.admitted_on, m.ceremony_on, m.official_on, m.card_no, m.exempted) for m in moved}
    assert members_at([t.cell_a1.pk, t.successor.pk], ON) == {t.cell_a1.pk: 3, t.successor.pk: 0}
    audits = AuditEntry.objects.count()

    assert reassign(t, {t.cell_a1: t.successor}, decision_no="12-QĐ/ĐU", decision_date=ON) == 3

    for member in moved:
        member.refresh_from_db()
        assert member.org_id == t.successor.pk and member.last_event_on == ON
        assert (member.status, member.admitted_on, member.ceremony_on, member.official_on, member.card_no,
                member.exempted) == before[member.pk]
        assert MSel.member_facts(member=member, on=D(2026, 11, 1)).party_age == ages[member.pk]
        assert counted_at(member, ON - DAY) == t.cell_a1.pk and counted_at(member, ON) == t.successor.pk
        event = MemberEvent.objects.get(member=member, kind=K.ORG_RESTRUCTURED)
        assert (event.on, event.org_id, event.target_org_id, event.data, event.decision_no, event.actor) == (
            ON, t.cell_a1.pk, t.successor.pk, {"operation": OP}, "12-QĐ/ĐU", t.admin)
    assert lifecycle.history_of(t.a1_probationary)[-1].kind == K.ORG_RESTRUCTURED
    assert M.probation_end(lifecycle.history_of(t.a1_probationary)) == D(2026, 10, 4)
    assert members_at([t.cell_a1.pk, t.successor.pk], ON - DAY) == {t.cell_a1.pk: 3, t.successor.pk: 0}
    assert members_at([t.cell_a1.pk, t.successor.pk], ON) == {t.cell_a1.pk: 0, t.successor.pk: 3}
    assert headcount(t.cell_a1) == (0, 0) and headcount(t.successor) == (2, 1) and headcount(t.gcell_a2) == (1, 0)
    # the candidate (not a party member) and the member of another cell stay where they were
    t.a1_candidate.refresh_from_db()
    t.a2_official.refresh_from_db()
    assert (t.a1_candidate.org_id, t.a2_official.org_id) == (t.cell_a1.pk, t.gcell_a2.pk)
    assert not MemberEvent.objects.filter(member__in=[t.a1_candidate, t.a2_official], kind=K.ORG_RESTRUCTURED)
    # one audit row for the whole operation, readable in the commune's scope
    new = list(AuditEntry.objects.order_by("id")[audits:])
    assert [(a.action, a.org_path) for a in new] == [("member.reassign", t.commune_a.path)]
    assert new[0].after["operation"] == OP and new[0].after["members"] == 3


def test_moved_members_are_seen_where_they_now_belong(merged, users):
    t = merged
    officer_b = __import__("tcxd.conftest", fromlist=["make_user"]).make_user("xb9", "officer", t.commune_b)
    reassign(t, {t.cell_a1: t.cell_b1})
    moved = {m.pk for m in [*t.a1_official, t.a1_probationary]}
    assert moved <= set(MSel.member_queryset(actor=officer_b).values_list("pk", flat=True))
    assert not moved & set(MSel.member_queryset(actor=users["commune_officer"]).values_list("pk", flat=True))
    assert headcount(t.cell_b1) == (2, 1) and headcount(t.cell_a1) == (0, 0)


def test_move_to_another_province_moves_the_name_index_tops(merged):
    t = merged
    other = make_org(t.admin, t.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04",
                     valid_from=D(2015, 1, 1))
    commune = make_org(t.admin, other, OrgKind.COMMUNE, name="Đảng bộ xã Hòa An", code="HA")
    cell = make_org(t.admin, commune, OrgKind.CELL, name="Chi bộ Thôn Nà Rụa", code="HA1")
    assert reassign(t, {t.cell_a1: cell, t.gcell_a2: t.successor}) == 4
    slots = MemberNameWord.objects.filter(member__in=t.a1_official).values("org_slot")
    tops = set(MemberNameSlot.objects.filter(id__in=slots).values_list("top", flat=True))
    assert tops == {cell.path[:8]}
    assert AuditEntry.objects.filter(action="member.reassign").get().org_path == t.root.path
    assert members_at([cell.pk, t.successor.pk], ON) == {cell.pk: 3, t.successor.pk: 1}


def test_recognized_official_after_the_move_at_the_successor(merged, users):
    t = merged
    member = t.a1_probationary
    reassign(t, {t.cell_a1: t.successor})
    end = D(2026, 10, 4)
    MS.member_event_record(actor=users["commune_officer"], member=member, kind=K.RECOGNITION_VOTE,
                           on=end + 2 * DAY, data=vote(7))
    row = MS.member_event_record(actor=users["commune_officer"], member=member, kind=K.RECOGNITION, on=end,
                                 decision_no="30-QĐ/ĐU", decision_date=end + 5 * DAY)
    member.refresh_from_db()
    assert row.org_id == t.successor.pk
    assert (member.status, member.org_id, member.official_on) == (M.Status.OFFICIAL, t.successor.pk, end)
    assert headcount(t.successor) == (3, 0)
    assert MSel.member_facts(member=member, on=end).party_age.since == member.admitted_on


def test_same_day_as_the_last_event_is_fine(merged):
    t = merged
    member = t.a1_official[0]
    MS.member_event_record(actor=t.admin, member=member, kind=K.EXEMPTION_START, on=ON)
    assert reassign_blockers([t.cell_a1.pk], ON) == []
    assert reassign(t, {t.cell_a1: t.successor}) == 3
    events = lifecycle.history_of(member)
    assert [e.kind for e in events[-2:]] == [K.EXEMPTION_START, K.ORG_RESTRUCTURED]
    assert events[-1].seq == events[-2].seq + 1
    member.refresh_from_db()
    assert member.exempted and member.org_id == t.successor.pk


def test_members_temporarily_away_from_the_closing_org_move_and_stay_away(merged):
    t = merged
    member = t.a1_official[0]
    MS.member_event_record(actor=t.admin, member=member, kind=K.TEMP_TRANSFER_OUT, on=D(2026, 1, 5),
                           target_org=t.cell_b1, data={"until": "2026-06-01"})
    assert reassign_blockers([t.cell_a1.pk], ON) == []
    reassign(t, {t.cell_a1: t.successor})
    member.refresh_from_db()
    assert (member.org_id, member.temporary_org_id) == (t.successor.pk, t.cell_b1.pk)
    MS.member_event_record(actor=t.admin, member=member, kind=K.TEMP_TRANSFER_RETURN, on=D(2026, 5, 20))
    member.refresh_from_db()
    assert (member.org_id, member.temporary_org_id) == (t.successor.pk, None)


def test_chosen_members_are_shared_out_and_the_rest_stay(merged):
    """A split: one org's members go to two successors by name; the org itself stays."""
    t = merged
    first, second = t.a1_official
    part_two = make_org(t.admin, t.commune_a, OrgKind.CELL, name="Chi bộ Khối 1B", code="XA1B")
    assert members_registered(t.cell_a1.pk, ON) == sorted([first.pk, second.pk, t.a1_probationary.pk])
    assert members_registered(t.cell_a1.pk, D(2024, 5, 12)) == []  # before the ceremonies
    n = members_reassign(actor=t.admin, moves={}, members={first.pk: t.successor.pk, second.pk: part_two.pk},
                         on=ON, operation_id=OP)
    assert n == 2
    assert members_at([t.cell_a1.pk, t.successor.pk, part_two.pk], ON) == {
        t.cell_a1.pk: 1, t.successor.pk: 1, part_two.pk: 1}
    assert members_registered(t.cell_a1.pk, ON) == [t.a1_probationary.pk]
    assert members_registered(t.cell_a1.pk, ON - DAY) == sorted([first.pk, second.pk, t.a1_probationary.pk])
    assert headcount(t.cell_a1) == (0, 1) and headcount(t.successor) == (1, 0) and headcount(part_two) == (1, 0)
    audit = AuditEntry.objects.get(action="member.reassign")
    assert audit.after["chosen"] == {str(first.pk): t.successor.pk, str(second.pk): part_two.pk}
    assert members_reassign_undo(actor=t.admin, operation_id=OP, reason="Nhầm") == 2
    assert members_registered(t.cell_a1.pk, ON) == sorted([first.pk, second.pk, t.a1_probationary.pk])


def test_chosen_members_must_be_registered_somewhere_else_than_a_moved_org(merged):
    t = merged
    for members, text in (({t.a1_candidate.pk: t.successor.pk}, "không sinh hoạt chính thức"),
                          ({t.a1_official[0].pk: t.successor.pk}, "đã được chuyển cả")):
        with pytest.raises(ValidationFailed) as exc:
            members_reassign(actor=t.admin, moves={t.cell_a1.pk: t.cell_b1.pk} if "cả" in text else {},
                             members=members, on=ON, operation_id=OP)
        assert text in exc.value.errors["members"][0]
    with pytest.raises(ValidationFailed) as exc:  # the engine: same org
        members_reassign(actor=t.admin, moves={}, members={t.a2_official.pk: t.gcell_a2.pk}, on=ON, operation_id=OP)
    assert "trùng với nơi đảng viên đang sinh hoạt chính thức" in exc.value.message
    assert not MemberEvent.objects.filter(kind=K.ORG_RESTRUCTURED).exists()


# ---- blockers ---------------------------------------------------------------------------------------------

def test_blockers_each_reason(merged):
    t = merged
    hosted = official(t, 11, org=t.cell_b1, full_name="Vi Văn Khách")
    MS.member_event_record(actor=t.admin, member=hosted, kind=K.TEMP_TRANSFER_OUT, on=D(2026, 1, 5),
                           target_org=t.cell_a1, data={"until": "2026-06-01"})
    incoming = official(t, 12, org=t.cell_b1, full_name="Hà Thị Đến")
    MS.member_event_record(actor=t.admin, member=incoming, kind=K.TRANSFER_OUT, on=D(2026, 2, 1),
                           target_org=t.cell_a1)
    later = t.a1_official[1]
    MS.member_event_record(actor=t.admin, member=later, kind=K.EXEMPTION_START, on=ON + DAY)

    found = reassign_blockers([t.cell_a1.pk], ON)
    assert all(isinstance(b, Blocker) for b in found)
    by_member = {b.member_id: b for b in found}
    assert set(by_member) == {hosted.pk, incoming.pk, later.pk}
    assert by_member[hosted.pk] == Blocker(hosted.pk, "Vi Văn Khách", t.cell_a1.pk, (
        "Đang sinh hoạt tạm thời tại Chi bộ Khối 1 — hãy cho trở lại hoặc chuyển nơi sinh hoạt tạm thời trước khi "
        "sắp xếp."))
    assert by_member[incoming.pk].reason == ("Đang chuyển sinh hoạt đến Chi bộ Khối 1 chưa tiếp nhận — hãy tiếp "
                                             "nhận hoặc hủy giấy giới thiệu trước.")
    assert by_member[later.pk].org_id == t.cell_a1.pk
    assert "02/03/2026" in by_member[later.pk].reason and "01/03/2026" in by_member[later.pk].reason
    assert "Miễn công tác và sinh hoạt đảng" in by_member[later.pk].reason
    # the day of the later event itself is a possible date; another org's members block nothing
    assert {b.member_id for b in reassign_blockers([t.cell_a1.pk], ON + DAY)} == {hosted.pk, incoming.pk}
    assert reassign_blockers([t.gcell_a2.pk], ON) == []


def test_member_arrived_after_the_day_blocks(merged):
    t = merged
    arrived = official(t, 13, org=t.cell_b1)
    MS.member_event_record(actor=t.admin, member=arrived, kind=K.TRANSFER_OUT, on=ON - 10 * DAY,
                           target_org=t.cell_a1)
    MS.member_event_record(actor=t.admin, member=arrived, kind=K.TRANSFER_IN, on=ON + 5 * DAY)
    found = reassign_blockers([t.cell_a1.pk], ON)
    assert [(b.member_id, b.org_id) for b in found] == [(arrived.pk, t.cell_a1.pk)]
    assert "06/03/2026" in found[0].reason


def test_refused_with_blockers_and_nothing_is_written(merged):
    t = merged
    hosted = official(t, 11, org=t.cell_b1)
    MS.member_event_record(actor=t.admin, member=hosted, kind=K.TEMP_TRANSFER_OUT, on=D(2026, 1, 5),
                           target_org=t.cell_a1, data={"until": "2026-06-01"})
    members = [*t.a1_official, t.a1_probationary, hosted]
    before = snapshot(members, [t.cell_a1, t.successor])
    events, audits = MemberEvent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        reassign(t, {t.cell_a1: t.successor})
    assert "Đang sinh hoạt tạm thời tại Chi bộ Khối 1" in exc.value.errors["__all__"][0]
    assert "1 trường hợp" in exc.value.message
    assert snapshot(members, [t.cell_a1, t.successor]) == before
    assert (MemberEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)


def test_engine_refusal_of_one_member_refuses_all(merged):
    """A1 merges into B1 while a member of A1 is temporarily attending at B1: the engine refuses that
    member's move, so nobody moves."""
    t = merged
    away = t.a1_official[0]
    MS.member_event_record(actor=t.admin, member=away, kind=K.TEMP_TRANSFER_OUT, on=D(2026, 1, 5),
                           target_org=t.cell_b1, data={"until": "2026-06-01"})
    members = [*t.a1_official, t.a1_probationary]
    before = snapshot(members, [t.cell_a1, t.cell_b1])
    events = MemberEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        reassign(t, {t.cell_a1: t.cell_b1})
    assert exc.value.errors["__all__"] == [
        f"{away.full_name}: " + next(p.message for p in M.validate(
            lifecycle.history_of(away), M.Event(K.ORG_RESTRUCTURED, ON, org=t.cell_a1.pk, target_org=t.cell_b1.pk,
                                                data={"operation": OP}, seq=0),
            lifecycle.facts_of(away), lifecycle.lookup, lifecycle.calendar()))]
    assert "sinh hoạt tạm thời tại chính tổ chức đảng kế tục" in exc.value.message
    assert snapshot(members, [t.cell_a1, t.cell_b1]) == before and MemberEvent.objects.count() == events


def test_bad_requests_are_refused(merged):
    t = merged
    closed = make_org(t.admin, t.commune_a, OrgKind.CELL, name="Chi bộ mới", code="XA9", valid_from=ON + DAY)
    cases = [
        (dict(moves={t.cell_a1: t.cell_a1}), "moves", "phải khác"),
        (dict(moves={t.cell_a1: t.gcell_a2, t.gcell_a2: t.successor}), "moves", "vừa là tổ chức được sắp xếp"),
        (dict(moves={t.cell_a1: closed}), "moves", "không hoạt động vào ngày 01/03/2026"),
        (dict(moves={}), "moves", "Chưa có tổ chức"),
        (dict(moves={t.cell_a1: t.successor}, on=dt.date.today() + DAY), "on", "tương lai"),
        (dict(moves={t.cell_a1: t.successor}, operation_id=0), "operation_id", "mã đợt"),
        (dict(moves={t.cell_a1: t.successor}, decision_date=dt.date.today() + DAY), "decision_date", "tương lai"),
    ]
    for kwargs, field, text in cases:
        with pytest.raises(ValidationFailed) as exc:
            reassign(t, **kwargs)
        assert text in " ".join(exc.value.errors[field]), (kwargs, exc.value.errors)
    # the successor opens on the day: accepted from that day
    assert reassign(t, {t.cell_a1: closed}, on=ON + DAY) == 3
    with pytest.raises(NotFound):
        members_reassign(actor=t.admin, moves={t.cell_a1.pk: 999_999}, on=ON, operation_id=OP)


# ---- undo ----------------------------------------------------------------------------------------------

def test_undo_restores_exactly(merged):
    t = merged
    members = [*t.a1_official, t.a1_probationary, t.a1_candidate, t.a2_official]
    other = make_org(t.admin, t.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Bắc Kạn", code="T06",
                     valid_from=D(2015, 1, 1))
    far = make_org(t.admin, make_org(t.admin, other, OrgKind.COMMUNE, code="BK"), OrgKind.CELL, code="BK1")
    orgs = [t.cell_a1, t.gcell_a2, t.successor, far]
    before = snapshot(members, orgs)
    assert reassign(t, {t.cell_a1: far, t.gcell_a2: t.successor}) == 4
    assert snapshot(members, orgs) != before
    audits = AuditEntry.objects.count()

    assert members_reassign_undo(actor=t.admin, operation_id=OP, reason="Quyết định bị hủy") == 4

    assert snapshot(members, orgs) == before
    voided = MemberEvent.objects.filter(kind=K.ORG_RESTRUCTURED)
    assert voided.count() == 4 and all(e.voided_at and e.void_reason == "Quyết định bị hủy" for e in voided)
    new = list(AuditEntry.objects.order_by("id")[audits:])
    assert [(a.action, a.org_path, a.note) for a in new] == [("member.reassign.undo", t.root.path,
                                                              "Quyết định bị hủy")]
    # nothing left to undo; the members can be moved again by a new operation
    assert members_reassign_undo(actor=t.admin, operation_id=OP, reason="lần nữa") == 0
    assert reassign(t, {t.cell_a1: t.successor}, operation_id=OP + 1) == 3


def test_undo_refused_while_a_later_event_depends_on_the_move(merged):
    t = merged
    reassign(t, {t.cell_a1: t.successor})
    member = t.a1_official[0]
    later = MS.member_event_record(actor=t.admin, member=member, kind=K.EXEMPTION_START, on=ON + 5 * DAY)
    before = snapshot([*t.a1_official, t.a1_probationary], [t.cell_a1, t.successor])
    with pytest.raises(ValidationFailed) as exc:
        members_reassign_undo(actor=t.admin, operation_id=OP, reason="Nhầm")
    assert exc.value.errors["__all__"] == [
        f"{member.full_name}: sự kiện «Miễn công tác và sinh hoạt đảng» ngày 06/03/2026 được ghi sau việc chuyển "
        "sinh hoạt theo sắp xếp tổ chức ngày 01/03/2026 — hãy hủy sự kiện đó trước."]
    assert "1 đảng viên" in exc.value.message
    assert snapshot([*t.a1_official, t.a1_probationary], [t.cell_a1, t.successor]) == before
    assert not MemberEvent.objects.filter(kind=K.ORG_RESTRUCTURED, voided_at__isnull=False).exists()
    MS.member_event_void(actor=t.admin, event=later, reason="Nhập nhầm")
    assert members_reassign_undo(actor=t.admin, operation_id=OP, reason="Nhầm") == 3
    member.refresh_from_db()
    assert member.org_id == t.cell_a1.pk and not member.exempted


def test_undo_allowed_after_a_recognition_dated_before_the_move(merged):
    """Recorded after the move but dated back to the probation end, before it: nothing depends on the move."""
    t = merged
    member = t.a1_probationary
    end = D(2026, 10, 4)
    MS.member_event_record(actor=t.admin, member=member, kind=K.RECOGNITION_VOTE, on=end + DAY, data=vote(7))
    reassign(t, {t.cell_a1: t.successor}, on=end + 3 * DAY)
    MS.member_event_record(actor=t.admin, member=member, kind=K.RECOGNITION, on=end, decision_no="31-QĐ/ĐU",
                           decision_date=end + 10 * DAY)
    member.refresh_from_db()
    assert (member.status, member.org_id) == (M.Status.OFFICIAL, t.successor.pk)
    assert members_reassign_undo(actor=t.admin, operation_id=OP, reason="Nhầm ngày") == 3
    member.refresh_from_db()
    assert (member.status, member.org_id, member.official_on) == (M.Status.OFFICIAL, t.cell_a1.pk, end)
    assert headcount(t.cell_a1) == (3, 0) and headcount(t.successor) == (0, 0)


def test_undo_needs_a_reason(merged):
    t = merged
    reassign(t, {t.cell_a1: t.successor})
    with pytest.raises(ValidationFailed) as exc:
        members_reassign_undo(actor=t.admin, operation_id=OP, reason="  ")
    assert exc.value.errors == {"reason": ["Cần ghi lý do hủy."]}
    assert not MemberEvent.objects.filter(voided_at__isnull=False).exists()


# ---- scope --------------------------------------------------------------------------------------------

def test_scope_and_role(merged, users):
    t = merged
    events = MemberEvent.objects.count()
    with pytest.raises(NotFound):  # commune A's officer cannot write in commune B
        reassign(t, {t.cell_a1: t.cell_b1}, actor=users["commune_officer"])
    with pytest.raises(PermissionDenied):  # read-only role
        reassign(t, {t.cell_a1: t.successor}, actor=users["leader"])
    with pytest.raises(NotFound):  # the successor is outside cell A1's scope (found before the role is judged)
        reassign(t, {t.cell_a1: t.successor}, actor=users["cell"])
    with pytest.raises(PermissionDenied):  # inside it, but a cell's role does not write
        reassign(t, {t.cell_a1: t.cell_a1}, actor=users["cell"])
    assert MemberEvent.objects.count() == events
    assert reassign(t, {t.cell_a1: t.successor}, actor=users["commune_officer"]) == 3
    with pytest.raises(NotFound):
        members_reassign_undo(actor=make_user_in(t.commune_b), operation_id=OP, reason="Nhầm")
    with pytest.raises(PermissionDenied):
        members_reassign_undo(actor=users["leader"], operation_id=OP, reason="Nhầm")
    assert not MemberEvent.objects.filter(voided_at__isnull=False).exists()


def make_user_in(org):
    from tcxd.conftest import make_user

    return make_user(f"u{org.pk}", "officer", org)


# ---- one member at a time: never ----------------------------------------------------------------------

def test_not_recorded_or_voided_one_member_at_a_time(merged, users):
    t = merged
    member = t.a1_official[0]
    with pytest.raises(DomainError) as exc:
        MS.member_event_record(actor=t.admin, member=member, kind=K.ORG_RESTRUCTURED, on=ON, target_org=t.successor,
                               data={"operation": OP})
    assert exc.value.code == "restructure_only" and "sắp xếp tổ chức" in exc.value.message
    client = Client()
    client.force_login(users["commune_officer"])
    url = reverse("members:event_create", args=[member.pk, K.ORG_RESTRUCTURED.value])
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": "01/03/2026"}).status_code == 404
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert K.ORG_RESTRUCTURED.value not in detail  # not among the wizards offered
    reassign(t, {t.cell_a1: t.successor})
    event = MemberEvent.objects.get(member=member, kind=K.ORG_RESTRUCTURED)
    with pytest.raises(DomainError) as exc:
        MS.member_event_void(actor=t.admin, event=event, reason="nhầm")
    assert exc.value.code == "restructure_only"
    html = client.get(reverse("members:detail", args=[member.pk]), {"tab": "su-kien"}).content.decode()
    assert "Chuyển sinh hoạt theo sắp xếp tổ chức → Chi bộ Khối 1-2" in html
    assert 'data-testid="restructured-note"' in html and reverse("members:event_void", args=[event.pk]) not in html
