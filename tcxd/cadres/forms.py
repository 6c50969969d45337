"""Forms of the cadre register: they parse only (the services judge the entry)."""

from __future__ import annotations

from django import forms

from tcxd.common.forms import BootstrapFormMixin, PickerInput, VnDateField
from tcxd.orgs.selectors import org_directory

from . import selectors as S
from .models import MoveKindChoices


class MemberPickerField(forms.Field):
    """A party member in the user's scope, as the picker fills it (“id — name (birth date)”)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PickerInput("cadres:member_suggest", "Gõ họ tên (không cần dấu), rồi chọn"))
        super().__init__(**kwargs)
        self.actor = None

    def prepare_value(self, value):
        return S.member_label(value) if hasattr(value, "full_name") else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        member = S.member_from_label(actor=self.actor, text=text)
        if member is None:
            raise forms.ValidationError("Gõ họ tên rồi chọn cán bộ trong danh sách gợi ý (đảng viên trong phạm vi "
                                        "quản lý).", code="unknown_member")
        return member


class OrgPickerField(forms.Field):
    """An org, typed as “code — name” (what the picker fills) or its code: in the user's scope, or with
    ``anywhere`` any active org by its exact code (the unit a cadre is sent to may be outside the scope)."""

    def __init__(self, *, anywhere: bool = False, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PickerInput("cadres:org_suggest", "Gõ tên hoặc mã, rồi chọn"))
        super().__init__(**kwargs)
        self.actor, self.anywhere = None, anywhere

    def prepare_value(self, value):
        return S.org_label(value) if hasattr(value, "code") else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        org = S.org_from_label(actor=self.actor, text=text)
        if org is None and self.anywhere:
            org = org_directory(code=text.split(S.SEPARATOR)[0])
        if org is None:
            code = text.split(S.SEPARATOR)[0].strip()
            where = "đang hoạt động" if self.anywhere else "trong phạm vi quản lý"
            raise forms.ValidationError(f"Không tìm thấy tổ chức đảng mã “{code}” {where}: gõ tên hoặc mã rồi chọn "
                                        "trong danh sách gợi ý.", code="unknown_org")
        return org


def _with_actor(form: forms.Form, actor) -> None:
    for field in form.fields.values():
        if hasattr(field, "actor"):
            field.actor = actor


class CadreMoveForm(BootstrapFormMixin, forms.Form):
    member = MemberPickerField(label="Cán bộ (đảng viên)", required=True,
                               error_messages={"required": "Chưa chọn cán bộ (gõ họ tên rồi chọn trong danh sách)."})
    kind = forms.ChoiceField(label="Loại quyết định", required=False, choices=[("", "— Chọn —"),
                                                                               *MoveKindChoices.choices])
    managing_org = OrgPickerField(label="Cấp ủy quản lý cán bộ (diện Ban Thường vụ quản lý)", required=True,
                                  error_messages={"required": "Chưa chọn cấp ủy quản lý cán bộ."})
    decision_no = forms.CharField(label="Số quyết định", required=False, max_length=60)
    decision_date = VnDateField(label="Ngày quyết định", required=False)
    decision_issuer = forms.CharField(label="Cơ quan quyết định", required=False, max_length=255)
    effective_on = VnDateField(label="Ngày hiệu lực", required=False)
    from_position = forms.CharField(label="Chức vụ trước", required=False, max_length=255)
    from_unit = forms.CharField(label="Đơn vị trước", required=False, max_length=255)
    to_position = forms.CharField(label="Chức vụ mới (chức danh bổ nhiệm, ứng cử)", required=False, max_length=255)
    to_unit = forms.CharField(label="Đơn vị mới (nơi đến)", required=False, max_length=255)
    to_org = OrgPickerField(label="Tổ chức đảng nơi đến (nếu có)", anywhere=True)
    higher_post = forms.BooleanField(label="Bổ nhiệm lần đầu hoặc bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn",
                                     required=False)
    file_received_on = VnDateField(label="Ngày cơ quan tổ chức cán bộ nhận đủ hồ sơ", required=False,
                                   help_text="Bắt buộc với bổ nhiệm lần đầu, chức vụ cao hơn: tuổi được tính tại ngày "
                                             "này (KL 08-KL/TW, HD 06-HD/BTCTW).")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        _with_actor(self, actor)

    def service_kwargs(self) -> dict:
        cd = self.cleaned_data
        return {"member": cd["member"], "kind": cd["kind"], "effective_on": cd["effective_on"],
                "decision_no": cd["decision_no"], "decision_date": cd["decision_date"],
                "decision_issuer": cd["decision_issuer"], "from_position": cd["from_position"],
                "from_unit": cd["from_unit"], "to_position": cd["to_position"], "to_unit": cd["to_unit"],
                "to_org": cd["to_org"], "higher_post": cd["higher_post"],
                "file_received_on": cd["file_received_on"], "note": cd["note"]}


class FilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Họ tên cán bộ", required=False, max_length=100)
    loai = forms.ChoiceField(label="Loại", required=False, choices=[("", "Mọi loại"), *MoveKindChoices.choices])
    tu = VnDateField(label="Hiệu lực từ ngày", required=False)
    den = VnDateField(label="đến ngày", required=False)
    cap_uy = OrgPickerField(label="Cấp ủy quản lý (cả các cấp ủy trực thuộc)",
                            widget=PickerInput("cadres:org_suggest", "Cấp ủy quản lý: gõ tên hoặc mã",
                                               attrs={"aria-label": "Cấp ủy quản lý"}))
    da_huy = forms.BooleanField(label="Kể cả quyết định đã hủy", required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        _with_actor(self, actor)

    def clean(self):
        cd = super().clean()
        if cd.get("tu") and cd.get("den") and cd["tu"] > cd["den"]:
            self.add_error("den", "Đến ngày phải sau từ ngày.")
        return cd


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=255, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "Ví dụ: nhập nhầm số quyết định"}))
