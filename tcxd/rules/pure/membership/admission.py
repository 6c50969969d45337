"""Admission, recognition and readmission rules (B-01 … B-08, B-10, B-11, A-09)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..calendar import add_months, age_in_months
from .codes import EXPEL_GROUNDS, NO_READMISSION_GROUNDS, STRIKE_OFF_GROUNDS, as_date, fmt, hd, qd
from .common import Ctx, tally, vote_passed
from .derive import current_ceremony, cycle_events, is_exit, latest, probation_end
from .types import Event, EventKind

K = EventKind
CHARTER = "Điều lệ Đảng"
# Not (yet) in the registry: QĐ thi hành Điều lệ điểm 3.5.1.b (29/24/232/294). Used only when the
# registry does not know the key at all.
READMISSION_WAIT_KEY, READMISSION_WAIT_DEFAULT = "admission.readmission_min_months_after_exit", 36
EXPUNGED_WAIT_KEY, EXPUNGED_WAIT_DEFAULT = "admission.readmission_min_months_after_expungement", 60


def check_candidate(ctx: Ctx) -> None:
    if ctx.new.org is None:
        ctx.add(
            "org_required",
            "Phải ghi chi bộ xem xét, giới thiệu quần chúng ưu tú (Điều lệ Đảng, Điều 4).",
            rule="B-01",
            field="org",
        )


# --- Introducers (B-03) ---------------------------------------------------------------------------------
def introducer_problems(ctx: Ctx, data: Mapping[str, Any], on: date) -> None:
    need = ctx.param("admission.introducer_count", on)
    min_months = ctx.param("admission.introducer_min_months_together", on)
    if need is None or min_months is None:
        return
    rule = f"{CHARTER}, Điều 4; {qd(on)} điểm 3.2"
    people = data.get("introducers")
    if not isinstance(people, list):
        people = []
    youth_union = bool(data.get("youth_union"))
    good = 0
    for i, person in enumerate(people, start=1):
        if not isinstance(person, Mapping):
            ctx.add("introducer_invalid", f"Người giới thiệu thứ {i}: dữ liệu không hợp lệ.", "B-03", "introducers")
            continue
        name = str(person.get("name") or f"thứ {i}")
        official = person.get("official") is True
        months = person.get("months_together")
        enough = isinstance(months, int) and not isinstance(months, bool) and months >= min_months
        if not official:
            ctx.add(
                "introducer_not_official",
                f"Người giới thiệu {name} phải là đảng viên chính thức ({rule}).",
                "B-03",
                "introducers",
            )
        if not enough:
            ctx.add(
                "introducer_months_together",
                f"Người giới thiệu {name} phải cùng công tác, học tập hoặc sinh sống với người vào Đảng ít nhất "
                f"{min_months} tháng (mới ghi {months if months is not None else 'không rõ'} tháng) ({rule}).",
                "B-03",
                "introducers",
            )
        good += int(official and enough)
    required = need - 1 if youth_union else need
    if good < required:
        how = (
            f"1 đảng viên chính thức và Ban Chấp hành Đoàn cơ sở (cần thêm {required - good} đảng viên)"
            if youth_union
            else f"{need} đảng viên chính thức (hiện có {good} người hợp lệ)"
        )
        ctx.add(
            "introducers_insufficient",
            f"Người vào Đảng phải được giới thiệu bởi {how} ({rule}).",
            "B-03",
            "introducers",
        )


def check_introducers_event(ctx: Ctx) -> None:
    introducer_problems(ctx, ctx.data, ctx.new.on)


# --- Cell vote (B-01, B-02, B-04, B-05, A-09) -----------------------------------------------------------
def check_cell_vote(ctx: Ctx) -> None:
    on = ctx.new.on
    _check_age(ctx)
    if not (ctx.facts.lower_secondary_done or ctx.facts.education_exception):
        ctx.add(
            "education_insufficient",
            f"Người vào Đảng phải tốt nghiệp trung học cơ sở trở lên, trừ trường hợp được áp dụng quy định riêng "
            f"cho vùng miền núi, hải đảo, vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn "
            f"({CHARTER}, Điều 1; {qd(on)} điểm 1.2).",
            rule="B-02",
        )
    _check_certificate(ctx)
    intro = latest(cycle_events(ctx.events), K.INTRODUCERS)
    if intro is None:
        ctx.add(
            "introducers_missing",
            f"Chưa có người giới thiệu: chi bộ chỉ xét kết nạp khi có đủ người giới thiệu ({CHARTER}, Điều 4).",
            rule="B-03",
        )
    else:
        introducer_problems(ctx, intro.data, on)
    _check_tally(ctx, committee=False, threshold_key="admission.cell_vote_threshold")


def _check_age(ctx: Ctx) -> None:
    on, birth = ctx.new.on, ctx.facts.birth_date
    low = ctx.param("admission.age_min_months")
    high = ctx.param("admission.age_max_months")
    rule = f"{CHARTER}, Điều 1; {qd(on)} điểm 1.1"
    if birth is None:
        ctx.add("birth_date_missing", f"Thiếu ngày sinh: không tính được tuổi đời ({rule}).", "B-01", "birth_date")
        return
    if low is None or high is None:
        return
    months = age_in_months(birth, on)
    if months < low:
        ctx.add(
            "age_below_min",
            f"Tại ngày chi bộ xét kết nạp ({fmt(on)}), người vào Đảng mới được {months} tháng tuổi (tính theo "
            f"tháng, sinh {fmt(birth)}); phải đủ {low // 12} tuổi ({low} tháng) trở lên ({rule}).",
            rule="B-01",
            field="birth_date",
        )
    elif months > high and not ctx.flag("provincial_approval"):
        ctx.add(
            "age_above_max_needs_approval",
            f"Tại ngày chi bộ xét kết nạp ({fmt(on)}), người vào Đảng đã {months} tháng tuổi, quá {high // 12} "
            f"tuổi ({high} tháng): phải có ý kiến đồng ý của cấp ủy trực thuộc Trung ương ({rule}).",
            rule="B-01",
            field="provincial_approval",
        )


def _check_certificate(ctx: Ctx) -> None:
    on = ctx.new.on
    valid = ctx.param("admission.awareness_certificate_valid_months")
    cert = latest((e for e in ctx.events if e.on <= on), K.AWARENESS_COURSE)
    rule = f"{hd(on)} điểm 5.4"
    if cert is None:
        ctx.add(
            "awareness_certificate_missing",
            f"Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng ({rule}).",
            rule="B-04",
        )
    elif valid is not None and add_months(cert.on, valid) < on:
        ctx.add(
            "awareness_certificate_expired",
            f"Giấy chứng nhận bồi dưỡng nhận thức về Đảng cấp ngày {fmt(cert.on)} chỉ có giá trị {valid} tháng "
            f"(đến {fmt(add_months(cert.on, valid))}); ngày chi bộ xét {fmt(on)} đã hết hạn, phải học lại "
            f"({rule}).",
            rule="B-04",
        )


def _check_tally(ctx: Ctx, committee: bool, threshold_key: str) -> None:
    counts, errors = tally(ctx.data, committee)
    vote_rule = f"{CHARTER}, Điều 4, 5; {hd(ctx.new.on)} điểm 3.6, 3.7; {qd(ctx.new.on)} điểm 9.3.2"
    for field, complaint in errors:
        ctx.add("vote_data_invalid", f"Kết quả biểu quyết: {complaint} ({vote_rule}).", "A-09", field)
    ctx.threshold(threshold_key)  # reports a rule not in force
    max_rounds = ctx.param("admission.max_ballot_rounds")
    if counts is not None and max_rounds is not None and counts.ballot_round > max_rounds:
        ctx.add(
            "ballot_round_exceeded",
            f"Đã biểu quyết {max_rounds} lần không đủ 2/3 tán thành thì không biểu quyết lần "
            f"{counts.ballot_round}: tổ chức đảng cấp dưới báo cáo cấp ủy cấp trên trực tiếp và cấp ủy có thẩm "
            f"quyền xem xét, quyết định ({qd(ctx.new.on)} điểm 4.2).",
            rule="B-05",
            field="ballot_round",
        )


def check_committee_vote(ctx: Ctx) -> None:
    cell = latest(cycle_events(ctx.events), K.CELL_VOTE)
    if cell is None or not vote_passed(ctx.lookup, cell, "admission.cell_vote_threshold"):
        ctx.add(
            "committee_vote_without_cell_vote",
            f"Đảng ủy cơ sở chỉ xét khi chi bộ đã có nghị quyết đề nghị kết nạp được ít nhất 2/3 đảng viên "
            f"chính thức tán thành ({CHARTER}, Điều 4; {hd(ctx.new.on)} điểm 3.7).",
            rule="B-05",
        )
    _check_tally(ctx, committee=True, threshold_key="admission.committee_vote_threshold")


def _votes_support_decision(ctx: Ctx, what: str) -> None:
    """A decision needs the cell's ≥ 2/3 resolution (and the grassroots committee's, if it voted or
    is the competent body), unless the lower level reported up after the last ballot (B-05)."""
    cycle = cycle_events(ctx.events)
    cell = latest(cycle, K.CELL_VOTE)
    rule = f"{CHARTER}, Điều 4; {hd(ctx.new.on)} điểm 3.6, 3.7; {qd(ctx.new.on)} điểm 4.2"
    if cell is None:
        ctx.add("cell_vote_missing", f"Chưa có nghị quyết của chi bộ đề nghị {what} ({rule}).", "B-05")
        return
    if not vote_passed(ctx.lookup, cell, "admission.cell_vote_threshold") and not _reported_up(ctx, cell):
        ctx.add(
            "cell_vote_not_passed",
            f"Nghị quyết chi bộ ngày {fmt(cell.on)} không được ít nhất 2/3 đảng viên chính thức tán thành "
            f"(tính trên số đảng viên chính thức được triệu tập, trừ người chuyển sinh hoạt tạm thời và người "
            f"được miễn sinh hoạt vắng mặt): chưa thể {what} ({rule}).",
            rule="B-05",
        )
    committee = latest((e for e in cycle if e.on >= cell.on), K.COMMITTEE_VOTE)
    if committee is not None:
        ok = vote_passed(ctx.lookup, committee, "admission.committee_vote_threshold", committee=True)
        if not ok and not _reported_up(ctx, committee):
            ctx.add(
                "committee_vote_not_passed",
                f"Nghị quyết đảng ủy cơ sở ngày {fmt(committee.on)} không được ít nhất 2/3 tổng số cấp ủy viên "
                f"tán thành: chưa thể {what} ({rule}).",
                rule="B-05",
            )
    elif ctx.flag("by_grassroots_committee"):
        ctx.add(
            "committee_vote_missing",
            f"Đảng ủy cơ sở được ủy quyền kết nạp phải có nghị quyết được ít nhất 2/3 tổng số cấp ủy viên tán "
            f"thành ({rule}).",
            rule="B-05",
        )


def _reported_up(ctx: Ctx, vote: Event) -> bool:
    counts, _ = tally(vote.data, vote.kind == K.COMMITTEE_VOTE)
    max_rounds = ctx.param("admission.max_ballot_rounds", vote.on)
    return (
        ctx.flag("reported_up") and counts is not None and max_rounds is not None and counts.ballot_round >= max_rounds
    )


def check_admission_decision(ctx: Ctx) -> None:
    _votes_support_decision(ctx, "kết nạp")


# --- Ceremony (B-07) --------------------------------------------------------------------------------------
def check_ceremony(ctx: Ctx) -> None:
    decision = next(
        (e for e in reversed(ctx.events) if e.kind in (K.ADMISSION_DECISION, K.READMISSION_DECISION)), None
    )
    n = ctx.param("admission.ceremony_deadline_working_days")
    if decision is None or n is None:
        return
    start = as_date(decision.data.get("received_on")) or decision.on
    due = ctx.working_day_after(start, n)
    if ctx.new.on > due and not ctx.flag("superior_consent"):
        ctx.add(
            "ceremony_late",
            f"Lễ kết nạp ngày {fmt(ctx.new.on)} quá {n} ngày làm việc kể từ ngày nhận quyết định kết nạp "
            f"({fmt(start)}; hạn cuối {fmt(due)}): phải có ý kiến đồng ý của cấp ủy cấp trên ({qd(ctx.new.on)} "
            "điểm 4.1).",
            rule="B-07",
            field="superior_consent",
        )


# --- Recognition (B-10, B-11) -----------------------------------------------------------------------------
def _probation_end(ctx: Ctx) -> date | None:
    months = ctx.param("probation.months")
    return None if months is None else probation_end(ctx.events, months)


def check_recognition_vote(ctx: Ctx) -> None:
    end = _probation_end(ctx)
    if end is not None and ctx.new.on < end:
        ctx.add(
            "recognition_vote_too_early",
            f"Chi bộ chỉ xét công nhận đảng viên chính thức khi đã hết 12 tháng dự bị (ngày {fmt(end)}); "
            f"ngày {fmt(ctx.new.on)} còn trong thời kỳ dự bị ({CHARTER}, Điều 5; {qd(ctx.new.on)} điểm 4.2).",
            rule="B-11",
            field="on",
        )
    _check_tally(ctx, committee=False, threshold_key="recognition.cell_vote_threshold")


def check_recognition(ctx: Ctx) -> None:
    end = _probation_end(ctx)
    rule = f"{CHARTER}, Điều 5; {qd(ctx.new.on)} điểm 4.2"
    if end is not None and ctx.new.on != end:
        ctx.add(
            "recognition_not_at_probation_end",
            f"Đảng viên dự bị đủ điều kiện được công nhận chính thức đúng ngày hết 12 tháng dự bị "
            f"({fmt(end)}), dù chi bộ họp chậm hoặc cấp ủy chuẩn y chậm; ngày hiệu lực ghi là {fmt(ctx.new.on)} "
            f"({rule}).",
            rule="B-11",
            field="on",
        )
    ceremony = current_ceremony(ctx.events)
    vote = latest((e for e in ctx.events if ceremony is None or e.on >= ceremony.on), K.RECOGNITION_VOTE)
    threshold_key = "recognition.cell_vote_threshold"
    if vote is None:
        ctx.add("recognition_vote_missing", f"Chưa có nghị quyết chi bộ đề nghị công nhận chính thức ({rule}).", "B-11")
    elif not vote_passed(ctx.lookup, vote, threshold_key) and not _reported_up(ctx, vote):
        ctx.add(
            "recognition_vote_not_passed",
            f"Nghị quyết chi bộ ngày {fmt(vote.on)} không được ít nhất 2/3 đảng viên chính thức tán thành: "
            f"chưa thể công nhận chính thức ({rule}).",
            rule="B-11",
        )
    signed = ctx.new.decision_date
    if signed is not None and vote is not None and signed < vote.on:
        ctx.add(
            "recognition_decision_before_vote",
            f"Ngày ký quyết định ({fmt(signed)}) trước ngày chi bộ xét ({fmt(vote.on)}) ({rule}).",
            rule="B-11",
            field="decision_date",
        )


# --- Readmission (B-08) -------------------------------------------------------------------------------------
def check_readmission(ctx: Ctx) -> None:
    on = ctx.new.on
    rule = f"{CHARTER}, Điều 4; {qd(on)} điểm 3.5"
    track = ctx.track
    if not track.ever_official:
        ctx.add(
            "readmission_never_official",
            f"Người chưa từng là đảng viên chính thức không thuộc diện kết nạp lại; xem xét kết nạp như người vào "
            f"Đảng lần đầu ({rule}).",
            rule="B-08",
        )
    max_times = ctx.param("admission.readmission_max_times")
    if max_times is not None and track.readmissions >= max_times:
        ctx.add(
            "readmission_limit",
            f"Chỉ kết nạp lại {max_times} lần; người này đã được kết nạp lại {track.readmissions} lần ({rule}).",
            rule="B-08",
        )
    for event in (e for e in ctx.events if is_exit(e)):
        _check_exit_ground(ctx, event, rule)
    exit_event = track.exit_event
    if exit_event is not None:
        wait = ctx.param(READMISSION_WAIT_KEY, fallback=READMISSION_WAIT_DEFAULT)
        if wait is not None and add_months(exit_event.on, wait) > on:
            ctx.add(
                "readmission_too_early",
                f"Chỉ xét kết nạp lại sau ít nhất {wait} tháng kể từ khi ra khỏi Đảng (ngày {fmt(exit_event.on)}; "
                f"sớm nhất {fmt(add_months(exit_event.on, wait))}) ({rule}).",
                rule="B-08",
                field="on",
            )
        if _ground(ctx, exit_event) == "minor_crime":
            _check_expungement(ctx, rule)
    if not ctx.flag("provincial_consent"):
        ctx.add(
            "readmission_consent_missing",
            f"Kết nạp lại phải được ban thường vụ tỉnh ủy, thành ủy (hoặc tương đương) đồng ý bằng văn bản ({rule}).",
            rule="B-08",
            field="provincial_consent",
        )
    _votes_support_decision(ctx, "kết nạp lại")


def _ground(ctx: Ctx, exit_event: Event) -> str | None:
    ground = exit_event.data.get("exit_ground")
    if ground is None and exit_event is ctx.track.exit_event:
        ground = ctx.data.get("exit_ground")  # the readmission may state the ground of an old exit
    return None if ground is None else str(ground)


def _check_exit_ground(ctx: Ctx, event: Event, rule: str) -> None:
    when = fmt(event.on)
    if event.kind == K.LEFT:
        if not (event.data.get("family_hardship") or ctx.flag("family_hardship")):
            ctx.add(
                "readmission_barred_left",
                f"Không xem xét kết nạp lại người đã làm đơn xin ra khỏi Đảng (ngày {when}), trừ trường hợp vì lý "
                f"do gia đình đặc biệt khó khăn ({rule}).",
                rule="B-08",
                field="family_hardship",
            )
        return
    ground = _ground(ctx, event)
    known = STRIKE_OFF_GROUNDS | EXPEL_GROUNDS | {"not_qualified": ""}
    if ground is None or ground not in known:
        ctx.add(
            "readmission_exit_ground_unknown",
            f"Không rõ lý do ra khỏi Đảng ngày {when} (exit_ground = {ground!r}): phải xác định lý do để xét điều "
            f"kiện kết nạp lại ({rule}).",
            rule="B-08",
            field="exit_ground",
        )
    elif ground in NO_READMISSION_GROUNDS:
        reason = STRIKE_OFF_GROUNDS.get(ground) or EXPEL_GROUNDS[ground]
        ctx.add(
            "readmission_barred_ground",
            f"Không xem xét kết nạp lại người đã ra khỏi Đảng (ngày {when}) vì lý do: {reason} ({rule}).",
            rule="B-08",
            field="exit_ground",
        )


def _check_expungement(ctx: Ctx, rule: str) -> None:
    expunged = as_date(ctx.data.get("record_expunged_on"))
    wait = ctx.param(EXPUNGED_WAIT_KEY, fallback=EXPUNGED_WAIT_DEFAULT)
    if expunged is None:
        ctx.add(
            "readmission_expungement_missing",
            f"Người bị án hình sự về tội ít nghiêm trọng chỉ được xét kết nạp lại sau {wait} tháng kể từ khi được "
            f"xóa án tích: phải ghi ngày xóa án tích ({rule}).",
            rule="B-08",
            field="record_expunged_on",
        )
    elif wait is not None and add_months(expunged, wait) > ctx.new.on:
        ctx.add(
            "readmission_too_early",
            f"Người bị án hình sự về tội ít nghiêm trọng chỉ được xét kết nạp lại sau {wait} tháng kể từ ngày "
            f"xóa án tích ({fmt(expunged)}; sớm nhất {fmt(add_months(expunged, wait))}) ({rule}).",
            rule="B-08",
            field="record_expunged_on",
        )
