"""Pages of the reports context: targets and progress. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError
from tcxd.common.fmt import fmt_date, fmt_int, parse_date
from tcxd.common.forms import apply_domain_error
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import progress as P
from . import services
from .forms import TargetForm, TargetRemoveForm, parse_int
from .models import Indicator
from .validation import indicator_errors, year_errors


def _params(request, today: dt.date) -> tuple[int, str, dt.date, list[str]]:
    """Year, indicator and day of the page from ?nam=&chi_tieu=&ngay= (defaults: this year, admissions,
    today), with a Vietnamese message for each value that could not be used."""
    problems: list[str] = []
    year = parse_int(request.GET.get("nam", "")) or today.year
    year_problem = year_errors(year, today=today)
    if year_problem:
        problems += year_problem
        year = today.year
    indicator = request.GET.get("chi_tieu", "").strip() or Indicator.ADMISSIONS
    indicator_problem = indicator_errors(indicator)
    if indicator_problem:
        problems += indicator_problem
        indicator = Indicator.ADMISSIONS
    day = today
    raw_day = request.GET.get("ngay", "").strip()
    if raw_day:
        try:
            day = parse_date(raw_day)
        except ValueError as exc:
            problems.append(str(exc))
    return year, indicator, day, problems


def _page_url(org: Org, year, indicator, day: dt.date | None = None) -> str:
    query = {"to_chuc": org.pk, "nam": year, "chi_tieu": indicator}
    if day is not None:
        query["ngay"] = fmt_date(day)
    return f"{reverse('reports:targets')}?{urlencode(query)}"


@login_required
def targets(request):
    """Chỉ tiêu và tiến độ: an org in scope (default the scope's root), a year, a day and an indicator."""
    today = timezone.localdate()
    year, indicator, day, problems = _params(request, today)
    roots = list(org_selectors.org_scope_roots(actor=request.user))
    org_id = request.GET.get("to_chuc", "").strip()
    if org_id:
        org = org_selectors.org_get(actor=request.user, pk=org_id)
    elif roots:
        org = roots[0]
    else:
        return render(request, "reports/targets.html", {"org": None, "problems": problems})
    data = P.target_progress(actor=request.user, org=org, year=year, indicator=indicator, day=day)
    own = P.target_own(org=org, year=year, indicator=indicator)
    can_write = scope_for(request.user).can_write
    form = TargetForm(initial={"year": year, "indicator": indicator,
                               "planned": fmt_int(own.planned) if own else "", "note": own.note if own else ""})
    return render(request, "reports/targets.html", {
        "org": org, "roots": roots, "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
        "progress": data, "own": own, "history": P.target_history(org=org, year=year, indicator=indicator),
        "year": year, "indicator": indicator, "day": day, "problems": problems, "indicators": Indicator.choices,
        "can_write": can_write, "form": form, "this_url": _page_url(org, year, indicator, day),
    })


def _writable_org(request, pk) -> Org:
    org = org_selectors.org_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    return org


@login_required
@require_http_methods(["GET", "POST"])
def target_set(request, pk):
    """Set or change an org's own target (write roles only). Errors come back on the form; nothing is saved."""
    org = _writable_org(request, pk)
    today = timezone.localdate()
    year = parse_int(request.GET.get("nam", "")) or today.year
    indicator = request.GET.get("chi_tieu", "") or Indicator.ADMISSIONS
    own = (P.target_own(org=org, year=year, indicator=indicator)
           if isinstance(year, int) and indicator in Indicator.values else None)
    form = TargetForm(request.POST or None, initial={
        "year": year, "indicator": indicator, "planned": fmt_int(own.planned) if own else "",
        "note": own.note if own else ""})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            target = services.target_set(actor=request.user, org=org, year=cd["year"], indicator=cd["indicator"],
                                         planned=cd["planned"], note=cd["note"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã đặt chỉ tiêu {target.get_indicator_display().lower()} năm {target.year} "
                                      f"của {org.name}: {fmt_int(target.planned)} {target.unit}.")
            return redirect(_page_url(org, target.year, target.indicator))
    return render(request, "reports/target_form.html", {
        "org": org, "form": form, "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
        "back_url": _page_url(org, year, indicator if indicator in Indicator.values else Indicator.ADMISSIONS)})


@login_required
@require_http_methods(["GET", "POST"])
def target_remove(request, pk):
    """Remove an org's own target (write roles only): it is ended, kept on record."""
    org = _writable_org(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    form = TargetRemoveForm(request.POST or None, initial={"year": source.get("nam", ""),
                                                           "indicator": source.get("chi_tieu", "")})
    year = parse_int(source.get("year") or source.get("nam") or "")
    indicator = (source.get("indicator") or source.get("chi_tieu") or "").strip()
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            target = services.target_remove(actor=request.user, org=org, year=cd["year"], indicator=cd["indicator"],
                                            note=cd["note"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã xóa chỉ tiêu {target.get_indicator_display().lower()} năm {target.year} "
                                      f"của {org.name}.")
            return redirect(_page_url(org, target.year, target.indicator))
    own = (P.target_own(org=org, year=year, indicator=indicator)
           if isinstance(year, int) and indicator in Indicator.values else None)
    return render(request, "reports/target_remove.html", {
        "org": org, "form": form, "own": own, "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
        "back_url": _page_url(org, year if isinstance(year, int) else timezone.localdate().year,
                              indicator if indicator in Indicator.values else Indicator.ADMISSIONS)})
