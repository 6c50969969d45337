"""What a decision template is filled with: the placeholders (thẻ) of each document, their Vietnamese
descriptions (shown on the templates page), the values read from a member and one of its events, and a
sample of every value (to try an uploaded template before it is saved).

Every value is text, dates written dd/mm/yyyy; an unknown value is "……" (a dotted gap to fill by hand).
"""

from __future__ import annotations

import datetime as dt

from tcxd.common.fmt import fmt_date
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org, OrgVersion
from tcxd.orgs.selectors import org_version_on, version_valid_on
from tcxd.rules.pure.membership import EventKind as K

from .kinds import DocumentKind

GAP = "……"
# The org whose committee issues the decision: the nearest party committee above the cell.
COMMITTEE_KINDS = {OrgKind.COMMUNE, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.UPPER_GRASSROOTS, OrgKind.DISTRICT,
                   OrgKind.PROVINCIAL, OrgKind.CENTRAL_BLOC}
PROVINCE_KINDS = {OrgKind.PROVINCIAL, OrgKind.CENTRAL_BLOC}

COMMON: dict[str, str] = {
    "ho_ten": "Họ và tên đang dùng của đảng viên",
    "ho_ten_in_hoa": "Họ và tên, in hoa",
    "ho_ten_khai_sinh": "Họ và tên khai sinh",
    "gioi_tinh": "Giới tính (Nam / Nữ)",
    "ngay_sinh": "Ngày sinh (dd/mm/yyyy)",
    "noi_sinh": "Nơi sinh",
    "que_quan": "Quê quán",
    "noi_thuong_tru": "Nơi thường trú",
    "noi_o_hien_nay": "Nơi ở hiện nay",
    "dan_toc": "Dân tộc",
    "ton_giao": "Tôn giáo",
    "nghe_nghiep": "Nghề nghiệp hiện nay",
    "don_vi_cong_tac": "Đơn vị công tác",
    "trinh_do_pho_thong": "Trình độ giáo dục phổ thông",
    "chuyen_mon": "Trình độ chuyên môn, nghiệp vụ",
    "ly_luan_chinh_tri": "Trình độ lý luận chính trị",
    "so_ly_lich": "Số lý lịch đảng viên",
    "so_the": "Số thẻ đảng viên",
    "ngay_vao_dang": "Ngày vào Đảng (ngày quyết định kết nạp)",
    "ngay_chinh_thuc": "Ngày công nhận chính thức",
    "loai_dang_vien": "Đảng viên chính thức / dự bị (tại ngày của sự kiện)",
    "chi_bo": "Tên chi bộ (nơi sinh hoạt tại sự kiện)",
    "dang_bo": "Tổ chức đảng cấp trên của chi bộ",
    "cap_uy": "Cấp ủy ban hành (ví dụ: Đảng ủy xã Hòa Bình)",
    "cap_uy_in_hoa": "Cấp ủy ban hành, in hoa (đầu văn bản)",
    "cap_tren_in_hoa": "Đảng bộ cấp trên của cấp ủy ban hành, in hoa (dòng trên cùng của đầu văn bản)",
    "dia_danh": "Địa danh ghi trước ngày tháng (đơn vị hành chính của cấp ủy ban hành)",
    "so_van_ban": "Số quyết định / số giấy (ví dụ 12-QĐ/ĐU)",
    "ngay": "Ngày ký (2 chữ số)",
    "thang": "Tháng ký (2 chữ số)",
    "nam": "Năm ký",
    "ngay_ky": "Ngày ký (dd/mm/yyyy)",
    "ngay_hieu_luc": "Ngày hiệu lực của sự kiện (dd/mm/yyyy)",
    "co_quan_quyet_dinh": "Cơ quan quyết định (như đã ghi ở sự kiện, nếu có)",
}
SPECIFIC: dict[str, dict[str, str]] = {
    DocumentKind.ADMISSION: {
        "loai_ket_nap": "“kết nạp” hoặc “kết nạp lại”",
        "nguoi_gioi_thieu": "Người giới thiệu vào Đảng",
    },
    DocumentKind.RECOGNITION: {
        "ngay_le_ket_nap": "Ngày chi bộ tổ chức lễ kết nạp",
        "so_quyet_dinh_ket_nap": "Số quyết định kết nạp",
    },
    DocumentKind.TRANSFER: {
        "noi_di": "Tổ chức đảng nơi đảng viên đang sinh hoạt (nơi chuyển đi)",
        "noi_den": "Tổ chức đảng nơi chuyển đến",
    },
    DocumentKind.TEMP_TRANSFER: {
        "noi_di": "Tổ chức đảng nơi đảng viên sinh hoạt chính thức",
        "noi_den": "Tổ chức đảng nơi sinh hoạt tạm thời",
        "tu_ngay": "Sinh hoạt tạm thời từ ngày",
        "den_ngay": "Dự kiến đến ngày (nếu có)",
        "ly_do": "Lý do (đi học tập trung, đi làm việc…)",
    },
    DocumentKind.BADGE: {
        "so_nam": "Mốc Huy hiệu: số năm tuổi Đảng (30, 40, 45…)",
        "tang": "“tặng” hoặc “truy tặng”",
        "tuoi_dang": "Tuổi Đảng tại ngày tặng",
    },
}


