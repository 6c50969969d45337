"""Member search by name: the word-start index (MemberNameWord) and every query plan of
``selectors.member_search`` give exactly what the plain definition gives: a member matches a typed
text when its folded full name, its given name or a word sequence inside the name starts with the
folded text; results in scope only, ordered by (given name, full name, id)."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from tcxd.common.names import NameGenerator
from tcxd.common.text import fold
from tcxd.conftest import make_org, make_user
from tcxd.members import namewords
from tcxd.members import selectors as S
from tcxd.members import services as MS
from tcxd.members.bulk import EventSpec, MemberRecord, members_bulk_load
from tcxd.members.models import Member, MemberNameSlot, MemberNameWord
from tcxd.members.namewords import misplaced, name_words_place
from tcxd.members.tests.conftest import admit, cccd_for, new_candidate
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import OrgKind
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.membership import EventKind as K

ACTIVE = {M.Status.CANDIDATE, M.Status.ADMITTED, M.Status.PROBATIONARY, M.Status.OFFICIAL}
# Names the generator never makes: đ/Đ, one word, a repeated word, a word inside another's prefix,
# stray spaces and capitals, a hyphen.
ODD_NAMES = [
    "Đặng Đình Đức", "Nguyễn Văn Nguyễn", "Lê Lê", "Hùng", "Nguyễn Thị Thu Hà", "Trần Hùng Hưng",
    "  Phạm   Văn  An ", "NGÔ THỊ HƯƠNG", "Lò Văn Hùng-Anh", "Hà Thị Hà", "Quách Văn Quách", "Văn Thị Vân",
    "Nguyễn Văn", "Ka Sô Liễng", "Y Moan Ênuôl", "Thi Văn Hưng", "Đinh Thị Hiền", "Lê Văn Lê Văn Hùng", "Hà Hà Hà",
    "Nguyễn Văn Hùng Anh", "Nguyễn Văn Hùng", "Trần Văn Hùng Cường",
]


def word_start_match(name_norm: str, term: str) -> bool:
    """The definition, by brute force: a prefix of the full name, of the given name, or of a word
    sequence inside the name."""
    given = name_norm.split(" ")[-1]
    return name_norm.startswith(term) or given.startswith(term) or f" {term}" in name_norm


def expected(members: list[Member], text: str, visible=lambda m: True) -> list[int]:
    term = fold(text)
    rows = [m for m in members if m.status in ACTIVE and visible(m) and word_start_match(m.name_norm, term)]
    return [m.pk for m in sorted(rows, key=lambda m: (m.given_name_norm, m.name_norm, m.pk))]


def search(actor, text: str, **filters) -> list[int]:
    return list(S.member_search(actor=actor, filters=S.MemberFilters(q=text, **filters)).values_list("pk", flat=True))


def test_word_starts():
    assert namewords.word_starts("nguyen thi thu ha") == ["nguyen thi thu ha", "thi thu ha", "thu ha", "ha"]
    assert namewords.word_starts("hung") == ["hung"]
    assert namewords.word_starts("") == []


def _load(tree, names: list[str]) -> list[Member]:
    """Candidates in the three cells of the test tree, through the bulk loader (it writes the index)."""
    cells = [tree.cell_a1, tree.gcell_a2, tree.cell_b1]
    records = [MemberRecord(
        dossier={"full_name": name, "sex": "M", "birth_date": dt.date(1990, 1, 1), "cccd": cccd_for(1000 + i)},
        events=[EventSpec(kind=M.EventKind.CANDIDATE, on=dt.date(2024, 1, 5), org_id=cells[i % 3].id)])
        for i, name in enumerate(names)]
    result = members_bulk_load(actor=tree.admin, records=records)
    assert result.created == len(names), result.rejected
    return list(Member.objects.filter(cccd__in=[r.dossier["cccd"] for r in records]).order_by("cccd"))


def _queries(members: list[Member], rng: random.Random) -> list[str]:
    """Typed texts: word starts of real names cut at every length, with their accents or not, plus
    misses and one-letter prefixes."""
    out = {"nguyen van", "thi h", "Hùng", "quach", "h", "ng", "n", "đ", "Đ", "d", "van", "THỊ", "le le", "zz",
           "nguyen van nguyen", "ha", "hung-", "y moan", "qu", "a", "hưng", "xyz abc", "le van", "le van h",
           "ha ha", "van hung", "nguyen van hung", "van hung a"}
    for m in rng.sample(members, 60):
        words = m.full_name.split()
        start = rng.randrange(len(words))
        text = " ".join(words[start:])
        out.add(text[:rng.randint(1, len(text))])
    return sorted(out)


@pytest.fixture
def population(tree):
    rng = random.Random(20251121)
    gen = NameGenerator(7)
    names = ODD_NAMES + [gen.person().full for _ in range(300)]
    return _load(tree, names), rng


# (NAME_SPARSE_LIMIT, NAME_INNER_SCAN, NAME_NARROW_DEPTH): the commune officer's scope is narrow at
# depth 3, never at 99
KNOBS = [(0, 20_000, 99), (0, 0, 99), (0, 2, 99), (3, 20_000, 99), (40, 1, 99), (100_000, 20_000, 99),
         (0, 20_000, 3)]


@pytest.mark.parametrize(("sparse_limit", "inner_scan", "narrow_depth"), KNOBS)
def test_every_plan_gives_the_definition(population, users, tree, monkeypatch, sparse_limit, inner_scan,
                                         narrow_depth):
    members, rng = population
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", sparse_limit)
    monkeypatch.setattr(S, "NAME_INNER_SCAN", inner_scan)
    monkeypatch.setattr(S, "NAME_NARROW_DEPTH", narrow_depth)
    officer = users["commune_officer"]  # commune A: cells A1 and A2
    in_a = {tree.cell_a1.id, tree.gcell_a2.id}
    for text in _queries(members, rng):
        assert search(tree.admin, text) == expected(members, text), text
        assert search(officer, text) == expected(members, text, lambda m: m.org_id in in_a), text


def test_a_remembered_answer_gone_stale_still_finds_every_name(population, users, tree, monkeypatch):
    """Terms with names going on past them are remembered (only those). Should such names be gone, the plan
    chosen is slower but the matches are still the definition's: every term remembered, as if all were stale."""
    members, rng = population
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", 0)
    terms = [t for t in map(fold, _queries(members, rng)) if t]
    fresh = {t: S.name_plan(t) for t in terms}
    assert S._GOES_ON  # some were remembered
    for t in terms:
        S._GOES_ON.update((t, i) for i in range(len(t) + 1))
    stale = {t: S.name_plan(t) for t in terms}
    assert any(stale[t] != fresh[t] for t in terms)  # other (slower) plans were taken
    for t in terms:
        assert search(tree.admin, t) == expected(members, t), t


