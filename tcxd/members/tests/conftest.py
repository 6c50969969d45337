from __future__ import annotations

import datetime as dt

import pytest

from tcxd.members import services as MS
from tcxd.rules.pure.membership import EventKind as K

D = dt.date
CCCD_M85 = "020085000001"  # Lạng Sơn (020), male, born 1985


def cccd_for(serial: int, sex: str = "M", year: int = 1990) -> str:
    century = {"M": "0", "F": "1"} if year < 2000 else {"M": "2", "F": "3"}
    return f"020{century[sex]}{year % 100:02d}{serial:06d}"


BIRTH, START = D(1990, 5, 20), D(2024, 1, 10)


def new_candidate(tree, *, org=None, serial=1, sex="M", birth=BIRTH, on=START, **extra):
    return MS.member_create(actor=tree.admin, org=org or tree.cell_a1, on=on, full_name=extra.pop(
        "full_name", f"Nguyễn Văn Thử {serial}"), sex=sex, birth_date=birth, cccd=cccd_for(serial, sex, birth.year),
        general_education="thpt", **extra)


def vote(yes, summoned=9, **extra):
    return {"summoned_official": summoned, "temp_transferred_out": 0, "exempted_absent": 0, "yes": yes,
            "ballot_round": 1, **extra}


def admit(tree, member, *, start=START):
    """Walk a candidate through the whole admission pipeline via the services; returns the ceremony date."""
    rec = MS.member_event_record
    rec(actor=tree.admin, member=member, kind=K.AWARENESS_COURSE, on=start + dt.timedelta(days=20),
        data={"certificate_no": "123"})
    rec(actor=tree.admin, member=member, kind=K.APPLICATION, on=start + dt.timedelta(days=30))
    rec(actor=tree.admin, member=member, kind=K.INTRODUCERS, on=start + dt.timedelta(days=31),
        data={"introducers": [{"name": "A", "official": True, "months_together": 24},
                              {"name": "B", "official": True, "months_together": 13}]})
    rec(actor=tree.admin, member=member, kind=K.BACKGROUND_CHECK, on=start + dt.timedelta(days=60))
    rec(actor=tree.admin, member=member, kind=K.CELL_VOTE, on=start + dt.timedelta(days=90), data=vote(7))
    decision = start + dt.timedelta(days=110)
    rec(actor=tree.admin, member=member, kind=K.ADMISSION_DECISION, on=decision, decision_no="01-QĐ/ĐU",
        decision_date=decision)
    ceremony = decision + dt.timedelta(days=14)
    rec(actor=tree.admin, member=member, kind=K.CEREMONY, on=ceremony)
    return ceremony


@pytest.fixture
def candidate(tree):
    return new_candidate(tree)