def placeholders(kind: str) -> dict[str, str]:
    """The placeholders a template of ``kind`` may use, with their descriptions."""
    return {**COMMON, **SPECIFIC[kind]}


# -- values from the record -----------------------------------------------------------------------------
def _chain(org: Org, day: dt.date | None = None) -> list:
    """``org`` and its ancestors, the root first, as they stood on ``day`` (their names, kinds, places and
    positions of that day, from the org versions: a document signed before a merger or a renaming names the
    units of its time); today's tree when ``day`` is None or the record holds no version for it."""
    if day is not None:
        version = org_version_on(org=org, day=day)
        if version is not None:
            paths = [version.path[:end] for end in range(org.steplen, len(version.path), org.steplen)]
            above: dict[int, object] = {}
            for v in (OrgVersion.objects.filter(version_valid_on(day), path__in=paths)
                      .select_related("admin_unit").order_by("depth", "valid_from", "id")):
                above[v.depth] = v  # on a day of change the version starting that day wins
            if len(above) == len(paths):
                return [*(above[d] for d in sorted(above)), version]
    paths = [org.path[:end] for end in range(org.steplen, len(org.path), org.steplen)]
    return [*Org.objects.filter(path__in=paths).select_related("admin_unit").order_by("depth"), org]


def _name_on(org: Org, day: dt.date) -> str:
    version = org_version_on(org=org, day=day)
    return version.name if version is not None else org.name


def committee_name(org: Org) -> str:
    """The party committee of an org: “Đảng bộ xã Hòa Bình” → “Đảng ủy xã Hòa Bình”, “Đảng bộ tỉnh Lạng Sơn”
    → “Tỉnh ủy Lạng Sơn”, “Đảng bộ thành phố Hà Nội” → “Thành ủy Hà Nội”."""
    name = org.name
    for prefix, committee in (("Đảng bộ tỉnh ", "Tỉnh ủy "), ("Đảng bộ thành phố ", "Thành ủy "),
                              ("Đảng bộ ", "Đảng ủy ")):
        if name.startswith(prefix):
            return committee + name[len(prefix):]
    return name


def _issuer(chain: list[Org], kind: str) -> tuple[Org | None, Org | None]:
    """The org whose committee issues the document and the one above it."""
    wanted = PROVINCE_KINDS if kind == DocumentKind.BADGE else COMMITTEE_KINDS
    below = chain if chain[-1].kind in COMMITTEE_KINDS else chain[:-1]  # a cell's committee is above it
    for i in range(len(below) - 1, -1, -1):
        if below[i].kind in wanted:
            parent = below[i - 1] if i > 0 and below[i - 1].kind != OrgKind.CENTRAL else None
            return below[i], parent
    return None, None


