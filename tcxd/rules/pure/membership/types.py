"""Value types of the member lifecycle. Pure Python, no Django."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# lookup("admission.age_min_months", date(2025, 8, 1)) -> 216; raises LookupError if not in force.
Lookup = Callable[[str, date], Any]


class EventKind(StrEnum):
    """Every dated fact of a member's life. Data keys each kind carries are listed in ``DATA_KEYS``."""

    # Admission pipeline (B-01 … B-07); org = the cell considering the candidate
    CANDIDATE = "candidate"  # quần chúng ưu tú được giới thiệu
    AWARENESS_COURSE = "awareness_course"  # giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng (60 months)
    APPLICATION = "application"  # đơn xin vào Đảng
    INTRODUCERS = "introducers"  # người giới thiệu (B-03)
    BACKGROUND_CHECK = "background_check"  # thẩm tra lý lịch
    CELL_VOTE = "cell_vote"  # chi bộ xét, biểu quyết đề nghị kết nạp (≥ 2/3, A-09 roster)
    COMMITTEE_VOTE = "committee_vote"  # đảng ủy cơ sở biểu quyết (≥ 2/3 of committee members)
    ADMISSION_DECISION = "admission_decision"  # quyết định kết nạp (deadline B-06)
    CEREMONY = "ceremony"  # lễ kết nạp (≤ 30 working days after the decision, B-07); probation starts
    CANDIDATE_DROPPED = "candidate_dropped"  # không kết nạp / dừng xem xét
    # Probation and recognition (B-10, B-11)
    RECOGNITION_VOTE = "recognition_vote"  # chi bộ xét công nhận chính thức (≥ 2/3)
    RECOGNITION = "recognition"  # quyết định công nhận đảng viên chính thức; effective on probation end
    PROBATION_STRUCK_OFF = "probation_struck_off"  # xóa tên trong danh sách đảng viên dự bị
    # Transfers (B-15, B-16)
    TRANSFER_OUT = "transfer_out"  # giới thiệu chuyển sinh hoạt chính thức (send)
    TRANSFER_IN = "transfer_in"  # tiếp nhận sinh hoạt chính thức (receive)
    TRANSFER_CANCELLED = "transfer_cancelled"  # hủy giấy giới thiệu chưa được tiếp nhận
    TEMP_TRANSFER_OUT = "temp_transfer_out"  # chuyển sinh hoạt tạm thời (to a host org, or abroad)
    TEMP_TRANSFER_RETURN = "temp_transfer_return"  # trở lại sinh hoạt chính thức
    # chuyển sinh hoạt theo sắp xếp tổ chức: org = the org being closed (merged, split, dissolved into a
    # successor), target_org = its successor, which becomes the official org from ``on``; nothing else changes.
    # Written only by a restructuring operation (never one member at a time), undone with it.
    ORG_RESTRUCTURED = "org_restructured"
    # Exemption (B-17, B-18)
    EXEMPTION_START = "exemption_start"  # miễn công tác và sinh hoạt đảng
    EXEMPTION_END = "exemption_end"
    TEMP_EXEMPTION_START = "temp_exemption_start"  # tạm miễn sinh hoạt (working far away)
    TEMP_EXEMPTION_END = "temp_exemption_end"
    # Leaving (B-19, B-20) and readmission (B-08)
    STRUCK_OFF = "struck_off"  # xóa tên (ground a–e)
    EXPELLED = "expelled"  # khai trừ
    LEFT = "left"  # xin ra khỏi Đảng
    DIED = "died"  # từ trần
    READMISSION_DECISION = "readmission_decision"  # quyết định kết nạp lại (once; B-08); then CEREMONY
    RESTORED = "restored"  # khôi phục đảng tịch (wrongly removed: party age continuous)
    # Card, badges, discipline (B-13, B-22…B-25)
    CARD_ISSUED = "card_issued"  # phát thẻ đảng viên (official members only)
    CARD_REPLACED = "card_replaced"  # cấp lại / đổi thẻ
    BADGE = "badge"  # tặng / truy tặng Huy hiệu Đảng
    DISCIPLINE = "discipline"  # kỷ luật (khiển trách, cảnh cáo, cách chức; khai trừ → EXPELLED)
    # Screening (B-21, CT 28-CT/TW, HD 02-HD/BTCTW): secret-ballot tallies only
    SCREENING_VOTE = "screening_vote"  # chi bộ bỏ phiếu kín đưa vào danh sách cần giáo dục, giúp đỡ
    SCREENING_RESULT = "screening_result"  # kết quả giáo dục, giúp đỡ (tiến bộ / không tiến bộ)


