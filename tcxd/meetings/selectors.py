"""Reads of the attendance register, and the striking-off candidates of B-19 (a), which join the
register with the fee ledger. Callers pass an org already checked against the actor's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tcxd.authz.scope import scope_for
from tcxd.common.text import fold
from tcxd.fees.periods import month_end, month_start, rolling_window
from tcxd.fees.selectors import unpaid_months
from tcxd.members.models import Member
from tcxd.orgs.kinds import CELL_KINDS, OrgStatus
from tcxd.orgs.models import Org
from tcxd.rules.selectors import param

from .models import Attendance, AttendanceStatus, CellMeeting
from .services import ACTIVE_STATUSES, eligible_members

CALENDAR, ROLLING = "calendar", "rolling"
READINGS = {CALENDAR: "Năm dương lịch", ROLLING: "12 tháng liên tiếp gần nhất"}


def meeting_get(*, actor, pk) -> CellMeeting:
    try:
        return (CellMeeting.objects.select_related("org").filter(scope_for(actor).q("org__path"))
                .get(pk=int(pk)))
    except (CellMeeting.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404


def cells_in_scope(*, actor, q: str = "") -> QuerySet[Org]:
    """Active cells the actor may see, with the date of their latest recorded meeting."""
    qs = Org.objects.filter(scope_for(actor).q("path"), kind__in=CELL_KINDS, status=OrgStatus.ACTIVE)
    term = fold(q)
    if term:
        qs = qs.filter(Q(name_norm__contains=term) | Q(code__iexact=q.strip()))
    return qs.annotate(last_meeting=Max("meetings__held_on")).order_by("path")


def cell_meetings(*, org: Org, year: int) -> QuerySet[CellMeeting]:
    """The cell's meetings of the year with their attendance counts (one query)."""
    return (CellMeeting.objects.filter(org=org, held_on__year=year)
            .annotate(total=Count("attendance"),
                      present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
                      excused=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT_EXCUSED)),
                      unexcused=Count("attendance",
                                      filter=Q(attendance__status=AttendanceStatus.ABSENT_UNEXCUSED)))
            .order_by("held_on"))


@dataclass
class RosterRow:
    member: Member
    status: str
    reason: str


def meeting_roster(*, org: Org, day: dt.date, meeting: CellMeeting | None = None) -> list[RosterRow]:
    """The members to mark for a meeting on ``day`` (with their current marks when editing)."""
    members = {m.pk: m for m in eligible_members(org, day).only("id", "full_name", "status", "exempted")}
    marks: dict[int, Attendance] = {}
    if meeting is not None:
        marks = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("member")}
        for member_id, a in marks.items():
            members.setdefault(member_id, a.member)
    ordered = sorted(members.values(), key=lambda m: (fold(m.full_name).split(" ")[-1], fold(m.full_name)))
    rows = []
    for m in ordered:
        a = marks.get(m.pk)
        default = AttendanceStatus.ABSENT_EXCUSED if m.exempted else AttendanceStatus.PRESENT
        reason = "Miễn công tác và sinh hoạt đảng" if m.exempted and a is None else ""
        rows.append(RosterRow(m, a.status if a else default, a.reason if a else reason))
    return rows


@dataclass
class RegisterRow:
    member: Member
    marks: list[str | None]  # one per meeting: status or None (not invited)
    present: int = 0
    excused: int = 0
    unexcused: int = 0


@dataclass
class Register:
    org: Org
    year: int
    meetings: list[CellMeeting]
    rows: list[RegisterRow]

    @property
    def marks_total(self) -> int:
        return sum(m.total for m in self.meetings)

    @property
    def present_total(self) -> int:
        return sum(m.present for m in self.meetings)


