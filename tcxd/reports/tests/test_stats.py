"""The statistics engine against a brute-force recount from the events.

Property: for random member histories (admissions, recognitions, transfers inside and across
communes, temporary transfers, exemptions, exits, readmissions, deaths), a tree that changes (a cell
moved to another commune on a random day) and random days, every count of ``member_cube`` over every
dimension equals the recount: each member's history replayed by the lifecycle engine on that day, the
org placed in the tree by its version of that day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter

import pytest
from django.core.management import call_command

from tcxd.authz.models import Role
from tcxd.conftest import make_org, make_user
from tcxd.members import lifecycle as L
from tcxd.members import services as MS
from tcxd.members.models import Member, MemberEvent, MemberSpell
from tcxd.members.spells import rebuild
from tcxd.members.tests.conftest import cccd_for
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import GrassrootsType, OrgKind
from tcxd.orgs.models import Org, OrgVersion
from tcxd.orgs.selectors import org_children_as_of
from tcxd.reports import stats
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months, latest_start, whole_months_between

K = M.EventKind
D = dt.date
TODAY = dt.date.today()
_serial = itertools.count(5000)


# -- a random world ----------------------------------------------------------------------------------
def build_tree(admin):
    t = {}
    t["root"] = make_org(admin, None, OrgKind.CENTRAL, name="Trung ương", code="TW", valid_from=D(2011, 2, 1))
    t["province"] = make_org(admin, t["root"], OrgKind.PROVINCIAL, name="Tỉnh A", code="TA", valid_from=D(2011, 2, 1))
    t["other"] = make_org(admin, t["root"], OrgKind.PROVINCIAL, name="Tỉnh B", code="TB", valid_from=D(2011, 2, 1))
    t["commune_1"] = make_org(admin, t["province"], OrgKind.COMMUNE, name="Xã 1", code="X1", valid_from=D(2011, 2, 1))
    t["commune_2"] = make_org(admin, t["province"], OrgKind.COMMUNE, name="Phường 2", code="X2",
                              valid_from=D(2011, 2, 1))
    t["commune_3"] = make_org(admin, t["other"], OrgKind.COMMUNE, name="Xã 3", code="X3", valid_from=D(2011, 2, 1))
    cells = []
    for i, parent in enumerate(["commune_1", "commune_1", "commune_2", "commune_3"]):
        cells.append(make_org(admin, t[parent], OrgKind.CELL, name=f"Chi bộ {i}", code=f"C{i}",
                              valid_from=D(2011, 2, 1)))
    cells.append(make_org(admin, t["commune_2"], OrgKind.GRASSROOTS_CELL, name="Chi bộ trường", code="CT",
                          valid_from=D(2011, 2, 1), grassroots_type=GrassrootsType.PUBLIC_SERVICE))
    t["cells"] = cells
    return t


def _vote():
    return {"summoned_official": 9, "temp_transferred_out": 0, "exempted_absent": 0, "yes": 7, "ballot_round": 1}


def random_history(rnd: random.Random, cells, years: tuple[int, int] = (1975, 2024)) -> list[tuple]:
    """(kind, day, org, target, data, decision_date): a plausible history beginning in ``years``, ending by
    today."""
    day = D(rnd.randint(*years), rnd.randint(1, 12), rnd.randint(1, 28))
    org = rnd.choice(cells)
    out = [(K.CANDIDATE, day, org, None, {}, None)]

    def later(a, b):
        return out[-1][1] + dt.timedelta(days=rnd.randint(a, b))

    signed = later(20, 40)
    effective = signed + dt.timedelta(days=rnd.choice([0, 0, 0, 45]))  # sometimes signed before it takes effect
    out.append((K.ADMISSION_DECISION, effective, org, None, {"historical": True}, signed))
    out.append((K.CEREMONY, later(10, 30), org, None, {"historical": True}, None))
    if rnd.random() < 0.85:
        out.append((K.RECOGNITION, add_months(out[-1][1], 12), org, None, {"historical": True}, None))
    status_out = False
    for _ in range(rnd.randint(0, 5)):
        roll = rnd.random()
        others = [c for c in cells if c != org]
        if status_out:
            if roll < 0.5:
                readmit = later(400, 2000)
                out += [(K.READMISSION_DECISION, readmit, org, None, {"provincial_consent": True}, None),
                        (K.CEREMONY, readmit + dt.timedelta(days=20), org, None, {}, None),
                        (K.RECOGNITION, add_months(readmit + dt.timedelta(days=20), 12), org, None, {}, None)]
                status_out = False
            continue
        if roll < 0.25:
            target = rnd.choice(others)
            out.append((K.TRANSFER_OUT, later(30, 900), org, target, {}, None))
            if rnd.random() < 0.8:
                out.append((K.TRANSFER_IN, later(5, 60), target, None, {}, None))
                org = target
            else:
                out.append((K.TRANSFER_CANCELLED, later(5, 60), org, None, {}, None))
        elif roll < 0.45:
            out.append((K.TEMP_TRANSFER_OUT, later(30, 900), org, rnd.choice(others), {}, None))
            if rnd.random() < 0.7:
                out.append((K.TEMP_TRANSFER_RETURN, later(90, 300), org, None, {}, None))
        elif roll < 0.6:
            out.append((K.EXEMPTION_START, later(30, 900), org, None, {}, None))
            if rnd.random() < 0.5:
                out.append((K.EXEMPTION_END, later(30, 600), org, None, {}, None))
        elif roll < 0.75:
            kind = rnd.choice([K.STRUCK_OFF, K.LEFT, K.EXPELLED])
            out.append((kind, later(30, 900), org, None, {"exit_ground": "a"}, None))
            status_out = True
        elif roll < 0.82:
            out.append((K.DIED, later(30, 900), org, None, {}, None))
            break
    return [e for e in out if e[1] <= TODAY]


def make_member(rnd: random.Random, events) -> Member:
    n = next(_serial)
    sex = rnd.choice("MF")
    birth = events[0][1] - dt.timedelta(days=rnd.randint(18 * 365, 40 * 365))
    if rnd.random() < 0.1:
        birth = D(rnd.choice([1952, 1956, 1960, 1964]), 2, 29)
    member = Member.objects.create(
        full_name=f"Người {n}", name_norm=f"nguoi {n}", given_name_norm=str(n), sex=sex, birth_date=birth,
        cccd=cccd_for(n, sex, birth.year), org=events[0][2], status=M.Status.CANDIDATE,
        ethnicity=rnd.choice(["01", "01", "02", "04"]), religion=rnd.choice(["none", "none", "phat_giao"]),
        political_theory=rnd.choice(["none", "so_cap", "trung_cap", "cao_cap"]),
        occupation_group=rnd.choice(["nong_dan", "vien_chuc", "huu_tri"]))
    for seq, (kind, on, org, target, data, signed) in enumerate(events):
        MemberEvent.objects.create(member=member, kind=kind, on=on, seq=seq, org=org, target_org=target, data=data,
                                   decision_date=signed)
    L.project(member, L.history_of(member))
    return member


@pytest.fixture
def world(admin_user):
    """Three random worlds' worth of members in one tree; a cell moved between communes."""
    rnd = random.Random(20261121)
    t = build_tree(admin_user)
    for _ in range(160):
        make_member(rnd, random_history(rnd, t["cells"]))
    moved_on = D(2012, 5, 17)
    OS.org_move(actor=admin_user, org=t["cells"][1], new_parent=t["commune_2"], effective_on=moved_on)
    t["moved_on"] = moved_on
    return t


