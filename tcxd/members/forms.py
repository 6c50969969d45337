from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model

from tcxd.common.forms import BootstrapFormMixin, VnDateField

from .codes import Ethnicity, GeneralEducation, PoliticalTheory, ProfessionalLevel, Religion, Sex
from .models import Member, StatusChoices

FORM_FIELDS = (
    "full_name", "birth_name", "other_names", "sex", "birth_date", "birth_place", "hometown",
    "permanent_address", "current_address", "ethnicity", "religion", "cccd", "cccd_issued_on", "phone", "email",
    "general_education", "general_grade", "professional_level", "specialization", "academic_title",
    "political_theory", "foreign_language", "it_level", "occupation_group", "occupation", "workplace",
    "youth_union_joined_on", "profile_no", "fee_group",
)
UNIT_FIELDS = ("hometown_pre2025", "hometown_2025")
DATE_FIELDS = ("birth_date", "cccd_issued_on", "youth_union_joined_on")


def _dossier_fields() -> dict[str, forms.Field]:
    fields = fields_for_model(Member, fields=FORM_FIELDS)
    for name, field in fields.items():
        field.required = False  # the service reports what is missing, with the rule
        if name in DATE_FIELDS:
            fields[name] = VnDateField(label=field.label, required=False)
    fields["cccd"].help_text = "12 chữ số; là khóa định danh, không trùng."
    # Quê quán on both maps (after the free-text field as written on the papers).
    from tcxd.geo.models import MapVersion

    ordered = {}
    for name, field in fields.items():
        ordered[name] = field
        if name == "hometown":
            ordered["hometown_pre2025"] = UnitPickerField(
                map_version=MapVersion.PRE2025, label="Quê quán theo địa giới trước 01/07/2025 (xã, huyện, tỉnh)")
            ordered["hometown_2025"] = UnitPickerField(
                map_version=MapVersion.V2025, label="Quê quán theo địa giới từ 01/07/2025 (xã/phường, tỉnh)",
                help_text="Để trống thì hệ thống tự điền khi xã cũ chỉ thuộc một xã/phường mới.")
    return ordered


class MemberForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, with_start=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_dossier_fields())
        if with_start:
            self.fields["on"] = VnDateField(label="Ngày chi bộ giới thiệu quần chúng ưu tú", required=False)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-control")

    def dossier(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in FORM_FIELDS and v is not None}
        data.update({k: self.cleaned_data.get(k) for k in UNIT_FIELDS})  # None clears a unit
        return data


class SensitiveForm(BootstrapFormMixin, forms.Form):
    family_political_notes = forms.CharField(label="Đặc điểm chính trị của gia đình", required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    personal_history_notes = forms.CharField(label="Đặc điểm lịch sử bản thân", required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    economic_situation = forms.CharField(label="Hoàn cảnh kinh tế", required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))


class SearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Họ tên, tên, số CCCD hoặc số thẻ", required=False)
    status = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Đang sinh hoạt"),
                                                                           *StatusChoices.choices])
    sex = forms.ChoiceField(label="Giới tính", required=False, choices=[("", "Tất cả"), *Sex.choices])
    ethnicity = forms.ChoiceField(label="Dân tộc", required=False, choices=[("", "Tất cả"), *Ethnicity.choices])
    religion = forms.ChoiceField(label="Tôn giáo", required=False, choices=[("", "Tất cả"), *Religion.choices])
    political_theory = forms.ChoiceField(label="Lý luận chính trị", required=False,
                                         choices=[("", "Tất cả"), *PoliticalTheory.choices])
    professional_level = forms.ChoiceField(label="Chuyên môn", required=False,
                                           choices=[("", "Tất cả"), *ProfessionalLevel.choices])
    general_education = forms.ChoiceField(label="Giáo dục phổ thông", required=False,
                                          choices=[("", "Tất cả"), *GeneralEducation.choices])
    age_band = forms.ChoiceField(label="Độ tuổi", required=False)
    party_age_band = forms.ChoiceField(label="Tuổi Đảng", required=False)
    occupation_group = forms.ChoiceField(label="Nghề nghiệp", required=False)
    born_from = forms.IntegerField(label="Sinh từ năm", required=False, min_value=1900, max_value=2100)
    born_to = forms.IntegerField(label="Sinh đến năm", required=False, min_value=1900, max_value=2100)
    admitted_year = forms.IntegerField(label="Năm kết nạp", required=False, min_value=1930, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .codes import OccupationGroup
        from .selectors import AGE_BANDS, PARTY_AGE_BANDS

        self.fields["age_band"].choices = [("", "Mọi độ tuổi"), *AGE_BANDS]
        self.fields["party_age_band"].choices = [("", "Mọi tuổi Đảng"), *PARTY_AGE_BANDS]
        self.fields["occupation_group"].choices = [("", "Mọi nghề nghiệp"), *OccupationGroup.choices]


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=255, required=False)



class UnitPickerInput(forms.TextInput):
    """A text input that asks the server for matching administrative units as the user types (htmx) and
    lists them under the input; a click on one fills the input with "code — name, parents"."""

    def __init__(self, map_version: str, attrs=None):
        super().__init__(attrs)
        self.map_version = map_version

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        attrs = {**(attrs or {}), "autocomplete": "off", "hx-trigger": "input changed delay:250ms",
                 "hx-target": f"#sg-{attrs.get('id', name)}", "hx-swap": "innerHTML", "hx-sync": "this:replace",
                 "hx-get": f"{reverse('geo:unit_suggest')}?ban-do={self.map_version}&ten={name}"
                           f"&o={attrs.get('id', name)}",
                 "placeholder": "Gõ tên xã/phường (không cần dấu), rồi chọn"}
        return super().get_context(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        html = super().render(name, value, attrs, renderer)
        target = (attrs or {}).get("id", name)
        return format_html('{}<div class="list-group unit-suggestions" id="sg-{}" data-testid="sg-{}"></div>',
                           html, target, name)


class UnitPickerField(forms.Field):
    """An administrative unit of one map, typed as "code — name" (what the picker fills) or just the code."""

    def __init__(self, *, map_version: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(widget=UnitPickerInput(map_version), **kwargs)
        self.map_version = map_version

    def prepare_value(self, value):
        from tcxd.geo.models import AdminUnit
        from tcxd.geo.selectors import unit_choice_label

        return unit_choice_label(value) if isinstance(value, AdminUnit) else value

    def to_python(self, value):
        from tcxd.geo.selectors import unit_from_choice

        unit, error = unit_from_choice(value or "", map_version=self.map_version)
        if error:
            raise forms.ValidationError(error, code="unknown_unit")
        return unit
