from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tcxd.common.text import fold
from tcxd.members.models import Member

_serial = itertools.count(1)


def bulk_members(org, n: int, *, prefix: str = "Đảng Viên", status: str = "official", **extra) -> list[Member]:
    """``n`` members of ``org`` written straight to the table (the lifecycle is not what is exported)."""
    rows = []
    for _ in range(n):
        i = next(_serial)
        name = f"{prefix} {i:06d}"
        norm = fold(name)
        born = dt.date(1970, 1, 1) + dt.timedelta(i % 9000)
        rows.append(Member(full_name=name, sex="F" if i % 2 else "M", birth_date=born,
                           cccd=f"0{i:011d}", org=org, status=status, name_norm=norm, given_name_norm=norm.split()[-1],
                           admitted_on=dt.date(2000, 1, 1) + dt.timedelta(i % 7000), card_no=f"{80000000 + i}",
                           profile_no=f"{i}", **extra))
    Member.objects.bulk_create(rows, batch_size=2000)
    return rows


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORTS = {**getattr(settings, "EXPORTS", {}), "ROOT": str(tmp_path / "exports")}
    return tmp_path / "exports"
