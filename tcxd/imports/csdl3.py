"""The column layout of the member list of CSDL đảng viên 3.0, so data can flow both ways: its export is imported
as a reconciliation batch (``Kind.CSDL3``: matched by CCCD, then số lý lịch, then số thẻ; differences accepted per
field or per row) and our data is exported in the same layout (``tcxd.exports`` source "dang-vien-csdl3").

The national database's own export format is not public (domain.md B-31, integration note): the headers below
are the 2-HSĐV names it is known to use, **unverified**. Each header is recognized by the import's header
matching (a test holds that), so a file with the real headers still maps, and a saved column mapping covers any
difference.
"""

from __future__ import annotations

# (header, field): a dossier field of ``tcxd.imports.fields``; "org" is written as the unit's code
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Họ và tên", "full_name"),
    ("Tên gọi khác", "other_names"),
    ("Ngày sinh", "birth_date"),
    ("Giới tính", "sex"),
    ("Số CCCD", "cccd"),
    ("Ngày cấp CCCD", "cccd_issued_on"),
    ("Nơi sinh", "birth_place"),
    ("Quê quán", "hometown"),
    ("Nơi thường trú", "permanent_address"),
    ("Nơi ở hiện nay", "current_address"),
    ("Dân tộc", "ethnicity"),
    ("Tôn giáo", "religion"),
    ("Giáo dục phổ thông", "general_education"),
    ("Chuyên môn nghiệp vụ", "professional_level"),
    ("Lý luận chính trị", "political_theory"),
    ("Nghề nghiệp", "occupation"),
    ("Đơn vị công tác", "workplace"),
    ("Số lý lịch đảng viên", "profile_no"),
    ("Mã tổ chức đảng", "org"),
    ("Ngày vào Đảng", "admitted_on"),
    ("Ngày chính thức", "official_on"),
    ("Số thẻ đảng viên", "card_no"),
)
HEADERS = tuple(h for h, _ in COLUMNS)
FIELDS = tuple(f for _, f in COLUMNS)
# the database columns read for each field (the unit: its code)
DB_FIELDS = tuple("org__code" if f == "org" else f for f in FIELDS)
CHOICE_FIELDS = ("sex", "ethnicity", "religion", "general_education", "professional_level", "political_theory")
