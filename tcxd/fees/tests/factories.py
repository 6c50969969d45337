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
    from tcxd.members.namewords import name_words_set

    norm = fold(name)
    member = Member.objects.create(full_name=name, sex=sex, birth_date=birth_date, cccd=f"{next(_numbers):012d}",
                                   org=org, status=status, name_norm=norm, given_name_norm=norm.split(" ")[-1],
                                   admitted_on=admitted_on, fee_group=fee_group, **extra)
    name_words_set(member)  # the name search index, as the services keep it
    return member


def with_history(member: Member, events: list[tuple]) -> Member:
    """Give ``member`` a lifecycle: ``events`` = (kind, on[, {field: value}]) rows written as they are
    (no validation), then the projection columns (status, orgs, admitted_on, official_on…) derived
    from them as the members app does."""
    from tcxd.members.lifecycle import history_of, project
    from tcxd.members.models import MemberEvent

    for seq, (kind, on, *extra) in enumerate(events):
        fields = {"org": member.org, **(extra[0] if extra else {})}
        MemberEvent.objects.create(member=member, kind=kind, on=on, seq=seq, **fields)
    project(member, history_of(member))
    member.refresh_from_db()
    return member


def admitted(on: dt.date, *, decided: dt.date | None = None) -> list[tuple]:
    """Candidate, admission decision on ``decided`` (default ``on``), ceremony on ``on``, official a year later."""
    decided = decided or on
    return [("candidate", dt.date(decided.year - 1, 1, 1)), ("admission_decision", decided, {"decision_date": decided}),
            ("ceremony", on), ("recognition", dt.date(on.year + 1, on.month, min(on.day, 28)))]
