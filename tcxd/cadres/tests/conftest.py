"""Cadres for the register's tests: party members admitted through the member services."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.cadres import services as CS
from tcxd.members.tests.conftest import admit, new_candidate

D = dt.date
BIRTH = D(1980, 5, 20)


def cadre(tree, *, serial, org=None, sex="M", birth=BIRTH, full_name=None):
    """A probationary party member (admitted in 2024 through the services) at ``org`` (cell A1)."""
    member = new_candidate(tree, org=org or tree.cell_a1, serial=serial, sex=sex, birth=birth,
                           **({"full_name": full_name} if full_name else {}))
    admit(tree, member)
    member.refresh_from_db()
    return member


def record(actor, member, managing_org, **kw):
    """A valid decision unless ``kw`` says otherwise (an equal-post appointment on 01/03/2026)."""
    values = {"kind": "bo_nhiem", "effective_on": D(2026, 3, 1), "decision_no": "15-QĐ/TU",
              "decision_date": D(2026, 2, 20), "to_position": "Phó Trưởng ban Tổ chức", **kw}
    return CS.cadre_move_record(actor=actor, member=member, managing_org=managing_org, **values)


@pytest.fixture
def cadre_a(tree):
    return cadre(tree, serial=301, full_name="Hoàng Văn Quyết")
