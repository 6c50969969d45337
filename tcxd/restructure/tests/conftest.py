"""Helpers of the restructure tests: members with a real history (projected by the lifecycle engine), a
snapshot of everything a restructuring may touch, and drafting+previewing+applying in one call."""

from __future__ import annotations

import datetime as dt
import itertools

from django.test import TestCase

from tcxd.members import lifecycle as L
from tcxd.members.models import Member, MemberEvent, MemberSpell, MemberTally
from tcxd.members.tests.conftest import cccd_for
from tcxd.orgs.models import Org, OrgChange, OrgHeadcount, OrgLineage, OrgVersion
from tcxd.restructure import services as S
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

D = dt.date
K = M.EventKind
TODAY = dt.date.today()
_serial = itertools.count(9100)


DECIDED, BORN = dt.date(2018, 3, 1), dt.date(1985, 1, 1)


def member(org, *, decided: dt.date = DECIDED, sex: str = "M", birth: dt.date = BORN) -> Member:
    """An official member of ``org`` (admission decision, ceremony, recognition), projected by the engine."""
    n = next(_serial)
    m = Member.objects.create(full_name=f"Đảng viên {n}", name_norm=f"dang vien {n}", given_name_norm=str(n),
                              sex=sex, birth_date=birth, cccd=cccd_for(n, sex, birth.year), org=org,
                              status="candidate")
    ceremony = decided + dt.timedelta(days=16)
    for seq, (kind, on) in enumerate([(K.ADMISSION_DECISION, decided), (K.CEREMONY, ceremony),
                                      (K.RECOGNITION, add_months(ceremony, 12))]):
        if on <= TODAY:
            MemberEvent.objects.create(member=m, kind=kind, on=on, seq=seq, org=org, data={"historical": True})
    L.headcounts_refresh(L.project(m, L.history_of(m)))
    from tcxd.members.namewords import name_words_set

    name_words_set(m)
    m.refresh_from_db()
    return m


def state() -> dict:
    """Every row a restructuring writes or changes, comparable before and after."""
    return {
        "orgs": sorted(Org.objects.values_list("id", "path", "depth", "numchild", "status", "valid_to", "code",
                                               "name", "kind")),
        "versions": sorted(OrgVersion.objects.values_list("id", "org_id", "change_id", "valid_from", "valid_to",
                                                          "path", "depth", "parent_id", "name", "kind", "status")),
        "changes": sorted(OrgChange.objects.values_list("id", "org_id", "kind", "effective_on")),
        "lineage": sorted(OrgLineage.objects.values_list("id")),
        "heads": sorted(OrgHeadcount.objects.values_list("org_id", "official", "probationary")),
        "members": sorted(Member.objects.values_list("id", "org_id", "status", "temporary_org_id")),
        "spells": sorted(MemberSpell.objects.values_list("member_id", "org_id", "valid_from", "valid_to", "status")),
        "tallies": sorted(MemberTally.objects.values_list("unit_id", "cuboid", "status", "sex", "day", "n")),
        "events": sorted(MemberEvent.objects.filter(voided_at__isnull=True).values_list("id", "kind", "on")),
    }


def preview(actor, op):
    """Ask for a preview and let the background task run (the test backend runs it inline once the request's
    transaction commits); the operation with its preview."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_preview(actor=actor, operation=op)
    op.refresh_from_db()
    return op


def apply(actor, kind: str, spec: dict, *, on: dt.date, title: str = "Sắp xếp", decision_no: str = "01-QĐ/TU",
          **kw):
    """Draft, preview and apply (the test backend runs the tasks inline); the operation as it ended."""
    op = S.restructure_draft(actor=actor, kind=kind, title=title, spec=spec, effective_on=on,
                             decision_no=decision_no, **kw)
    op = preview(actor, op)
    assert op.preview["ok"], op.preview["errors"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=actor, operation=op)
    op.refresh_from_db()
    return op
