"""Work lists ("Việc cần làm"): what is due or overdue in the user's scope, each item one click
from the action that resolves it.

Deadline sections: one indexed query per section shortlists the members concerned (never cut); the
lifecycle engine then computes each one's exact deadlines from their events (read as tuples), so the
dates shown are the rules' own, as in force on each event's date. Badges: official members whose
admission decision puts a milestone on the next award occasion (plus any with an exit in their
history), confirmed by the engine. The engine's answer per member is kept in this process
(``EngineMemo``) while the member's ``updated_at`` is unchanged: a later visit reads the shortlists
only. Incomplete dossiers and cells under the minimum are decided in SQL: an exact count and one page.

Every section has a key, an exact count and a page (``offset``/``limit``); nothing is dropped
silently: the page shows the first rows and the count, and each section has its own paged view.
The shortlists read the projection columns (status, ceremony, transfer), which hold the state as of
today: the lists are exact for today and later days (no event is dated after today), so a past day is
refused (the API's ``on``); what was due on a past day is read from each member's events.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field

from django.urls import reverse

from tcxd.common.text import fold
from tcxd.rules.pure import membership as M
from tcxd.rules.selectors import holiday_set, rulebook

from . import lifecycle as services
from . import worklist_queries as WQ
from .models import Member

# deadline code → (work-list section, the event that resolves it)
SECTIONS = {
    "admission_decision_due": ("Quyết định kết nạp", M.EventKind.ADMISSION_DECISION),
    "ceremony_due": ("Tổ chức lễ kết nạp", M.EventKind.CEREMONY),
    "recognition_review_due": ("Xét công nhận đảng viên chính thức", M.EventKind.RECOGNITION_VOTE),
    "recognition_decision_due": ("Quyết định công nhận đảng viên chính thức", M.EventKind.RECOGNITION),
    "transfer_receipt_due": ("Chuyển sinh hoạt chưa được tiếp nhận", M.EventKind.TRANSFER_IN),
    "temp_transfer_return_due": ("Hết thời hạn sinh hoạt tạm thời", M.EventKind.TEMP_TRANSFER_RETURN),
    "screening_review_due": ("Đánh giá kết quả giáo dục, giúp đỡ đảng viên", M.EventKind.SCREENING_RESULT),
}
BADGES = "Huy hiệu Đảng đến dịp trao"
SMALL_CELLS = "Chi bộ dưới 3 đảng viên chính thức"
DOSSIERS = "Hồ sơ chưa đầy đủ"
SECTION_ORDER = ["Quyết định kết nạp", "Tổ chức lễ kết nạp", "Xét công nhận đảng viên chính thức",
                 "Quyết định công nhận đảng viên chính thức", "Chuyển sinh hoạt chưa được tiếp nhận",
                 "Hết thời hạn sinh hoạt tạm thời", "Đánh giá kết quả giáo dục, giúp đỡ đảng viên",
                 BADGES, SMALL_CELLS, DOSSIERS]
# Sections of other contexts (providers) come after the dated ones, before the standing ones.
STANDING = (SMALL_CELLS, DOSSIERS)
SECTION_KEYS = {
    "Quyết định kết nạp": "quyet-dinh-ket-nap",
    "Tổ chức lễ kết nạp": "le-ket-nap",
    "Xét công nhận đảng viên chính thức": "xet-cong-nhan",
    "Quyết định công nhận đảng viên chính thức": "quyet-dinh-cong-nhan",
    "Chuyển sinh hoạt chưa được tiếp nhận": "chuyen-sinh-hoat",
    "Hết thời hạn sinh hoạt tạm thời": "het-han-tam-thoi",
    "Đánh giá kết quả giáo dục, giúp đỡ đảng viên": "sang-loc",
    BADGES: "huy-hieu",
    SMALL_CELLS: "chi-bo-duoi-toi-thieu",
    DOSSIERS: "ho-so-chua-du",
}
LOOKAHEAD_DAYS = 45
PREVIEW = 20  # rows of each section on the work-list page
DOSSIER_RULE = "Danh mục tài liệu hồ sơ đảng viên"
CELL_RULE = "Điều lệ Đảng, Điều 21; QĐ 294-QĐ/TW"


@dataclass(frozen=True)
class WorkItem:
    section: str
    member_id: int | None  # None for an item about an org
    member_name: str  # for an org item: the org's name
    org_name: str  # the member's org; for an org item: the org it belongs to
    due: dt.date | None  # None: a standing matter with no deadline (dossier, cell size)
    overdue: bool
    message: str
    rule: str
    action_url: str
    org_id: int | None = None  # the org an org item is about
    subject_url: str = ""  # the page of the member or org (default: the member page)

    @property
    def link(self) -> str:
        if self.subject_url:
            return self.subject_url
        return reverse("members:detail", args=[self.member_id]) if self.member_id else ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    count: int  # every item of the section, exact
    overdue: int
    items: list[WorkItem] = field(default_factory=list)  # rows offset … offset + limit
    offset: int = 0
    subject: str = "member"  # "member" or "org": what the rows are about
    dated: bool = True  # whether the rows have a due date

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.count else None


def section_key(title: str) -> str:
    return SECTION_KEYS.get(title) or re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:60]


def _rank(title: str) -> float:
    if title in SECTION_ORDER:
        return SECTION_ORDER.index(title)
    return SECTION_ORDER.index(STANDING[0]) - 0.5


def _item_order(item: WorkItem) -> tuple:
    return (not item.overdue, item.due or dt.date.max, item.member_name, item.member_id or 0)


# -- deadlines and badges (the engine) ---------------------------------------------------------------
def _rules_token() -> int:
    """A number that changes when what the engine reads besides the events changes: the rule book
    and the holiday calendar (both rebuilt every few minutes; equal contents keep the number)."""
    book, holidays = rulebook(), holiday_set()
    if _RULES.get("book") is not book or _RULES.get("holidays") is not holidays:
        state = ([(key, book.history(key)) for key in book.keys()], holidays)
        if state != _RULES.get("state"):
            _RULES["token"] = _RULES.get("token", 0) + 1
        _RULES.update(book=book, holidays=holidays, state=state)
    return _RULES["token"]


_RULES: dict = {}


class EngineMemo:
    """The engine's answer for each member on one day under one rule book, kept in this process
    between requests and reused while the member's ``updated_at`` is unchanged (every event recorded
    or voided rewrites the projection, and so ``updated_at``, in the same transaction). The answer
    is the engine's own; only the histories of members new or changed since are read again."""

    DAYS = 2  # days kept (today, and one more for ``?on=``)
    LIMIT = 200_000  # members kept per day

    def __init__(self, compute) -> None:
        self.compute = compute  # (history, on, lookup, calendar) → answer
        self.days: dict[tuple, dict[int, tuple[str, object]]] = {}
        self.lock = threading.Lock()

    def answers(self, stamps: dict[int, str], on: dt.date) -> dict[int, object]:
        key = (on, _rules_token())
        with self.lock:
            known = self.days.pop(key, None)
            if known is None or len(known) > self.LIMIT:
                known = {}
            self.days[key] = known  # most recent last
            while len(self.days) > self.DAYS:
                self.days.pop(next(iter(self.days)))
        out, missing = {}, []
        for pk, stamp in stamps.items():
            hit = known.get(pk)
            if hit is not None and hit[0] == stamp:
                out[pk] = hit[1]
            else:
                missing.append(pk)
        if missing:
            lookup, calendar = WQ.rule_lookup(), services.calendar()
            for pk, history in WQ.histories(missing).items():
                out[pk] = answer = self.compute(history, on, lookup, calendar)
                known[pk] = (stamps[pk], answer)
        return out

    def clear(self) -> None:
        with self.lock:
            self.days.clear()


