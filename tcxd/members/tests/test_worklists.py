"""Work lists ("Việc cần làm"): the sections are exact (the same items as the engine run on every
member in scope), paged without dropping anything, and each item opens the action resolving it."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tcxd.authz.models import Role
from tcxd.authz.services import api_token_create
from tcxd.bench.dataset import build_dataset
from tcxd.bench.suites.members import bench_officer
from tcxd.bench.suites.orgs import biggest_province
from tcxd.conftest import make_user
from tcxd.members import lifecycle as L
from tcxd.members import selectors as S
from tcxd.members import worklist_queries as WQ
from tcxd.members import worklists as W
from tcxd.members.codes import REQUIRED_DOCUMENTS, DocumentType
from tcxd.members.models import Attachment, Member, MemberEvent
from tcxd.members.tests.conftest import cccd_for
from tcxd.orgs.kinds import CELL_KINDS, OrgKind, OrgStatus
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months, latest_start

K = M.EventKind
D = dt.date
OWN = set(W.SECTION_ORDER)
_serial = itertools.count(700)


@pytest.fixture(autouse=True)
def cold_memos():
    """Each test starts without the answers a previous test's (rolled back) data left in memory."""
    W.DEADLINES.clear()
    W.NEXT_BADGES.clear()
    WQ.OFF_DAY_DECISIONS.clear()
    yield


BIRTH = D(1950, 3, 1)


def member_with(org, events, *, name=None, birth=BIRTH) -> Member:
    """A member with exactly ``events`` [(kind, on, extra fields)] on file, projected as the services
    do (the work list must be exact for any stored history, not only for validated ones)."""
    n = next(_serial)
    full_name = name or f"Lê Văn Kiểm {n}"
    member = Member.objects.create(full_name=full_name, name_norm=full_name.lower(),
                                   given_name_norm=full_name.lower().split(" ")[-1], sex="M", birth_date=birth,
                                   cccd=cccd_for(n, "M", birth.year), org=org, status=M.Status.CANDIDATE)
    for seq, (kind, on, extra) in enumerate(events):
        MemberEvent.objects.create(member=member, kind=kind, on=on, seq=seq, org=org, **extra)
    touched = L.project(member, L.history_of(member))
    L.headcounts_refresh(touched | {org.id})
    return member


def historical_official(admitted: dt.date, *, signed: dt.date | None = None) -> list:
    """An admission copied from the paper dossier, official 12 months after the ceremony."""
    ceremony = admitted + dt.timedelta(days=20)
    return [(K.ADMISSION_DECISION, admitted, {"decision_date": signed or admitted, "data": {"historical": True}}),
            (K.CEREMONY, ceremony, {"data": {"historical": True}}),
            (K.RECOGNITION, add_months(ceremony, 12), {"data": {"historical": True}})]


def vote(yes=7, summoned=9):
    return {"summoned_official": summoned, "temp_transferred_out": 0, "exempted_absent": 0, "yes": yes,
            "ballot_round": 1}


# -- the brute force: the engine on every member in scope -------------------------------------------
def brute_force(actor, on: dt.date) -> set[tuple]:
    lookup, calendar = L.lookup, L.calendar()
    horizon = on + dt.timedelta(days=W.LOOKAHEAD_DAYS)
    occasion = W._next_occasion(on)
    members = list(S.member_queryset(actor=actor).values_list("id", flat=True))
    wanted = set(members)
    histories = defaultdict(list)
    for row in MemberEvent.objects.filter(voided_at__isnull=True).order_by("member_id", "on", "seq", "id"):
        if row.member_id in wanted:
            histories[row.member_id].append(L.to_event(row))
    out = set()
    for member_id in members:
        history = histories[member_id]
        for d in M.open_deadlines(history, on, lookup, calendar):
            if d.code in W.SECTIONS and (d.due <= horizon or d.overdue):
                out.add((W.SECTIONS[d.code][0], member_id, d.due, d.overdue, d.message))
        badge = M.next_badge(history, on, lookup)
        if badge is not None and badge.occasion == occasion:
            out.add((W.BADGES, member_id, badge.occasion, False, f"Huy hiệu {badge.years} năm tuổi Đảng (đủ tuổi "
                                                                 f"Đảng ngày {badge.reached_on:%d/%m/%Y})"))
    return out


