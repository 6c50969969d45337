"""Forms of the import pages: they parse input only; the rules (readable file, a valid mapping, scope) are the
services'."""

from __future__ import annotations

from django import forms

from tcxd.common.forms import BootstrapFormMixin, PickerInput

from . import selectors as Sel
from .models import Kind, Mode
from .reading import EXTENSIONS

NOT_IMPORTED = ("", "— không nhập —")
ACCEPT = ",".join(EXTENSIONS)


class UnitPickerField(forms.Field):
    """The receiving unit, in the user's scope, typed as “code — name” (what the picker fills) or the code alone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PickerInput("imports:org_suggest", "Gõ tên hoặc mã tổ chức, rồi chọn"))
        super().__init__(**kwargs)
        self.actor = None

    def prepare_value(self, value):
        from tcxd.orgs.models import Org

        return Sel.org_label(value) if isinstance(value, Org) else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        org = Sel.org_from_label(actor=self.actor, text=text)
        if org is None:
            code = text.split(Sel.ORG_SEPARATOR)[0].strip()
            raise forms.ValidationError(f"Không tìm thấy tổ chức mã “{code}” trong phạm vi quản lý: gõ tên hoặc mã "
                                        "rồi chọn trong danh sách gợi ý.", code="unknown_org")
        return org


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Tệp dữ liệu", error_messages={
        "required": "Chưa chọn tệp: chọn tệp Excel (.xlsx, .xls), .ods hoặc .csv.",
        "empty": "Tệp rỗng.", "invalid": "Không nhận được tệp: chọn lại tệp."},
        help_text="Excel (.xlsx, .xls), OpenDocument (.ods) hoặc CSV (UTF-8, Windows-1258). Dòng tiêu đề cột được "
                  "tự nhận ra (kể cả khi phía trên có dòng tên biểu); phông TCVN3 (.VnTime) và VNI được chuyển sang "
                  "Unicode.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    root = UnitPickerField(label="Đơn vị nhận dữ liệu", error_messages={
        "required": "Chưa chọn đơn vị nhận dữ liệu."},
        help_text="Chi bộ trong tệp được tìm trong cây của đơn vị này; hồ sơ ngoài phạm vi của bạn bị từ chối.")
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=Kind.choices, initial=Kind.MEMBERS,
                             widget=forms.RadioSelect, error_messages={
                                 "required": "Chọn loại dữ liệu nhập.",
                                 "invalid_choice": "Loại dữ liệu nhập không hợp lệ."})
    sheet = forms.CharField(label="Trang tính (không bắt buộc)", required=False, max_length=100,
                            help_text="Để trống: trang hiển thị đầu tiên có dữ liệu (trang ẩn được bỏ qua).")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root"].actor = actor
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class MappingForm(BootstrapFormMixin, forms.Form):
    """One select per column of the file (the field it fills, or nothing), and an optional name to save it under."""

    save_as = forms.CharField(label="Lưu cách ghép cột này với tên", required=False, max_length=120,
                              help_text="Không bắt buộc. Lần sau, tệp có cùng các tiêu đề cột được ghép sẵn như vậy.")

    def __init__(self, *args, columns: list[Sel.ColumnChoice], kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = [NOT_IMPORTED, *Sel.field_choices(kind)]
        self.columns = columns
        for column in columns:
            self.fields[f"col_{column.index}"] = forms.ChoiceField(
                label=f"Cột {column.letter}: {column.header}", choices=choices, required=False, initial=column.field,
                error_messages={"invalid_choice": "Trường không có trong danh mục."},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def mapping(self) -> dict[int, str]:
        return {c.index: self.cleaned_data.get(f"col_{c.index}") or "" for c in self.columns
                if self.cleaned_data.get(f"col_{c.index}")}

    def rows(self):
        """(column, its bound select) pairs for the template."""
        return [(c, self[f"col_{c.index}"]) for c in self.columns]


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(label="Chế độ áp dụng", choices=Mode.choices, initial=Mode.ACCEPTED,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}), error_messages={
                                 "required": "Chọn chế độ áp dụng.",
                                 "invalid_choice": "Chế độ áp dụng không hợp lệ."})


class DecideForm(forms.Form):
    """The user's choice on one row of an update: leave it out, or leave out some of its fields."""

    skip = forms.BooleanField(required=False)
    apply_field = forms.MultipleChoiceField(required=False)  # the fields of the diff the user keeps

    def __init__(self, *args, row, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row
        self.fields["apply_field"].choices = [(d[0], d[1]) for d in row.diff]

    def declined(self) -> list[str]:
        kept = set(self.cleaned_data.get("apply_field") or [])
        return [d[0] for d in self.row.diff if d[0] not in kept]