def _open_deadlines(history, on, lookup, calendar) -> tuple:
    return tuple(M.open_deadlines(history, on, lookup, calendar))


def _next_badge(history, on, lookup, calendar):
    return M.next_badge(history, on, lookup)


DEADLINES = EngineMemo(_open_deadlines)
NEXT_BADGES = EngineMemo(_next_badge)


@dataclass(frozen=True)
class _Row:
    """A work item before its URLs are built (only the rows shown get them)."""

    section: str
    member_id: int
    member_name: str
    org_name: str
    due: dt.date
    overdue: bool
    message: str
    rule: str
    action: M.EventKind

    def text(self) -> str:
        return self.message

    def item(self) -> WorkItem:
        return WorkItem(self.section, self.member_id, self.member_name, self.org_name, self.due, self.overdue,
                        self.text(), self.rule, reverse("members:event_create", args=[self.member_id,
                                                                                     self.action.value]))


@dataclass(frozen=True)
class _BadgeRow(_Row):
    badge: M.BadgeDue | None = None

    def text(self) -> str:  # only for the rows shown
        return f"Huy hiệu {self.badge.years} năm tuổi Đảng (đủ tuổi Đảng ngày {self.badge.reached_on:%d/%m/%Y})"


def _deadline_rows(rows: WQ.ScopedRows, on: dt.date) -> list[_Row]:
    horizon = on + dt.timedelta(days=LOOKAHEAD_DAYS)
    shortlist = WQ.deadline_shortlist(rows, on=on, horizon=horizon)
    answers = DEADLINES.answers({pk: row[0] for pk, row in shortlist.items()}, on)
    out = []
    for member_id, deadlines in answers.items():
        _, name, org_name = shortlist[member_id]
        for d in deadlines:
            section = SECTIONS.get(d.code)
            if section is not None and (d.due <= horizon or d.overdue):
                title, action = section
                out.append(_Row(title, member_id, name, org_name, d.due, d.overdue, d.message, d.rule, action))
    return out