def engine_items(actor, on) -> set[tuple]:
    return {(i.section, i.member_id, i.due, i.overdue, i.message) for i in W.worklist(actor=actor, on=on)}


def small_cells_brute_force(actor) -> set[int]:
    """Active cells in scope with fewer than 3 official members, counted member by member."""
    scope = S.scope_for(actor)
    cells = Org.objects.filter(scope.q("path"), kind__in=CELL_KINDS, status=OrgStatus.ACTIVE)
    return {c.pk for c in cells if Member.objects.filter(org=c, status=M.Status.OFFICIAL).count() < 3}


def incomplete_brute_force(actor, on) -> dict[int, list[str]]:
    """Active members in scope whose dossier page lists missing documents (selectors.member_facts)."""
    out = {}
    for member in S.member_queryset(actor=actor).filter(status__in=WQ.ACTIVE):
        missing = S.member_facts(member=member, on=on).missing_documents
        if missing:
            out[member.pk] = missing
    return out


@pytest.fixture
def dataset(db):
    """The XS benchmark dataset (a province, two communes, about 2 000 members with histories ending
    today) plus the histories no generator writes: an admission decision signed on another day, a
    gap in party age, a readmission under way, a recognition vote before the probation ended."""
    build_dataset("XS", seed=11)
    on = timezone.localdate()
    province = biggest_province()
    cells = list(Org.objects.filter(path__startswith=province.path, kind=OrgKind.CELL).order_by("path")[:2])
    occasion = W._next_occasion(on)
    target = latest_start(occasion, 12 * 30)  # reaches 30 years on the next occasion, at the latest
    extra = {
        # signed inside the 30-year window, effective more than a year later
        "off_day": member_with(cells[0], historical_official(target + dt.timedelta(days=400), signed=target)),
        # effective inside the window, signed a year before it (out of the window)
        "off_day_out": member_with(cells[0], historical_official(target, signed=target - dt.timedelta(days=400))),
        # admitted 800 days before the window; out 800 days (struck off, readmitted): reaches 30 years in it
        "gap": member_with(cells[1], [
            *historical_official(target - dt.timedelta(days=800)),
            (K.STRUCK_OFF, target - dt.timedelta(days=300), {"data": {"ground": "a"}}),
            (K.READMISSION_DECISION, target + dt.timedelta(days=500), {}),
            (K.CEREMONY, target + dt.timedelta(days=520), {}),
            (K.RECOGNITION, add_months(target + dt.timedelta(days=520), 12), {})]),
        # struck off, then a readmission procedure with the cell's vote: a decision is due
        "readmission": member_with(cells[1], [
            *historical_official(D(1990, 4, 2)),
            (K.STRUCK_OFF, on - dt.timedelta(days=400), {"data": {"ground": "a"}}),
            (K.APPLICATION, on - dt.timedelta(days=100), {}),
            (K.CELL_VOTE, on - dt.timedelta(days=70), {"data": vote()})]),
        # ceremony 3 months ago and already a passed recognition vote: the decision is due
        "early_vote": member_with(cells[0], [
            (K.CANDIDATE, on - dt.timedelta(days=300), {}),
            (K.CELL_VOTE, on - dt.timedelta(days=200), {"data": vote()}),
            (K.ADMISSION_DECISION, on - dt.timedelta(days=110), {}),
            (K.CEREMONY, on - dt.timedelta(days=90), {}),
            (K.RECOGNITION_VOTE, on - dt.timedelta(days=2), {"data": vote()})]),
        # on the screening help list for 12 months less 10 days: the result is due in 10 days (B-21)
        "listed": member_with(cells[0], [
            *historical_official(D(1995, 5, 2)),
            (K.SCREENING_VOTE, add_months(on + dt.timedelta(days=10), -12), {"data": vote(6, 9)})]),
        # listed too recently for the period to end within the look-ahead: no item yet
        "listed_recent": member_with(cells[0], [
            *historical_official(D(1995, 5, 2)),
            (K.SCREENING_VOTE, on - dt.timedelta(days=30), {"data": vote(6, 9)})]),
        # temporarily at the other cell, back in 20 days
        "visiting": member_with(cells[0], [
            *historical_official(D(2001, 9, 3)),
            (K.TEMP_TRANSFER_OUT, on - dt.timedelta(days=100),
             {"target_org": cells[1], "data": {"until": (on + dt.timedelta(days=20)).isoformat()}})]),
    }
    return on, province, extra


