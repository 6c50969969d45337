"""Member pages: list/search, the member page with tabs, dossier forms, event wizards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.audit.selectors import audit_for_object
from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.forms import apply_domain_error
from tcxd.orgs import selectors as org_selectors
from tcxd.rules.pure.membership import STATUS_LABELS, EventKind, Status

from . import selectors as S
from . import services
from .event_forms import (
    SYSTEM_KINDS,
    WIZARDS,
    data_field_labels,
    event_data,
    event_documents,
    event_form_class,
    event_label,
)
from .forms import MemberForm, SearchForm, SensitiveForm, VoidForm
from .models import MemberEvent, MemberSensitive

PAGE_SIZE = 50
# Which wizards a member's current status offers (the engine still judges each one).
NEXT_STEPS = {
    Status.CANDIDATE: [EventKind.AWARENESS_COURSE, EventKind.APPLICATION, EventKind.INTRODUCERS,
                       EventKind.BACKGROUND_CHECK, EventKind.CELL_VOTE, EventKind.COMMITTEE_VOTE,
                       EventKind.ADMISSION_DECISION, EventKind.CANDIDATE_DROPPED],
    Status.ADMITTED: [EventKind.CEREMONY],
    Status.PROBATIONARY: [EventKind.RECOGNITION_VOTE, EventKind.RECOGNITION, EventKind.PROBATION_STRUCK_OFF,
                          EventKind.TRANSFER_OUT, EventKind.TRANSFER_CANCELLED, EventKind.TEMP_TRANSFER_OUT,
                          EventKind.TEMP_TRANSFER_RETURN, EventKind.DISCIPLINE, EventKind.SCREENING_VOTE,
                          EventKind.SCREENING_RESULT, EventKind.DIED],
    Status.OFFICIAL: [EventKind.TRANSFER_OUT, EventKind.TRANSFER_CANCELLED, EventKind.TEMP_TRANSFER_OUT,
                      EventKind.TEMP_TRANSFER_RETURN, EventKind.EXEMPTION_START, EventKind.EXEMPTION_END,
                      EventKind.TEMP_EXEMPTION_START, EventKind.TEMP_EXEMPTION_END, EventKind.CARD_ISSUED,
                      EventKind.CARD_REPLACED, EventKind.BADGE, EventKind.DISCIPLINE, EventKind.SCREENING_VOTE,
                      EventKind.SCREENING_RESULT, EventKind.STRUCK_OFF,
                      EventKind.EXPELLED, EventKind.LEFT, EventKind.DIED],
    Status.STRUCK_OFF: [EventKind.READMISSION_DECISION, EventKind.RESTORED],
    Status.EXPELLED: [EventKind.READMISSION_DECISION, EventKind.RESTORED],
    Status.LEFT: [EventKind.READMISSION_DECISION],
    Status.DECEASED: [EventKind.BADGE],
    Status.NOT_ADMITTED: [],
}


def _writable(request, member):
    require_write_role(request.user)
    return member


@login_required
def member_list(request):
    form = SearchForm(request.GET or None)
    filters = S.MemberFilters()
    if form.is_valid():
        cd = form.cleaned_data
        filters = S.MemberFilters(q=cd["q"], status=cd["status"], sex=cd["sex"], ethnicity=cd["ethnicity"],
                                  religion=cd["religion"], political_theory=cd["political_theory"],
                                  professional_level=cd["professional_level"], born_from=cd["born_from"],
                                  born_to=cd["born_to"], admitted_year=cd["admitted_year"],
                                  general_education=cd["general_education"], age_band=cd["age_band"],
                                  party_age_band=cd["party_age_band"], occupation_group=cd["occupation_group"])
    org_id = request.GET.get("to_chuc")
    if org_id and org_id.isdigit():
        filters.org_id = int(org_id)
    qs = S.member_search(actor=request.user, filters=filters)
    if request.GET.get("tai") in ("csv", "xlsx"):  # the whole filtered list, by the exports app (no row cap)
        return redirect(f"{reverse('exports:start', args=['dang-vien'])}?{request.GET.urlencode()}")
    try:
        page_no = max(1, int(request.GET.get("trang", 1)))
    except ValueError:
        page_no = 1
    # No exact COUNT over millions: fetch one row more than a page to know whether there is a next.
    rows = list(qs[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("trang", None)
    return render(request, "members/list.html", {
        "form": form, "rows": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page_no": page_no,
        "query": params.urlencode(), "can_write": scope_for(request.user).can_write,
        "saved": request.user.saved_searches.all(),
    })


@login_required
def member_detail(request, pk):
    member = S.member_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    tab = request.GET.get("tab", "ho-so")
    facts = S.member_facts(member=member, on=today)
    ctx = {
        "member": member, "facts": facts, "tab": tab, "today": today,
        "cccd": S.cccd_display(actor=request.user, member=member),
        "sensitive_ok": S.can_see_sensitive(request.user),
        "can_write": scope_for(request.user).can_write,
        "events": S.member_events(member=member),
        "next_steps": [(k.value, event_label(k)) for k in NEXT_STEPS.get(facts.state.status, [])],
    }
    if tab == "lich-su":
        ctx["audit"] = audit_for_object(obj=member)
    if tab == "qua-trinh":
        ctx.update(work=member.work_history.all(), training=member.training_history.all(),
                   travel=member.foreign_travel.all(), rewards=member.rewards.all(), family=member.family.all())
    if tab == "tai-lieu":
        ctx["attachments"] = member.attachments.select_related("event")
    if ctx["sensitive_ok"]:
        ctx["sensitive"] = MemberSensitive.objects.filter(member=member).first()
    if tab == "ho-so":
        ctx["field_sources"] = S.field_sources(member=member)
    return render(request, "members/detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, org_pk):
    org = org_selectors.org_get(actor=request.user, pk=org_pk)
    if not scope_for(request.user).can_write:
        raise PermissionDenied
    form = MemberForm(request.POST or None, with_start=True)
    sensitive = SensitiveForm(request.POST or None, prefix="s")
    if request.method == "POST" and form.is_valid() and sensitive.is_valid():
        try:
            member = services.member_create(actor=request.user, org=org, on=form.cleaned_data["on"],
                                            sensitive=sensitive.cleaned_data, **form.dossier())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã lập hồ sơ quần chúng ưu tú {member.full_name}.")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "sensitive_form": sensitive, "org": org,
                                                 "title": f"Lập hồ sơ quần chúng ưu tú — {org.name}"})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _writable(request, S.member_get(actor=request.user, pk=pk))
    initial = {f: getattr(member, f) for f in services.DOSSIER_FIELDS}
    form = MemberForm(request.POST or None, initial=initial)
    sens_obj = MemberSensitive.objects.filter(member=member).first()
    sensitive = SensitiveForm(request.POST or None, prefix="s", initial={
        f: getattr(sens_obj, f, "") for f in services.SENSITIVE_FIELDS}) if S.can_see_sensitive(request.user) else None
    if request.method == "POST" and form.is_valid() and (sensitive is None or sensitive.is_valid()):
        changed = {k: v for k, v in form.dossier().items() if v != initial.get(k)}
        try:
            services.member_update(actor=request.user, member=member,
                                   sensitive=sensitive.cleaned_data if sensitive else None, **changed)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã cập nhật hồ sơ.")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "sensitive_form": sensitive, "org": member.org,
                                                 "member": member, "title": f"Sửa hồ sơ {member.full_name}"})


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, pk, kind):
    member = _writable(request, S.member_get(actor=request.user, pk=pk))
    try:
        event_kind = EventKind(kind)
    except ValueError:
        raise Http404
    if event_kind in SYSTEM_KINDS:
        raise Http404
    form = event_form_class(event_kind)(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        target = None
        code = (cd.get("target_code") or "").strip()
        if code:
            target = org_selectors.org_directory(code=code)
            if target is None:
                form.add_error("target_code", f"Không có tổ chức đảng đang hoạt động mã “{code}”.")
        if not form.errors:
            try:
                services.member_event_record(
                    actor=request.user, member=member, kind=event_kind, on=cd.get("on"), target_org=target,
                    decision_no=cd.get("decision_no") or "", decision_date=cd.get("decision_date"),
                    decision_issuer=cd.get("decision_issuer") or "", data=event_data(event_kind, cd),
                    note=cd.get("note") or "", documents=event_documents(cd))
            except DomainError as exc:
                apply_domain_error(form, _to_wizard_fields(exc, event_kind, form))
            else:
                messages.success(request, f"Đã ghi nhận: {event_label(event_kind)}.")
                if S.vote_failed(member=member, kind=event_kind):
                    messages.warning(request, "Kết quả biểu quyết chưa đạt tỷ lệ theo quy định; bước tiếp theo sẽ "
                                              "chưa thực hiện được (tối đa 3 lần biểu quyết, sau đó báo cáo cấp trên).")
                return redirect(f"{member_url(member)}?tab=su-kien")
    blockers = [] if request.method == "POST" else S.event_blockers(member=member, kind=event_kind,
                                                                       on=timezone.localdate())
    return render(request, "members/event_form.html", {
        "member": member, "form": form, "kind_label": event_label(event_kind), "blockers": blockers,
        "rule": WIZARDS.get(event_kind, ("", []))[0],
        "status_label": STATUS_LABELS.get(member.status, ""),
    })


def _to_wizard_fields(exc: DomainError, kind: EventKind, form) -> DomainError:
    """Point the engine's data-key errors at the wizard's fields and name them by their labels."""
    errors = getattr(exc, "errors", None)
    if not errors:
        return exc
    labels = data_field_labels(kind)
    mapped: dict[str, list[str]] = {}
    for key, messages_ in errors.items():
        target = f"d_{key}" if f"d_{key}" in form.fields else key
        out = []
        for message in messages_:
            for data_key, label in labels.items():
                message = message.replace(f"«{data_key}»", f"«{label}»")
            out.append(message)
        mapped.setdefault(target, []).extend(out)
    return ValidationFailed(mapped, message=exc.message)


def member_url(member) -> str:
    from django.urls import reverse

    return reverse("members:detail", args=[member.pk])


@login_required
@require_http_methods(["GET", "POST"])
def event_void(request, pk):
    event = MemberEvent.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    member = _writable(request, S.member_get(actor=request.user, pk=event.member_id))
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_event_void(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã hủy sự kiện; lịch sử vẫn lưu bản ghi đã hủy.")
            return redirect(f"{member_url(member)}?tab=su-kien")
    return render(request, "members/void.html", {"member": member, "event": event, "form": form})


@login_required
def transfers_incoming(request):
    """Members sent to orgs in my scope, waiting for receipt ("đang chuyển đến")."""
    scope = scope_for(request.user)
    qs = (S.member_queryset(actor=request.user).filter(transfer_to__isnull=False).filter(scope.q("transfer_to__path"))
          .select_related("org", "transfer_to").order_by("last_event_on"))
    outgoing = (S.member_queryset(actor=request.user).filter(transfer_to__isnull=False).filter(scope.q("org__path"))
                .select_related("org", "transfer_to").order_by("last_event_on"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "members/transfers.html", {"page": page, "outgoing": outgoing[:200]})


@login_required
def work_list(request):
    """Every section with its exact count and its first rows; ``?muc=<key>`` one section, paged."""
    from .worklists import LOOKAHEAD_DAYS, PREVIEW, sections

    today = timezone.localdate()
    ctx = {"today": today, "lookahead": LOOKAHEAD_DAYS, "can_write": scope_for(request.user).can_write}
    key = request.GET.get("muc", "")
    if not key:
        found = sections(actor=request.user, on=today, limit=PREVIEW)
        shown = [s for s in found if s.count]
        return render(request, "members/worklist.html", {
            **ctx, "sections": shown, "total": sum(s.count for s in shown),
            "overdue": sum(s.overdue for s in shown)})
    try:
        number = max(1, int(request.GET.get("trang", "1")))
    except ValueError:
        number = 1
    found = sections(actor=request.user, on=today, only=key, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not found:
        raise Http404
    section = found[0]
    pages = max(1, -(-section.count // PAGE_SIZE))
    if number > pages:
        return redirect(f"{reverse_lazy('members:worklist')}?muc={key}&trang={pages}")
    return render(request, "members/worklist.html", {
        **ctx, "sections": [section], "single": section, "total": section.count, "overdue": section.overdue,
        "number": number, "pages": pages, "first_row": section.offset + 1 if section.items else 0,
        "last_row": section.offset + len(section.items)})


@login_required
@require_http_methods(["POST"])
def saved_search_save(request):
    from .search_services import saved_search_create

    query = request.POST.get("query", "")
    try:
        saved_search_create(actor=request.user, name=request.POST.get("name", ""), query=query)
    except DomainError as exc:
        for messages_ in getattr(exc, "errors", {"": [exc.message]}).values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, "Đã lưu bộ lọc.")
    return redirect(f"{reverse_lazy('members:list')}?{query}")


@login_required
@require_http_methods(["POST"])
def saved_search_remove(request, pk):
    from .search_services import saved_search_delete

    saved_search_delete(actor=request.user, pk=pk)
    messages.success(request, "Đã xóa bộ lọc.")
    return redirect("members:list")


@login_required
def home_summary(request):
    """The member figures block of the home page (loaded by htmx, so the orgs context stays unaware)."""
    from .worklists import member_count_by_status

    counts = member_count_by_status(actor=request.user)
    rows = [(STATUS_LABELS[Status(code)], code, n) for code, n in counts.items() if code in {s.value for s in Status}]
    order = [s.value for s in Status]
    rows.sort(key=lambda r: order.index(r[1]))
    return render(request, "members/_home_summary.html", {"rows": rows})
