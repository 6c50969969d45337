"""Test data for the fee and meeting apps: members are created directly (the lifecycle engine is not
needed to have official members sitting in a cell)."""

from __future__ import annotations

import datetime as dt
import itertools

from tcxd.common.text import fold
from tcxd.members.models import Member

_numbers = itertools.count(1)


def make_member(org, name: str = "Nguyễn Văn An", *, status: str = "official", sex: str = "M",
                birth_date: dt.date = dt.date(1980, 5, 1), admitted_on: dt.date | None = dt.date(2010, 1, 1),
                fee_group: str = "salary", **extra) -> Member:
    norm = fold(name)
    return Member.objects.create(full_name=name, sex=sex, birth_date=birth_date, cccd=f"{next(_numbers):012d}",
                                 org=org, status=status, name_norm=norm, given_name_norm=norm.split(" ")[-1],
                                 admitted_on=admitted_on, fee_group=fee_group, **extra)
