"""The file writers of tcxd.common.export: sheets split past the limit with every row exactly once, a real .xlsx
(bold frozen header, widths, real dates shown dd/mm/yyyy, numbers as numbers), CSV with a BOM that reads back."""

from __future__ import annotations

import csv
import datetime as dt
import decimal

import pytest
from openpyxl import load_workbook

from tcxd.common.export import Column, ExportOverflow, sheet_names, write_csv, write_xlsx

COLUMNS = [Column("Số thứ tự", 10), Column("Họ và tên", 30), Column("Ngày sinh", 12), Column("Số tiền", 12)]


def _rows(n):
    for i in range(n):
        yield (i, f"Nguyễn Thị Hồng {i}", dt.date(1980, 1, 1) + dt.timedelta(days=i), decimal.Decimal(i) / 2)


def test_2500_rows_with_a_limit_of_1000_give_three_sheets_with_every_row_once(tmp_path):
    path = tmp_path / "a.xlsx"
    seen = []
    written = write_xlsx(path, COLUMNS, _rows(2500), sheet="Danh sách", total=2500, sheet_limit=1000,
                         progress=seen.append)
    assert (written.rows, written.sheets) == (2500, 3)
    assert seen[-1] == 2500
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Danh sách", "Danh sách (2)", "Danh sách (3)"]
    numbers = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0] == ("Số thứ tự", "Họ và tên", "Ngày sinh", "Số tiền")
        numbers += [int(r[0]) for r in rows[1:]]
    assert [len(list(ws.iter_rows())) - 1 for ws in wb.worksheets] == [1000, 1000, 500]
    assert sorted(numbers) == list(range(2500)) and len(set(numbers)) == 2500


def test_xlsx_is_formatted_header_bold_and_frozen_dates_and_numbers(tmp_path):
    path = tmp_path / "b.xlsx"
    write_xlsx(path, COLUMNS, _rows(3), total=3)
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    assert ws.column_dimensions["B"].width == pytest.approx(30, abs=1)
    name, born, amount = ws["B3"], ws["C3"], ws["D3"]
    assert name.value == "Nguyễn Thị Hồng 1"
    assert born.value.date() == dt.date(1980, 1, 2) and born.number_format == "dd/mm/yyyy"
    assert isinstance(amount.value, float) and amount.value == 0.5


def test_an_empty_list_has_its_header(tmp_path):
    path = tmp_path / "c.xlsx"
    assert write_xlsx(path, COLUMNS, iter(()), total=0).rows == 0
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("Số thứ tự", "Họ và tên", "Ngày sinh", "Số tiền")
    assert all(v is None for r in rows[1:] for v in r)


def test_more_rows_than_planned_is_an_error_never_a_silent_drop(tmp_path):
    with pytest.raises(ExportOverflow):
        write_xlsx(tmp_path / "d.xlsx", COLUMNS, _rows(11), total=10, sheet_limit=5)


def test_sheet_names_fit_excel():
    names = sheet_names("Sổ quyết định công tác cán bộ các cấp", 12)
    assert names[1].endswith(" (2)") and names[11].endswith(" (12)")
    assert all(len(n) <= 31 for n in names)


def test_csv_round_trip_with_bom(tmp_path):
    path = tmp_path / "e.csv"
    rows = [("1", 'Lê Văn "Tèo", con', dt.date(1975, 4, 30), 12), ("2", "=HYPERLINK(1)", None, -3)]
    assert write_csv(path, COLUMNS, rows).rows == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert back == [["Số thứ tự", "Họ và tên", "Ngày sinh", "Số tiền"],
                    ["1", 'Lê Văn "Tèo", con', "30/04/1975", "12"],
                    ["2", "'=HYPERLINK(1)", "", "-3"]]