_VOTE_KEYS = {
    "summoned_official": "int: official members of the cell summoned to the meeting (A-09)",
    "temp_transferred_out": "int, default 0: of those, temporarily transferred out to another org",
    "exempted_absent": "int, default 0: of those, exempted from activities (B-18) and absent",
    "yes": "int: votes in favour; passes when 3*yes >= 2*(summoned − temp − exempted absent)",
    "ballot_round": "int, default 1: ballot number; more than admission.max_ballot_rounds is refused (B-05)",
}
_EXIT_GROUND = "str: exit ground code (codes.STRIKE_OFF_GROUNDS / EXPEL_GROUNDS); decides readmission (B-08)"

# Data keys read by the engine, per kind (anything else in ``Event.data`` is kept but ignored).
# Dates in data may be ``date`` objects or ISO strings.
DATA_KEYS: dict[EventKind, dict[str, str]] = {
    EventKind.INTRODUCERS: {
        "introducers": "list of {name: str, official: bool, months_together: int} (B-03)",
        "youth_union": "bool: the grassroots Youth Union committee introduces (replaces one member)",
    },
    EventKind.CELL_VOTE: {**_VOTE_KEYS, "provincial_approval": "bool: consent for an applicant over 60 (B-01)"},
    EventKind.COMMITTEE_VOTE: {
        "committee_members": "int: members of the grassroots committee",
        "yes": "int: votes in favour (≥ 2/3 of committee_members)",
        "ballot_round": _VOTE_KEYS["ballot_round"],
    },
    EventKind.ADMISSION_DECISION: {
        "by_grassroots_committee": "bool: the grassroots committee is the competent body → its vote is required",
        "reported_up": "bool: decided by the superior after the last failed ballot (B-05)",
        "received_on": "date: day the cell received the decision (ceremony window starts here; default on)",
    },
    EventKind.CEREMONY: {"superior_consent": "bool: superior committee agreed to a ceremony after the window"},
    EventKind.RECOGNITION_VOTE: dict(_VOTE_KEYS),
    EventKind.RECOGNITION: {"reported_up": "bool: decided by the superior after the last failed ballot"},
    EventKind.PROBATION_STRUCK_OFF: {"exit_ground": "str, optional: codes.PROBATION_STRIKE_OFF_GROUNDS"},
    EventKind.TRANSFER_OUT: {"destination": "str: where to, required when target_org is None (abroad…)"},
    EventKind.TEMP_TRANSFER_OUT: {
        "destination": "str: where to, required when target_org is None (abroad…)",
        "until": "date, optional: expected return (3 to < 12 months; study: up to 24 months, B-16)",
        "study": "bool: full-time study (the 24-month bound applies)",
    },
    EventKind.ORG_RESTRUCTURED: {
        "operation": "int: id of the restructuring operation (orgs side) that moved the member; required; "
                     "undoing the operation voids every event carrying it",
    },
    EventKind.STRUCK_OFF: {"exit_ground": _EXIT_GROUND + " — required, one of STRIKE_OFF_GROUNDS"},
    EventKind.EXPELLED: {"exit_ground": _EXIT_GROUND + " — required, one of EXPEL_GROUNDS"},
    EventKind.LEFT: {"family_hardship": "bool: left for special family hardship (readmission possible, B-08)"},
    EventKind.READMISSION_DECISION: {
        "provincial_consent": "bool: written consent of the provincial standing committee (required)",
        "family_hardship": "bool: the earlier LEFT was for special family hardship",
        "exit_ground": "str: ground of the current exit when the exit event has none",
        "record_expunged_on": "date: criminal record expunged (exit ground minor_crime: +60 months)",
        "reported_up": "bool: decided by the superior after the last failed ballot",
        "by_grassroots_committee": "bool: as for ADMISSION_DECISION",
    },
    EventKind.CARD_ISSUED: {"card_no": "str: card number (required)"},
    EventKind.CARD_REPLACED: {"card_no": "str: new card number (required)"},
    EventKind.BADGE: {
        "years": "int: milestone (badge.milestones_years)",
        "reason": 'str: "normal" (default) | "serious_illness" | "posthumous" (B-24)',
    },
    EventKind.SCREENING_VOTE: {
        "summoned_official": "int: official members of the cell (A-09)",
        "temp_transferred_out": _VOTE_KEYS["temp_transferred_out"],
        "exempted_absent": "int, default 0: exempted members (excluded from the base, B-21)",
        "yes": "int: secret-ballot votes for putting the member on the help list (≥ 2/3 → listed)",
        "ballot_round": "int, default 1",
    },
    EventKind.SCREENING_RESULT: {"outcome": 'str: "improved" | "not_improved" (after the help period)'},
    EventKind.DISCIPLINE: {
        "form": 'str: "khien_trach" | "canh_cao" | "cach_chuc" | "khai_tru" (khai_tru = expulsion)',
        "holds_post": "bool: the member holds a Party post (required for cach_chuc)",
        "exit_ground": "str: with khai_tru, one of EXPEL_GROUNDS",
    },
}