def test_the_queries_reach_every_plan(population, monkeypatch):
    members, rng = population
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", 0)
    kinds = {(plan.kind, plan.tail == term) for term in map(fold, _queries(members, rng)) if term
             for plan in [S.name_plan(term)]}
    assert kinds >= {("ids", False), ("token", True), ("token", False), ("given_block", True), ("walk", False),
                     ("given", False)}


@pytest.mark.parametrize("sparse_limit", [0, 100_000])
@pytest.mark.parametrize("text", ["nguyen", "th", "thi", "nguyen thi"])
def test_pages_follow_one_another(population, tree, monkeypatch, sparse_limit, text):
    members, _ = population
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", sparse_limit)
    qs = S.member_search(actor=tree.admin, filters=S.MemberFilters(q=text))
    everything = expected(members, text)
    assert len(everything) > 20
    pages = [list(qs[i:i + 7]) for i in range(0, len(everything), 7)]
    assert [m.pk for page in pages for m in page] == everything
    assert all(m.org.name for page in pages for m in page)  # the org comes with the row
    assert qs.count() == len(everything)


@pytest.mark.parametrize(("sparse_limit", "narrow_depth"), [(0, 99), (1000, 99), (0, 3)])
def test_scope_through_temporary_org_and_pending_transfer(tree, users, monkeypatch, sparse_limit, narrow_depth):
    officer = users["commune_officer"]  # commune A
    guest = new_candidate(tree, org=tree.cell_b1, serial=61, full_name="Quách Thị Khách", sex="F")
    coming = new_candidate(tree, org=tree.cell_b1, serial=62, full_name="Quách Văn Đến")
    away = new_candidate(tree, org=tree.cell_b1, serial=63, full_name="Quách Văn Xa")
    # the projection columns, as the lifecycle writes them for a temporary transfer / a pending transfer
    Member.objects.filter(pk=guest.pk).update(temporary_org=tree.cell_a1)
    Member.objects.filter(pk=coming.pk).update(transfer_to=tree.gcell_a2)
    name_words_place([guest.pk, coming.pk])
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", sparse_limit)
    monkeypatch.setattr(S, "NAME_NARROW_DEPTH", narrow_depth)
    assert search(officer, "quach") == [coming.pk, guest.pk]
    assert search(officer, "khach") == [guest.pk]
    assert search(officer, "xa") == []
    assert search(tree.admin, "quach van") == [coming.pk, away.pk]
    assert search(officer, "quach", org_id=tree.cell_a1.id) == []
    assert search(tree.admin, "q", status=M.Status.CANDIDATE, sex="F") == [guest.pk]