# -- exactness ---------------------------------------------------------------------------------------
def test_deadline_and_badge_sections_equal_the_engine_on_every_member(dataset):
    on, province, extra = dataset
    commune = Org.objects.filter(path__startswith=province.path, kind=OrgKind.COMMUNE).order_by("path").first()
    actors = [bench_officer(province), make_user("xa-wl", Role.OFFICER, commune),
              make_user("tw-wl", Role.ADMIN)]
    for actor in actors:
        expected = brute_force(actor, on)
        assert engine_items(actor, on) == expected, actor.username
        assert engine_items(actor, on) == expected  # again, from the memo
    found = engine_items(actors[0], on)
    sections = {s for s, *_ in found}
    assert {"Quyết định kết nạp", "Tổ chức lễ kết nạp", "Xét công nhận đảng viên chính thức",
            "Quyết định công nhận đảng viên chính thức", "Chuyển sinh hoạt chưa được tiếp nhận", W.BADGES,
            "Hết thời hạn sinh hoạt tạm thời", "Đánh giá kết quả giáo dục, giúp đỡ đảng viên"} <= sections
    by_member = defaultdict(set)
    for section, member_id, *_ in found:
        by_member[member_id].add(section)
    assert W.BADGES in by_member[extra["off_day"].pk] and W.BADGES in by_member[extra["gap"].pk]
    assert W.BADGES not in by_member[extra["off_day_out"].pk]
    assert "Quyết định kết nạp" in by_member[extra["readmission"].pk]
    assert "Quyết định công nhận đảng viên chính thức" in by_member[extra["early_vote"].pk]
    due = {(m, d) for s, m, d, *_ in found if s == "Đánh giá kết quả giáo dục, giúp đỡ đảng viên"}
    assert (extra["listed"].pk, on + dt.timedelta(days=10)) in due
    assert extra["listed_recent"].pk not in {m for m, _ in due}
    assert ("Hết thời hạn sinh hoạt tạm thời", extra["visiting"].pk, on + dt.timedelta(days=20)) in {
        (s, m, d) for s, m, d, *_ in found}


def test_both_plans_of_the_badge_shortlist_agree(dataset):
    """Through the admission decisions (a big scope) or through the orgs (a small one): same members."""
    on, province, _ = dataset
    rows = WQ.ScopedRows(bench_officer(province))
    occasion = W._next_occasion(on)
    previous = WQ.previous_occasion(occasion, L.lookup("badge.award_occasions", on))
    windows = WQ.badge_windows(L.lookup("badge.milestones_years", on), previous, occasion)
    by_events = WQ.badge_shortlist(rows, windows)
    small = WQ.ScopedRows(bench_officer(province))
    small.org_count = 1  # pretend the scope is one org among many: the walk over the orgs
    by_orgs = WQ.badge_shortlist(small, windows)
    due = {m for _, m, *_ in engine_items(bench_officer(province), on) if _ == W.BADGES}
    assert due <= set(by_events) and due <= set(by_orgs)


