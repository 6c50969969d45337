"""Code lists the events carry (exit grounds, discipline forms, badge reasons), Vietnamese labels,
and the citation helpers used in every Problem/Deadline message.

Citations name the instrument in force on the event date. The instrument dates below are used for
message text only; every rule *value* comes from the injected ``lookup``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .types import STATUS_LABELS, EventKind, Status

# --- Exit grounds (data["exit_ground"]) -------------------------------------------------------------
# STRUCK_OFF (xóa tên, B-19 grounds a–e). "a" is split because only quitting activities on one's own
# bars readmission (B-08).
STRIKE_OFF_GROUNDS: dict[str, str] = {
    "a_quit_activities": "tự bỏ sinh hoạt đảng (không sinh hoạt đảng 3 tháng trong năm không có lý do chính đáng)",
    "a_unpaid_fees": "không đóng đảng phí 3 tháng trong năm không có lý do chính đáng",
    "b_card_returned": "tự ý trả thẻ đảng viên hoặc tự hủy thẻ đảng viên",
    "c_no_progress": "giảm sút ý chí, đã được giáo dục 12 tháng nhưng không tiến bộ",
    "d_two_years_violation": "hai năm liền vi phạm tư cách đảng viên",
    "e_political_standard": "không bảo đảm tiêu chuẩn chính trị theo quy định của Bộ Chính trị",
}
# PROBATION_STRUCK_OFF (xóa tên trong danh sách đảng viên dự bị, B-10/B-11): optional ground.
PROBATION_STRIKE_OFF_GROUNDS: dict[str, str] = {
    "not_qualified": "không đủ điều kiện công nhận đảng viên chính thức",
    **STRIKE_OFF_GROUNDS,
}
# EXPELLED / DISCIPLINE form "khai_tru" (khai trừ, B-20/B-22).
EXPEL_GROUNDS: dict[str, str] = {
    "corruption": "bị kết án về tội tham nhũng",
    "serious_crime": "bị kết án về tội nghiêm trọng trở lên",
    "minor_crime": "bị kết án về tội ít nghiêm trọng",
    "disunity": "gây mất đoàn kết nội bộ nghiêm trọng",
    "population_policy": "vi phạm chính sách dân số và kế hoạch hóa gia đình",
    "other_violation": "vi phạm khác đến mức phải khai trừ",
}
# Grounds that bar readmission for ever (B-08, QĐ thi hành Điều lệ điểm 3.5.2). LEFT (xin ra khỏi
# Đảng) bars it too unless data["family_hardship"].
NO_READMISSION_GROUNDS = frozenset({"a_quit_activities", "corruption", "serious_crime", "disunity"})

# --- Discipline (data["form"], B-22) ------------------------------------------------------------------
DISCIPLINE_FORMS: dict[str, str] = {
    "khien_trach": "khiển trách",
    "canh_cao": "cảnh cáo",
    "cach_chuc": "cách chức",
    "khai_tru": "khai trừ",
}
PROBATIONARY_DISCIPLINE_FORMS = frozenset({"khien_trach", "canh_cao"})

# --- Badges (data["reason"], B-23/B-24) ---------------------------------------------------------------
BADGE_REASONS: dict[str, str] = {
    "normal": "đủ tuổi đảng",
    "serious_illness": "đảng viên bị bệnh nặng (tặng sớm)",
    "posthumous": "truy tặng đảng viên đã từ trần",
}

KIND_LABELS: dict[EventKind, str] = {
    EventKind.CANDIDATE: "giới thiệu quần chúng ưu tú",
    EventKind.AWARENESS_COURSE: "lớp bồi dưỡng nhận thức về Đảng",
    EventKind.APPLICATION: "đơn xin vào Đảng",
    EventKind.INTRODUCERS: "người giới thiệu",
    EventKind.BACKGROUND_CHECK: "thẩm tra lý lịch",
    EventKind.CELL_VOTE: "chi bộ xét, biểu quyết đề nghị kết nạp",
    EventKind.COMMITTEE_VOTE: "đảng ủy cơ sở biểu quyết",
    EventKind.ADMISSION_DECISION: "quyết định kết nạp",
    EventKind.CEREMONY: "lễ kết nạp",
    EventKind.CANDIDATE_DROPPED: "dừng xem xét kết nạp",
    EventKind.RECOGNITION_VOTE: "chi bộ xét công nhận đảng viên chính thức",
    EventKind.RECOGNITION: "quyết định công nhận đảng viên chính thức",
    EventKind.PROBATION_STRUCK_OFF: "xóa tên trong danh sách đảng viên dự bị",
    EventKind.TRANSFER_OUT: "giới thiệu chuyển sinh hoạt đảng chính thức",
    EventKind.TRANSFER_IN: "tiếp nhận sinh hoạt đảng chính thức",
    EventKind.TRANSFER_CANCELLED: "hủy giấy giới thiệu sinh hoạt đảng",
    EventKind.TEMP_TRANSFER_OUT: "chuyển sinh hoạt đảng tạm thời",
    EventKind.TEMP_TRANSFER_RETURN: "trở lại sinh hoạt đảng chính thức",
    EventKind.ORG_RESTRUCTURED: "chuyển sinh hoạt theo sắp xếp tổ chức",
    EventKind.EXEMPTION_START: "miễn công tác và sinh hoạt đảng",
    EventKind.EXEMPTION_END: "thôi miễn công tác và sinh hoạt đảng",
    EventKind.TEMP_EXEMPTION_START: "tạm miễn sinh hoạt đảng",
    EventKind.TEMP_EXEMPTION_END: "thôi tạm miễn sinh hoạt đảng",
    EventKind.STRUCK_OFF: "xóa tên đảng viên",
    EventKind.EXPELLED: "khai trừ ra khỏi Đảng",
    EventKind.LEFT: "cho ra khỏi Đảng",
    EventKind.DIED: "từ trần",
    EventKind.READMISSION_DECISION: "quyết định kết nạp lại",
    EventKind.RESTORED: "khôi phục đảng tịch",
    EventKind.CARD_ISSUED: "phát thẻ đảng viên",
    EventKind.CARD_REPLACED: "cấp lại, đổi thẻ đảng viên",
    EventKind.BADGE: "tặng Huy hiệu Đảng",
    EventKind.DISCIPLINE: "kỷ luật đảng viên",
    EventKind.SCREENING_VOTE: "chi bộ bỏ phiếu kín rà soát, sàng lọc đảng viên",
    EventKind.SCREENING_RESULT: "kết quả giáo dục, giúp đỡ đảng viên sau rà soát",
}


def status_label(status: Status | None) -> str:
    return "chưa có hồ sơ" if status is None else STATUS_LABELS[status].lower()


def fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def as_date(value: Any) -> date | None:
    """A date from event data: a ``date`` or an ISO string; anything else → None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- Citations (message text only) ----------------------------------------------------------------------
