"""Work lists ("Việc cần làm"): what is due or overdue in the user's scope, each item one click
from the action that resolves it.

Indexed SQL over the projection columns shortlists the members concerned; the lifecycle engine
then computes each member's exact deadlines from their events (one query for all of them), so the
dates shown are the rules' own, as in force on each event's date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

from . import lifecycle as services
from .models import Member, MemberEvent
from .selectors import member_queryset

# deadline code → (work-list section, the event that resolves it)
SECTIONS = {
    "admission_decision_due": ("Quyết định kết nạp", M.EventKind.ADMISSION_DECISION),
    "ceremony_due": ("Tổ chức lễ kết nạp", M.EventKind.CEREMONY),
    "recognition_review_due": ("Xét công nhận đảng viên chính thức", M.EventKind.RECOGNITION_VOTE),
    "recognition_decision_due": ("Quyết định công nhận đảng viên chính thức", M.EventKind.RECOGNITION),
    "transfer_receipt_overdue": ("Chuyển sinh hoạt chưa được tiếp nhận", M.EventKind.TRANSFER_IN),
}
SECTION_ORDER = ["Quyết định kết nạp", "Tổ chức lễ kết nạp", "Xét công nhận đảng viên chính thức",
                 "Quyết định công nhận đảng viên chính thức", "Chuyển sinh hoạt chưa được tiếp nhận",
                 "Huy hiệu Đảng đến dịp trao"]
LOOKAHEAD_DAYS = 45


@dataclass(frozen=True)
class WorkItem:
    section: str
    member_id: int
    member_name: str
    org_name: str
    due: dt.date
    overdue: bool
    message: str
    rule: str
    action_url: str


def _histories(member_ids) -> dict[int, list[M.Event]]:
    out: dict[int, list[M.Event]] = defaultdict(list)
    rows = (MemberEvent.objects.filter(member_id__in=member_ids, voided_at__isnull=True)
            .order_by("member_id", "on", "seq", "id"))
    for row in rows.iterator(chunk_size=2000):
        out[row.member_id].append(services.to_event(row))
    return out


def worklist(*, actor, on: dt.date, org=None, limit: int = 2000) -> list[WorkItem]:
    base = member_queryset(actor=actor)
    if org is not None:
        from tcxd.orgs.selectors import subtree_q

        base = base.filter(subtree_q(org, "org__path") | subtree_q(org, "transfer_to__path"))
    horizon = on + dt.timedelta(days=LOOKAHEAD_DAYS)
    probation_months = int(services.lookup("probation.months", on))
    shortlist = (
        base.filter(status=M.Status.CANDIDATE, last_event_on__isnull=False,
                    events__kind=M.EventKind.CELL_VOTE, events__voided_at__isnull=True)
        | base.filter(status=M.Status.ADMITTED)
        | base.filter(status=M.Status.PROBATIONARY, ceremony_on__lte=add_months(horizon, -probation_months))
        | base.filter(transfer_to__isnull=False)
    )
    members = {m.id: m for m in shortlist.select_related("org").distinct()[:limit]}
    histories = _histories(members)
    calendar = services.calendar()
    items: list[WorkItem] = []
    for member_id, history in histories.items():
        member = members[member_id]
        for d in M.open_deadlines(history, on, services.lookup, calendar):
            section = SECTIONS.get(d.code)
            if section is None or (d.due > horizon and not d.overdue):
                continue
            title, action = section
            items.append(WorkItem(title, member.id, member.full_name, member.org.name, d.due, d.overdue,
                                  d.message, d.rule,
                                  reverse("members:event_create", args=[member.id, action.value])))
    items.extend(_badges_due(base, on))
    items.sort(key=lambda i: (SECTION_ORDER.index(i.section), not i.overdue, i.due, i.member_name))
    return items


def _badges_due(base, on: dt.date) -> list[WorkItem]:
    """Official members whose next badge falls on the next award occasion (B-23)."""
    milestones = services.lookup("badge.milestones_years", on)
    next_occasion = _next_occasion(on)
    # Shortlist by the admission decision date (party age can only be shorter because of gaps).
    years_q = None
    for years in milestones:
        window = (add_months(next_occasion, -12 * years - 12), add_months(next_occasion, -12 * years))
        q = base.filter(status=M.Status.OFFICIAL, admitted_on__gt=window[0], admitted_on__lte=window[1])
        years_q = q if years_q is None else years_q | q
    if years_q is None:
        return []
    members = {m.id: m for m in years_q.select_related("org")[:2000]}
    histories = _histories(members)
    out = []
    for member_id, history in histories.items():
        due = M.next_badge(history, on, services.lookup)
        if due is None or due.occasion != next_occasion:
            continue
        member = members[member_id]
        out.append(WorkItem("Huy hiệu Đảng đến dịp trao", member.id, member.full_name, member.org.name,
                            due.occasion, False, f"Huy hiệu {due.years} năm tuổi Đảng (đủ tuổi Đảng ngày "
                            f"{due.reached_on:%d/%m/%Y})", "HD 06-HD/TW",
                            reverse("members:event_create", args=[member.id, M.EventKind.BADGE.value])))
    return out


def _next_occasion(on: dt.date) -> dt.date:
    occasions = services.lookup("badge.award_occasions", on)
    days = sorted(dt.date(on.year + k, int(o[:2]), int(o[3:])) for k in (0, 1) for o in occasions)
    return next(d for d in days if d >= on)


def member_count_by_status(*, actor) -> dict[str, int]:
    from django.db.models import Count

    return dict(member_queryset(actor=actor).values_list("status").annotate(n=Count("id")).order_by())


__all__ = ["WorkItem", "worklist", "member_count_by_status", "Member"]


# Other contexts add their own work-list sections (e.g. meetings/fees: striking-off grounds) without
# this module knowing them: a provider is ``fn(actor, on) -> list[WorkItem]``, registered in ready().
PROVIDERS: list = []


def register_provider(fn) -> None:
    if fn not in PROVIDERS:
        PROVIDERS.append(fn)


def worklist_all(*, actor, on: dt.date) -> list[WorkItem]:
    items = worklist(actor=actor, on=on)
    for provider in PROVIDERS:
        items.extend(provider(actor, on))
    order = {title: i for i, title in enumerate(SECTION_ORDER)}
    items.sort(key=lambda i: (order.get(i.section, len(order)), not i.overdue, i.due, i.member_name))
    return items