def test_renaming_moves_the_index(tree, users):
    member = new_candidate(tree, serial=71, full_name="Trần Văn Cũ")
    assert search(tree.admin, "cu") == [member.pk]
    MS.member_update(actor=tree.admin, member=member, full_name="Trần Đức Mới")
    assert search(tree.admin, "cu") == []
    assert search(tree.admin, "duc moi") == [member.pk]
    assert sorted(MemberNameWord.objects.filter(member=member).values_list("word", flat=True)) == [
        "duc moi", "moi", "tran duc moi"]
    MS.member_update(actor=tree.admin, member=member, phone="0912345678")  # the name unchanged
    assert MemberNameWord.objects.filter(member=member).count() == 3


def test_every_member_written_by_a_service_or_the_loader_is_indexed(population, tree):
    new_candidate(tree, serial=81, full_name="Đỗ Thị Một")
    assert _index_is_complete()


def test_cccd_and_card_numbers_do_not_use_the_name_index(tree):
    member = new_candidate(tree, serial=91, full_name="Bùi Văn Số")
    assert search(tree.admin, cccd_for(91)) == [member.pk]
    assert search(tree.admin, "  ") == search(tree.admin, "")


def _index_is_complete() -> bool:
    """Every word start of every name, and the copies of the orgs right (``misplaced``)."""
    name_fields = namewords.ROW_FIELDS[:6]
    got = set(MemberNameWord.objects.values_list(*name_fields))
    names = Member.objects.values_list("pk", "name_norm", "given_name_norm")
    return (got == {row[:6] for pk, name, given in names for row in namewords.word_rows(pk, name, given)}
            and misplaced() == [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_fill_the_index_of_existing_names(population):
    """0003 wrote the word starts, 0007 the tops of the orgs, 0013 turned the tops into slots: run on existing
    names (the schema taken back to 0012 and forward again), they give the index the services write."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    MemberNameWord.objects.all().delete()
    back = [("members", "0012_name_words_by_member")]
    executor = MigrationExecutor(connection)
    executor.migrate(back)
    old_apps = executor.loader.project_state(back).apps
    # (the schema editor is not needed by these two: they only execute SQL)
    editor = SimpleNamespace(connection=connection, execute=execute)
    importlib.import_module("tcxd.members.migrations.0003_member_name_word").fill_name_words(old_apps, editor)
    execute("SELECT COUNT(*) FROM members_membernameword WHERE org_top <> ''")  # 0012's columns are back
    importlib.import_module("tcxd.members.migrations.0007_name_word_tops").fill_tops(old_apps, editor)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert MemberNameWord.objects.count() > 600 and _index_is_complete()
    assert MemberNameSlot.objects.filter(top=population[0][0].org.path[:8]).exists()


def test_the_benchmark_dataset_writes_the_index(db):
    from tcxd.bench.dataset import build_dataset

    build_dataset("XS", seed=5)
    assert Member.objects.count() > 1000 and _index_is_complete()


def test_a_province_scope_is_read_from_the_index_rows_copies_of_the_orgs(tree, users, monkeypatch):
    """The rows carry the tops of the member's three orgs; a transfer across provinces (pending, then
    received), a temporary transfer and an org moving to another province keep them right (the
    autouse check compares every row with its member after the test), and a province's search
    finds its members through them, on the token-stream plan."""
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", 0)  # token stream even for few names
    other = make_org(tree.admin, tree.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04")
    commune = make_org(tree.admin, other, OrgKind.COMMUNE, name="Đảng bộ xã Hòa An", code="XC")
    cell = make_org(tree.admin, commune, OrgKind.CELL, name="Chi bộ Nà Rụa", code="XC1")
    mover, guest = (new_candidate(tree, serial=serial, full_name=name)
                    for serial, name in ((101, "Nông Văn Chuyển"), (102, "Nông Thị Tạm")))
    for member in (mover, guest):
        admit(tree, member)
    here = make_user("tinh2", "officer", tree.province)
    there = make_user("tinh3", "officer", other)
    assert search(here, "nong") == [mover.pk, guest.pk] and search(there, "nong") == []

    record = MS.member_event_record
    record(actor=tree.admin, member=mover, kind=K.TRANSFER_OUT, on=dt.date(2024, 9, 1), target_org=cell,
           decision_no="GT-01")
    assert search(there, "nong") == [mover.pk] and search(here, "nong") == [mover.pk, guest.pk]  # both sides
    record(actor=tree.admin, member=mover, kind=K.TRANSFER_IN, on=dt.date(2024, 9, 10))
    assert search(here, "nong") == [guest.pk] and search(there, "nong") == [mover.pk]
    slots = MemberNameWord.objects.filter(member=mover).values("org_slot")
    assert set(MemberNameSlot.objects.filter(id__in=slots).values_list("top", flat=True)) == {other.path}

    record(actor=tree.admin, member=guest, kind=K.TEMP_TRANSFER_OUT, on=dt.date(2024, 10, 1), target_org=cell,
           decision_no="GTT-01", data={"until": "2025-04-01"})
    assert search(there, "nong") == [mover.pk, guest.pk] and search(here, "nong") == [guest.pk]

    # the commune of the mover's cell moves under the first province: the rows follow
    OS.org_move(actor=tree.admin, org=commune, new_parent=tree.province, effective_on=dt.date(2025, 11, 1))
    assert search(here, "nong") == [mover.pk, guest.pk] and search(there, "nong") == []
    commune.refresh_from_db()
    assert commune.path.startswith(tree.province.path)
    assert misplaced() == []


def test_misplaced_rows_are_found(tree):
    member = new_candidate(tree, serial=111, full_name="Lò Văn Sai")
    MemberNameWord.objects.filter(member=member).update(org_slot=MemberNameSlot.objects.create(top="9999").pk)
    assert misplaced() == [member.pk]
    assert name_words_place([member.pk]) == 3  # three word starts, put right
    assert misplaced() == []


def test_a_province_emptied_into_another_keeps_its_members_rows_and_re_points_their_slot(tree, users, monkeypatch):
    """Everything under a province moves under another (a merge): the province's slot is re-pointed, the word
    rows of its members are not rewritten, and the searches of both provinces follow; a member left at the
    emptied province itself gets a new slot."""
    monkeypatch.setattr(S, "NAME_SPARSE_LIMIT", 0)
    other = make_org(tree.admin, tree.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04")
    commune = make_org(tree.admin, other, OrgKind.COMMUNE, name="Đảng bộ xã Hòa An", code="XC")
    cell = make_org(tree.admin, commune, OrgKind.CELL, name="Chi bộ Nà Rụa", code="XC1")
    gcell = make_org(tree.admin, other, OrgKind.GRASSROOTS_CELL, name="Chi bộ Bệnh viện tỉnh", code="BV")
    mover = new_candidate(tree, serial=121, full_name="Nông Văn Gộp", org=cell)
    stayer = new_candidate(tree, serial=122, full_name="Nông Thị Ở", org=gcell)
    here, there = make_user("tinh2", "officer", tree.province), make_user("tinh3", "officer", other)
    assert search(here, "nong") == [] and search(there, "nong") == [mover.pk, stayer.pk]
    before = list(MemberNameWord.objects.filter(member=mover).values_list("word", "org_slot"))
    (slot,) = {s for _w, s in before}
    # the commune and its cell go, the province and its cell stay: no more stays than goes
    OS.org_move(actor=tree.admin, org=commune, new_parent=tree.province, effective_on=dt.date(2025, 11, 1))
    assert list(MemberNameWord.objects.filter(member=mover).values_list("word", "org_slot")) == before
    assert MemberNameSlot.objects.get(pk=slot).top == tree.province.path
    assert search(here, "nong") == [mover.pk] and search(there, "nong") == [stayer.pk]
    # the member left behind was placed again, with a new slot of the old top
    (new_slot,) = set(MemberNameWord.objects.filter(member=stayer).values_list("org_slot", flat=True))
    assert new_slot != slot and MemberNameSlot.objects.get(pk=new_slot).top == other.path
    # part of a province leaving it (more stays than goes): the members that left are placed again
    OS.org_move(actor=tree.admin, org=commune, new_parent=other, effective_on=dt.date(2025, 11, 2))
    assert MemberNameSlot.objects.get(pk=slot).top == tree.province.path
    assert set(MemberNameWord.objects.filter(member=mover).values_list("org_slot", flat=True)) == {new_slot}
    assert search(here, "nong") == [] and search(there, "nong") == [mover.pk, stayer.pk] and misplaced() == []


def test_the_search_api_gives_each_row_its_status_label(tree, users):
    """The list endpoint serializes plain rows: the status label comes from the rules' own table."""
    from tcxd.common.tests.queries import api_client

    admitted = new_candidate(tree, full_name="Nguyễn Văn Hùng", serial=801)
    admit(tree, admitted)
    admitted.refresh_from_db()
    candidate = new_candidate(tree, full_name="Nguyễn Văn Hưng", serial=802)
    found = api_client(users["province_officer"]).get("/api/members", {"q": "nguyen van h"}).json()["items"]
    labels = {row["id"]: (row["status"], row["status_label"]) for row in found}
    assert labels[admitted.pk] == (admitted.status, M.STATUS_LABELS[M.Status(admitted.status)])
    assert labels[candidate.pk] == ("candidate", "Quần chúng ưu tú (đang xét kết nạp)")
    assert admitted.status != "candidate"
