"""The restructuring benchmarks: the floors give the code's answer and every run leaves the dataset as it was."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from tcxd.bench.dataset import build_dataset
from tcxd.bench.runner import verify
from tcxd.bench.suites import REGISTRY
from tcxd.bench.suites.orgs import bench_user
from tcxd.bench.suites.restructure import REFORM_DAY
from tcxd.common.paths import STEPLEN
from tcxd.geo.models import MapVersion
from tcxd.members import tallies
from tcxd.members.models import Member, MemberSpell, MemberTally
from tcxd.orgs.kinds import ALLOWED_CHILDREN, OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgVersion
from tcxd.restructure.engine import Run
from tcxd.restructure.models import OperationKind, RestructureOperation

NAMES = [n for n in REGISTRY if n.startswith("restructure.")]


@pytest.mark.parametrize("name", NAMES)
def test_floors_agree_and_runs_leave_nothing(xs_members, name):
    before = (sorted(Org.objects.values_list("id", "path", "status")), OrgVersion.objects.count())
    bench = REGISTRY[name]()
    assert bench.n > 0 and bench.expected[0] > 0
    verify(bench)
    assert bench.run() == bench.expected
    assert (sorted(Org.objects.values_list("id", "path", "status")), OrgVersion.objects.count()) == before


@pytest.fixture
def xs_pre2025(db):
    """The XS dataset on the pre-2025 map: provinces, their districts, the old communes."""
    return build_dataset("XS", seed=7, map_version=MapVersion.PRE2025)


def test_the_pre_2025_dataset_has_a_district_level_from_before_the_reform(xs_pre2025):
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT))
    assert len(districts) == 2 and {d.depth for d in districts} == {3}
    communes = Org.objects.filter(depth=4)  # the old communes' grassroots committees (A-01)
    assert communes.count() > 2 and set(communes.values_list("kind", flat=True)) == {OrgKind.GRASSROOTS_COMMITTEE}
    assert all(c.path[:-STEPLEN] in {d.path for d in districts} for c in communes)
    for org in Org.objects.exclude(depth=1).select_related():  # every org where A-01 lets it sit
        parent = Org.objects.get(path=org.path[:-STEPLEN])
        assert org.kind in ALLOWED_CHILDREN[parent.kind], (org.name, parent.name)
    assert not Org.objects.filter(valid_from__gte=REFORM_DAY).exists()  # every org awaits the reform
    assert Member.objects.filter(org__path__startswith=districts[0].path).exists()


def test_abolishing_the_district_level_of_the_pre_2025_dataset(xs_pre2025):
    """The benchmark's operation on its dataset: the districts close on 30/06/2025, the old communes sit under the
    provinces from 01/07/2025 with every member; floors agree; a run leaves nothing (the autouse checks compare the
    tallies and the name index with the members afterwards)."""
    bench = REGISTRY["restructure.abolish_level"]()
    communes = Org.objects.filter(depth=4).count()
    before = tallies.stored(list(Org.objects.filter(depth=4).values_list("id", flat=True)))
    assert bench.expected[1] == MemberSpell.objects.filter(valid_to__isnull=True).count() > 0  # every member moves
    assert bench.expected[0] > communes
    verify(bench)
    root = Org.objects.get(depth=1)
    op = RestructureOperation.objects.create(kind=OperationKind.ABOLISH_LEVEL, title="Bỏ cấp huyện", scope_org=root,
                                             spec={"root_id": root.pk, "level_kind": OrgKind.DISTRICT},
                                             effective_on=REFORM_DAY, decision_no="01-QĐ/TW")
    Run(actor=bench_user(), operation=op).run()
    assert not Org.objects.filter(kind=OrgKind.DISTRICT, status=OrgStatus.ACTIVE).exists()
    old_communes = Org.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE, grassroots_type__in=["xa", "phuong"])
    assert set(old_communes.values_list("depth", flat=True)) == {3}
    # their tallies carried along (they were units under the districts), the districts' dropped
    assert tallies.stored([o.pk for o in old_communes]) == before != Counter()
    assert not MemberTally.objects.filter(unit__kind=OrgKind.DISTRICT).exists()
    assert set(Org.objects.filter(kind=OrgKind.DISTRICT).values_list("valid_to", flat=True)) == {
        REFORM_DAY - dt.timedelta(days=1)}
