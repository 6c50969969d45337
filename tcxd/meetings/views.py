"""Cell meeting pages: the cells in scope, a cell's meetings, the attendance form, the register and
the striking-off candidates. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import selectors as S
from . import services
from .forms import STATUS_CHOICES, MeetingForm, parse_attendance
from .models import CellMeeting


def _year_param(request) -> int:
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and 1930 <= int(raw) <= 2100 else timezone.localdate().year


def _can_write(request) -> bool:
    return scope_for(request.user).can_write


def _writable(request) -> None:
    require_write_role(request.user)


def _ctx(request, org: Org, **extra) -> dict:
    return {"org": org, "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
            "can_write": _can_write(request), **extra}


@login_required
def index(request):
    q = request.GET.get("q", "").strip()
    page = Paginator(S.cells_in_scope(actor=request.user, q=q), 50).get_page(request.GET.get("trang"))
    return render(request, "meetings/index.html", {"page": page, "q": q})


@login_required
def cell(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    year = _year_param(request)
    return render(request, "meetings/cell.html", _ctx(request, org, year=year,
                                                      meetings=S.cell_meetings(org=org, year=year)))


@login_required
def meeting_detail(request, pk):
    meeting = S.meeting_get(actor=request.user, pk=pk)
    roster = S.meeting_roster(org=meeting.org, day=meeting.held_on, meeting=meeting)
    return render(request, "meetings/detail.html", _ctx(request, meeting.org, meeting=meeting, roster=roster,
                                                        labels=dict(STATUS_CHOICES)))


def _attendance_form(request, *, org: Org, meeting: CellMeeting | None):
    """GET: the form with the roster; POST: record or update, or show the errors (nothing saved)."""
    initial = {"held_on": meeting.held_on, "kind": meeting.kind, "topic": meeting.topic} if meeting else {
        "held_on": timezone.localdate()}
    form = MeetingForm(request.POST or None, initial=initial)
    day = (meeting.held_on if meeting else timezone.localdate())
    if request.method == "POST" and form.is_valid():
        day = min(form.cleaned_data["held_on"], timezone.localdate())
    roster = S.meeting_roster(org=org, day=day, meeting=meeting)
    marks: dict[int, str] = {r.member.pk: r.status for r in roster}
    reasons: dict[int, str] = {r.member.pk: r.reason for r in roster}
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST":
        given, shown = parse_attendance(request.POST, [r.member.pk for r in roster])
        marks = {pk: shown.get(pk, "") for pk in marks}
        reasons = {pk: given.get(pk, ("", reasons.get(pk, "")))[1] for pk in reasons}
        if form.is_valid():
            cd = form.cleaned_data
            try:
                if meeting is None:
                    meeting = services.meeting_record(actor=request.user, org=org, held_on=cd["held_on"],
                                                      kind=cd["kind"], topic=cd["topic"], attendance=given)
                    messages.success(request, f"Đã ghi buổi sinh hoạt ngày {cd['held_on']:%d/%m/%Y}.")
                else:
                    meeting = services.meeting_update(actor=request.user, meeting=meeting, held_on=cd["held_on"],
                                                      kind=cd["kind"], topic=cd["topic"], attendance=given)
                    messages.success(request, "Đã cập nhật buổi sinh hoạt.")
                return redirect("meetings:detail", pk=meeting.pk)
            except ValidationFailed as exc:
                for key, problems in exc.errors.items():
                    if key.startswith("member_") and key[7:].isdigit():
                        row_errors[int(key[7:])] = problems
                    else:
                        for problem in problems:
                            form.add_error(key if key in form.fields else None, problem)
            except DomainError as exc:
                form.add_error(None, exc.message)
    rows = [(r, marks.get(r.member.pk, ""), reasons.get(r.member.pk, ""), row_errors.get(r.member.pk, []))
            for r in roster]
    title = f"Sửa buổi sinh hoạt ngày {meeting.held_on:%d/%m/%Y}" if meeting else "Ghi buổi sinh hoạt chi bộ"
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/form.html", _ctx(request, org, form=form, rows=rows, meeting=meeting,
                                                      title=title, choices=STATUS_CHOICES,
                                                      has_errors=bool(row_errors or form.errors)), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    _writable(request)
    return _attendance_form(request, org=org, meeting=None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    meeting = S.meeting_get(actor=request.user, pk=pk)
    _writable(request)
    return _attendance_form(request, org=meeting.org, meeting=meeting)


@login_required
def register(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    year = _year_param(request)
    reading = request.GET.get("cach_tinh", S.CALENDAR)
    if reading not in S.READINGS:
        reading = S.CALENDAR
    first, last = S.strike_off_window(year=year, reading=reading)
    threshold = S.strike_off_months(min(timezone.localdate(), last))
    return render(request, "meetings/register.html", _ctx(
        request, org, year=year, register=S.meeting_register(org=org, year=year), reading=reading,
        readings=S.READINGS, window=(first, last), threshold=threshold, labels=dict(STATUS_CHOICES),
        candidates=S.striking_off_candidates(org=org, year=year, months=threshold, reading=reading)))
