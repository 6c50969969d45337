"""Rules for members' events: transfers (B-15, B-16), exemptions (B-17, B-18), exits (B-19, B-20),
discipline (B-22) and cards (B-13)."""

from __future__ import annotations

from ..calendar import add_months
from .codes import (
    DISCIPLINE_FORMS,
    EXPEL_GROUNDS,
    PROBATION_STRIKE_OFF_GROUNDS,
    PROBATIONARY_DISCIPLINE_FORMS,
    STRIKE_OFF_GROUNDS,
    as_date,
    fmt,
    kl,
    qd,
)
from .common import Ctx
from .types import EventKind, Status

K = EventKind
CHARTER = "Điều lệ Đảng"


# --- Official transfer (B-15) ---------------------------------------------------------------------------
def check_transfer_out(ctx: Ctx) -> None:
    s, new = ctx.state, ctx.new
    rule = f"{qd(new.on)} điểm 6.3"
    if s.official_org is None:
        ctx.add("official_org_missing", f"Chưa rõ tổ chức đảng nơi sinh hoạt chính thức ({rule}).", "B-15", "org")
    if s.pending_transfer is not None:
        ctx.add(
            "transfer_already_pending",
            f"Đã có giấy giới thiệu chuyển sinh hoạt đảng ngày {fmt(s.pending_transfer.sent_on)} chưa được tiếp "
            f"nhận: phải tiếp nhận hoặc hủy trước khi giới thiệu chuyển tiếp ({rule}).",
            rule="B-15",
        )
    if s.temporary_transfer is not None:
        ctx.add(
            "temp_transfer_open",
            f"Đảng viên đang sinh hoạt tạm thời (từ {fmt(s.temporary_transfer.sent_on)}): phải trở lại sinh hoạt "
            f"chính thức trước khi chuyển sinh hoạt chính thức ({rule}).",
            rule="B-15",
        )
    _check_target(ctx, rule, "B-15")


def _check_target(ctx: Ctx, rule: str, ref: str) -> None:
    new = ctx.new
    if new.target_org is not None and new.target_org == ctx.state.official_org:
        ctx.add(
            "transfer_same_org",
            f"Tổ chức đảng nơi đến trùng với nơi đang sinh hoạt chính thức ({rule}).",
            rule=ref,
            field="target_org",
        )
    if new.target_org is None and not str(new.data.get("destination", "")).strip():
        ctx.add(
            "transfer_destination_missing",
            f"Phải ghi tổ chức đảng nơi đến, hoặc nơi đến (destination) khi chuyển ra ngoài hệ thống, ra nước "
            f"ngoài ({rule}).",
            rule=ref,
            field="destination",
        )


def check_transfer_in(ctx: Ctx) -> None:
    pending, rule = ctx.state.pending_transfer, f"{qd(ctx.new.on)} điểm 6.3"
    if pending is None:
        ctx.add(
            "transfer_not_pending",
            f"Không có giấy giới thiệu chuyển sinh hoạt đảng chính thức nào đang chờ tiếp nhận ({rule}).",
            rule="B-15",
        )
    elif ctx.new.org is None and pending.to_org is None:
        ctx.add(
            "transfer_in_org_missing",
            f"Phải ghi tổ chức đảng tiếp nhận (giấy giới thiệu ngày {fmt(pending.sent_on)} chuyển ra ngoài hệ "
            f"thống: {pending.destination or 'không rõ nơi đến'}) ({rule}).",
            rule="B-15",
            field="org",
        )


def check_transfer_cancelled(ctx: Ctx) -> None:
    if ctx.state.pending_transfer is None:
        ctx.add(
            "transfer_not_pending",
            f"Không có giấy giới thiệu chuyển sinh hoạt đảng nào đang chờ tiếp nhận để hủy ({qd(ctx.new.on)} "
            "điểm 6.3).",
            rule="B-15",
        )


