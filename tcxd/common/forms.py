"""Form helpers: parse input only; business rules stay in services."""

from __future__ import annotations

from django import forms

from .errors import DomainError, ValidationFailed


class VnDateField(forms.DateField):
    widget = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"},
                             format="%d/%m/%Y")
    default_error_messages = {"invalid": "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 21/11/2026."}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"])
        super().__init__(**kwargs)


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    if isinstance(error, ValidationFailed):
        for field, messages in error.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        target = error.field if error.field in form.fields else None
        form.add_error(target, error.message)


class BootstrapFormMixin:
    """Adds Bootstrap classes to widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
