"""What an import can fill, how its columns are recognized, and how each cell is cleaned.

Pure Python (no database): a cell goes in, a value or a Vietnamese error comes out, together with the
documented conversions applied (reported on the row). The rules that judge the values (CCCD, dates,
the lifecycle) are the members context's own, applied later by ``judge``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tcxd.common.text import fold
from tcxd.members import codes as C

TEXT, NAME, DATE, CHOICE, CCCD, DIGITS, PHONE, EMAIL, ORG = (
    "text", "name", "date", "choice", "cccd", "digits", "phone", "email", "org")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial day 0 of Excel's 1900 date system (with its 1900 leap-year bug)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)  # folded spelling → stored code
    max_length: int = 255
    event: bool = False  # set through events (the party record), not a dossier correction


def _choices(enum, extra: dict[str, str] | None = None) -> dict[str, str]:
    out = {}
    for code, label in enum.choices:
        out[fold(label)] = code
        out[fold(code)] = code
    for spelling, code in (extra or {}).items():
        out[fold(spelling)] = code
    return out


def _members_fields() -> tuple[Field, ...]:
    return (
        Field("full_name", "Họ và tên", NAME, ("ho va ten", "ho ten", "ho va ten dang dung", "ho ten dang vien",
                                                "ten dang vien", "ho va ten khai sinh dang dung"), max_length=150),
        Field("birth_date", "Ngày sinh", DATE, ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ngay/thang/nam sinh",
                                                "ns")),
        Field("sex", "Giới tính", CHOICE, ("gioi tinh", "gioi", "nam nu", "nam/nu", "phai"),
              choices=_choices(C.Sex, {"nam": "M", "nu": "F", "male": "M", "female": "F", "1": "M", "0": "F"})),
        Field("cccd", "Số CCCD", CCCD, ("cccd", "so cccd", "so can cuoc", "can cuoc cong dan", "so can cuoc cong dan",
                                        "so dinh danh", "so dinh danh ca nhan", "cmnd/cccd", "so cmnd/cccd",
                                        "ma dinh danh", "can cuoc")),
        Field("cccd_issued_on", "Ngày cấp CCCD", DATE, ("ngay cap cccd", "ngay cap", "ngay cap can cuoc")),
        Field("birth_name", "Họ tên khai sinh", NAME, ("ho ten khai sinh", "ho va ten khai sinh"), max_length=150),
        Field("other_names", "Tên gọi khác", TEXT, ("ten goi khac", "bi danh", "ten khac"), max_length=150),
        Field("birth_place", "Nơi sinh", TEXT, ("noi sinh",)),
        Field("hometown", "Quê quán", TEXT, ("que quan", "que")),
        Field("permanent_address", "Nơi thường trú", TEXT, ("noi thuong tru", "thuong tru", "ho khau thuong tru",
                                                             "dia chi thuong tru")),
        Field("current_address", "Nơi ở hiện nay", TEXT, ("noi o hien nay", "cho o hien nay", "noi o", "dia chi",
                                                          "dia chi hien nay")),
        Field("ethnicity", "Dân tộc", CHOICE, ("dan toc",),
              choices=_choices(C.Ethnicity, {"khac": "99", "mong": "08", "h'mong": "08", "hmong": "08",
                                             "ede": "12", "bana": "13", "gia-rai": "10", "jrai": "10"})),
        Field("religion", "Tôn giáo", CHOICE, ("ton giao",),
              choices=_choices(C.Religion, {"khong": "none", "": "none", "phat": "phat_giao",
                                            "thien chua giao": "cong_giao", "thien chua": "cong_giao",
                                            "hoa hao": "hoa_hao", "cao dai": "cao_dai", "tin lanh": "tin_lanh"})),
        Field("phone", "Điện thoại", PHONE, ("dien thoai", "so dien thoai", "sdt", "dt", "di dong"), max_length=20),
        Field("email", "Email", EMAIL, ("email", "thu dien tu", "e-mail"), max_length=254),
        Field("general_education", "Giáo dục phổ thông", CHOICE,
              ("giao duc pho thong", "trinh do van hoa", "van hoa", "trinh do giao duc pho thong", "gdpt"),
              choices=_choices(C.GeneralEducation, {"12/12": "thpt", "10/10": "thpt", "9/12": "thcs",
                                                    "9/9": "thcs", "5/12": "tieu_hoc", "5/5": "tieu_hoc",
                                                    "cap 3": "thpt", "cap 2": "thcs", "cap 1": "tieu_hoc"})),
        Field("professional_level", "Chuyên môn nghiệp vụ", CHOICE,
              ("chuyen mon nghiep vu", "trinh do chuyen mon", "chuyen mon", "trinh do chuyen mon nghiep vu"),
              choices=_choices(C.ProfessionalLevel, {"khong": "none", "chua dao tao": "none", "cu nhan": "dai_hoc",
                                                     "ky su": "dai_hoc", "thac sy": "thac_si", "tien sy": "tien_si"})),
        Field("specialization", "Chuyên ngành", TEXT, ("chuyen nganh", "nganh dao tao"), max_length=150),
        Field("academic_title", "Học hàm", CHOICE, ("hoc ham",),
              choices=_choices(C.AcademicTitle, {"khong": "none", "pho giao su": "pgs", "giao su": "gs"})),
        Field("political_theory", "Lý luận chính trị", CHOICE,
              ("ly luan chinh tri", "trinh do ly luan chinh tri", "llct", "trinh do llct"),
              choices=_choices(C.PoliticalTheory, {"khong": "none", "chua dao tao": "none", "so cap": "so_cap",
                                                   "trung cap": "trung_cap", "cao cap": "cao_cap",
                                                   "cu nhan": "cu_nhan"})),
        Field("foreign_language", "Ngoại ngữ", TEXT, ("ngoai ngu",), max_length=100),
        Field("it_level", "Tin học", TEXT, ("tin hoc",), max_length=100),
        Field("occupation_group", "Nhóm nghề nghiệp", CHOICE, ("nhom nghe nghiep", "thanh phan"),
              choices=_choices(C.OccupationGroup)),
        Field("occupation", "Nghề nghiệp", TEXT, ("nghe nghiep", "nghe nghiep hien nay", "cong viec"), max_length=150),
        Field("workplace", "Đơn vị công tác", TEXT, ("don vi cong tac", "noi lam viec", "co quan", "co quan cong tac")),
        Field("youth_union_joined_on", "Ngày vào Đoàn", DATE, ("ngay vao doan",)),
        Field("profile_no", "Số lý lịch", DIGITS, ("so ly lich", "so ly lich dang vien", "so ll", "so lldv"),
              max_length=20),
        Field("org", "Chi bộ", ORG, ("chi bo", "noi sinh hoat", "chi bo sinh hoat", "to chuc dang", "ma chi bo",
                                     "ma to chuc", "sinh hoat tai chi bo", "noi sinh hoat dang"), event=True),
        Field("admitted_on", "Ngày vào Đảng", DATE, ("ngay vao dang", "ngay ket nap", "ngay ket nap dang",
                                                     "vao dang", "ngay vao dang (ket nap)"), event=True),
        Field("official_on", "Ngày chính thức", DATE, ("ngay chinh thuc", "ngay cong nhan chinh thuc",
                                                       "ngay vao dang chinh thuc", "chinh thuc"), event=True),
        Field("card_no", "Số thẻ đảng viên", DIGITS, ("so the dang vien", "so the", "so the dang", "the dang vien"),
              max_length=20, event=True),
    )


def _org_fields() -> tuple[Field, ...]:
    from tcxd.orgs.kinds import GrassrootsType, OrgKind

    return (
        Field("code", "Mã tổ chức", TEXT, ("ma to chuc", "ma", "ma don vi", "ma so", "ma to chuc dang"), max_length=40),
        Field("name", "Tên tổ chức", TEXT, ("ten to chuc", "ten", "ten don vi", "ten to chuc dang", "to chuc dang")),
        Field("short_name", "Tên ngắn", TEXT, ("ten ngan", "ten viet tat", "ten goi tat"), max_length=120),
        Field("kind", "Loại tổ chức", CHOICE, ("loai to chuc", "loai", "loai to chuc dang", "cap to chuc"),
              choices=_choices(OrgKind, {"chi bo": "cell", "chi bo truc thuoc": "cell", "chi bo co so":
                                         "grassroots_cell", "dang bo co so": "grassroots_committee",
                                         "dang bo bo phan": "sub_committee", "to dang": "group",
                                         "dang bo xa": "commune", "dang bo phuong": "commune"})),
        Field("grassroots_type", "Loại hình cơ sở", CHOICE, ("loai hinh co so", "loai hinh", "loai hinh to chuc co so"),
              choices=_choices(GrassrootsType)),
        Field("parent", "Tổ chức cấp trên", TEXT, ("to chuc cap tren", "cap tren", "truc thuoc", "ma cap tren",
                                                   "ma to chuc cap tren", "don vi cap tren", "thuoc")),
        Field("valid_from", "Ngày thành lập", DATE, ("ngay thanh lap", "thanh lap ngay", "hieu luc tu ngay",
                                                     "ngay hieu luc", "ngay quyet dinh thanh lap")),
    )


MEMBER_FIELDS: tuple[Field, ...] = _members_fields()
ORG_FIELDS: tuple[Field, ...] = _org_fields()
BY_KEY: dict[str, Field] = {f.key: f for f in MEMBER_FIELDS}
ORG_BY_KEY: dict[str, Field] = {f.key: f for f in ORG_FIELDS}
REQUIRED_NEW = ("full_name", "birth_date", "sex", "cccd", "org", "admitted_on")
REQUIRED_NEW_ORG = ("code", "name", "kind", "parent", "valid_from")
ORGS = "orgs"  # the kind of batch that imports organizations (imports.models.Kind.ORGS)
_PUNCT = re.compile(r"[^\w/ ]+")


def catalogue(kind: str = "") -> tuple[Field, ...]:
    """The fields a batch of ``kind`` fills (members, and CSDL 3.0's member list, share one)."""
    return ORG_FIELDS if kind == ORGS else MEMBER_FIELDS


def by_key(kind: str = "") -> dict[str, Field]:
    return ORG_BY_KEY if kind == ORGS else BY_KEY


def header_key(text: str) -> str:
    """A header as compared: folded, numbering and punctuation dropped ("1. Họ và tên (*)" → "ho va ten")."""
    folded = fold(text)
    folded = re.sub(r"^\s*(\d+[\.\)]|[ivx]+\.)\s*", "", folded)  # "3." or "iv." in front
    folded = _PUNCT.sub(" ", folded.replace("(*)", " "))
    return " ".join(folded.split())


def _aliases(fields: tuple[Field, ...]) -> tuple[dict[str, str], list[str]]:
    aliases: dict[str, str] = {}
    for f in fields:
        for spelling in (f.label, f.key, *f.aliases):
            aliases.setdefault(header_key(spelling), f.key)
    return aliases, sorted(aliases, key=len, reverse=True)


_ALIASES = {kind: _aliases(catalogue(kind)) for kind in ("", ORGS)}


def guess(header: str, kind: str = "") -> str | None:
    """The field a header names, or None: exact (folded) spellings first, then the longest known spelling
    found as whole words inside the header ("Ngày sinh (dd/mm/yyyy)" → birth_date)."""
    key = header_key(header)
    if not key:
        return None
    aliases, by_length = _ALIASES[ORGS if kind == ORGS else ""]
    if key in aliases:
        return aliases[key]
    padded = f" {key} "
    for alias in by_length:
        if len(alias) >= 4 and f" {alias} " in padded:
            return aliases[alias]
    return None


def guess_mapping(headers: Sequence[str], kind: str = "") -> dict[int, str]:
    """Column index → field key; a field named by two columns goes to the first."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = guess(header, kind)
        if key and key not in used:
            out[index] = key
            used.add(key)
    return out


def header_score(cells: Sequence, kind: str = "") -> int:
    aliases = _ALIASES[ORGS if kind == ORGS else ""][0]
    return sum(1 for c in cells if isinstance(c, str) and c and header_key(c) in aliases)


def scorer(kind: str):
    """The header scorer of a batch's kind (for ``reading.read_table``)."""
    return lambda cells: header_score(cells, kind)


# ---- cleaning ---------------------------------------------------------------------------------------

class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_SPACE = re.compile(r"[\s\u00a0\u200b]+")
_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})$")
_YMD = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{4})$")
_Y = re.compile(r"^(\d{4})$")