# --- Temporary transfer (B-16) --------------------------------------------------------------------------
def check_temp_transfer_out(ctx: Ctx) -> None:
    s, new = ctx.state, ctx.new
    rule = f"{qd(new.on)} điểm 6.3.2"
    if s.official_org is None:
        ctx.add("official_org_missing", f"Chưa rõ tổ chức đảng nơi sinh hoạt chính thức ({rule}).", "B-16", "org")
    if s.temporary_transfer is not None:
        ctx.add(
            "temp_transfer_open",
            f"Đảng viên đang sinh hoạt tạm thời từ {fmt(s.temporary_transfer.sent_on)}: phải trở lại trước khi "
            f"chuyển sinh hoạt tạm thời lần khác ({rule}).",
            rule="B-16",
        )
    if s.pending_transfer is not None:
        ctx.add(
            "transfer_already_pending",
            f"Đang có giấy giới thiệu chuyển sinh hoạt chính thức ngày {fmt(s.pending_transfer.sent_on)} chưa "
            f"được tiếp nhận ({rule}).",
            rule="B-16",
        )
    _check_target(ctx, rule, "B-16")
    until = as_date(new.data.get("until"))
    if "until" in new.data and until is None:
        ctx.add("temp_transfer_until_invalid", f"Ngày dự kiến trở lại không hợp lệ ({rule}).", "B-16", "until")
    if until is None:
        return
    low = ctx.param("transfer.temporary_min_months")
    study = bool(new.data.get("study"))
    high = ctx.param("transfer.temporary_study_max_months" if study else "transfer.temporary_max_months")
    if low is not None and until < add_months(new.on, low):
        ctx.add(
            "temp_transfer_too_short",
            f"Chuyển sinh hoạt tạm thời áp dụng khi vắng từ {low} tháng trở lên; dự kiến trở lại ngày {fmt(until)} "
            f"({rule}).",
            rule="B-16",
            field="until",
        )
    # work/residence: "from 3 months to under 12"; full-time study: "3 to 24 months".
    if high is not None and (until > add_months(new.on, high) if study else until >= add_months(new.on, high)):
        bound = f"đến {high} tháng" if study else f"dưới {high} tháng"
        ctx.add(
            "temp_transfer_too_long",
            f"Chuyển sinh hoạt tạm thời chỉ áp dụng cho thời gian {bound}; dài hơn thì chuyển sinh hoạt chính thức "
            f"(dự kiến trở lại ngày {fmt(until)}) ({rule}).",
            rule="B-16",
            field="until",
        )


def check_temp_transfer_return(ctx: Ctx) -> None:
    if ctx.state.temporary_transfer is None:
        ctx.add(
            "temp_transfer_not_open",
            f"Đảng viên không sinh hoạt tạm thời ở nơi khác ({qd(ctx.new.on)} điểm 6.3.2).",
            rule="B-16",
        )


# --- Restructuring of the org tree (E-01, G-04) -------------------------------------------------------------
def check_org_restructured(ctx: Ctx) -> None:
    """The member moves with the org: ``org`` (when given) must be where the member is officially
    registered, ``target_org`` the successor; the operation's id is required (it is how the move is undone)."""
    s, new = ctx.state, ctx.new
    rule = f"sắp xếp tổ chức theo quyết định của cấp ủy có thẩm quyền; {qd(new.on)}"
    if new.target_org is None:
        ctx.add("restructure_target_missing",
                f"Phải ghi tổ chức đảng kế tục, nơi đảng viên chuyển đến sinh hoạt chính thức ({rule}).",
                rule="E-01", field="target_org")
    elif new.target_org == s.official_org:
        ctx.add("restructure_same_org",
                f"Tổ chức đảng kế tục trùng với nơi đảng viên đang sinh hoạt chính thức ({rule}).",
                rule="E-01", field="target_org")
    if new.org is not None and s.official_org is not None and new.org != s.official_org:
        ctx.add("restructure_org_mismatch",
                f"Đảng viên không sinh hoạt chính thức tại tổ chức đảng được sắp xếp vào ngày {fmt(new.on)} "
                f"({rule}).", rule="E-01", field="org")
    if new.target_org is not None and new.target_org == s.temporary_org:
        ctx.add("restructure_target_is_temporary_host",
                f"Đảng viên đang sinh hoạt tạm thời tại chính tổ chức đảng kế tục (từ "
                f"{fmt(s.temporary_transfer.sent_on)}): hãy cho trở lại sinh hoạt chính thức trước khi sắp xếp "
                f"({qd(new.on)} điểm 6.3.2).", rule="B-16", field="target_org")
    pending = s.pending_transfer
    if new.target_org is not None and pending is not None and pending.to_org == new.target_org:
        ctx.add("restructure_target_is_pending_receiver",
                f"Đảng viên đang được giới thiệu chuyển sinh hoạt chính thức đến chính tổ chức đảng kế tục (giấy "
                f"giới thiệu ngày {fmt(pending.sent_on)}): hãy tiếp nhận hoặc hủy giấy giới thiệu trước khi sắp xếp "
                f"({qd(new.on)} điểm 6.3).", rule="B-15", field="target_org")
    operation = new.data.get("operation")
    if isinstance(operation, bool) or not isinstance(operation, int) or operation <= 0:
        ctx.add("restructure_operation_missing",
                f"Thiếu mã đợt sắp xếp tổ chức (operation, số nguyên dương): chuyển sinh hoạt theo sắp xếp tổ chức "
                f"chỉ được ghi cùng một đợt sắp xếp ({rule}).", rule="E-01", field="operation")