def _place(chain: list[Org], issuer: Org | None) -> str:
    """The place name before the date: the administrative unit of the issuing org (or the nearest above)."""
    upto = chain.index(issuer) + 1 if issuer in chain else len(chain)
    for org in reversed(chain[:upto]):
        if org.admin_unit_id:
            return org.admin_unit.short_name
    return GAP


def _d(value: dt.date | None) -> str:
    return fmt_date(value) if value else GAP


def _or_gap(value) -> str:
    return str(value) if value not in (None, "") else GAP


def decision_context(*, member, event, facts, party) -> dict[str, str]:
    """The values of every placeholder of the document about ``event`` (a MemberEvent of ``member``);
    ``facts`` and ``party`` are the dossier's derived facts (``members.printing.dossier_context``)."""
    from .kinds import KIND_OF_EVENT

    kind = KIND_OF_EVENT[event.kind]
    cell = event.org or member.org
    signed = event.decision_date or event.on
    chain = _chain(cell, event.on)  # the units as they stood when the event took effect
    issuer, above = _issuer(chain, kind)
    parent = chain[-2] if len(chain) > 1 and chain[-2].kind != OrgKind.CENTRAL else None
    official = member.official_on is not None and member.official_on <= event.on
    values = {
        "ho_ten": member.full_name, "ho_ten_in_hoa": member.full_name.upper(),
        "ho_ten_khai_sinh": member.birth_name or member.full_name, "gioi_tinh": member.get_sex_display(),
        "ngay_sinh": _d(member.birth_date), "noi_sinh": _or_gap(member.birth_place),
        "que_quan": _or_gap(member.hometown), "noi_thuong_tru": _or_gap(member.permanent_address),
        "noi_o_hien_nay": _or_gap(member.current_address), "dan_toc": member.get_ethnicity_display(),
        "ton_giao": member.get_religion_display(),
        "nghe_nghiep": _or_gap(member.occupation or member.get_occupation_group_display()),
        "don_vi_cong_tac": _or_gap(member.workplace),
        "trinh_do_pho_thong": member.get_general_education_display(),
        "chuyen_mon": member.get_professional_level_display(),
        "ly_luan_chinh_tri": member.get_political_theory_display(),
        "so_ly_lich": _or_gap(member.profile_no), "so_the": _or_gap(member.card_no),
        "ngay_vao_dang": _d(party.admitted_on), "ngay_chinh_thuc": _d(party.official_on),
        "loai_dang_vien": "chính thức" if official else "dự bị",
        "chi_bo": chain[-1].name, "dang_bo": parent.name if parent else GAP,
        "cap_uy": committee_name(issuer) if issuer else GAP,
        "cap_uy_in_hoa": committee_name(issuer).upper() if issuer else GAP,
        "cap_tren_in_hoa": above.name.upper() if above else "",
        "dia_danh": _place(chain, issuer),
        "so_van_ban": event.decision_no or GAP,
        "ngay": f"{signed.day:02d}", "thang": f"{signed.month:02d}", "nam": str(signed.year),
        "ngay_ky": _d(signed), "ngay_hieu_luc": _d(event.on),
        "co_quan_quyet_dinh": _or_gap(event.decision_issuer),
    }
    data = event.data or {}
    if kind == DocumentKind.ADMISSION:
        values["loai_ket_nap"] = "kết nạp lại" if event.kind == K.READMISSION_DECISION else "kết nạp"
        values["nguoi_gioi_thieu"] = "; ".join(party.introducers) or GAP
        values["ngay_vao_dang"] = _d(event.on)
    elif kind == DocumentKind.RECOGNITION:
        values["ngay_le_ket_nap"] = _d(party.ceremony_on)
        values["so_quyet_dinh_ket_nap"] = _or_gap(party.admission_decision_no)
        values["ngay_chinh_thuc"] = _d(event.on)
        values["loai_dang_vien"] = "chính thức"
    elif kind in (DocumentKind.TRANSFER, DocumentKind.TEMP_TRANSFER):
        values["noi_di"] = chain[-1].name
        values["noi_den"] = (_name_on(event.target_org, event.on) if event.target_org_id
                             else _or_gap(data.get("destination")))
        if kind == DocumentKind.TEMP_TRANSFER:
            until = data.get("until")
            if isinstance(until, str):
                until = dt.date.fromisoformat(until) if until else None
            values["tu_ngay"] = _d(event.on)
            values["den_ngay"] = _d(until)
            values["ly_do"] = "đi học tập trung" if data.get("study") else GAP
    elif kind == DocumentKind.BADGE:
        values["so_nam"] = _or_gap(data.get("years"))
        values["tang"] = "truy tặng" if data.get("reason") == "posthumous" else "tặng"
        age = facts.party_age
        values["tuoi_dang"] = f"{age.years} năm {age.months} tháng" if age else GAP
    return values


