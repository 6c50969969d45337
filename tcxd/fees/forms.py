"""Forms of the fee pages: parse input only (business rules stay in the services)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django import forms

from tcxd.common.fmt import fmt_date, fmt_int, parse_date
from tcxd.common.forms import BootstrapFormMixin, VnDateField
from tcxd.members.codes import FeeGroup

from .models import DecisionGround, DecisionKind, FeeChannel, FeePayment
from .periods import fmt_month, parse_month
from .services import PaymentEntry

_VND_RE = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")


def parse_vnd(text: str) -> int:
    """'85.000', '85000' or '85 000' (đồng, whole) → 85000. Raises ValueError (Vietnamese)."""
    raw = (text or "").strip().removesuffix("đ").removesuffix("đồng").strip().replace(" ", "")
    if not _VND_RE.match(raw) or len(raw) > 20:
        raise ValueError(f"Số tiền không hợp lệ: “{text.strip()}”. Nhập số đồng, ví dụ 85.000.")
    return int(raw.replace(".", ""))


class MonthField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "mm/yyyy", "autocomplete": "off",
                                                           "maxlength": 10}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return fmt_month(value) if isinstance(value, dt.date) else value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc))


class VndField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                           "maxlength": 24}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_vnd(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc))


class ComputeForm(BootstrapFormMixin, forms.Form):
    month = MonthField(label="Tháng")


class BasisForm(BootstrapFormMixin, forms.Form):
    member = forms.TypedChoiceField(label="Đảng viên", coerce=int)
    valid_from = MonthField(label="Áp dụng từ tháng")
    group = forms.ChoiceField(label="Nhóm đóng đảng phí", choices=FeeGroup.choices)
    base_amount = VndField(label="Căn cứ tính (đồng)", required=False,
                           help_text="Tiền lương tháng trước làm căn cứ đóng BHXH, trợ cấp BHXH, lương hưu hoặc "
                                     "lương tối thiểu vùng; để trống với học sinh, sinh viên.")
    note = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.full_name) for m in members]


class DecisionForm(BootstrapFormMixin, forms.Form):
    member = forms.TypedChoiceField(label="Đảng viên", coerce=int)
    kind = forms.ChoiceField(label="Loại quyết định", choices=DecisionKind.choices)
    ground = forms.ChoiceField(label="Căn cứ", choices=DecisionGround.choices)
    percent = forms.TypedChoiceField(label="Mức giảm", coerce=int, required=False, empty_value=None,
                                     choices=[("", "— (miễn)"), (30, "30 %"), (50, "50 %"), (70, "70 %")])
    from_month = MonthField(label="Từ tháng")
    to_month = MonthField(label="Đến tháng", required=False,
                          help_text="Hoàn cảnh khó khăn: mỗi quyết định tối đa 12 tháng.")
    decision_no = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decided_on = VnDateField(label="Ngày quyết định", required=False)
    reason = forms.CharField(label="Lý do", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.full_name) for m in members]


# ---- the ledger table -------------------------------------------------------------------------------

@dataclass
class LedgerInput:
    """What was typed in the ledger table: entries to save, per-member errors, values to show again."""

    entries: list[PaymentEntry] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    values: dict[int, dict[str, str]] = field(default_factory=dict)
    top_errors: list[str] = field(default_factory=list)


def ledger_initial(lines: dict[int, FeePayment | None]) -> dict[int, dict[str, str]]:
    out = {}
    for member_id, line in lines.items():
        paid = line is not None and line.amount_paid is not None
        out[member_id] = {
            "paid": fmt_int(line.amount_paid) if paid else "",
            "date": fmt_date(line.paid_on) if paid else "",
            "channel": line.channel if paid else FeeChannel.CASH,
        }
    return out


def parse_ledger(data, member_ids: list[int]) -> LedgerInput:
    """Rows with an amount typed in become entries; a blank row is skipped. The common date applies
    to rows whose date is blank."""
    result = LedgerInput()
    common_date = None
    common_raw = (data.get("paid_on_all") or "").strip()
    if common_raw:
        try:
            common_date = parse_date(common_raw)
        except ValueError as exc:
            result.top_errors.append(str(exc))
    for member_id in member_ids:
        raw_paid = (data.get(f"paid_{member_id}") or "").strip()
        raw_date = (data.get(f"date_{member_id}") or "").strip()
        channel = (data.get(f"channel_{member_id}") or "").strip()
        result.values[member_id] = {"paid": raw_paid, "date": raw_date, "channel": channel}
        if not raw_paid:
            if raw_date:
                result.errors[member_id] = ["Có ngày đóng nhưng chưa nhập số tiền."]
            continue
        problems = []
        amount = paid_on = None
        try:
            amount = parse_vnd(raw_paid)
        except ValueError as exc:
            problems.append(str(exc))
        if raw_date:
            try:
                paid_on = parse_date(raw_date)
            except ValueError as exc:
                problems.append(str(exc))
        else:
            paid_on = common_date
        if problems:
            result.errors[member_id] = problems
        else:
            result.entries.append(PaymentEntry(member_id, amount, paid_on, channel))
    return result
