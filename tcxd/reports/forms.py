"""Forms of the target pages: parse input only. Whatever cannot be read as a number is handed to the
service as typed, and the service names the rule it breaks (all problems at once)."""

from __future__ import annotations

import re

from django import forms

from tcxd.common.forms import BootstrapFormMixin

from .models import Indicator

_INT_RE = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)$")


def parse_int(text) -> int | str | None:
    """'1.300', '1300' or '1 300' → 1300; '' → None; anything else comes back as typed."""
    raw = str(text if text is not None else "").strip()
    if not raw:
        return None
    compact = raw.replace(" ", "").replace("\u00a0", "")
    if _INT_RE.match(compact) and len(compact) <= 16:
        return int(compact.replace(".", ""))
    return raw


class TargetForm(BootstrapFormMixin, forms.Form):
    year = forms.CharField(label="Năm", required=False, max_length=10,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    indicator = forms.CharField(label="Chỉ tiêu", required=False, max_length=40,
                                widget=forms.Select(choices=Indicator.choices))
    planned = forms.CharField(label="Số kế hoạch", required=False, max_length=20,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                            "placeholder": "ví dụ 1.300"}))
    note = forms.CharField(label="Ghi chú (căn cứ, nghị quyết giao chỉ tiêu)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_year(self):
        return parse_int(self.cleaned_data.get("year"))

    def clean_planned(self):
        return parse_int(self.cleaned_data.get("planned"))

    def clean_indicator(self):
        return (self.cleaned_data.get("indicator") or "").strip()

    def clean_note(self):
        return (self.cleaned_data.get("note") or "").strip()


class TargetRemoveForm(BootstrapFormMixin, forms.Form):
    year = forms.CharField(widget=forms.HiddenInput, required=False)
    indicator = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label="Lý do xóa", required=False, max_length=500)

    def clean_year(self):
        return parse_int(self.cleaned_data.get("year"))

    def clean_indicator(self):
        return (self.cleaned_data.get("indicator") or "").strip()