def _number_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_of(value) -> str:
    """A cell as trimmed text with its inner runs of spaces (no-break spaces too) collapsed."""
    if value is None:
        return ""
    if type(value) is str:
        text = value.strip()
        if "  " not in text and text.isprintable():  # tabs, no-break and zero-width spaces are not printable
            return text  # the usual cell: nothing to collapse (the regex below costs 5× more)
        return _SPACE.sub(" ", text).strip()
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return _SPACE.sub(" ", str(value)).strip()


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:  # an Excel date stored as its serial number (cell without a date format)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(f"«{_number_text(value)}» không phải ngày (ghi dd/mm/yyyy).")
    text = text_of(value)
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) != 4:
            raise CellError(f"«{text}»: năm phải đủ 4 chữ số (ghi dd/mm/yyyy).")
    elif m := _YMD.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif _MY.match(text):
        raise CellError(f"«{text}» chỉ có tháng và năm; cần đủ ngày, tháng, năm (dd/mm/yyyy).")
    elif _Y.match(text):
        raise CellError(f"«{text}» chỉ có năm; cần đủ ngày, tháng, năm (dd/mm/yyyy).")
    else:
        raise CellError(f"«{text}» không phải ngày (ghi dd/mm/yyyy, ví dụ 15/03/1980).")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"«{text}» không phải ngày có thật.") from None