def test_the_memo_follows_every_recorded_event(dataset):
    on, province, _ = dataset
    officer = bench_officer(province)
    before = engine_items(officer, on)
    ceremony_due = next(m for s, m, *_ in sorted(before) if s == "Tổ chức lễ kết nạp")
    member = Member.objects.get(pk=ceremony_due)
    seq = MemberEvent.objects.filter(member=member).count()
    MemberEvent.objects.create(member=member, kind=K.CEREMONY, on=on, seq=seq, org=member.org)
    L.project(member, L.history_of(member))
    after = engine_items(officer, on)
    assert after == brute_force(officer, on) != before
    assert not [i for i in after if i[1] == member.pk and i[0] == "Tổ chức lễ kết nạp"]


def test_a_warmed_process_judges_no_history_again_and_answers_the_same(dataset, monkeypatch):
    """``warm`` (run by a web server's master before it forks) fills the memos for the whole country: a commune
    officer's and the province's work lists then read no history; a member changed since is judged again."""
    on, province, _ = dataset
    commune = Org.objects.filter(path__startswith=province.path, kind=OrgKind.COMMUNE).order_by("path").first()
    actors = [bench_officer(province), make_user("xa-warm", Role.OFFICER, commune)]
    expected = [brute_force(actor, on) for actor in actors]
    held = W.warm(on=on)
    assert held > 50
    read: list[int] = []
    real = WQ.histories

    def spy(ids):
        read.extend(ids)
        return real(ids)

    monkeypatch.setattr(WQ, "histories", spy)
    assert [engine_items(actor, on) for actor in actors] == expected
    assert read == []
    ceremony_due = next(m for s, m, *_ in sorted(expected[0]) if s == "Tổ chức lễ kết nạp")
    Member.objects.filter(pk=ceremony_due).update(updated_at=timezone.now())  # as an event recorded since does
    assert engine_items(actors[0], on) == expected[0]
    assert read == [ceremony_due]


def test_an_off_day_decision_recorded_later_is_found(dataset):
    on, province, _ = dataset
    officer = bench_officer(province)
    engine_items(officer, on)  # the off-day members are now known up to the last event
    occasion = W._next_occasion(on)
    target = latest_start(occasion, 12 * 40)
    history = historical_official(target + dt.timedelta(days=500), signed=target)
    history.append((K.BADGE, add_months(target, 12 * 30) + dt.timedelta(days=90), {"data": {"years": 30}}))
    cell = Org.objects.filter(path__startswith=province.path, kind=OrgKind.CELL).first()
    late = member_with(cell, history)
    found = engine_items(officer, on)
    assert found == brute_force(officer, on)
    assert (W.BADGES, late.pk) in {(s, m) for s, m, *_ in found}


@pytest.mark.parametrize("occasions", [["02-03", "05-19", "09-02", "11-07"], ["01-01"], ["03-01", "12-31"]])
def test_badge_windows_hold_exactly_the_admissions_reaching_a_milestone_on_the_occasion(occasions):
    rnd = random.Random(5)
    for _ in range(40):
        on = D(2020, 1, 1) + dt.timedelta(days=rnd.randrange(3000))
        days = sorted(D(on.year + k, int(o[:2]), int(o[3:]))
                      for k in (0, 1) for o in occasions)
        occasion = next(d for d in days if d >= on)
        names = [f"{d:%m-%d}" for d in days[:len(occasions)]]
        previous = WQ.previous_occasion(occasion, names)
        for years, (low, high) in zip((30, 45), WQ.badge_windows((30, 45), previous, occasion), strict=True):
            for day in (low - dt.timedelta(days=1), low, low + dt.timedelta(days=1), high - dt.timedelta(days=1),
                        high, high + dt.timedelta(days=1)):
                reached = add_months(day, 12 * years)
                assert (low < day <= high) == (previous < reached <= occasion), (occasion, years, day)


