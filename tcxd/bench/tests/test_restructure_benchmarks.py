"""The restructuring benchmarks: the floors give the code's answer and every run leaves the dataset as it was."""

from __future__ import annotations

import pytest

from tcxd.bench.runner import verify
from tcxd.bench.suites import REGISTRY
from tcxd.orgs.models import Org, OrgVersion

NAMES = [n for n in REGISTRY if n.startswith("restructure.")]


@pytest.mark.parametrize("name", NAMES)
def test_floors_agree_and_runs_leave_nothing(xs_members, name):
    before = (sorted(Org.objects.values_list("id", "path", "status")), OrgVersion.objects.count())
    bench = REGISTRY[name]()
    assert bench.n > 0 and bench.expected[0] > 0
    verify(bench)
    assert bench.run() == bench.expected
    assert (sorted(Org.objects.values_list("id", "path", "status")), OrgVersion.objects.count()) == before