# -- a sample of every value ---------------------------------------------------------------------------
SAMPLE_COMMON = {
    "ho_ten": "Nguyễn Thị Ánh Tuyết", "ho_ten_in_hoa": "NGUYỄN THỊ ÁNH TUYẾT",
    "ho_ten_khai_sinh": "Nguyễn Thị Ánh Tuyết",
    "gioi_tinh": "Nữ", "ngay_sinh": "15/03/1990", "noi_sinh": "Xã Hòa Bình, tỉnh Lạng Sơn",
    "que_quan": "Xã Hòa Bình, tỉnh Lạng Sơn", "noi_thuong_tru": "Thôn Bản Cắm, xã Hòa Bình, tỉnh Lạng Sơn",
    "noi_o_hien_nay": "Thôn Bản Cắm, xã Hòa Bình, tỉnh Lạng Sơn", "dan_toc": "Tày", "ton_giao": "Không",
    "nghe_nghiep": "Giáo viên", "don_vi_cong_tac": "Trường Tiểu học Hòa Bình", "trinh_do_pho_thong": "12/12",
    "chuyen_mon": "Đại học", "ly_luan_chinh_tri": "Sơ cấp", "so_ly_lich": "20123456", "so_the": "20012345",
    "ngay_vao_dang": "10/05/2024", "ngay_chinh_thuc": "24/05/2025", "loai_dang_vien": "chính thức",
    "chi_bo": "Chi bộ Thôn Bản Cắm", "dang_bo": "Đảng bộ xã Hòa Bình", "cap_uy": "Đảng ủy xã Hòa Bình",
    "cap_uy_in_hoa": "ĐẢNG ỦY XÃ HÒA BÌNH", "cap_tren_in_hoa": "ĐẢNG BỘ TỈNH LẠNG SƠN", "dia_danh": "Hòa Bình",
    "so_van_ban": "12-QĐ/ĐU", "ngay": "05", "thang": "03", "nam": "2026", "ngay_ky": "05/03/2026",
    "ngay_hieu_luc": "05/03/2026", "co_quan_quyet_dinh": "Ban Thường vụ Đảng ủy xã Hòa Bình",
}
SAMPLE_SPECIFIC = {
    DocumentKind.ADMISSION: {"loai_ket_nap": "kết nạp", "nguoi_gioi_thieu": "Hoàng Văn Minh; Lý Thị Hạnh"},
    DocumentKind.RECOGNITION: {"ngay_le_ket_nap": "24/05/2024", "so_quyet_dinh_ket_nap": "01-QĐ/ĐU"},
    DocumentKind.TRANSFER: {"noi_di": "Chi bộ Thôn Bản Cắm", "noi_den": "Đảng bộ phường Đông Kinh"},
    DocumentKind.TEMP_TRANSFER: {"noi_di": "Chi bộ Thôn Bản Cắm", "noi_den": "Đảng bộ Trường Đại học Sư phạm",
                                 "tu_ngay": "01/09/2026", "den_ngay": "30/06/2027", "ly_do": "đi học tập trung"},
    DocumentKind.BADGE: {"so_nam": "30", "tang": "tặng", "tuoi_dang": "30 năm 0 tháng"},
}


def sample_context(kind: str) -> dict[str, str]:
    return {**SAMPLE_COMMON, **SAMPLE_SPECIFIC[kind]}
