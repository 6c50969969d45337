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
DATE_FIELDS = ("birth_date", "cccd_issued_on", "youth_union_joined_on")


def _dossier_fields() -> dict[str, forms.Field]:
    fields = fields_for_model(Member, fields=FORM_FIELDS)
    for name, field in fields.items():
        field.required = False  # the service reports what is missing, with the rule
        if name in DATE_FIELDS:
            fields[name] = VnDateField(label=field.label, required=False)
    fields["cccd"].help_text = "12 chữ số; là khóa định danh, không trùng."
    return fields


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
        return {k: v for k, v in self.cleaned_data.items() if k in FORM_FIELDS and v is not None}


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