# -- the two sections decided in SQL ------------------------------------------------------------------
def test_incomplete_dossiers_equal_the_member_page_checklist(dataset):
    on, province, _ = dataset
    commune = Org.objects.filter(path__startswith=province.path, kind=OrgKind.COMMUNE).order_by("path").first()
    officer = make_user("xa-hs", Role.OFFICER, commune)
    members = list(S.member_queryset(actor=officer).filter(status__in=WQ.ACTIVE).order_by("id"))
    by_status = {m.status: m for m in members}
    # complete: every document of the stage; one short: all but the last one
    for status, member in by_status.items():
        docs = REQUIRED_DOCUMENTS[WQ.stage_of(status)]
        Attachment.objects.bulk_create([Attachment(member=member, doc_type=d) for d in docs])
    short = next(m for m in members if m.status == M.Status.OFFICIAL and m not in by_status.values())
    docs = REQUIRED_DOCUMENTS["official"]
    Attachment.objects.bulk_create([Attachment(member=short, doc_type=d) for d in docs[:-1]])
    Attachment.objects.create(member=short, doc_type=docs[0])  # a second copy counts once
    expected = incomplete_brute_force(officer, on)
    assert all(m.pk not in expected for m in by_status.values())
    assert expected[short.pk] == [DocumentType(docs[-1]).label]
    items = W.dossier_items(actor=officer)
    assert {i.member_id: i.message for i in items} == {
        pk: "Còn thiếu: " + "; ".join(missing) + "." for pk, missing in expected.items()}
    assert all(i.action_url == f"/dang-vien/{i.member_id}/?tab=tai-lieu" for i in items)
    section = W.sections(actor=officer, on=on, only="ho-so-chua-du", limit=5)[0]
    assert section.count == len(expected) and len(section.items) == 5
    big, small = WQ.ScopedRows(officer), WQ.ScopedRows(officer)
    small.org_count = 1  # a scope with a tiny share of the orgs: its members sorted, not the name index walked
    for offset in (0, 7, len(expected) - 3):
        assert (WQ.incomplete_dossier_page(big, actor=officer, offset=offset, limit=10)
                == WQ.incomplete_dossier_page(small, actor=officer, offset=offset, limit=10))
    province_officer = bench_officer(province)
    count = W.sections(actor=province_officer, on=on, only="ho-so-chua-du", limit=0)[0].count
    assert count == S.member_queryset(actor=province_officer).filter(status__in=WQ.ACTIVE).count() - len(by_status)


def test_cells_under_three_official_members(tree, users):
    on = timezone.localdate()
    officer = users["province_officer"]
    for i in range(2):
        member_with(tree.cell_a1, historical_official(D(1990, 1, 10 + i)))
    for i in range(3):
        member_with(tree.gcell_a2, historical_official(D(1991, 1, 10 + i)))
    for i in range(2):
        member_with(tree.cell_b1, historical_official(D(1992, 1, 10 + i)))
    for _ in range(5):  # probationary members do not count
        member_with(tree.cell_b1, [(K.CANDIDATE, on - dt.timedelta(days=300), {}),
                                   (K.ADMISSION_DECISION, on - dt.timedelta(days=100), {}),
                                   (K.CEREMONY, on - dt.timedelta(days=90), {})])
    items = W.small_cell_items(actor=officer, on=on)
    assert {i.org_id for i in items} == {tree.cell_a1.pk, tree.cell_b1.pk} == small_cells_brute_force(officer)
    a1 = next(i for i in items if i.org_id == tree.cell_a1.pk)
    assert a1.member_id is None and a1.member_name == tree.cell_a1.name and a1.org_name == tree.commune_a.name
    assert a1.action_url == reverse("orgs:detail", args=[tree.cell_a1.pk]) == a1.link
    assert "chỉ có 2 đảng viên chính thức (tối thiểu 3)" in a1.message
    # a third official member lifts cell A1 out of the list; the commune officer sees only commune A
    member_with(tree.cell_a1, historical_official(D(1993, 5, 5)))
    assert {i.org_id for i in W.small_cell_items(actor=officer, on=on)} == {tree.cell_b1.pk}
    assert W.small_cell_items(actor=users["commune_officer"], on=on) == []
    closed = tree.cell_b1
    Org.objects.filter(pk=closed.pk).update(status=OrgStatus.CLOSED)
    assert W.small_cell_items(actor=officer, on=on) == []


