"""Forms of the repeating dossier rows and of the document upload. They only parse: the services
report what is missing or implausible (every field is optional here)."""

from __future__ import annotations

import copy

from django import forms

from tcxd.common.forms import BootstrapFormMixin, VnDateField

from .codes import DocumentType, Relation
from .dossier_services import MAX_UPLOAD_BYTES, ROW_KINDS


def _text(label: str, max_length: int = 255, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


def _period(start: str, end: str) -> dict[str, forms.Field]:
    return {"from_date": VnDateField(label=start, required=False),
            "to_date": VnDateField(label=end, required=False)}


ROW_FIELDS: dict[str, dict[str, forms.Field]] = {
    "work": {**_period("Từ ngày", "Đến ngày (để trống nếu đến nay)"),
             "position": _text("Chức vụ, công việc"), "unit": _text("Đơn vị, cơ quan")},
    "training": {**_period("Từ ngày", "Đến ngày"), "school": _text("Tên trường, cơ sở đào tạo"),
                 "field_of_study": _text("Ngành học"), "mode": _text("Hình thức (chính quy, tại chức…)", 60),
                 "diploma": _text("Văn bằng, chứng chỉ", 150)},
    "travel": {**_period("Từ ngày", "Đến ngày"), "country": _text("Nước đến", 100), "purpose": _text("Mục đích")},
    "reward": {"form": _text("Hình thức khen thưởng", 150), "level": _text("Cấp khen", 100),
               "decision_no": _text("Số quyết định", 60), "decided_on": VnDateField(label="Ngày quyết định",
                                                                                     required=False)},
    "family": {"relation": forms.ChoiceField(label="Quan hệ", required=False,
                                             choices=[("", "— chọn —"), *Relation.choices]),
               "full_name": _text("Họ và tên", 150),
               "birth_year": forms.IntegerField(label="Năm sinh", required=False,
                                                error_messages={"invalid": "Năm sinh phải là số, ví dụ 1962."}),
               "hometown": _text("Quê quán"), "residence": _text("Nơi ở hiện nay"),
               "occupation": _text("Nghề nghiệp, chức vụ, đơn vị", 150),
               "is_party_member": forms.BooleanField(label="Là đảng viên", required=False),
               "political_notes": forms.CharField(
                   label="Đặc điểm chính trị (thông tin hạn chế, chỉ Ban Tổ chức xem)", required=False,
                   widget=forms.Textarea(attrs={"rows": 3}))},
}
assert set(ROW_FIELDS) == set(ROW_KINDS)


class RowForm(BootstrapFormMixin, forms.Form):
    """The fields of one row kind; ``political_notes`` only for roles that may see it."""

    def __init__(self, *args, kind: str, sensitive: bool, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)
        for name, template in ROW_FIELDS[kind].items():
            if name == "political_notes" and not sensitive:
                continue
            self.fields[name] = field = copy.deepcopy(template)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def data_for_service(self) -> dict:
        return dict(self.cleaned_data)


class AttachmentForm(BootstrapFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label="Loại tài liệu", required=False,
                                 choices=[("", "— chọn trong danh mục —"), *DocumentType.choices])
    title = forms.CharField(label="Tên, số hiệu tài liệu", max_length=255, required=False,
                            help_text="Ví dụ: Quyết định số 125-QĐ/ĐU ngày 12/03/2024.")
    file = forms.FileField(label="Tệp", required=False,
                           help_text=f"PDF, JPEG hoặc PNG; tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    event = forms.TypedChoiceField(label="Kèm sự kiện (không bắt buộc)", required=False, coerce=int,
                                   empty_value=None, choices=[("", "— không gắn với sự kiện —")])

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "— không gắn với sự kiện —"), *(
            (e.pk, f"{e.on:%d/%m/%Y} — {e.get_kind_display()}{' — ' + e.decision_no if e.decision_no else ''}")
            for e in events)]


class ReasonForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="Lý do (ghi vào nhật ký)", max_length=255, required=False)


class PhotoForm(BootstrapFormMixin, forms.Form):
    photo = forms.FileField(label="Ảnh chân dung 3 × 4", required=False,
                            help_text="JPEG hoặc PNG, tối đa 5 MB; ảnh được thu nhỏ và bỏ thông tin vị trí, thiết bị.",
                            widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))