def _next_occasion(on: dt.date) -> dt.date:
    occasions = services.lookup("badge.award_occasions", on)
    days = sorted(dt.date(on.year + k, int(o[:2]), int(o[3:])) for k in (0, 1) for o in occasions)
    return next(d for d in days if d >= on)


def _badge_rows(rows: WQ.ScopedRows, on: dt.date) -> list[_Row]:
    """Official members whose next badge falls on the next award occasion (B-23)."""
    occasion = _next_occasion(on)
    previous = WQ.previous_occasion(occasion, services.lookup("badge.award_occasions", on))
    windows = WQ.badge_windows(services.lookup("badge.milestones_years", on), previous, occasion)
    shortlist = WQ.badge_shortlist(rows, windows)
    answers = NEXT_BADGES.answers({pk: row[0] for pk, row in shortlist.items()}, on)
    out = []
    for member_id, due in answers.items():
        if due is None or due.occasion != occasion:
            continue
        _, name, org_name = shortlist[member_id]
        out.append(_BadgeRow(BADGES, member_id, name, org_name, due.occasion, False, "", "HD 06-HD/TW",
                             M.EventKind.BADGE, due))
    return out


def worklist(*, actor, on: dt.date) -> list[WorkItem]:
    """Every deadline and badge item in scope (exact, uncut), in page order."""
    scoped = WQ.ScopedRows(actor)
    rows = _deadline_rows(scoped, on) + _badge_rows(scoped, on)
    rows.sort(key=lambda r: (_rank(r.section), *_item_order(r)))
    return [row.item() for row in rows]


def warm(*, on: dt.date | None = None) -> int:
    """Fill this process's engine memos (``DEADLINES``, ``NEXT_BADGES``) for every member the whole country's
    work lists shortlist on ``on`` (default today); returns how many answers it holds. Run in a web server's
    master process before it forks its workers (deploy/gunicorn.conf.py): every worker, the ones started later
    to replace a recycled one too, begins with the answers and reads only the histories changed since."""
    from django.utils import timezone

    from tcxd.authz.models import Role, User

    on = on or timezone.localdate()
    system = User(username="tcxd-warm", role=Role.ADMIN, is_active=True)  # never saved: a reader of everything
    scoped = WQ.ScopedRows(system)
    _deadline_rows(scoped, on)
    _badge_rows(scoped, on)
    return sum(len(known) for memo in (DEADLINES, NEXT_BADGES) for key, known in memo.days.items() if key[0] == on)


# -- dossiers and cells (SQL) ------------------------------------------------------------------------
def _dossier_section(actor, offset: int, limit: int, scoped: WQ.ScopedRows | None = None) -> Section:
    scoped = scoped or WQ.ScopedRows(actor)
    count = WQ.incomplete_dossier_count(scoped, actor=actor)
    rows = (WQ.incomplete_dossier_page(scoped, actor=actor, offset=offset, limit=limit)
            if limit and offset < count else [])
    items = [WorkItem(DOSSIERS, pk, name, org_name, None, False, "Còn thiếu: " + "; ".join(missing) + ".",
                      DOSSIER_RULE, f"{reverse('members:detail', args=[pk])}?tab=tai-lieu")
             for pk, name, org_name, _status, missing in rows]
    return Section(section_key(DOSSIERS), DOSSIERS, count, 0, items, offset, dated=False)


def _cell_section(actor, on: dt.date, offset: int, limit: int) -> Section:
    minimum = int(services.lookup("org.cell_min_official_members", on))
    cells = WQ.small_cells(actor=actor, minimum=minimum)
    items = []
    for c in WQ.with_parents(cells[offset:offset + limit]):
        url = reverse("orgs:detail", args=[c.id])
        items.append(WorkItem(SMALL_CELLS, None, c.name, c.parent_name, None, False,
                              f"Chi bộ chỉ có {c.official} đảng viên chính thức (tối thiểu {minimum}): cấp ủy "
                              "cấp trên phải bổ sung đảng viên hoặc hợp nhất chi bộ.", CELL_RULE, url,
                              org_id=c.id, subject_url=url))
    return Section(section_key(SMALL_CELLS), SMALL_CELLS, len(cells), 0, items, offset, subject="org", dated=False)