def meeting_register(*, org: Org, year: int) -> Register:
    """The register of the year: meetings × members (current members and anyone marked that year).
    Three queries."""
    meetings = list(cell_meetings(org=org, year=year))
    index = {m.pk: i for i, m in enumerate(meetings)}
    marks = list(Attendance.objects.filter(meeting__in=meetings).values_list("meeting_id", "member_id", "status"))
    ids = set(Member.objects.filter(org=org, status__in=ACTIVE_STATUSES).values_list("id", flat=True))
    ids |= {member_id for _m, member_id, _s in marks}
    members = Member.objects.filter(pk__in=ids).only("id", "full_name", "status").order_by(
        "given_name_norm", "name_norm", "id")
    rows = {m.pk: RegisterRow(member=m, marks=[None] * len(meetings)) for m in members}
    for meeting_id, member_id, status in marks:
        row = rows[member_id]
        row.marks[index[meeting_id]] = status
        if status == AttendanceStatus.PRESENT:
            row.present += 1
        elif status == AttendanceStatus.ABSENT_EXCUSED:
            row.excused += 1
        else:
            row.unexcused += 1
    return Register(org=org, year=year, meetings=meetings, rows=list(rows.values()))


# ---- striking-off candidates (B-19 a) ------------------------------------------------------------

@dataclass
class Candidate:
    member: Member
    absent_months: list[dt.date] = field(default_factory=list)  # missed a meeting without reason
    unpaid_months: list[dt.date] = field(default_factory=list)  # nothing paid while something was due

    @property
    def months(self) -> list[dt.date]:
        return sorted(set(self.absent_months) | set(self.unpaid_months))


def strike_off_months(on: dt.date) -> int:
    return int(param("strike_off.absence_or_unpaid_fee_months_per_year", on=on, default=3))


def strike_off_window(*, year: int, reading: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(first month, last month) counted. Calendar reading: January–December of ``year`` (B-19 "ba
    tháng trong năm", probable reading). Rolling: the 12 months ending with the current month when
    ``year`` is the current year, else with December of ``year``."""
    today = today or timezone.localdate()
    if reading == ROLLING:
        last = month_start(today) if year >= today.year else dt.date(year, 12, 1)
        return rolling_window(last, 12)
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


def striking_off_candidates(*, org: Org | None, year: int, months: int | None = None, reading: str = CALENDAR,
                            today: dt.date | None = None, members_qs=None) -> list[Candidate]:
    """Members registered at the cell who, within the window, missed a meeting without reason or
    paid no fee in at least ``months`` distinct months (default: the rule in force, 3). Four queries.

    A month counts for absence when the member was marked "absent without reason" at any meeting
    held that month; for fees when the month is over, something was due and nothing was paid.
    """
    today = today or timezone.localdate()
    first, last = strike_off_window(year=year, reading=reading, today=today)
    threshold = months if months is not None else strike_off_months(min(today, dt.date(year, 12, 31)))
    base = members_qs if members_qs is not None else Member.objects.filter(org=org)
    members = {m.pk: m for m in base.filter(status__in=ACTIVE_STATUSES).only("id", "full_name", "status", "org_id")}
    out: dict[int, Candidate] = {pk: Candidate(m) for pk, m in members.items()}
    absences = (Attendance.objects.filter(member_id__in=members, status=AttendanceStatus.ABSENT_UNEXCUSED,
                                          meeting__held_on__gte=first,
                                          meeting__held_on__lte=month_end(last))
                .values_list("member_id", "meeting__held_on"))
    for member_id, held_on in absences:
        month = month_start(held_on)
        if month not in out[member_id].absent_months:
            out[member_id].absent_months.append(month)
    for member_id, unpaid in unpaid_months(member_ids=list(members), first=first, last=last, today=today).items():
        out[member_id].unpaid_months.extend(sorted(unpaid))
    for candidate in out.values():
        candidate.absent_months.sort()
    found = [c for c in out.values() if len(c.months) >= threshold]
    return sorted(found, key=lambda c: (-len(c.months), c.member.full_name))
