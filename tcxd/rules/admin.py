"""Admin: holidays and configurable parameters are editable (through the services, audited);
regulations are read-only apart from their note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from . import services
from .models import PublicHoliday, Regulation, RuleParameter

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class ParameterInline(admin.TabularInline):
    model = RuleParameter
    fields = ("key", "value", "effective_from", "effective_to", "confidence", "is_configurable")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "issuer", "signed_on", "effective_from", "effective_to", "confidence")
    list_filter = ("confidence", "issuer")
    search_fields = ("code", "title")
    readonly_fields = ("code", "title", "issuer", "signed_on", "effective_from", "effective_to",
                       "superseded_codes", "confidence")
    fields = readonly_fields + ("note",)
    inlines = [ParameterInline]

    @admin.display(description="thay thế văn bản")
    def superseded_codes(self, obj: Regulation) -> str:
        return ", ".join(r.code for r in obj.supersedes.all()) or "—"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Regulation, form: Any, change: bool) -> None:
        services.regulation_note_update(actor=request.user, regulation=obj, note=form.cleaned_data["note"])


class RuleParameterForm(forms.ModelForm):
    change_note = forms.CharField(label="Lý do, căn cứ điều chỉnh", widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = RuleParameter
        fields = ("value",)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "value" in data:
            current = RuleParameter.objects.get(pk=self.instance.pk)
            for message in services.rule_parameter_value_errors(parameter=current, value=data["value"]):
                self.add_error("value", message)
        return data


@admin.register(RuleParameter)
class RuleParameterAdmin(admin.ModelAdmin):
    form = RuleParameterForm
    list_display = ("key", "regulation", "value", "effective_from", "effective_to", "confidence",
                    "is_configurable")
    list_filter = ("is_configurable", "confidence", "regulation")
    search_fields = ("key", "description_vi")
    list_select_related = ("regulation",)
    readonly_fields = ("key", "regulation", "description_vi", "unit", "effective_from", "effective_to",
                       "confidence", "is_configurable", "updated_at")
    fields = readonly_fields[:4] + ("value", "change_note") + readonly_fields[4:]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: RuleParameter | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_configurable)

    def save_model(self, request: Any, obj: RuleParameter, form: Any, change: bool) -> None:
        services.rule_parameter_update(actor=request.user, parameter=obj, value=form.cleaned_data["value"],
                                       note=form.cleaned_data["change_note"])


class PublicHolidayForm(forms.ModelForm):
    class Meta:
        model = PublicHoliday
        fields = ("date", "name", "kind", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("kind"):
            problems = services.holiday_errors(day=data["date"], name=data.get("name", ""), kind=data["kind"],
                                               exclude_pk=self.instance.pk)
            for field, messages in problems.items():
                for message in messages:
                    if field not in self.errors:
                        self.add_error(field, message)
        return data


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    form = PublicHolidayForm
    list_display = ("date", "weekday", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"

    @admin.display(description="thứ", ordering="date")
    def weekday(self, obj: PublicHoliday) -> str:
        return WEEKDAYS_VI[obj.date.weekday()]

    def save_model(self, request: Any, obj: PublicHoliday, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in ("name", "kind", "note")}
        if change:
            services.holiday_update(actor=request.user, holiday=obj, day=form.cleaned_data["date"], **data)
        else:
            created = services.holiday_create(actor=request.user, day=form.cleaned_data["date"], **data)
            obj.pk = created.pk

    def delete_model(self, request: Any, obj: PublicHoliday) -> None:
        services.holiday_delete(actor=request.user, holiday=obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for holiday in queryset:
            services.holiday_delete(actor=request.user, holiday=holiday)
