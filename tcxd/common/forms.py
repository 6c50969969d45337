"""Form helpers: parse input only; business rules stay in services."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html

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


class PickerInput(forms.TextInput):
    """A text input that asks the server for matches as the user types (htmx) and lists them under it; a click
    on one fills the input (tcxd/static/tcxd/app.js, data-fill)."""

    def __init__(self, url_name: str, placeholder: str, attrs=None):
        super().__init__(attrs)
        self.url_name, self.placeholder = url_name, placeholder

    def get_context(self, name, value, attrs):
        target = (attrs or {}).get("id", name)
        attrs = {**(attrs or {}), "autocomplete": "off", "hx-trigger": "input changed delay:250ms",
                 "hx-target": f"#sg-{target}", "hx-swap": "innerHTML", "hx-sync": "this:replace",
                 "hx-get": f"{reverse(self.url_name)}?ten={name}&o={target}", "placeholder": self.placeholder}
        return super().get_context(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        target = (attrs or {}).get("id", name)
        return format_html('{}<div class="list-group unit-suggestions" id="sg-{}" data-testid="sg-{}"></div>',
                           html, target, name)