# -- the brute force ---------------------------------------------------------------------------------
def version_on(org_id: int, day: dt.date):
    return (OrgVersion.objects.filter(org_id=org_id, valid_from__lte=day).exclude(valid_to__lt=day)
            .order_by("-valid_from", "-id").first())


def band(value: int | None, thresholds: list[int], codes: list[str]) -> str:
    if value is None:
        return stats.NO_PARTY_AGE
    code = codes[0]
    for t, c in zip(thresholds, codes[1:], strict=False):
        if value >= t:
            code = c
    return code


def brute_force(root, day: dt.date, dims) -> Counter:
    root_v = version_on(root.pk, day)
    out = Counter()
    if root_v is None:
        return out
    age_t, age_codes = stats.bands(stats.AGE_KEY, day), [c for c, _ in stats.age_band_values(day)]
    pa_t = stats.bands(stats.PARTY_AGE_KEY, day)
    pa_codes = [c for c, _ in stats.party_age_band_values(day) if c != stats.NO_PARTY_AGE]
    for member in Member.objects.all():
        history = L.history_of(member)
        state = M.state_on(history, day)
        if state.status not in (M.Status.PROBATIONARY, M.Status.OFFICIAL) or state.official_org is None:
            continue
        v = version_on(state.official_org, day)
        if v is None or not v.path.startswith(root_v.path):
            continue
        chain = [v]
        while chain[-1].parent_id is not None:
            chain.append(version_on(chain[-1].parent_id, day))
        party = M.party_age(history, day)
        values = {
            "status": state.status.value, "exempted": "1" if state.exempted else "0",
            "temporary": "1" if state.temporary_transfer is not None else "0",
            "sex": member.sex, "ethnicity": member.ethnicity, "religion": member.religion,
            "general_education": member.general_education, "professional_level": member.professional_level,
            "academic_title": member.academic_title, "political_theory": member.political_theory,
            "occupation_group": member.occupation_group,
            "age_band": band(whole_months_between(member.birth_date, day) // 12, age_t, age_codes),
            "party_age_band": band(party.years if party else None, pa_t, pa_codes),
            "grassroots_type": next((t for t in (stats.grassroots_type_of(x.kind, x.grassroots_type, None)
                                                 for x in chain) if t), ""),
            "child": next((str(x.org_id) for x in chain if x.parent_id == root.pk), ""),
        }
        out[tuple(values[d] for d in dims)] += 1
    return out


# -- properties --------------------------------------------------------------------------------------
def test_every_statistic_equals_the_recount_from_the_events(world):
    rnd = random.Random(7)
    days = [world["moved_on"] - dt.timedelta(days=1), world["moved_on"], TODAY,
            *(D(2011, 1, 1) + dt.timedelta(days=rnd.randint(0, (TODAY - D(2011, 1, 1)).days)) for _ in range(8))]
    roots = [world["root"], world["province"], world["commune_1"], world["commune_2"], world["cells"][1]]
    dims = list(stats.ALL)
    assert MemberSpell.objects.exists()
    nonzero = 0
    for day in days:
        for root in roots:
            expected = brute_force(root, day, dims)
            assert stats.member_cube_unscoped(org=root, on=day, dims=dims) == expected, (root.name, day)
            nonzero += bool(expected)
            # any subset of dimensions is the same cube summed
            sub = rnd.sample(dims, 3)
            folded = Counter()
            for key, n in expected.items():
                folded[tuple(key[dims.index(d)] for d in sub)] += n
            assert stats.member_cube_unscoped(org=root, on=day, dims=sub) == folded
    assert nonzero > 20  # the days and roots chosen do hold members


def test_the_tree_as_it_stood_on_the_day(world):
    """Members of the moved cell count under its old commune up to the day before the move, under
    the new one from that day; the province's total does not change."""
    moved = world["cells"][1]
    before, on = world["moved_on"] - dt.timedelta(days=1), world["moved_on"]
    in_cell = stats.total(stats.member_cube_unscoped(org=moved, on=before, dims=()))
    assert in_cell > 0
    c1 = [stats.total(stats.member_cube_unscoped(org=world["commune_1"], on=d, dims=())) for d in (before, on)]
    c2 = [stats.total(stats.member_cube_unscoped(org=world["commune_2"], on=d, dims=())) for d in (before, on)]
    prov = [stats.total(stats.member_cube_unscoped(org=world["province"], on=d, dims=())) for d in (before, on)]
    assert c1[0] - c1[1] == in_cell + brute_moves(world, before, on, world["commune_1"])
    assert c2[1] - c2[0] == in_cell + brute_moves(world, before, on, world["commune_2"])
    assert prov[0] == prov[1] - brute_moves(world, before, on, world["province"])


def brute_moves(world, before, on, root) -> int:
    """Change of ``root``'s count from ``before`` to ``on`` that comes from events dated ``on`` (not
    the move): the brute force on both days, minus the moved cell's members."""
    dims = ("child",)
    a, b = brute_force(root, before, dims), brute_force(root, on, dims)
    moved = stats.total(stats.member_cube_unscoped(org=world["cells"][1], on=before, dims=()))
    delta = sum(b.values()) - sum(a.values())
    if root in (world["commune_1"],):
        return -(delta + moved)
    if root in (world["commune_2"],):
        return delta - moved
    return delta


def test_a_report_on_a_past_day_is_unchanged_by_later_events(world, admin_user):
    past = D(2020, 6, 30)
    before = stats.member_cube_unscoped(org=world["province"], on=past, dims=stats.ALL)
    member = Member.objects.filter(status=M.Status.OFFICIAL, org__in=world["cells"][:3]).first()
    MS.member_event_record(actor=admin_user, member=member, kind=K.DIED.value, on=TODAY)
    assert stats.member_cube_unscoped(org=world["province"], on=past, dims=stats.ALL) == before
    assert stats.total(stats.member_cube_unscoped(org=world["province"], on=TODAY, dims=())) == \
        sum(brute_force(world["province"], TODAY, ()).values())


def test_rebuild_finds_nothing_to_mend_and_mends_a_damaged_row(world):
    assert rebuild(check_only=True).mismatched == []
    spell = MemberSpell.objects.order_by("pk").first()
    MemberSpell.objects.filter(pk=spell.pk).update(org=world["cells"][4])
    report = rebuild(check_only=True)
    assert report.mismatched == [spell.member_id]
    with pytest.raises(Exception, match="lệch"):
        call_command("stats_rebuild", "--check")
    call_command("stats_rebuild")
    assert rebuild(check_only=True).mismatched == []


def test_a_dossier_change_reaches_the_statistics(world, admin_user):
    member = Member.objects.filter(status=M.Status.OFFICIAL).first()
    MS.member_update(actor=admin_user, member=member, political_theory="cu_nhan")
    cube = stats.member_cube_unscoped(org=world["root"], on=TODAY, dims=("political_theory",))
    assert cube[("cu_nhan",)] == Member.objects.filter(political_theory="cu_nhan", status__in=(
        M.Status.OFFICIAL, M.Status.PROBATIONARY)).count() >= 1


def _official(org, birth, decided):
    n = next(_serial)
    m = Member.objects.create(full_name=f"Người {n}", name_norm=f"nguoi {n}", given_name_norm=str(n), sex="M",
                              birth_date=birth, cccd=cccd_for(n, "M", birth.year), org=org, status=M.Status.CANDIDATE)
    for seq, (kind, on) in enumerate([(K.ADMISSION_DECISION, decided), (K.CEREMONY, decided + dt.timedelta(days=16)),
                                      (K.RECOGNITION, add_months(decided + dt.timedelta(days=16), 12))]):
        if on <= TODAY:
            MemberEvent.objects.create(member=m, kind=kind, on=on, seq=seq, org=org, data={"historical": True})
    L.project(m, L.history_of(m))
    return m


def test_age_bands_at_their_boundaries(tree):
    """Born 29/02/1956: 71 whole years on 28/02/2027 (calendar months, the day clamped), so "trên 70
    tuổi" from that day; born 01/03/1995: 31 on 01/03/2026, "31–40" from that day."""
    _official(tree.cell_a1, D(1956, 2, 29), D(2016, 1, 4))
    _official(tree.cell_a1, D(1995, 3, 1), D(2016, 1, 4))

    def ages(day):
        return dict(stats.member_cube_unscoped(org=tree.province, on=day, dims=("sex", "age_band")))

    assert ages(D(2026, 2, 28)) == {("M", "61-70"): 1, ("M", "-30"): 1}
    assert ages(D(2026, 3, 1)) == {("M", "61-70"): 1, ("M", "31-40"): 1}
    assert ages(D(2027, 2, 27)) == {("M", "61-70"): 1, ("M", "31-40"): 1}
    assert ages(D(2027, 2, 28)) == {("M", "71-"): 1, ("M", "31-40"): 1}


def test_party_age_bands_at_their_boundaries(tree):
    """Party age from the admission decision of 04/01/2016 (B-12): 10 whole years on 04/01/2026, not
    the day before; a probationary member has none."""
    _official(tree.cell_a1, D(1970, 5, 5), D(2016, 1, 4))
    recent = _official(tree.cell_a1, D(1990, 5, 5), D(2025, 8, 1))
    pa = stats.member_cube_unscoped(org=tree.province, on=D(2026, 1, 3), dims=("party_age_band", "status"))
    assert pa == {("0-9", "official"): 1, (stats.NO_PARTY_AGE, "probationary"): 1}
    pa = stats.member_cube_unscoped(org=tree.province, on=D(2026, 1, 4), dims=("party_age_band", "status"))
    assert pa == {("10-19", "official"): 1, (stats.NO_PARTY_AGE, "probationary"): 1}
    assert recent.pk


def test_todays_bands_from_the_monthly_tallies_at_their_boundaries(tree):
    """Today's age and party-age bands of a unit come from the monthly cuboids, and from the daily
    ones for the months a boundary splits: members on each side of every boundary of today are
    banded as the spells band them."""
    for t in stats.bands(stats.AGE_KEY, TODAY):
        last = latest_start(TODAY, 12 * t)
        for born in (last, last + dt.timedelta(days=1), last.replace(day=1), _month_end(last)):
            _official(tree.cell_a1, born, D(2010, 3, 15))
    for t in stats.bands(stats.PARTY_AGE_KEY, TODAY):
        last = latest_start(TODAY, 12 * t)
        for decided in (last, last + dt.timedelta(days=1), _month_end(last)):
            _official(tree.cell_a1, D(1960, 7, 7), decided)
    assert stats._split_months(stats.bands(stats.AGE_KEY, TODAY), TODAY) or TODAY.day == _month_end(TODAY).day
    for dims in (("age_band", "sex"), ("party_age_band", "status"), ("age_band", "ethnicity"), ("ethnicity",)):
        for root in (tree.root, tree.province, tree.commune_a):
            assert stats._tally_plan(root, TODAY, dims) is not None
            cube = stats.member_cube_unscoped(org=root, on=TODAY, dims=dims)
            assert cube == stats.member_cube_unscoped(org=root, on=TODAY, dims=dims, tallies_ok=False), dims
            assert sum(cube.values()) == 4 * len(stats.bands(stats.AGE_KEY, TODAY)) + 3 * len(
                stats.bands(stats.PARTY_AGE_KEY, TODAY))


def _month_end(day: dt.date) -> dt.date:
    return stats._next_month(day.replace(day=1)) - dt.timedelta(days=1)


def test_split_months():
    """A boundary on the last day of a month splits nothing; any other day splits its month."""
    assert stats._split_months([31], D(2026, 2, 28)) == []  # 31 when born on or before 28/02/1995
    assert stats._split_months([31], D(2026, 3, 1)) == [D(1995, 3, 1)]  # … on or before 01/03/1995
    assert stats._split_months([31, 41], D(2026, 11, 21)) == [D(1985, 11, 1), D(1995, 11, 1)]


def brute_movements(root, start, end) -> dict[str, int]:
    inside = {v.org_id for v in OrgVersion.objects.all() if version_on(v.org_id, end)
              and version_on(v.org_id, end).path.startswith(version_on(root.pk, end).path)}
    kinds = {kind.value: key for key, (_l, ks) in stats.MOVEMENTS.items() for kind in ks}
    out = dict.fromkeys([*stats.MOVEMENTS, *stats.TRANSFERS], 0)
    for member in Member.objects.all():
        history = L.history_of(member)
        for e in history:
            if not start <= e.on <= end:
                continue
            if e.kind.value in kinds and e.org in inside:
                out[kinds[e.kind.value]] += 1
            elif e.kind == K.TRANSFER_IN:
                a = M.state_on(history, e.on - dt.timedelta(days=1)).official_org
                b = M.state_on(history, e.on).official_org
                if a in inside and b not in inside:
                    out["transferred_out"] += 1
                elif b in inside and a not in inside:
                    out["transferred_in"] += 1
            elif e.kind == K.TEMP_TRANSFER_OUT:
                if e.org in inside and e.target_org not in inside:
                    out["temporary_out"] += 1
                elif e.target_org in inside and e.org not in inside:
                    out["temporary_in"] += 1
    return out


def test_movements_over_a_period_equal_the_recount(world, admin_user):
    seen = Counter()
    for start, end in ((D(2011, 1, 1), TODAY), (D(2015, 1, 1), D(2019, 12, 31)), (D(2020, 1, 1), D(2020, 12, 31))):
        for root in (world["root"], world["province"], world["commune_1"], world["commune_2"]):
            found = stats.movements(actor=admin_user, org=root, start=start, end=end)
            assert found == brute_movements(root, start, end), (root.name, start, end)
            seen.update({k: v for k, v in found.items() if v})
    # the world exercises every kind of movement but the badges
    assert set(seen) >= {"admitted", "readmitted", "recognized", "struck_off", "expelled", "left", "died",
                         "transferred_in", "transferred_out", "temporary_in", "temporary_out"}


def test_movements_grouped_by_child_equal_the_calls_one_by_one(world, admin_user):
    """One pass over a period's events and transfers for many orgs (the subordinates of an org, or any orgs, nested
    ones too) gives each org exactly its own ``movements``, itself checked against the recount."""
    periods = ((D(2011, 1, 1), TODAY), (D(2012, 1, 1), D(2012, 12, 31)), (D(2015, 1, 1), D(2019, 12, 31)),
               (D(2020, 1, 1), D(2020, 12, 31)))
    seen = Counter()
    for start, end in periods:
        for root in (world["root"], world["province"], world["commune_2"]):
            grouped = stats.movements_by_child(actor=admin_user, org=root, start=start, end=end)
            children = {str(v.org_id) for v in org_children_as_of(org=root, day=end)}
            assert set(grouped) == children
            for code, found in grouped.items():
                child = Org.objects.get(pk=int(code))
                assert found == stats.movements(actor=admin_user, org=child, start=start, end=end), (code, start)
                assert found == brute_movements(child, start, end), (child.name, start, end)
                seen.update({k: v for k, v in found.items() if v})
        orgs = [world["root"], world["province"], world["commune_1"], world["commune_2"], *world["cells"]]
        together = stats.movements_of(orgs=orgs, start=start, end=end)
        assert together == {o.pk: stats.movements(actor=admin_user, org=o, start=start, end=end) for o in orgs}
        with stats.movements_batch(orgs=orgs[1:3], periods=[(start, end)]):
            assert stats.movements(actor=admin_user, org=world["province"], start=start, end=end) == \
                together[world["province"].pk]
    assert set(seen) >= {"admitted", "recognized", "transferred_in", "transferred_out", "temporary_in",
                         "temporary_out"}


def test_members_of_several_subtrees_at_once_equal_the_sum_of_each(world, admin_user):
    subtrees = [world["commune_1"], world["commune_3"], world["cells"][2]]
    sets = [(), ("status",), ("age_band", "sex"), ("party_age_band", "religion", "exempted", "temporary"),
            ("grassroots_type", "status")]
    for day in (TODAY, world["moved_on"], D(2012, 5, 16), D(2019, 6, 30)):
        for dims in sets:
            expected = Counter()
            for o in subtrees:
                expected.update(stats.member_cube_unscoped(org=o, on=day, dims=dims, tallies_ok=False))
            assert stats.member_cube_of_subtrees(orgs=subtrees, on=day, dims=dims) == +expected, (day, dims)


def test_scope(tree, admin_user):
    other = make_org(admin_user, tree.root, OrgKind.PROVINCIAL, name="Tỉnh khác", code="TK", valid_from=D(2015, 1, 1))
    officer = make_user("tk-officer", Role.OFFICER, other)
    from tcxd.common.errors import NotFound
    with pytest.raises(NotFound):
        stats.member_cube(actor=officer, org=tree.province, on=TODAY, dims=())
    with pytest.raises(NotFound):
        stats.movements(actor=officer, org=tree.province, start=D(2025, 1, 1), end=TODAY)
    assert stats.member_cube(actor=officer, org=other, on=TODAY, dims=()) == Counter()


TALLY_DIMS = [(), ("status",), ("status", "sex"), ("sex", "age_band"), ("status", "party_age_band"),
              ("political_theory", "professional_level", "general_education", "academic_title"),
              ("ethnicity", "religion", "sex", "exempted", "temporary", "occupation_group"),
              ("child", "status"), ("child", "sex", "age_band"), ("age_band", "ethnicity"),
              ("party_age_band", "ethnicity", "sex", "child")]


def test_todays_figures_of_the_units_come_from_the_tallies_and_equal_the_spells(world, admin_user):
    """The nation, a province and its communes: every cuboid's figures today, from the tallies, equal
    the count over the spells — also after an event, a dossier change and a move of orgs."""
    def check():
        for root in (world["root"], world["province"], world["commune_1"], world["commune_2"]):
            root.refresh_from_db()
            for dims in TALLY_DIMS:
                if "child" in dims and root.depth >= 3:
                    continue
                assert stats._tally_plan(root, TODAY, dims) is not None, dims
                assert stats.member_cube_unscoped(org=root, on=TODAY, dims=dims) == \
                    stats.member_cube_unscoped(org=root, on=TODAY, dims=dims, tallies_ok=False), (root.name, dims)

    check()
    member = Member.objects.filter(status=M.Status.OFFICIAL, org=world["cells"][0], transfer_to__isnull=True,
                                   spells__valid_to__isnull=True, spells__temporary=False).first()
    MS.member_event_record(actor=admin_user, member=member, kind=K.TRANSFER_OUT.value, on=TODAY,
                           target_org=world["cells"][3])
    MS.member_update(actor=admin_user, member=Member.objects.filter(status=M.Status.OFFICIAL).last(),
                     political_theory="cu_nhan", sex="F")
    OS.org_move(actor=admin_user, org=world["cells"][0], new_parent=world["commune_3"], effective_on=TODAY)
    check()
    # a day further back than DELTA_DAYS, an org changed since the day, a cell or a dimension no cuboid holds:
    # the spells
    assert stats._tally_plan(world["province"], TODAY - dt.timedelta(days=stats.DELTA_DAYS), ("status",)) == 3
    assert stats._tally_plan(world["province"], TODAY - dt.timedelta(days=stats.DELTA_DAYS + 1), ("status",)) is None
    OS.org_update(actor=admin_user, org=world["commune_2"], name="Phường Hai",
                  effective_on=TODAY - dt.timedelta(days=9))
    world["commune_2"].refresh_from_db()
    assert stats._tally_plan(world["commune_2"], TODAY - dt.timedelta(days=9), ("status",)) == 3
    assert stats._tally_plan(world["commune_2"], TODAY - dt.timedelta(days=10), ("status",)) is None
    assert stats._tally_plan(world["cells"][1], TODAY, ("status",)) is None
    assert stats._tally_plan(world["province"], TODAY, ("age_band", "political_theory")) is None


def test_several_cubes_at_once_equal_each_alone(world, admin_user):
    sets = [("age_band", "sex"), ("age_band", "ethnicity"), ("status",), ("political_theory", "sex"),
            ("religion", "status"), ("grassroots_type",), ("child", "party_age_band")]
    # from the tallies (today; last year's end: corrected by the spells changed since, read once for all the sets)
    # or one scan of the spells (further back)
    for day in (TODAY, D(TODAY.year - 1, 12, 31), D(2019, 6, 30)):
        for root in (world["root"], world["province"], world["commune_1"], world["cells"][1]):
            together = stats.member_cubes(actor=admin_user, org=root, on=day, dims_sets=sets)
            for dims in sets:
                assert together[dims] == stats.member_cube_unscoped(org=root, on=day, dims=dims, tallies_ok=False)


def test_only_the_whole_countrys_past_statistics_get_the_big_grouping_memory(tree, monkeypatch):
    """The national root is depth 1: its past figures group millions of spells (big_grouping on PostgreSQL); a
    province's do not."""
    seen = []
    real = stats.big_grouping

    def spy(enabled=True):
        seen.append(enabled)
        return real(enabled)

    monkeypatch.setattr(stats, "big_grouping", spy)
    past = TODAY - dt.timedelta(days=stats.DELTA_DAYS + 1)  # further back: no tallies
    stats.member_cube(actor=tree.admin, org=tree.root, on=past, dims=["sex"])
    stats.member_cube(actor=tree.admin, org=tree.province, on=past, dims=["sex"])
    assert seen == [True, False]


@pytest.fixture
def recent_world(world, admin_user):
    """The random world with recent histories (begun 2022–2025) added, and its tree changed recently: a cell
    moved to another province's commune, a new cell whose members came by transfer, a commune renamed."""
    rnd = random.Random(20261122)
    cells = world["cells"]
    moved_on, born_on = TODAY - dt.timedelta(days=200), TODAY - dt.timedelta(days=100)
    for _ in range(70):
        make_member(rnd, random_history(rnd, cells, years=(2022, 2025)))
    OS.org_move(actor=admin_user, org=cells[0], new_parent=world["commune_3"], effective_on=moved_on)
    new_cell = make_org(admin_user, world["commune_1"], OrgKind.CELL, name="Chi bộ mới", code="CM",
                        valid_from=born_on)
    for member in Member.objects.filter(status=M.Status.OFFICIAL, org=cells[2], transfer_to__isnull=True,
                                        spells__valid_to__isnull=True, spells__temporary=False)[:4]:
        MS.member_event_record(actor=admin_user, member=member, kind=K.TRANSFER_OUT.value, on=born_on,
                               target_org=new_cell)
        MS.member_event_record(actor=admin_user, member=member, kind=K.TRANSFER_IN.value,
                               on=born_on + dt.timedelta(days=3))
    OS.org_update(actor=admin_user, org=world["commune_2"], name="Phường Hai", effective_on=born_on)
    world.update(moved_recently_on=moved_on, born_on=born_on, new_cell=new_cell)
    return world


def test_a_recent_past_day_from_todays_tallies_and_the_changes_since_equals_the_spells(recent_world):
    """A day up to DELTA_DAYS back, at a unit unchanged since: today's tallies corrected by the spells that
    changed since (admissions, recognitions, transfers, exits, deaths, exemptions and the orgs moved or created
    after the day) equal the spells of that day, for every cuboid, by subordinate org too; and the recount."""
    w = recent_world
    days = sorted({TODAY - dt.timedelta(days=1), w["moved_recently_on"] - dt.timedelta(days=1),
                   w["moved_recently_on"], w["born_on"] - dt.timedelta(days=1), w["born_on"] + dt.timedelta(days=2),
                   w["born_on"] + dt.timedelta(days=3),  # the transfers in begin their spells
                   D(TODAY.year - 1, 12, 31), TODAY - dt.timedelta(days=stats.DELTA_DAYS)})
    changed = Member.objects.filter(spells__valid_from__gt=days[0]).distinct().count()
    assert changed > 30  # the days are crossed by many changes
    used = 0
    for day in days:
        for root in (w["root"], w["province"], w["other"], w["commune_1"], w["commune_3"]):
            root.refresh_from_db()
            for dims in TALLY_DIMS:
                if "child" in dims and root.depth >= 3:
                    continue
                assert stats._tally_plan(root, day, dims) is not None, (root.name, day, dims)
                used += 1
                assert stats.member_cube_unscoped(org=root, on=day, dims=dims) == \
                    stats.member_cube_unscoped(org=root, on=day, dims=dims, tallies_ok=False), (root.name, day, dims)
        for root in (w["province"], w["commune_3"]):
            dims = ("child", "status", "sex", "age_band", "party_age_band")[: 4 if root.depth >= 3 else 5]
            dims = tuple(d for d in dims if d != "child" or root.depth < 3)
            assert stats.member_cube_unscoped(org=root, on=day, dims=dims) == brute_force(root, day, dims)
    assert used > 300
    # the renamed commune's own figures before its change: the spells (its path range is not today's version's)
    assert stats._tally_plan(w["commune_2"], w["born_on"] - dt.timedelta(days=1), ("status",)) is None


def test_a_recent_past_day_reads_the_changes_not_every_spell(recent_world, django_assert_max_num_queries):
    """The correction reads the spells that changed since the day (by the two partial indexes), so a form of last
    year costs a handful of queries, the same as today's plus the correction."""
    day = D(TODAY.year - 1, 12, 31)
    root = recent_world["province"]
    with django_assert_max_num_queries(8):
        stats.member_cube_unscoped(org=root, on=day, dims=("status", "sex"))


def test_an_org_instance_kept_across_a_write_reads_the_new_figures(recent_world, admin_user):
    """What one call keeps on the org instance (its unchanged version, the changed spells read once) is dropped
    when the call returns: the same instance asked again after a back-dated event gives the new figures."""
    w = recent_world
    root, day = w["province"], D(TODAY.year - 1, 12, 31)
    sets = [("status", "sex"), ("age_band", "ethnicity"), ("political_theory",)]
    before = stats.member_cubes(actor=admin_user, org=root, on=day, dims_sets=sets)
    assert not {"_tcxd_since", "_tcxd_unchanged_since"} & set(root.__dict__)
    member = Member.objects.filter(status=M.Status.OFFICIAL, org__in=w["cells"][1:3], transfer_to__isnull=True,
                                   spells__valid_to__isnull=True, spells__temporary=False,
                                   spells__valid_from__lt=day - dt.timedelta(days=30)).first()
    MS.member_event_record(actor=admin_user, member=member, kind=K.DIED.value, on=day - dt.timedelta(days=20))
    after = stats.member_cubes(actor=admin_user, org=root, on=day, dims_sets=sets)
    assert after != before
    for dims in sets:
        assert after[dims] == stats.member_cube_unscoped(org=root, on=day, dims=dims, tallies_ok=False)
