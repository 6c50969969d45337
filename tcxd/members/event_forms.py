"""Which fields each event wizard asks for. Presentation only: the rules live in the engine.

Each entry: the event kind → (the rule the wizard cites, the extra data fields). A data field is
(key, label, type) with type one of "int", "bool", "text", or a list of (code, label) choices.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from tcxd.common.forms import BootstrapFormMixin, VnDateField
from tcxd.rules.pure.membership import EventKind, codes
from tcxd.rules.pure.membership.screening import OUTCOMES

from .codes import DocumentType
from .models import EVENT_LABELS

VOTE = [("summoned_official", "Số đảng viên chính thức được triệu tập", "int"),
        ("temp_transferred_out", "Trong đó: đang chuyển sinh hoạt tạm thời đi nơi khác", "int"),
        ("exempted_absent", "Trong đó: được miễn sinh hoạt và vắng mặt", "int"),
        ("yes", "Số tán thành", "int"),
        ("ballot_round", "Lần biểu quyết", "int")]

def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


STRUCK_OFF_GROUNDS = [(k, _cap(v)) for k, v in codes.STRIKE_OFF_GROUNDS.items()]
PROBATION_GROUNDS = [(k, _cap(v)) for k, v in codes.PROBATION_STRIKE_OFF_GROUNDS.items()]
EXPEL_GROUNDS = [(k, _cap(v)) for k, v in codes.EXPEL_GROUNDS.items()]
DISCIPLINE_FORMS = [(k, _cap(v)) for k, v in codes.DISCIPLINE_FORMS.items()]
SCREENING_OUTCOMES = [(k, _cap(v)) for k, v in OUTCOMES.items()]
BADGE_REASONS = [(k, _cap(v)) for k, v in codes.BADGE_REASONS.items()]

WIZARDS: dict[EventKind, tuple[str, list[tuple[str, str, object]]]] = {
    EventKind.AWARENESS_COURSE: ("Giấy chứng nhận có giá trị 60 tháng (HD 06-HD/TW, mục 5.4)",
                                 [("certificate_no", "Số giấy chứng nhận", "text")]),
    EventKind.APPLICATION: ("Điều lệ Đảng, Điều 4", []),
    EventKind.INTRODUCERS: ("Hai đảng viên chính thức cùng công tác, học tập, sinh sống ít nhất 12 tháng "
                            "(Điều lệ Đảng, Điều 4; QĐ 294-QĐ/TW, mục 3.2)",
                            [("introducer_1", "Người giới thiệu thứ nhất (họ tên)", "text"),
                             ("introducer_1_official", "Người thứ nhất là đảng viên chính thức", "bool"),
                             ("introducer_1_months", "Người thứ nhất: số tháng cùng công tác/sinh sống", "int"),
                             ("introducer_2", "Người giới thiệu thứ hai (họ tên)", "text"),
                             ("introducer_2_official", "Người thứ hai là đảng viên chính thức", "bool"),
                             ("introducer_2_months", "Người thứ hai: số tháng cùng công tác/sinh sống", "int"),
                             ("youth_union", "Đoàn TNCS Hồ Chí Minh cơ sở giới thiệu (thay một đảng viên)", "bool")]),
    EventKind.BACKGROUND_CHECK: ("Thẩm tra lý lịch người vào Đảng (HD 06-HD/TW)", []),
    EventKind.CELL_VOTE: ("Tuổi 18–60 tính theo tháng tại ngày chi bộ xét; ≥ 2/3 đảng viên chính thức tán thành "
                          "(Điều lệ Đảng, Điều 4; QĐ 294-QĐ/TW, mục 1.1, 9.3.2)",
                          [*VOTE, ("provincial_approval", "Có quyết định của tỉnh ủy (người trên 60 tuổi)", "bool")]),
    EventKind.COMMITTEE_VOTE: ("≥ 2/3 cấp ủy viên tán thành (HD 06-HD/TW, mục 3.7)",
                               [("committee_members", "Tổng số cấp ủy viên", "int"), ("yes", "Số tán thành", "int")]),
    EventKind.ADMISSION_DECISION: ("Quyết định trong 60 ngày làm việc từ nghị quyết của chi bộ (QĐ 294-QĐ/TW, "
                                   "mục 4.3)",
                                   [("by_grassroots_committee", "Đảng ủy cơ sở được ủy quyền quyết định", "bool"),
                                    ("reported_up", "Sau 3 lần biểu quyết không đạt 2/3, cấp dưới đã báo cáo lên "
                                                    "cấp có thẩm quyền", "bool"),
                                    ("received_on", "Ngày chi bộ nhận quyết định", "date")]),
    EventKind.CEREMONY: ("Lễ kết nạp trong 30 ngày làm việc từ khi nhận quyết định (QĐ 294-QĐ/TW, mục 4.1)",
                         [("superior_consent", "Cấp ủy cấp trên đồng ý cho tổ chức muộn hơn", "bool")]),
    EventKind.CANDIDATE_DROPPED: ("", [("reason", "Lý do", "text")]),
    EventKind.RECOGNITION_VOTE: ("≥ 2/3 đảng viên chính thức tán thành (Điều lệ Đảng, Điều 5)", VOTE),
    EventKind.RECOGNITION: ("Công nhận chính thức đúng ngày hết 12 tháng dự bị, kể cả khi quyết định ký muộn "
                            "(QĐ 294-QĐ/TW, mục 4.2)",
                            [("reported_up", "Sau 3 lần biểu quyết không đạt 2/3, đã báo cáo lên cấp có thẩm quyền",
                              "bool")]),
    EventKind.PROBATION_STRUCK_OFF: ("Điều lệ Đảng, Điều 5", [("exit_ground", "Căn cứ", PROBATION_GROUNDS)]),
    EventKind.TRANSFER_OUT: ("Hoàn thành thủ tục trong 60 ngày làm việc (QĐ 294-QĐ/TW, mục 6.3.1)",
                             [("destination", "Nơi đến (nếu ngoài hệ thống / nước ngoài)", "text")]),
    EventKind.TRANSFER_IN: ("QĐ 294-QĐ/TW, mục 6.3", []),
    EventKind.TRANSFER_CANCELLED: ("", [("reason", "Lý do", "text")]),
    EventKind.TEMP_TRANSFER_OUT: ("Thay đổi nơi cư trú/công tác từ 3 đến dưới 12 tháng; không tính vào đảng số nơi "
                                  "sinh hoạt tạm thời (QĐ 294-QĐ/TW, mục 6.3.2)",
                                  [("destination", "Nơi đến (nếu ngoài hệ thống / nước ngoài)", "text"),
                                   ("until", "Dự kiến trở lại", "date"),
                                   ("study", "Đi học tập trung trong nước (tối đa 24 tháng)", "bool")]),
    EventKind.TEMP_TRANSFER_RETURN: ("", []),
    EventKind.EXEMPTION_START: ("Tuổi cao, sức khỏe yếu, tự nguyện đề nghị; chi bộ quyết định (QĐ 294-QĐ/TW, mục 7.1)",
                                [("reason", "Lý do", "text")]),
    EventKind.EXEMPTION_END: ("", []),
    EventKind.TEMP_EXEMPTION_START: ("Đi làm ăn xa, không có điều kiện sinh hoạt (HD 12-HD/BTCTW)",
                                     [("reason", "Lý do", "text")]),
    EventKind.TEMP_EXEMPTION_END: ("", []),
    EventKind.STRUCK_OFF: ("Điều lệ Đảng, Điều 8; QĐ 01-QĐ/TW", [("exit_ground", "Căn cứ xóa tên",
                                                                  STRUCK_OFF_GROUNDS)]),
    EventKind.EXPELLED: ("QĐ 296-QĐ/TW", [("exit_ground", "Căn cứ", EXPEL_GROUNDS)]),
    EventKind.LEFT: ("Điều lệ Đảng, Điều 8", [("family_hardship", "Vì hoàn cảnh gia đình đặc biệt khó khăn", "bool")]),
    EventKind.DIED: ("", []),
    EventKind.READMISSION_DECISION: ("Chỉ kết nạp lại một lần, phải qua dự bị (QĐ 294-QĐ/TW, mục 3.5)",
                                     [("provincial_consent", "Có ý kiến đồng ý bằng văn bản của ban thường vụ tỉnh ủy",
                                       "bool"),
                                      ("family_hardship", "Ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn",
                                       "bool"),
                                      ("record_expunged_on", "Ngày được xóa án tích (nếu có)", "date"),
                                      ("by_grassroots_committee", "Đảng ủy cơ sở được ủy quyền quyết định", "bool")]),
    EventKind.RESTORED: ("QĐ 117-QĐ/TW (bị xử lý oan, sai)", [("reason", "Căn cứ", "text")]),
    EventKind.CARD_ISSUED: ("Chỉ phát thẻ cho đảng viên chính thức", [("card_no", "Số thẻ", "text")]),
    EventKind.CARD_REPLACED: ("", [("card_no", "Số thẻ mới", "text"), ("reason", "Lý do", "text")]),
    EventKind.BADGE: ("Mốc 30, 40, 45, …, 90 năm tuổi Đảng; dịp 3/2, 19/5, 2/9, 7/11 (HD 06-HD/TW)",
                      [("years", "Huy hiệu (năm tuổi Đảng)", "int"),
                       ("reason", "Trường hợp", BADGE_REASONS)]),
    EventKind.SCREENING_VOTE: ("Bỏ phiếu kín; đưa vào danh sách cần giáo dục, giúp đỡ khi ít nhất 2/3 đảng viên "
                               "chính thức (trừ đảng viên được miễn sinh hoạt) tán thành — chỉ ghi số phiếu "
                               "(CT 28-CT/TW; HD 02-HD/BTCTW)",
                               [("summoned_official", "Số đảng viên chính thức của chi bộ", "int"),
                                ("exempted_absent", "Trong đó: được miễn công tác và sinh hoạt đảng", "int"),
                                ("yes", "Số phiếu tán thành đưa vào danh sách", "int"),
                                ("ballot_round", "Lần bỏ phiếu", "int")]),
    EventKind.SCREENING_RESULT: ("Đánh giá sau thời gian giáo dục, giúp đỡ (CT 28-CT/TW; HD 02-HD/BTCTW)",
                                 [("outcome", "Kết quả", SCREENING_OUTCOMES)]),
    EventKind.DISCIPLINE: ("Dự bị chỉ khiển trách, cảnh cáo (QĐ 296-QĐ/TW)",
                           [("form", "Hình thức", DISCIPLINE_FORMS),
                            ("holds_post", "Đang giữ chức vụ trong Đảng", "bool"),
                            ("reason", "Lý do", "text")]),
}
# Kinds another operation writes for many members at once, never offered one member at a time.
SYSTEM_KINDS = frozenset({EventKind.ORG_RESTRUCTURED})
DECISION_KINDS = {EventKind.ADMISSION_DECISION, EventKind.RECOGNITION, EventKind.READMISSION_DECISION,
                  EventKind.STRUCK_OFF, EventKind.EXPELLED, EventKind.LEFT, EventKind.PROBATION_STRUCK_OFF,
                  EventKind.CARD_ISSUED, EventKind.CARD_REPLACED, EventKind.BADGE, EventKind.DISCIPLINE,
                  EventKind.RESTORED, EventKind.TRANSFER_OUT, EventKind.TEMP_TRANSFER_OUT}
TARGET_KINDS = {EventKind.TRANSFER_OUT, EventKind.TEMP_TRANSFER_OUT}


# The document an event usually comes with (the wizard preselects it; the user may pick another).
EVIDENCE = {
    EventKind.AWARENESS_COURSE: DocumentType.AWARENESS_CERT, EventKind.APPLICATION: DocumentType.APPLICATION,
    EventKind.CELL_VOTE: DocumentType.CELL_RESOLUTION, EventKind.COMMITTEE_VOTE: DocumentType.COMMITTEE_RESOLUTION,
    EventKind.ADMISSION_DECISION: DocumentType.ADMISSION_DECISION,
    EventKind.RECOGNITION: DocumentType.RECOGNITION_DECISION,
    EventKind.TRANSFER_OUT: DocumentType.TRANSFER_LETTER, EventKind.TEMP_TRANSFER_OUT: DocumentType.TRANSFER_LETTER,
    EventKind.TRANSFER_IN: DocumentType.TRANSFER_LETTER, EventKind.CARD_ISSUED: DocumentType.CARD_DECISION,
    EventKind.CARD_REPLACED: DocumentType.CARD_DECISION, EventKind.BADGE: DocumentType.BADGE_DECISION,
    EventKind.DISCIPLINE: DocumentType.DISCIPLINE_DECISION, EventKind.DIED: DocumentType.DEATH_CERTIFICATE,
}


def _document_fields(kind: EventKind) -> dict[str, forms.Field]:
    """One optional document kept as the event's evidence (the decision, the resolution, the letter)."""
    return {
        "file": forms.FileField(label="Tài liệu kèm theo (PDF, JPEG, PNG; tối đa 10 MB; không bắt buộc)",
                                required=False),
        "doc_type": forms.ChoiceField(label="Loại tài liệu", required=False, choices=DocumentType.choices,
                                      initial=EVIDENCE.get(kind, DocumentType.OTHER)),
        "doc_title": forms.CharField(label="Tên tài liệu", max_length=255, required=False),
    }


