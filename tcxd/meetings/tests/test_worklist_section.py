"""The striking-off ground appears in the work list of the member's officers (B-19 a)."""

from __future__ import annotations

import datetime as dt

from tcxd.meetings.models import AttendanceStatus
from tcxd.meetings.services import eligible_members, meeting_record
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.members.worklists import worklist_all

SECTION = "Đủ căn cứ xem xét xóa tên"


def test_three_months_absent_without_reason_is_a_work_item(tree, users):
    member = new_candidate(tree, serial=61)
    admit(tree, member, start=dt.date(2024, 1, 10))
    today = dt.date(dt.date.today().year - 1, 12, 31)  # a whole past calendar year, whatever day it runs
    months = [dt.date(today.year, m, 5) for m in range(8, 11)]  # the fixture cells exist from 01/07/2025
    for held_on in months[:2]:
        meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=held_on,
                       attendance={m.pk: (AttendanceStatus.ABSENT_UNEXCUSED, "") for m in
                                   eligible_members(tree.cell_a1, held_on)})
    items = [i for i in worklist_all(actor=users["commune_officer"], on=today) if i.section.startswith(SECTION)]
    assert items == []  # two months: not yet a ground
    held_on = months[2]
    meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=held_on,
                   attendance={m.pk: (AttendanceStatus.ABSENT_UNEXCUSED, "") for m in
                               eligible_members(tree.cell_a1, held_on)})
    items = [i for i in worklist_all(actor=users["commune_officer"], on=today) if i.section.startswith(SECTION)]
    assert [i.member_id for i in items] == [member.pk]
    assert "struck_off" in items[0].action_url
    other = [i for i in worklist_all(actor=users["leader"], on=today) if i.section.startswith(SECTION)]
    assert [i.member_id for i in other] == [member.pk]  # the province sees it too


def test_unpaid_months_alone_or_with_absences(tree, users):
    """Three unpaid months make a ground; two do not; two with an absence in another month do (the
    months are counted together). Lines of the month not over yet do not count."""
    from tcxd.fees.models import FeePayment

    today = dt.date(dt.date.today().year - 1, 12, 31)
    people = []
    for serial in (71, 72, 73):
        member = new_candidate(tree, serial=serial)
        admit(tree, member, start=dt.date(2024, 1, 10))
        people.append(member)
    three, two, two_and_absent = people

    def unpaid(member, *months):
        for m in months:
            FeePayment.objects.create(member=member, org=tree.cell_a1, month=dt.date(today.year, m, 1),
                                      amount_due=5_000, rule_text="", regulation="QĐ 01-QĐ/TW")

    unpaid(three, 8, 9, 10)
    unpaid(two, 9, 10, 12)  # December is not over on 31/12: two months count
    unpaid(two_and_absent, 9, 10)
    meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=dt.date(today.year, 8, 5),
                   attendance={m.pk: (AttendanceStatus.ABSENT_UNEXCUSED if m.pk == two_and_absent.pk
                                      else AttendanceStatus.PRESENT, "")
                               for m in eligible_members(tree.cell_a1, dt.date(today.year, 8, 5))})
    items = [i for i in worklist_all(actor=users["commune_officer"], on=today) if i.section.startswith(SECTION)]
    assert sorted(i.member_id for i in items) == sorted([three.pk, two_and_absent.pk])
