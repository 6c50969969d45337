from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

import pytest

from tcxd.imports import services as S
from tcxd.imports.models import BatchStatus, ImportBatch

D = dt.date
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Tôn giáo", "Chi bộ",
           "Ngày vào Đảng", "Ngày chính thức", "Số thẻ đảng viên", "Nghề nghiệp"]


def cccd(serial: int, sex: str = "M", year: int = 1980) -> str:
    century = {"M": "0", "F": "1"} if year < 2000 else {"M": "2", "F": "3"}
    return f"020{century[sex]}{year % 100:02d}{serial:06d}"


BIRTH = D(1980, 3, 15)


def person(serial: int, *, name=None, birth=BIRTH, sex="Nam", org="Chi bộ Khối 1",
           admitted="10/05/2005", official="10/05/2006", card=None, occupation="Giáo viên", **over):
    row = {"STT": serial, "Họ và tên": name or f"Nguyễn Văn Nhập {serial}", "Ngày sinh": birth, "Giới tính": sex,
           "Số CCCD": cccd(serial, "M" if sex == "Nam" else "F", birth.year if isinstance(birth, dt.date) else 1980),
           "Dân tộc": "Kinh", "Tôn giáo": "Không", "Chi bộ": org, "Ngày vào Đảng": admitted,
           "Ngày chính thức": official, "Số thẻ đảng viên": card if card is not None else f"{30000000 + serial}",
           "Nghề nghiệp": occupation}
    row.update(over)
    return row


def xlsx_bytes(rows: list[dict], *, headers=HEADERS, title_rows=(), hidden_sheet=False, merges=(),
               empty_rows_at=()) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if hidden_sheet:
        ws.title = "Ghi chú"
        ws.append(["Trang ẩn, không phải dữ liệu", "Nguyễn Văn Ẩn", "01/01/1970"])
        ws.sheet_state = "hidden"
        ws = wb.create_sheet("Danh sách")
    for title in title_rows:
        ws.append([title])
    ws.append(headers)
    for index, row in enumerate(rows):
        if index in empty_rows_at:
            ws.append([])
        ws.append([row.get(h) for h in headers])
    for area in merges:
        ws.merge_cells(area)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], *, headers=HEADERS, encoding="utf-8", bom=False, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else (f"{row[h]:%d/%m/%Y}" if isinstance(row.get(h), dt.date)
                                                        else row[h]) for h in headers])
    text = out.getvalue()
    if encoding == "cp1258":  # Windows-1258 writes the tone marks as combining characters
        tones = "\u0300\u0301\u0303\u0309\u0323"
        text = "".join(unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", ch)
                                                            if c not in tones))
                       + "".join(c for c in unicodedata.normalize("NFD", ch) if c in tones) for ch in text)
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload_and_check(actor, root, data: bytes, filename="danh-sach.xlsx", **kw) -> ImportBatch:
    from django.test import TestCase

    batch = S.import_batch_upload(actor=actor, root=root, filename=filename, data=data, **kw)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the check task runs at commit (immediate backend)
        batch = S.import_batch_map(actor=actor, batch=batch, mapping={int(c): k for c, k in batch.mapping.items()})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY, batch.error
    return batch


def apply(actor, batch, mode="accepted") -> ImportBatch:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        S.import_batch_apply(actor=actor, batch=batch, mode=mode)
    batch.refresh_from_db()
    return batch


def verdicts(batch: ImportBatch) -> dict[int, str]:
    return dict(batch.rows.values_list("row_no", "verdict"))


def reasons(batch: ImportBatch, row_no: int) -> str:
    return " | ".join(batch.rows.get(row_no=row_no).reasons)


@pytest.fixture
def officer(users):
    return users["commune_officer"]  # writes in commune A (cells A1, A2)