class Status(StrEnum):
    CANDIDATE = "candidate"  # quần chúng ưu tú / đang xét kết nạp
    NOT_ADMITTED = "not_admitted"  # dừng xem xét kết nạp
    ADMITTED = "admitted"  # có quyết định kết nạp, chờ lễ kết nạp
    PROBATIONARY = "probationary"  # đảng viên dự bị
    OFFICIAL = "official"  # đảng viên chính thức
    STRUCK_OFF = "struck_off"  # đã xóa tên
    EXPELLED = "expelled"  # đã khai trừ
    LEFT = "left"  # đã ra khỏi Đảng
    DECEASED = "deceased"  # từ trần


STATUS_LABELS = {
    Status.CANDIDATE: "Quần chúng ưu tú (đang xét kết nạp)",
    Status.NOT_ADMITTED: "Dừng xem xét kết nạp",
    Status.ADMITTED: "Đã có quyết định kết nạp, chờ lễ kết nạp",
    Status.PROBATIONARY: "Đảng viên dự bị",
    Status.OFFICIAL: "Đảng viên chính thức",
    Status.STRUCK_OFF: "Đã xóa tên",
    Status.EXPELLED: "Đã khai trừ",
    Status.LEFT: "Đã ra khỏi Đảng",
    Status.DECEASED: "Từ trần",
}
MEMBER_STATUSES = frozenset({Status.PROBATIONARY, Status.OFFICIAL})  # counted in đảng số


@dataclass(frozen=True)
class Event:
    """One dated fact. ``on`` is the effective date (for RECOGNITION: the probation end date).

    ``org`` is the org the event happens at (the cell); ``target_org`` the receiving/host org of a
    transfer (None when it leaves the system, e.g. abroad: then ``data["destination"]`` says where).
    ``decision_date`` may be later than ``on`` (a recognition signed late still takes effect on the
    probation end, B-11). ``seq`` orders events of the same day.
    """

    kind: EventKind
    on: date
    org: int | None = None
    target_org: int | None = None
    decision_no: str = ""
    decision_date: date | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    seq: int = 0


@dataclass(frozen=True)
class Facts:
    """Dossier facts the rules need (not events)."""

    birth_date: date | None
    sex: str  # "M" | "F"
    lower_secondary_done: bool = True  # B-02: tốt nghiệp THCS trở lên
    education_exception: bool = False  # B-02 exception area (miền núi, hải đảo…)


@dataclass(frozen=True)
class Transfer:
    kind: str  # "official" | "temporary"
    from_org: int | None
    to_org: int | None
    sent_on: date
    destination: str = ""  # when leaving the system (abroad, other system)


@dataclass(frozen=True)
class State:
    """The member as of one day."""

    status: Status | None  # None before the first event
    official_org: int | None  # where the member is officially registered (counted, G-04)
    temporary_org: int | None = None  # host org while temporarily transferred (not counted there, B-16)
    pending_transfer: Transfer | None = None  # "đang chuyển": sent, not yet received
    exempted: bool = False  # miễn công tác và sinh hoạt đảng (B-18)
    temp_exempted: bool = False  # tạm miễn sinh hoạt (B-17)
    card_no: str = ""
    # The open temporary transfer (B-16); also set when the host is outside the system (abroad), where
    # ``temporary_org`` is None and ``temporary_transfer.destination`` says where.
    temporary_transfer: Transfer | None = None

    @property
    def counted_at(self) -> int | None:
        """The org whose membership total (đảng số) includes this member (G-04, B-16), else None."""
        return self.official_org if self.is_member else None

    @property
    def is_member(self) -> bool:
        return self.status in MEMBER_STATUSES


@dataclass(frozen=True)
class Problem:
    """Why an event is refused: a stable code, a Vietnamese message naming the rule, the rule ref."""

    code: str
    message: str
    rule: str = ""
    field: str = ""


@dataclass(frozen=True)
class Deadline:
    code: str  # e.g. "recognition_due", "ceremony_due", "transfer_receipt_overdue"
    due: date
    message: str
    rule: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class PartyAge:
    years: int
    months: int
    since: date  # first admission decision date
    excluded_days: int  # days removed for gaps (B-12)


@dataclass(frozen=True)
class BadgeDue:
    years: int  # milestone (30, 40, 45, …)
    reached_on: date  # the day party age reaches the milestone
    occasion: date  # first award occasion (3/2, 19/5, 2/9, 7/11) on or after reached_on
    deferred_until: date | None = None  # discipline deferral (B-25)


@dataclass(frozen=True)
class Calendar:
    """Working-day arithmetic (domain I.1): the holiday calendar is injected."""

    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
