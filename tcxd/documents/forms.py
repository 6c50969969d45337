"""Forms of the documents pages: they only parse; the service judges the file."""

from __future__ import annotations

from django import forms

from tcxd.common.forms import BootstrapFormMixin

from .rendering import MAX_TEMPLATE_BYTES


class TemplateUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Tệp mẫu đã sửa (.docx)", required=False,
                           help_text=f"Tài liệu Word .docx, tối đa {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB; chỉ dùng "
                                     "các thẻ trong danh sách bên cạnh.",
                           widget=forms.ClearableFileInput(attrs={"accept": ".docx"}))
    note = forms.CharField(label="Ghi chú (nội dung sửa)", max_length=2000, required=False)

    def content(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        return upload.read(MAX_TEMPLATE_BYTES + 1) if upload else None  # past the limit: refused as too big

    def file_name(self) -> str:
        upload = self.cleaned_data.get("file")
        return upload.name if upload else ""


class RevertForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="Lý do (ghi vào nhật ký)", max_length=2000, required=False)
