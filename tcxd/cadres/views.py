"""Pages of the cadre register (Công tác cán bộ): the list, a new decision, a decision, its voiding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tcxd.audit.selectors import audit_for_object
from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError
from tcxd.common.forms import apply_domain_error
from tcxd.orgs.kinds import INSPECTION_KINDS

from . import selectors as S
from . import services
from .forms import CadreMoveForm, FilterForm, VoidForm

PAGE_SIZE = 50


@login_required
def cadre_list(request):
    form = FilterForm(request.GET or None, actor=request.user)
    filters = S.CadreMoveFilters()
    if form.is_valid():
        cd = form.cleaned_data
        filters = S.CadreMoveFilters(kind=cd["loai"], start=cd["tu"], end=cd["den"], q=cd["q"],
                                     org_id=cd["cap_uy"].pk if cd["cap_uy"] else None, include_voided=cd["da_huy"])
    qs = S.cadre_move_list(actor=request.user, filters=filters)
    if request.GET.get("tai") in ("csv", "xlsx") and not form.errors:  # the whole register, by the exports app
        return redirect(f"{reverse('exports:start', args=['can-bo'])}?{request.GET.urlencode()}")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    params.pop("tai", None)
    return render(request, "cadres/list.html", {
        "form": form, "page": page, "query": params.urlencode(), "summary": S.cadre_move_summary(qs),
        "can_write": scope_for(request.user).can_write})


@login_required
@require_http_methods(["GET", "POST"])
def cadre_create(request):
    require_write_role(request.user)
    initial = {}
    org = request.user.org
    if org is not None and org.kind in INSPECTION_KINDS:
        initial["managing_org"] = org
    form = CadreMoveForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            move = services.cadre_move_record(actor=request.user, managing_org=form.cleaned_data["managing_org"],
                                              **form.service_kwargs())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã ghi quyết định {move.get_kind_display().lower()} {move.member.full_name} "
                                      f"(số {move.decision_no}).")
            return redirect("cadres:detail", pk=move.pk)
    return render(request, "cadres/form.html", {"form": form})


@login_required
def cadre_detail(request, pk):
    move = S.cadre_move_get(actor=request.user, pk=pk)
    return render(request, "cadres/detail.html", {
        "move": move, "can_write": scope_for(request.user).can_write, "audit": audit_for_object(obj=move)})


@login_required
@require_http_methods(["GET", "POST"])
def cadre_void(request, pk):
    move = S.cadre_move_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_move_void(actor=request.user, pk=move.pk, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã hủy quyết định; bản ghi vẫn được lưu, không còn được tính trong thống kê.")
            return redirect("cadres:detail", pk=move.pk)
    return render(request, "cadres/void.html", {"move": move, "form": form})


@login_required
def member_suggest(request):
    """htmx fragment: party members in scope matching the name typed (``ten`` names the parameter, ``o`` the input
    to fill)."""
    text = (request.GET.get(request.GET.get("ten", "q"), "") or "").strip()[:100]
    picked = S.SEPARATOR in text
    rows = S.member_suggestions(actor=request.user, text=text) if len(text) >= 2 and not picked else []
    return render(request, "cadres/_member_suggestions.html", {
        "rows": [(m, S.member_label(m)) for m in rows], "target": request.GET.get("o", "")[:80], "typed": text,
        "picked": picked, "too_short": 0 < len(text) < 2})


@login_required
def org_suggest(request):
    """htmx fragment: active orgs in scope matching the name or code typed."""
    text = (request.GET.get(request.GET.get("ten", "q"), "") or "").strip()[:100]
    picked = S.SEPARATOR in text
    rows = S.org_suggestions(actor=request.user, text=text) if len(text) >= 2 and not picked else []
    return render(request, "cadres/_org_suggestions.html", {
        "rows": [(o, S.org_label(o)) for o in rows], "target": request.GET.get("o", "")[:80], "typed": text,
        "picked": picked, "too_short": 0 < len(text) < 2})