def dossier_items(*, actor) -> list[WorkItem]:
    return _dossier_section(actor, 0, 10**9).items


def small_cell_items(*, actor, on: dt.date) -> list[WorkItem]:
    return _cell_section(actor, on, 0, 10**9).items


# -- the whole list ----------------------------------------------------------------------------------
# Other contexts add their own work-list sections (e.g. meetings/fees: striking-off grounds) without
# this module knowing them: a provider is ``fn(actor, on) -> list[WorkItem]``, registered in ready().
PROVIDERS: list = []


def register_provider(fn) -> None:
    if fn not in PROVIDERS:
        PROVIDERS.append(fn)


def _paged(title: str, rows: list, offset: int, limit: int) -> Section:
    """A section of engine or provider rows (``_Row`` or ``WorkItem``): counted, sorted, one page."""
    rows = sorted(rows, key=_item_order)
    page = rows[offset:offset + limit]
    return Section(section_key(title), title, len(rows), sum(1 for r in rows if r.overdue),
                   [r.item() if isinstance(r, _Row) else r for r in page], offset)


def sections(*, actor, on: dt.date, limit: int = PREVIEW, only: str | None = None, offset: int = 0) -> list[Section]:
    """The work lists as sections in page order, each with its exact count and the rows
    ``offset`` … ``offset + limit``; ``only`` (a section key) computes that section alone. Every
    section of this module is listed, even when empty; a provider's, when it has items."""
    def wanted(*titles: str) -> bool:
        return only is None or any(section_key(t) == only for t in titles)

    out: list[Section] = []
    scoped = WQ.ScopedRows(actor)
    grouped: dict[str, list] = {}
    titles = [title for title, _ in SECTIONS.values()]
    if wanted(*titles):
        for title in titles:
            grouped[title] = []
        for row in _deadline_rows(scoped, on):
            grouped[row.section].append(row)
    if wanted(BADGES):
        grouped[BADGES] = _badge_rows(scoped, on)
    if only is None or only not in SECTION_KEYS.values():
        for provider in PROVIDERS:
            for item in provider(actor, on):
                grouped.setdefault(item.section, []).append(item)
    for title, items in grouped.items():
        if wanted(title):
            out.append(_paged(title, items, offset, limit))
    if wanted(SMALL_CELLS):
        out.append(_cell_section(actor, on, offset, limit))
    if wanted(DOSSIERS):
        out.append(_dossier_section(actor, offset, limit, scoped))
    out.sort(key=lambda s: _rank(s.title))
    return out


def worklist_all(*, actor, on: dt.date) -> list[WorkItem]:
    """Every item of every section, uncut, in page order (tests, exports; the page and the API use
    ``sections``)."""
    return [item for section in sections(actor=actor, on=on, limit=10**9) for item in section.items]


def member_count_by_status(*, actor) -> dict[str, int]:
    """The members of ``member_queryset(actor)`` by status, counted as three disjoint parts: those whose official
    org is in scope, those only hosted there (temporary transfer) and those only expected there (pending transfer).
    Each part is led by an index (the org tree's path range, the non-null transfer columns); the one filter with
    an OR over the three joined orgs cannot use any and read every member row of the database for any scope
    (a commune's home page at size M: ~300 ms for its 1 400 members, the load test's most frequent slow query)."""
    from collections import Counter

    from django.db.models import Count

    from tcxd.authz.scope import scope_for

    def count(qs) -> Counter:
        return Counter(dict(qs.values_list("status").annotate(n=Count("id")).order_by()))

    scope = scope_for(actor)
    if scope.is_everything:
        return dict(count(Member.objects.all()))
    official, hosted, receiving = scope.q("org__path"), scope.q("temporary_org__path"), scope.q("transfer_to__path")
    total = count(Member.objects.filter(official))
    total += count(Member.objects.filter(hosted, temporary_org__isnull=False).exclude(official))
    total += count(Member.objects.filter(receiving, transfer_to__isnull=False).exclude(official).exclude(hosted))
    return dict(total)


__all__ = ["WorkItem", "Section", "worklist", "sections", "worklist_all", "member_count_by_status", "Member"]
