"""Party-fee pages. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.export import csv_response, xlsx_response
from tcxd.common.fmt import fmt_int
from tcxd.common.forms import apply_domain_error
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.kinds import CELL_KINDS
from tcxd.orgs.models import Org

from . import selectors as S
from . import services
from .forms import BasisForm, ComputeForm, DecisionForm, ledger_initial, parse_ledger
from .models import FeeChannel
from .periods import fmt_month, month_start, parse_month, year_months


def _month_param(request, key: str = "thang") -> tuple[dt.date, str | None]:
    raw = request.GET.get(key, "").strip()
    current = month_start(timezone.localdate())
    if not raw:
        return current, None
    try:
        return parse_month(raw), None
    except ValueError as exc:
        return current, str(exc)


def _year_param(request) -> int:
    raw = request.GET.get("nam", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 1930 <= int(raw) <= 2100 else today.year


def _can_write(request) -> bool:
    return scope_for(request.user).can_write


def _writable_org(request, pk) -> Org:
    org = org_selectors.org_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    return org


def _ctx(request, org: Org, **extra) -> dict:
    return {"org": org, "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
            "can_write": _can_write(request), **extra}


# ---- collection report ---------------------------------------------------------------------------

REPORT_HEADER = ["Tổ chức", "Số đảng viên", "Đã tính", "Được miễn", "Phải đóng (đ)", "Số đã đóng",
                 "Đã thu (đ)", "Số chưa đóng", "Còn phải thu (đ)", "Chưa có căn cứ"]


def _report_cells(row) -> list:
    return [row.members, row.lines, row.exempt, row.due, row.paid_count, row.paid, row.unpaid_count, row.unpaid_due,
            row.not_computable]


@login_required
def report(request):
    """The monthly collection report of an org in the user's scope (default: the scope's root)."""
    month, month_error = _month_param(request)
    roots = list(org_selectors.org_scope_roots(actor=request.user))
    org_id = request.GET.get("to_chuc", "")
    if org_id:
        org = org_selectors.org_get(actor=request.user, pk=org_id)
    elif roots:
        org = roots[0]
    else:
        return render(request, "fees/report.html", {"report": None, "month": month, "roots": roots})
    data = S.fee_collection_report(org=org, month=month)
    if request.GET.get("tai") in ("csv", "xlsx"):
        rows = [[r.name, *_report_cells(r)] for r in [*data.rows, data.total]]
        name = f"dang-phi-{org.code}-{month:%Y-%m}"
        if request.GET["tai"] == "xlsx":  # amounts as numbers
            return xlsx_response(f"{name}.xlsx", REPORT_HEADER, rows, sheet=f"Đảng phí {month:%m-%Y}")
        return csv_response(f"{name}.csv", REPORT_HEADER, rows)
    children = org_selectors.org_children(org=org)[:200]
    return render(request, "fees/report.html", {
        "report": data, "org": org, "month": month, "month_error": month_error, "roots": roots,
        "can_write": _can_write(request),
        "children": children, "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
    })


# ---- a cell's ledger ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def ledger(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    month, month_error = _month_param(request)
    data = S.fee_ledger(org=org, month=month)
    values = ledger_initial({r.member.pk: r.line for r in data.rows})
    row_errors: dict[int, list[str]] = {}
    top_errors: list[str] = []
    if request.method == "POST":
        if not _can_write(request):
            raise PermissionDenied("Vai trò của bạn chỉ được xem.")
        parsed = parse_ledger(request.POST, [r.member.pk for r in data.rows])
        values.update(parsed.values)
        row_errors, top_errors = parsed.errors, parsed.top_errors
        if not row_errors and not top_errors:
            try:
                saved = services.fee_ledger_save(actor=request.user, org=org, month=month, entries=parsed.entries)
            except ValidationFailed as exc:
                for key, problems in exc.errors.items():
                    if key.startswith("member_") and key[7:].isdigit():
                        row_errors[int(key[7:])] = problems
                    else:
                        top_errors.extend(problems)
            except DomainError as exc:
                top_errors.append(exc.message)
            else:
                messages.success(request, f"Đã ghi {fmt_int(len(saved))} khoản đảng phí tháng {fmt_month(month)}.")
                return redirect(f"{reverse('fees:ledger', args=[org.pk])}?thang={fmt_month(month)}")
        if row_errors or top_errors:
            top_errors.insert(0, "Chưa lưu: sửa các dòng báo lỗi rồi lưu lại.")
    rows = [(r, values.get(r.member.pk, {}), row_errors.get(r.member.pk, [])) for r in data.rows]
    return render(request, "fees/ledger.html", _ctx(
        request, org, ledger=data, rows=rows, month=month, month_error=month_error, top_errors=top_errors,
        channels=FeeChannel.choices), status=400 if top_errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def compute(request, pk):
    org = _writable_org(request, pk)
    month, _error = _month_param(request)
    form = ComputeForm(request.POST or None, initial={"month": month})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.fee_month_compute(actor=request.user, org=org, month=form.cleaned_data["month"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã tính đảng phí tháng {fmt_month(result.month)} cho "
                                      f"{fmt_int(result.members)} đảng viên: {fmt_int(result.created)} dòng mới, "
                                      f"{fmt_int(result.updated)} dòng cập nhật; tổng phải đóng "
                                      f"{fmt_int(result.total_due)} đ.")
            if org.kind in CELL_KINDS:
                return redirect(f"{reverse('fees:ledger', args=[org.pk])}?thang={fmt_month(result.month)}")
            return redirect(f"{reverse('fees:report')}?to_chuc={org.pk}&thang={fmt_month(result.month)}")
    return render(request, "fees/compute.html", _ctx(request, org, form=form))


@login_required
def year(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    the_year = _year_param(request)
    rows = S.fee_year(org=org, year=the_year)
    return render(request, "fees/year.html", _ctx(
        request, org, rows=rows, year=the_year, months=year_months(the_year),
        arrears=sorted((r for r in rows if r.unpaid_months), key=lambda r: -len(r.unpaid_months))))


# ---- basis and decisions --------------------------------------------------------------------------

@login_required
def bases(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    month, month_error = _month_param(request)
    return render(request, "fees/bases.html", _ctx(
        request, org, facts=S.fee_member_facts(org=org, month=month), month=month, month_error=month_error))


def _members_for_form(org: Org):
    return [f.member for f in S.fee_member_facts(org=org, month=month_start(timezone.localdate()))]


@login_required
@require_http_methods(["GET", "POST"])
def basis_create(request, pk):
    org = _writable_org(request, pk)
    members = {m.pk: m for m in _members_for_form(org)}
    initial = {"valid_from": month_start(timezone.localdate()), "member": request.GET.get("dang_vien")}
    form = BasisForm(request.POST or None, members=members.values(), initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.fee_basis_set(actor=request.user, member=members[cd["member"]], valid_from=cd["valid_from"],
                                   group=cd["group"], base_amount=cd["base_amount"], note=cd["note"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã ghi căn cứ tính đảng phí của {members[cd['member']].full_name}.")
            return redirect("fees:bases", pk=org.pk)
    return render(request, "fees/form.html", _ctx(request, org, form=form,
                                                   title=f"Căn cứ tính đảng phí — {org.name}"))


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request, pk):
    org = _writable_org(request, pk)
    members = {m.pk: m for m in _members_for_form(org)}
    initial = {"from_month": month_start(timezone.localdate()), "member": request.GET.get("dang_vien")}
    form = DecisionForm(request.POST or None, members=members.values(), initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.fee_decision_create(
                actor=request.user, member=members[cd["member"]], kind=cd["kind"], ground=cd["ground"],
                percent=cd["percent"], from_month=cd["from_month"], to_month=cd["to_month"], reason=cd["reason"],
                decision_no=cd["decision_no"], decided_on=cd["decided_on"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã ghi quyết định miễn, giảm đảng phí của {members[cd['member']].full_name}.")
            return redirect("fees:bases", pk=org.pk)
    return render(request, "fees/form.html", _ctx(request, org, form=form,
                                                   title=f"Quyết định miễn, giảm đảng phí — {org.name}"))


@login_required
def member_fees(request, pk):
    """The member page's "Đảng phí" tab (an htmx fragment): bases and the last 24 months of the ledger."""
    from tcxd.members.selectors import member_get

    member = member_get(actor=request.user, pk=pk)
    lines = list(member.fee_payments.order_by("-month")[:24])
    bases = list(member.fee_bases.order_by("-valid_from", "-id")[:12])
    return render(request, "fees/_member_fees.html", {"member": member, "lines": lines, "bases": bases})
