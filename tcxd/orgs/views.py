"""Web pages of the organization context. Thin: parse, call one selector/service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.audit.selectors import audit_for_org
from tcxd.audit.services import audit_export
from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError
from tcxd.common.export import csv_response, xlsx_response
from tcxd.common.fmt import parse_date
from tcxd.common.forms import apply_domain_error
from tcxd.geo import selectors as geo_selectors

from . import committee as committee_services
from . import selectors as S
from . import services
from .checks import org_own_warnings, org_warnings
from .forms import (
    CongressForm,
    HeadcountForm,
    OrgCloseForm,
    OrgCreateForm,
    OrgEditForm,
    OrgMoveForm,
    SeatEndForm,
    SeatForm,
)
from .kinds import ALLOWED_CHILDREN, OrgKind
from .models import CommitteeMember, Congress, Org, OrgLineage


def _day_param(request) -> tuple[dt.date, str | None]:
    """The 'as of' date from ?ngay=dd/mm/yyyy (default today) and an error message if invalid."""
    raw = request.GET.get("ngay", "").strip()
    if not raw:
        return timezone.localdate(), None
    try:
        return parse_date(raw), None
    except ValueError as exc:
        return timezone.localdate(), str(exc)


def _decision(cd) -> services.Decision:
    return services.Decision(number=(cd.get("decision_no") or "").strip(), date=cd.get("decision_date"),
                             issuer=(cd.get("decision_issuer") or "").strip())


def _writable_org(request, pk) -> Org:
    org = S.org_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    return org


@login_required
def home(request):
    roots = list(S.org_scope_roots(actor=request.user))
    day = timezone.localdate()
    blocks = []
    for root in roots:
        counts = S.org_subtree_counts(org=root, include_self=True)
        warnings = org_warnings(org=root, day=day)
        blocks.append({"org": root, "counts": counts, "warnings": warnings[:10],
                       "warning_total": len(warnings)})
    return render(request, "orgs/home.html", {"blocks": blocks})


@login_required
def tree(request):
    day, date_error = _day_param(request)
    q = request.GET.get("q", "").strip()
    include_closed = request.GET.get("da_giai_the") == "1"
    roots = list(S.org_scope_roots(actor=request.user))
    results = list(S.org_search(actor=request.user, q=q, include_closed=include_closed)) if q else None
    as_of = None
    if request.GET.get("ngay") and not date_error and roots:
        as_of = {r.id: S.org_tree_as_of(org=r, day=day, max_depth=2) for r in roots}
    ctx = {"roots": roots, "q": q, "results": results, "day": day, "date_error": date_error,
           "as_of": as_of, "include_closed": include_closed}
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "orgs/tree.html#search-results", ctx)
    return render(request, "orgs/tree.html", ctx)


@login_required
def children(request, pk):
    org = S.org_get(actor=request.user, pk=pk)
    include_closed = request.GET.get("da_giai_the") == "1"
    kids = S.org_children(org=org, include_closed=include_closed)[:500]
    return render(request, "orgs/_children.html", {"org": org, "children": kids, "include_closed": include_closed,
                                                   "totals": S.org_children_totals(org=org)})


@login_required
def org_detail(request, pk):
    org = S.org_get(actor=request.user, pk=pk)
    day = timezone.localdate()
    include_closed = request.GET.get("da_giai_the") == "1"
    kids = Paginator(S.org_children(org=org, include_closed=include_closed), 50).get_page(
        request.GET.get("trang"))
    ctx = {
        "org": org,
        "ancestors": S.org_ancestors(actor=request.user, org=org),
        "children": kids,
        "totals": S.org_children_totals(org=org),
        "include_closed": include_closed,
        "counts": S.org_subtree_counts(org=org),
        "headcount": getattr(org, "headcount", None),
        "congresses": S.org_congresses(org=org),
        "committee": S.org_committee(org=org, day=day),
        "warnings": org_own_warnings(org=org, day=day),
        "changes": S.org_changes(org=org, limit=10),
        "can_write": scope_for(request.user).can_write,
        "child_kinds": [OrgKind(k).label for k in OrgKind.values if k in ALLOWED_CHILDREN[org.kind]],
        **_lineage(request.user, org),
    }
    return render(request, "orgs/org_detail.html", ctx)


def _lineage(actor, org: Org) -> dict:
    """Kế thừa tổ chức: the orgs this one was formed from and the ones that took it over (restructuring), each
    with its date and whether all of it went over; linked when the viewer may open it."""
    scope = scope_for(actor)
    before = OrgLineage.objects.filter(successor=org).select_related("predecessor").order_by("effective_on", "id")
    after = OrgLineage.objects.filter(predecessor=org).select_related("successor").order_by("effective_on", "id")
    return {"predecessors": [(link, link.predecessor, scope.contains(link.predecessor.path)) for link in before],
            "successors": [(link, link.successor, scope.contains(link.successor.path)) for link in after]}


def _table(request, filename: str, header: list[str], rows, *, sheet: str):
    """A small list as a direct download: ?tai=xlsx → .xlsx (real dates, bold frozen header), else CSV."""
    if request.GET.get("tai") == "xlsx":
        return xlsx_response(f"{filename}.xlsx", header, list(rows), sheet=sheet)
    return csv_response(f"{filename}.csv", header, rows)


@login_required
def org_children_csv(request, pk):
    org = S.org_get(actor=request.user, pk=pk)
    totals = S.org_children_totals(org=org)
    kids = S.org_children(org=org, include_closed=request.GET.get("da_giai_the") == "1")
    rows = ((c.code, c.name, c.get_kind_display(), c.get_grassroots_type_display() or None, c.valid_from,
             c.valid_to, c.get_status_display(), *totals.get(c.path, (0, 0))) for c in kids.iterator())
    return _table(request, f"to-chuc-truc-thuoc-{org.code}",
                  ["Mã", "Tên", "Loại", "Loại hình", "Hiệu lực từ", "Hiệu lực đến", "Trạng thái", "Số tổ chức",
                   "Số đảng viên"], rows, sheet="Tổ chức trực thuộc")


@login_required
def committee_csv(request, pk):
    """The committee roster holds personal names: the export is audited."""
    org = S.org_get(actor=request.user, pk=pk)
    seats = list(S.org_committee(org=org, day=timezone.localdate()))
    fmt = "xlsx" if request.GET.get("tai") == "xlsx" else "csv"
    audit_export(actor=request.user, what=f"cap-uy:{org.code}.{fmt}", scope_org=org, rows=len(seats),
                 note=f"Danh sách cấp ủy {org.name}, {len(seats)} dòng")
    rows = [(s.person_name, s.get_role_display(), s.from_date, s.get_method_display(), s.decision_no or None)
            for s in seats]
    return _table(request, f"cap-uy-{org.code}", ["Họ và tên", "Chức danh", "Từ ngày", "Hình thức",
                                                   "Số quyết định"], rows, sheet="Cấp ủy")


@login_required
def org_history(request, pk):
    org = S.org_get(actor=request.user, pk=pk)
    return render(request, "orgs/org_history.html", {
        "org": org, "changes": S.org_changes(org=org, limit=500),
        "audit": audit_for_org(org=org), "ancestors": S.org_ancestors(actor=request.user, org=org),
    })


def _form_page(request, *, org, form, template, title, extra=None):
    return render(request, template, {"org": org, "form": form, "title": title,
                                      "ancestors": S.org_ancestors(actor=request.user, org=org),
                                      **(extra or {})})


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request, pk):
    parent = _writable_org(request, pk)
    allowed = ALLOWED_CHILDREN[parent.kind]
    form = OrgCreateForm(request.POST or None, allowed_kinds=allowed)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        unit, unit_error = _admin_unit_from_input(cd["admin_unit"])
        if unit_error:
            form.add_error("admin_unit", unit_error)
        else:
            try:
                org = services.org_create(
                    actor=request.user, parent=parent, code=cd["code"], name=cd["name"],
                    short_name=cd["short_name"], kind=cd["kind"], grassroots_type=cd["grassroots_type"],
                    valid_from=cd["valid_from"], congress_cycle_months=cd["congress_cycle_months"],
                    admin_unit=unit, note=cd["note"], decision=_decision(cd))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Đã thành lập {org.name}.")
                return redirect("orgs:detail", pk=org.pk)
    units = geo_selectors.units_of(parent.admin_unit)[:2000] if parent.admin_unit_id else \
        geo_selectors.province_list()
    return _form_page(request, org=parent, form=form, template="orgs/org_form.html",
                      title=f"Thành lập tổ chức trực thuộc {parent.name}", extra={"admin_units": units})


def _admin_unit_from_input(text: str):
    """'00004 — Phường Ba Đình' or '00004' → the 2025 unit; (None, message) when unknown."""
    code = (text or "").split(" — ")[0].strip()
    if not code:
        return None, None
    unit = geo_selectors.unit_by_code(code)
    if unit is None:
        return None, f"Không có đơn vị hành chính mã “{code}” trong danh mục 2025."
    return unit, None


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk):
    org = _writable_org(request, pk)
    initial = {f: getattr(org, f) for f in ("code", "name", "short_name", "kind", "grassroots_type",
                                            "congress_cycle_months", "note")}
    form = OrgEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        fields = {f: cd[f] for f in initial if f in cd}
        fields["grassroots_type"] = fields.get("grassroots_type") or ""
        try:
            services.org_update(actor=request.user, org=org, effective_on=cd["effective_on"],
                                decision=_decision(cd), **fields)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã cập nhật thông tin tổ chức.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Sửa thông tin {org.name}")


def _parent_candidates(request, org: Org):
    kinds = [k for k, allowed in ALLOWED_CHILDREN.items() if org.kind in allowed]
    low, high = org.path, org.path + "["
    return (S.org_queryset(actor=request.user).filter(kind__in=kinds, status="active")
            .exclude(path__gte=low, path__lt=high).exclude(path=org.parent_path)
            .order_by("path")[:1000])


@login_required
@require_http_methods(["GET", "POST"])
def org_move(request, pk):
    org = _writable_org(request, pk)
    form = OrgMoveForm(request.POST or None)
    candidates = _parent_candidates(request, org)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        code = (cd["new_parent"] or "").split(" — ")[0].strip()
        target = S.org_queryset(actor=request.user).filter(code__iexact=code).first() if code else None
        if target is None:
            form.add_error("new_parent", "Không tìm thấy tổ chức cấp trên với mã này trong phạm vi quản lý.")
        else:
            try:
                services.org_move(actor=request.user, org=org, new_parent=target,
                                  effective_on=cd["effective_on"], decision=_decision(cd))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Đã chuyển {org.name} sang trực thuộc {target.name}.")
                return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_move.html",
                      title=f"Chuyển trực thuộc: {org.name}", extra={"candidates": candidates})


@login_required
@require_http_methods(["GET", "POST"])
def org_close(request, pk):
    org = _writable_org(request, pk)
    form = OrgCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.org_close(actor=request.user, org=org, last_day=cd["last_day"],
                               decision=_decision(cd), note=cd["note"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã ghi nhận {org.name} chấm dứt hoạt động.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Giải thể / chấm dứt hoạt động: {org.name}")


@login_required
@require_http_methods(["GET", "POST"])
def org_headcount(request, pk):
    org = _writable_org(request, pk)
    head = getattr(org, "headcount", None)
    form = HeadcountForm(request.POST or None, initial={"official": head.official if head else 0,
                                                        "probationary": head.probationary if head else 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.org_headcount_set(actor=request.user, org=org, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã cập nhật đảng số.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Đảng số của {org.name}")


@login_required
@require_http_methods(["GET", "POST"])
def congress_create(request, pk):
    org = _writable_org(request, pk)
    form = CongressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            committee_services.congress_create(actor=request.user, org=org, **cd)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận đại hội.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Đại hội của {org.name}")


@login_required
@require_http_methods(["GET", "POST"])
def congress_edit(request, pk):
    congress = Congress.objects.filter(pk=pk).select_related("org").first()
    if congress is None:
        raise Http404
    org = _writable_org(request, congress.org_id)
    initial = {f: getattr(congress, f) for f in committee_services.CONGRESS_FIELDS}
    form = CongressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            committee_services.congress_update(actor=request.user, congress=congress, **changed)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã cập nhật đại hội.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Sửa đại hội nhiệm kỳ {congress.term_label} — {org.name}")


@login_required
@require_http_methods(["GET", "POST"])
def seat_create(request, pk):
    org = _writable_org(request, pk)
    form = SeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            committee_services.committee_member_add(
                actor=request.user, org=org, role=cd["role"], person_name=cd["person_name"],
                from_date=cd["from_date"], method=cd["method"], ballot_round=cd["ballot_round"],
                decision_no=cd["decision_no"], decision_date=cd["decision_date"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã bổ sung thành viên cấp ủy.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Bổ sung cấp ủy — {org.name}")


@login_required
@require_http_methods(["GET", "POST"])
def seat_end(request, pk):
    seat = CommitteeMember.objects.filter(pk=pk).select_related("org").first()
    if seat is None:
        raise Http404
    org = _writable_org(request, seat.org_id)
    form = SeatEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee_services.committee_member_end(actor=request.user, seat=seat,
                                                    to_date=form.cleaned_data["to_date"],
                                                    reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận thôi giữ chức.")
            return redirect("orgs:detail", pk=org.pk)
    return _form_page(request, org=org, form=form, template="orgs/org_form.html",
                      title=f"Thôi giữ chức: {seat.person_name} ({seat.get_role_display()})")


@login_required
def warnings_list(request):
    day, date_error = _day_param(request)
    rows = []
    for root in S.org_scope_roots(actor=request.user):
        rows.extend(org_warnings(org=root, day=day))
    code = request.GET.get("loai", "")
    if code:
        rows = [w for w in rows if w.code == code]
    if request.GET.get("tai") in ("csv", "xlsx"):
        return _table(request, f"canh-bao-{day:%Y%m%d}", ["Tổ chức", "Trực thuộc", "Cảnh báo", "Căn cứ"],
                      ((w.org_name, w.parent_name, w.message, w.rule) for w in rows), sheet="Cảnh báo cơ cấu")
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    return render(request, "orgs/warnings.html", {"page": page, "day": day, "date_error": date_error,
                                                  "code": code, "total": len(rows)})


@login_required
def congress_progress(request):
    day, date_error = _day_param(request)
    try:
        start = int(request.GET.get("tu", 2025))
        end = int(request.GET.get("den", 2030))
    except ValueError:
        start, end = 2025, 2030
    kinds = [OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL, OrgKind.SUB_COMMITTEE, OrgKind.CELL,
             OrgKind.COMMUNE]
    rows = []
    for root in S.org_scope_roots(actor=request.user):
        for kind in kinds:
            p = S.congress_progress(org=root, kind=kind, term_start_year=start, term_end_year=end, day=day)
            if p.total:
                rows.append((root, p))
    return render(request, "orgs/congress_progress.html", {
        "rows": rows, "day": day, "date_error": date_error, "start": start, "end": end})
