"""The home page's member figures (``member_count_by_status``): the members of the user's scope by status, each
member once, whether its official org, the host of a temporary transfer or the receiver of a pending transfer lies
in the scope; counted without the OR over the three joined orgs, which no index serves (the load test found it
reading every member row for a commune's home page)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from tcxd.conftest import make_user
from tcxd.members import services as MS
from tcxd.members.selectors import member_queryset
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.members.worklists import member_count_by_status
from tcxd.rules.pure.membership import EventKind as K


def _by_definition(user) -> dict[str, int]:
    """The scope's members by status, as member_queryset defines them (one OR over the three orgs)."""
    return dict(member_queryset(actor=user).values_list("status").annotate(n=Count("id")).order_by())


def test_each_member_of_the_scope_counted_once_by_status(tree):
    record = MS.member_event_record
    at_home = new_candidate(tree, serial=1)  # commune A, a candidate
    inside = new_candidate(tree, serial=2)  # commune A, temporarily in another cell of A
    guest = new_candidate(tree, org=tree.cell_b1, serial=3)  # commune B, temporarily in commune A
    mover = new_candidate(tree, org=tree.cell_b1, serial=4)  # commune B, on its way to commune A
    new_candidate(tree, org=tree.cell_b1, serial=5)  # commune B only
    for member in (inside, guest, mover):
        admit(tree, member)
    record(actor=tree.admin, member=inside, kind=K.TEMP_TRANSFER_OUT, on=dt.date(2024, 10, 1),
           target_org=tree.gcell_a2, decision_no="GTT-01", data={"until": "2025-04-01"})
    record(actor=tree.admin, member=guest, kind=K.TEMP_TRANSFER_OUT, on=dt.date(2024, 10, 1),
           target_org=tree.cell_a1, decision_no="GTT-02", data={"until": "2025-04-01"})
    record(actor=tree.admin, member=mover, kind=K.TRANSFER_OUT, on=dt.date(2024, 9, 1), target_org=tree.cell_a1,
           decision_no="GT-01")
    commune_a = make_user("xa-a", "officer", tree.commune_a)
    commune_b = make_user("xa-b", "officer", tree.commune_b)
    province = make_user("tinh-1", "officer", tree.province)

    assert member_count_by_status(actor=commune_a) == {"candidate": 1, "probationary": 3}
    assert member_count_by_status(actor=commune_b) == {"candidate": 1, "probationary": 2}
    assert member_count_by_status(actor=province) == {"candidate": 2, "probationary": 3}
    assert member_count_by_status(actor=tree.admin) == {"candidate": 2, "probationary": 3}
    for user in (commune_a, commune_b, province, tree.admin):
        assert member_count_by_status(actor=user) == _by_definition(user)
    assert at_home.status == "candidate"

    # each of the three counts is led by one org's path range: no OR across the joined orgs
    with CaptureQueriesContext(connection) as queries:
        member_count_by_status(actor=commune_a)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 3 and not any(" OR " in sql for sql in counts)
