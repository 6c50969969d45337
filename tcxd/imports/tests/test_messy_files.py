"""Messy real-world files, generated here, each row with its expected verdict (issue 6 §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.common import vnlegacy
from tcxd.imports import fields as F
from tcxd.imports.models import Verdict
from tcxd.imports.reading import ReadError, read_table
from tcxd.members.models import Member

from .conftest import BIRTH, HEADERS, cccd, csv_bytes, person, reasons, upload_and_check, verdicts, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=False)
D = dt.date


# ---- cleaning, cell by cell ------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("15/3/1980", D(1980, 3, 15)), ("15-03-1980", D(1980, 3, 15)), ("15.03.1980", D(1980, 3, 15)),
    (" 05/11/1975 ", D(1975, 11, 5)), ("1980-03-15", D(1980, 3, 15)), ("29/02/2000", D(2000, 2, 29)),
])
def test_dates_written_as_text_in_the_usual_forms(text, expected):
    assert F.parse_date(text) == expected


@pytest.mark.parametrize("text,message", [
    ("3/1980", "chỉ có tháng và năm"), ("1980", "chỉ có năm"), ("31/02/1980", "không phải ngày có thật"),
    ("15/3/80", "năm phải đủ 4 chữ số"), ("mười lăm", "không phải ngày"), ("29/02/2001", "không phải ngày có thật"),
])
def test_dates_that_cannot_be_read_are_row_errors_naming_the_problem(text, message):
    with pytest.raises(F.CellError) as exc:
        F.parse_date(text)
    assert message in exc.value.message


def test_an_excel_serial_number_is_read_as_a_date_and_reported():
    value, notes = F.clean(F.BY_KEY["birth_date"], 29295.0)
    assert value == D(1980, 3, 15)
    assert "đọc là ngày Excel 15/03/1980" in notes[0]


def test_numbers_stored_as_text_and_text_stored_as_numbers():
    assert F.clean(F.BY_KEY["cccd"], 20080000123.0) == ("020080000123", [
        "Số CCCD: ô kiểu số mất số 0 đầu, ghi thành 020080000123."])
    assert F.clean(F.BY_KEY["cccd"], "'020 080 000 123")[0] == "020080000123"
    assert F.clean(F.BY_KEY["card_no"], 30000001.0)[0] == "30000001"
    assert F.clean(F.BY_KEY["phone"], 912345678.0)[0] == "0912345678"


def test_trailing_spaces_and_upper_case_names():
    assert F.clean(F.BY_KEY["occupation"], "  Giáo\u00a0 viên  ")[0] == "Giáo viên"
    value, notes = F.clean(F.BY_KEY["full_name"], "NGUYỄN THỊ ÁNH TUYẾT ")
    assert value == "Nguyễn Thị Ánh Tuyết"
    assert "viết hoa toàn bộ" in notes[0]
    assert F.clean(F.BY_KEY["full_name"], "Lê Văn A")[1] == []  # a mixed-case name is left as it is


@pytest.mark.parametrize("header,key", [
    ("Họ và tên", "full_name"), ("HO TEN", "full_name"), ("1. Họ tên đảng viên (*)", "full_name"),
    ("Ngày, tháng, năm sinh", "birth_date"), ("Ngày sinh (dd/mm/yyyy)", "birth_date"), ("Số CMND/CCCD", "cccd"),
    ("Số định danh cá nhân", "cccd"), ("Nam/Nữ", "sex"), ("Ngày kết nạp", "admitted_on"),
    ("Ngay vao Dang", "admitted_on"), ("Ngày công nhận chính thức", "official_on"), ("Số thẻ", "card_no"),
    ("Trình độ LLCT", "political_theory"), ("Văn hóa", "general_education"), ("Số LL", "profile_no"),
    ("Ghi chú", None), ("", None),
])
def test_usual_vietnamese_headers_with_or_without_diacritics(header, key):
    assert F.guess(header) == key


# ---- files ------------------------------------------------------------------------------------------

def test_a_messy_workbook_gets_the_expected_verdict_on_every_row(tree, officer):
    rows = [
        person(1),  # row 5: clean
        person(2, name="TRẦN THỊ HOA  ", sex="Nữ", **{"Ngày sinh": "15/3/1980"}),  # 6: upper case, text date
        person(3, **{"Ngày vào Đảng": "3/2005"}),  # 7: month and year only
        person(4, **{"Số CCCD": int(cccd(4))}),  # 8: CCCD stored as a number (leading zero lost)
        person(1, name="Nguyễn Văn Nhập 1"),  # 9: same CCCD as row 5
        person(6, org="Chi bộ Không Có"),  # 10: unknown unit
        person(7, org="Chi bộ Thôn Bản Cắm"),  # 11: a cell of commune B, outside the officer's commune
        person(8, **{"Ngày sinh": "1980"}),  # 12: year only
        person(9, **{"Giới tính": "Không rõ"}),  # 13: not in the list
        person(10, **{"Ngày chính thức": "01/01/2005"}),  # 14: official before admission + 12 months
        person(11, **{"Số CCCD": "020080000011 "}),  # 15: trailing space
        person(12, **{"Số CCCD": "020180000012"}),  # 16: 4th digit says female, row says Nam
    ]
    data = xlsx_bytes(rows, title_rows=["ĐẢNG BỘ PHƯỜNG ĐÔNG KINH", "DANH SÁCH ĐẢNG VIÊN"], hidden_sheet=True,
                      empty_rows_at=(4,))
    batch = upload_and_check(officer, tree.commune_a, data)
    assert batch.header_row == 3
    assert any("Bỏ qua trang tính ẩn: «Ghi chú»" in n for n in batch.notes)
    assert any("Bỏ qua 1 dòng trống" in n for n in batch.notes)
    assert any("bỏ qua 2 dòng phía trên" in n for n in batch.notes)
    expected = {4: Verdict.NEW, 5: Verdict.NEW, 6: Verdict.INVALID, 7: Verdict.NEW,  # row 8 is empty
                9: Verdict.DUPLICATE, 10: Verdict.INVALID, 11: Verdict.OUT_OF_SCOPE, 12: Verdict.INVALID,
                13: Verdict.INVALID, 14: Verdict.INVALID, 15: Verdict.NEW, 16: Verdict.INVALID}
    assert verdicts(batch) == expected
    assert "chỉ có tháng và năm" in reasons(batch, 6)
    assert "Trùng số CCCD 020080000001 với dòng 4" in reasons(batch, 9)
    assert "Không tìm thấy chi bộ «Chi bộ Không Có»" in reasons(batch, 10)
    assert "ngoài phạm vi" in reasons(batch, 11)
    assert "chỉ có năm" in reasons(batch, 12)
    assert "Giới tính «Không rõ» không có trong danh mục" in reasons(batch, 13)
    assert "12 tháng dự bị (Điều lệ Đảng, Điều 5)" in reasons(batch, 14)
    assert "Chữ số thứ 4 của CCCD" in reasons(batch, 16)
    upper = batch.rows.get(row_no=5)
    assert any("viết hoa toàn bộ" in n for n in upper.notes)
    assert any("mất số 0 đầu" in n for n in batch.rows.get(row_no=7).notes)


def test_merged_cells_give_their_value_to_every_row_of_the_range(tree, officer):
    rows = [person(1), person(2, org=None), person(3, org=None)]
    data = xlsx_bytes(rows, merges=["H2:H4"])  # the unit's name merged down its three members
    batch = upload_and_check(officer, tree.commune_a, data)
    assert verdicts(batch) == {2: Verdict.NEW, 3: Verdict.NEW, 4: Verdict.NEW}
    assert any("Ô gộp (H2:H4)" in n for n in batch.notes)


@pytest.mark.parametrize("encoding,bom,delimiter", [("utf-8", True, ","), ("utf-8", False, ";"),
                                                    ("cp1258", False, ",")])
def test_csv_in_utf8_with_or_without_bom_and_in_windows_1258(tree, officer, encoding, bom, delimiter):
    rows = [person(1, name="Nguyễn Thị Ánh Tuyết", sex="Nữ"), person(2, name="Phạm Quốc Hưng")]
    data = csv_bytes(rows, encoding=encoding, bom=bom, delimiter=delimiter)
    batch = upload_and_check(officer, tree.commune_a, data, filename="ds.csv")
    assert verdicts(batch) == {2: Verdict.NEW, 3: Verdict.NEW}
    assert batch.rows.get(row_no=2).values["Họ và tên"] == "Nguyễn Thị Ánh Tuyết"
    assert any("Windows-1258" in n for n in batch.notes) == (encoding == "cp1258")


def _legacy(text: str, encoding: str) -> str:
    """Unicode → how a TCVN3/VNI file shows once read as Windows-1252 (the inverse of vnlegacy)."""
    table = vnlegacy.TCVN3_TO_UNICODE if encoding == vnlegacy.TCVN3 else vnlegacy.VNI_TO_UNICODE
    inverse = sorted(((u, k) for k, u in table.items()), key=lambda p: -len(p[0]))
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    out, i = [], 0
    while i < len(text):
        for uni, legacy in inverse:
            if text.startswith(uni, i):
                out.append(legacy)
                i += len(uni)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize("encoding", [vnlegacy.TCVN3, vnlegacy.VNI])
def test_legacy_tcvn3_and_vni_columns_are_detected_and_converted(tree, officer, encoding):
    names = ["Nguyễn Thị Loan", "Trần Văn Đức", "Lê Thị Hồng Nhung"]
    rows = [person(i + 1, name=_legacy(n, encoding), sex="Nữ" if "Thị" in n else "Nam",
                   occupation=_legacy("Nông dân", encoding)) for i, n in enumerate(names)]
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(rows))
    assert [r.values["Họ và tên"] for r in batch.rows.order_by("row_no")] == names
    label = "TCVN3" if encoding == vnlegacy.TCVN3 else "VNI"
    assert any(f"Cột «Họ và tên» ở mã {label}" in n for n in batch.notes)
    assert set(verdicts(batch).values()) == {Verdict.NEW}


def test_tcvn3_and_vni_samples_convert_to_the_expected_unicode():
    assert vnlegacy.to_unicode("§¶ng Céng s¶n ViÖt Nam", vnlegacy.TCVN3)[0] == "Đảng Cộng sản Việt Nam"
    assert vnlegacy.to_unicode("Ñaûng Coäng saûn Vieät Nam", vnlegacy.VNI)[0] == "Đảng Cộng sản Việt Nam"


def test_files_that_cannot_be_read_say_why():
    with pytest.raises(ReadError, match="chỉ nhận tệp Excel"):
        read_table(b"abc", "anh.png")
    with pytest.raises(ReadError, match="tệp hỏng"):
        read_table(b"PK\x03\x04 not really a zip", "hong.xlsx")
    with pytest.raises(ReadError, match="rỗng"):
        read_table(b"", "trong.csv")


def test_header_row_is_found_below_title_rows_and_aliases_match():
    data = xlsx_bytes([person(1)], headers=["TT", "HO TEN", "Ngày, tháng, năm sinh", "Nam/Nữ", "Số CMND/CCCD"],
                      title_rows=["DANH SÁCH"])
    table = read_table(data, "a.xlsx", score=F.header_score)
    assert table.header_row == 2
    assert F.guess_mapping(table.headers) == {1: "full_name", 2: "birth_date", 3: "sex", 4: "cccd"}


def test_applied_rows_hold_the_cleaned_values(tree, officer, django_capture_on_commit_callbacks):
    from tcxd.imports import services as S

    data = xlsx_bytes([person(2, name="TRẦN THỊ HOA", sex="Nữ", **{"Ngày sinh": "15-03-1980"})])
    batch = upload_and_check(officer, tree.commune_a, data)
    with django_capture_on_commit_callbacks(execute=True):
        S.import_batch_apply(actor=officer, batch=batch, mode="accepted")
    member = Member.objects.get(cccd=cccd(2, "F"))
    assert (member.full_name, member.birth_date, member.sex, member.org_id) == ("Trần Thị Hoa", BIRTH, "F",
                                                                               tree.cell_a1.pk)
    assert member.status == "official" and member.card_no == "30000002"
    assert member.admitted_on == D(2005, 5, 10) and member.official_on == D(2006, 5, 10)
    assert HEADERS  # the shared layout


def test_two_columns_with_the_same_header_both_keep_their_values(tree, officer):
    headers = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chi bộ", "Ngày vào Đảng", "Ghi chú", "Ghi chú"]
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    ws.append(["Lê Văn Hai", "15/03/1980", "Nam", cccd(1), "Chi bộ Khối 1", "10/05/2005", "một", "hai"])
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = upload_and_check(officer, tree.commune_a, buffer.getvalue())
    assert batch.headers[-2:] == ["Ghi chú", "Ghi chú (2)"]
    row = batch.rows.get()
    assert (row.values["Ghi chú"], row.values["Ghi chú (2)"], row.verdict) == ("một", "hai", Verdict.NEW)