def event_documents(cleaned: dict) -> list[tuple[str, str, object]]:
    """The wizard's document as the service's (doc type, title, file) list; empty when none was chosen."""
    upload = cleaned.get("file")
    if not upload:
        return []
    return [(cleaned.get("doc_type") or DocumentType.OTHER, cleaned.get("doc_title") or "", upload)]


def event_form_class(kind: EventKind) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        "on": VnDateField(label="Ngày hiệu lực", required=False),
        "note": forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})),
    }
    if kind in DECISION_KINDS:
        fields["decision_no"] = forms.CharField(label="Số quyết định", max_length=60, required=False)
        fields["decision_date"] = VnDateField(label="Ngày ký quyết định", required=False)
        fields["decision_issuer"] = forms.CharField(label="Cơ quan quyết định", max_length=255, required=False)
    if kind in TARGET_KINDS:
        fields["target_code"] = forms.CharField(label="Mã tổ chức đảng nơi đến", max_length=40, required=False)
    for key, label, typ in WIZARDS.get(kind, ("", []))[1]:
        if typ == "int":
            fields[f"d_{key}"] = forms.IntegerField(label=label, required=False, min_value=0)
        elif typ == "date":
            fields[f"d_{key}"] = VnDateField(label=label, required=False)
        elif typ == "bool":
            fields[f"d_{key}"] = forms.BooleanField(label=label, required=False)
        elif isinstance(typ, list):
            fields[f"d_{key}"] = forms.ChoiceField(label=label, required=False, choices=[("", "— chọn —"), *typ])
        else:
            fields[f"d_{key}"] = forms.CharField(label=label, required=False, max_length=255)
    fields.update(_document_fields(kind))
    name = f"EventForm_{kind.value}"
    return type(name, (BootstrapFormMixin, forms.Form), fields)


def event_data(kind: EventKind, cleaned: dict) -> dict:
    """The engine's ``data`` mapping from the wizard's fields (empty values left out)."""
    data = {k[2:]: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in cleaned.items() if k.startswith("d_") and v not in (None, "", False)}
    if kind == EventKind.INTRODUCERS:
        introducers = []
        for i in (1, 2):
            if data.get(f"introducer_{i}"):
                introducers.append({"name": data.pop(f"introducer_{i}"),
                                    "official": bool(data.pop(f"introducer_{i}_official", False)),
                                    "months_together": int(data.pop(f"introducer_{i}_months", 0) or 0)})
            else:
                for suffix in ("", "_official", "_months"):
                    data.pop(f"introducer_{i}{suffix}", None)
        data["introducers"] = introducers
    return data


def event_label(kind: EventKind) -> str:
    return EVENT_LABELS[kind]


def data_field_labels(kind: EventKind) -> dict[str, str]:
    """data key → its label in this wizard (to name fields in the engine's messages)."""
    labels = {key: label for key, label, _ in WIZARDS.get(kind, ("", []))[1]}
    if kind == EventKind.INTRODUCERS:
        labels["introducers"] = "Người giới thiệu"
    return labels