# -- pages, API ----------------------------------------------------------------------------------------
def test_sections_page_through_every_item_exactly_once(dataset):
    on, province, _ = dataset
    officer = bench_officer(province)
    everything = W.worklist_all(actor=officer, on=on)
    by_section = defaultdict(list)
    for item in everything:
        by_section[item.section].append(item)
    summary = W.sections(actor=officer, on=on, limit=0)
    assert [s.title for s in summary if s.title in OWN] == W.SECTION_ORDER
    for s in summary:
        assert s.count == len(by_section[s.title]) and s.overdue == sum(i.overdue for i in by_section[s.title])
        if s.title == W.DOSSIERS:
            continue  # 2 000 rows: paged below with a bigger step
        seen, offset = [], 0
        while True:
            page = W.sections(actor=officer, on=on, only=s.key, offset=offset, limit=7)[0]
            seen.extend(page.items)
            if page.next_offset is None:
                break
            offset = page.next_offset
        assert seen == by_section[s.title]
    dossiers = W.sections(actor=officer, on=on, only="ho-so-chua-du", offset=100, limit=50)[0]
    assert dossiers.items == by_section[W.DOSSIERS][100:150]


def test_page_shows_counts_first_rows_and_a_paged_view_per_section(dataset):
    on, province, extra = dataset
    officer = bench_officer(province)
    client = Client()
    client.force_login(officer)
    html = client.get(reverse("members:worklist")).content.decode()
    summary = {s.key: s for s in W.sections(actor=officer, on=on, limit=0)}
    badges = summary["huy-hieu"]
    assert badges.count > W.PREVIEW
    assert 'data-section="huy-hieu"' in html and f"Xem tất cả {badges.count:,} việc".replace(",", ".") in html
    assert "Hồ sơ chưa đầy đủ" in html and "?tab=tai-lieu" in html and "Bổ sung tài liệu" in html
    assert html.count('data-testid="worklist-section"') == sum(1 for s in summary.values() if s.count)
    page2 = client.get(reverse("members:worklist"), {"muc": "ho-so-chua-du", "trang": 2}).content.decode()
    assert "Trang 2/" in page2 and "« Trang trước" in page2 and 'data-section="ho-so-chua-du"' in page2
    assert page2.count('data-testid="worklist-section"') == 1
    far = client.get(reverse("members:worklist"), {"muc": "huy-hieu", "trang": 999})
    assert far.status_code == 302 and "trang=" in far["Location"]
    assert client.get(reverse("members:worklist"), {"muc": "khong-co"}).status_code == 404


def test_api_pages_each_section_and_gives_its_total(dataset):
    on, province, _ = dataset
    officer = bench_officer(province)
    key, _ = api_token_create(actor=officer, user=officer, name="wl")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    counts = {s.key: s.count for s in W.sections(actor=officer, on=on, limit=0)}
    items = client.get("/api/members/worklist", {"limit": 3}).json()
    per_section = defaultdict(list)
    for item in items:
        per_section[item["section_key"]].append(item)
        assert item["section_total"] == counts[item["section_key"]]
    assert {k: len(v) for k, v in per_section.items()} == {k: min(3, n) for k, n in counts.items() if n}
    rest = client.get("/api/members/worklist", {"section": "huy-hieu", "offset": 3, "limit": 1000}).json()
    assert len(rest) == counts["huy-hieu"] - 3 and {i["section_key"] for i in rest} == {"huy-hieu"}
    assert client.get("/api/members/worklist", {"section": "khong-co"}).status_code == 404
    ahead = client.get("/api/members/worklist", {"on": (on + dt.timedelta(days=1)).isoformat(), "limit": 1})
    assert ahead.status_code == 200 and ahead.json()
    past = client.get("/api/members/worklist", {"on": (on - dt.timedelta(days=1)).isoformat()})
    assert past.status_code == 400 and "đã qua" in past.json()["errors"]["on"][0]