_CHARTER_IMPL = (  # Quy định thi hành Điều lệ Đảng
    (date(2025, 7, 1), "QĐ 294-QĐ/TW"),
    (date(2025, 1, 20), "QĐ 232-QĐ/TW"),
    (date(2021, 7, 30), "QĐ 24-QĐ/TW"),
    (date(2016, 7, 25), "QĐ 29-QĐ/TW"),
)
_GUIDANCE = (  # Hướng dẫn thi hành Điều lệ Đảng
    (date(2025, 6, 9), "HD 06-HD/TW"),
    (date(2021, 9, 28), "HD 01-HD/TW"),
)
_DISCIPLINE = (  # kiểm tra, giám sát và kỷ luật của Đảng
    (date(2025, 5, 30), "QĐ 296-QĐ/TW"),
    (date(2021, 7, 28), "QĐ 22-QĐ/TW"),
)


def _pick(table: tuple[tuple[date, str], ...], on: date, fallback: str) -> str:
    for start, code in table:
        if on >= start:
            return code
    return fallback


def qd(on: date) -> str:
    """The Charter-implementing regulation in force on ``on``."""
    return _pick(_CHARTER_IMPL, on, "Quy định thi hành Điều lệ Đảng")


def hd(on: date) -> str:
    """The Secretariat guidance on the Charter in force on ``on``."""
    return _pick(_GUIDANCE, on, "Hướng dẫn thi hành Điều lệ Đảng")


def kl(on: date) -> str:
    """The regulation on inspection, supervision and discipline in force on ``on``."""
    return _pick(_DISCIPLINE, on, "Quy định về kỷ luật của Đảng")