# --- Exemptions (B-17, B-18) --------------------------------------------------------------------------------
def check_exemption(ctx: Ctx) -> None:
    kind, s = ctx.new.kind, ctx.state
    if kind in (K.EXEMPTION_START, K.EXEMPTION_END):
        active, what, rule = s.exempted, "miễn công tác và sinh hoạt đảng", f"{qd(ctx.new.on)} điểm 7.1"
        ref = "B-18"
    else:
        active, what, rule = s.temp_exempted, "tạm miễn sinh hoạt đảng", f"{qd(ctx.new.on)}; HD 12-HD/BTCTW (2022)"
        ref = "B-17"
    starting = kind in (K.EXEMPTION_START, K.TEMP_EXEMPTION_START)
    if starting and active:
        ctx.add("exemption_already_active", f"Đảng viên đang được {what} ({rule}).", ref)
    if not starting and not active:
        ctx.add("exemption_not_active", f"Đảng viên không được {what} nên không thể kết thúc ({rule}).", ref)


# --- Exits (B-19, B-20) ---------------------------------------------------------------------------------------
def check_probation_struck_off(ctx: Ctx) -> None:
    ground = ctx.data.get("exit_ground")
    if ground is not None and ground not in PROBATION_STRIKE_OFF_GROUNDS:
        _unknown_ground(ctx, PROBATION_STRIKE_OFF_GROUNDS, f"{CHARTER}, Điều 5; {qd(ctx.new.on)} điểm 4.2", "B-10")


def check_struck_off(ctx: Ctx) -> None:
    rule = f"{CHARTER}, Điều 8; {qd(ctx.new.on)} điểm 8.1"
    if ctx.data.get("exit_ground") not in STRIKE_OFF_GROUNDS:
        _unknown_ground(ctx, STRIKE_OFF_GROUNDS, rule, "B-19")


def check_expelled(ctx: Ctx) -> None:
    if ctx.data.get("exit_ground") not in EXPEL_GROUNDS:
        _unknown_ground(ctx, EXPEL_GROUNDS, f"{CHARTER}, Điều 35; {kl(ctx.new.on)}", "B-20")


def _unknown_ground(ctx: Ctx, grounds: dict[str, str], rule: str, ref: str) -> None:
    listed = "; ".join(f"{code} = {label}" for code, label in grounds.items())
    ctx.add(
        "exit_ground_invalid",
        f"Lý do «{ctx.label}» (exit_ground = {ctx.data.get('exit_ground')!r}) phải là một trong: {listed} ({rule}).",
        rule=ref,
        field="exit_ground",
    )


# --- Discipline (B-22) --------------------------------------------------------------------------------------------
def check_discipline(ctx: Ctx) -> None:
    form = ctx.data.get("form")
    rule = f"{CHARTER}, Điều 35; {kl(ctx.new.on)}"
    if form not in DISCIPLINE_FORMS:
        forms = ", ".join(f"{code} ({label})" for code, label in DISCIPLINE_FORMS.items())
        ctx.add("discipline_form_invalid", f"Hình thức kỷ luật phải là một trong: {forms} ({rule}).", "B-22", "form")
        return
    if ctx.state.status == Status.PROBATIONARY and form not in PROBATIONARY_DISCIPLINE_FORMS:
        ctx.add(
            "discipline_form_probationary",
            f"Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo, không áp dụng hình thức "
            f"{DISCIPLINE_FORMS[str(form)]} ({rule}).",
            rule="B-22",
            field="form",
        )
    if form == "cach_chuc" and not ctx.flag("holds_post"):
        ctx.add(
            "discipline_no_post",
            f"Chỉ cách chức đảng viên đang giữ chức vụ trong Đảng (holds_post) ({rule}).",
            rule="B-22",
            field="holds_post",
        )
    if form == "khai_tru" and ctx.state.status == Status.OFFICIAL and ctx.data.get("exit_ground") not in EXPEL_GROUNDS:
        _unknown_ground(ctx, EXPEL_GROUNDS, rule, "B-22")


# --- Cards (B-13) -----------------------------------------------------------------------------------------------
def check_card(ctx: Ctx) -> None:
    rule = f"thẻ đảng viên chỉ phát cho đảng viên chính thức; {qd(ctx.new.on)}, HD 12-HD/BTCTW"
    card_no = str(ctx.data.get("card_no", "")).strip()
    if not card_no:
        ctx.add("card_no_missing", f"Phải ghi số thẻ đảng viên ({rule}).", "B-13", "card_no")
    held = ctx.state.card_no
    if ctx.new.kind == K.CARD_ISSUED and held:
        ctx.add(
            "card_already_issued",
            f"Đảng viên đã có thẻ số {held}: dùng «cấp lại, đổi thẻ đảng viên» ({rule}).",
            rule="B-13",
            field="card_no",
        )
    if ctx.new.kind == K.CARD_REPLACED and not held:
        ctx.add(
            "card_not_issued",
            f"Đảng viên chưa được phát thẻ: dùng «phát thẻ đảng viên» ({rule}).",
            rule="B-13",
            field="card_no",
        )
