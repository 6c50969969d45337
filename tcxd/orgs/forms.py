from __future__ import annotations

from django import forms

from tcxd.common.forms import BootstrapFormMixin, VnDateField

from .kinds import CommitteeRole, GrassrootsType, OrgKind, SelectionMethod

BLANK = [("", "— chọn —")]


class DecisionFields(forms.Form):
    decision_no = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = VnDateField(label="Ngày quyết định", required=False)
    decision_issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)


class OrgCreateForm(BootstrapFormMixin, DecisionFields):
    code = forms.CharField(label="Mã tổ chức", max_length=40, required=False)
    name = forms.CharField(label="Tên tổ chức", max_length=255, required=False)
    short_name = forms.CharField(label="Tên ngắn", max_length=120, required=False)
    kind = forms.ChoiceField(label="Loại tổ chức", choices=BLANK + OrgKind.choices, required=False)
    grassroots_type = forms.ChoiceField(label="Loại hình tổ chức cơ sở đảng",
                                        choices=BLANK + GrassrootsType.choices, required=False)
    valid_from = VnDateField(label="Ngày thành lập (hiệu lực)", required=False)
    admin_unit = forms.CharField(label="Đơn vị hành chính (mã hoặc chọn trong danh sách)", max_length=200,
                                 required=False, widget=forms.TextInput(attrs={"list": "admin-units"}))
    congress_cycle_months = forms.TypedChoiceField(
        label="Chu kỳ đại hội", choices=[("", "Theo quy định"), ("30", "30 tháng"), ("60", "60 tháng")],
        coerce=int, empty_value=None, required=False)
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, allowed_kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            self.fields["kind"].choices = BLANK + [(k, OrgKind(k).label) for k in OrgKind.values
                                                   if k in allowed_kinds]


class OrgEditForm(BootstrapFormMixin, DecisionFields):
    code = forms.CharField(label="Mã tổ chức", max_length=40, required=False)
    name = forms.CharField(label="Tên tổ chức", max_length=255, required=False)
    short_name = forms.CharField(label="Tên ngắn", max_length=120, required=False)
    kind = forms.ChoiceField(label="Loại tổ chức", choices=OrgKind.choices, required=False)
    grassroots_type = forms.ChoiceField(label="Loại hình tổ chức cơ sở đảng",
                                        choices=BLANK + GrassrootsType.choices, required=False)
    congress_cycle_months = forms.TypedChoiceField(
        label="Chu kỳ đại hội", choices=[("", "—"), ("30", "30 tháng"), ("60", "60 tháng")],
        coerce=int, empty_value=None, required=False)
    effective_on = VnDateField(label="Ngày hiệu lực của thay đổi", required=False)
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OrgMoveForm(BootstrapFormMixin, DecisionFields):
    new_parent = forms.CharField(label="Tổ chức cấp trên mới (mã hoặc chọn trong danh sách)",
                                 max_length=300, required=False,
                                 widget=forms.TextInput(attrs={"list": "parent-candidates"}))
    effective_on = VnDateField(label="Ngày hiệu lực", required=False)


class OrgCloseForm(BootstrapFormMixin, DecisionFields):
    last_day = VnDateField(label="Hoạt động đến hết ngày", required=False)
    note = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class HeadcountForm(BootstrapFormMixin, forms.Form):
    official = forms.IntegerField(label="Đảng viên chính thức", min_value=0, required=True,
                                  error_messages={"required": "Nhập số đảng viên chính thức.",
                                                  "min_value": "Số đảng viên không được âm."})
    probationary = forms.IntegerField(label="Đảng viên dự bị", min_value=0, required=True,
                                      error_messages={"required": "Nhập số đảng viên dự bị.",
                                                      "min_value": "Số đảng viên không được âm."})


class CongressForm(BootstrapFormMixin, forms.Form):
    term_start_year = forms.IntegerField(label="Nhiệm kỳ từ năm", min_value=1930, max_value=2100,
                                         required=False)
    term_end_year = forms.IntegerField(label="Nhiệm kỳ đến năm", min_value=1930, max_value=2100,
                                       required=False)
    planned_on = VnDateField(label="Ngày dự kiến", required=False)
    held_on = VnDateField(label="Ngày khai mạc", required=False)
    held_to = VnDateField(label="Ngày bế mạc", required=False)
    is_delegate_congress = forms.BooleanField(label="Đại hội đại biểu", required=False)
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SeatForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label="Chức danh", choices=BLANK + CommitteeRole.choices, required=False)
    person_name = forms.CharField(label="Họ và tên", max_length=150, required=False)
    from_date = VnDateField(label="Từ ngày", required=False)
    method = forms.ChoiceField(label="Hình thức", choices=SelectionMethod.choices, required=False)
    ballot_round = forms.IntegerField(label="Lần bỏ phiếu (nếu bầu)", min_value=1, max_value=9,
                                      required=False)
    decision_no = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = VnDateField(label="Ngày quyết định", required=False)


class SeatEndForm(BootstrapFormMixin, forms.Form):
    to_date = VnDateField(label="Thôi giữ chức từ sau ngày", required=False)
    reason = forms.CharField(label="Lý do", max_length=255, required=False)