_FOLDED: dict[str, str] = {}


def _folded(text: str) -> str:
    """``fold`` of a list value (the same few words on every row, remembered)."""
    out = _FOLDED.get(text)
    if out is None:
        out = fold(text)
        if len(_FOLDED) < 10_000:
            _FOLDED[text] = out
    return out


def clean(f: Field, value) -> tuple[object, list[str]]:
    """(clean value, conversions made) for one cell; "" / None for an empty cell; raises CellError."""
    notes: list[str] = []
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, notes
    if f.kind == DATE:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            day = parse_date(value)
            notes.append(f"{f.label}: số {_number_text(value)} đọc là ngày Excel {day:%d/%m/%Y}.")
            return day, notes
        return parse_date(value), notes
    text = text_of(value)
    if f.kind == NAME:
        letters = [c for c in text if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            titled = " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))
            notes.append(f"{f.label}: «{text}» viết hoa toàn bộ, ghi thành «{titled}».")
            text = titled
    elif f.kind == CHOICE:
        code = f.choices.get(_folded(text))
        if code is None:
            raise CellError(f"{f.label} «{text}» không có trong danh mục.")
        return code, notes
    elif f.kind == CCCD:
        digits = re.sub(r"[\s.\-']", "", text)
        if isinstance(value, (int, float)) and digits.isdigit() and 9 <= len(digits) < 12:
            padded = digits.zfill(12)
            notes.append(f"{f.label}: ô kiểu số mất số 0 đầu, ghi thành {padded}.")
            digits = padded
        return digits, notes
    elif f.kind == DIGITS:
        text = text.lstrip("'")
    elif f.kind == PHONE:
        text = re.sub(r"[\s.\-()]", "", text)
        if isinstance(value, (int, float)) and text.isdigit() and len(text) == 9:
            notes.append(f"{f.label}: ô kiểu số mất số 0 đầu, ghi thành 0{text}.")
            text = "0" + text
    elif f.kind == EMAIL:
        text = text.lower()
    if len(text) > f.max_length:
        raise CellError(f"{f.label} dài quá {f.max_length} ký tự.")
    return text, notes
