"""A members form by subordinate org (1-TCTW-TH): each row of one subordinate org reads only that org's part of the
cube. Testing every key of the cube for every cell was most of the time of a province's page in the load test
(~130 rows: half a million tests at size M); the figures are the same either way (test_forms checks them against
the recount)."""

from __future__ import annotations

import pytest

from tcxd.reports import report_forms as RF
from tcxd.reports.models import ReportForm

from . import test_stats
from .test_stats import TODAY

world = test_stats.world  # the random world of the engine's property tests (a fixture)


@pytest.fixture
def tested_keys(monkeypatch):
    """(the child org of the row, the child org of the cube key) of every key tested for a row by child."""
    seen: list[tuple[str, str]] = []
    real = RF._matches

    def counting(conditions, value_of):
        row_child = next((v for d, _n, v in conditions if d == "child"), None)
        if row_child is not None:
            seen.append((next(iter(row_child)), value_of("child")))
        return real(conditions, value_of)

    monkeypatch.setattr(RF, "_matches", counting)
    return seen


def test_a_row_of_a_subordinate_org_tests_only_that_orgs_keys(world, admin_user, tested_keys):
    form = ReportForm.objects.get(code="1-TCTW-TH")
    rendered = RF.render_form(actor=admin_user, form=form, org=world["province"], on=TODAY)
    rows = {r.key.partition(":")[2] for r in rendered.rows if r.key.startswith("child:")}  # "": the direct row
    assert len(rows) >= 2 and tested_keys
    assert {row for row, _key in tested_keys} <= rows
    assert all(key == row for row, key in tested_keys)  # never a key of another org (or of the province itself)
