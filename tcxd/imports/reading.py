"""Reading an uploaded table (.xlsx, .xlsm, .xls, .ods, .csv) into rows of plain Python values.

Every conversion of messy input is reported in Vietnamese (``Table.notes``) so the preview can say what
was done to the file; what cannot be read raises ``ReadError`` with a message for the user.

* Spreadsheets are read with python-calamine (engineering.md §2.4: 12× faster than openpyxl's read-only
  mode). Hidden sheets are skipped; cells of a merged range get the range's value (a unit's name merged
  down its members' rows is the usual case); empty rows are skipped and counted.
* CSV: UTF-8 with or without BOM, else Windows-1258 (its combining tone marks are composed to NFC); the
  delimiter (comma, semicolon, tab) is sniffed.
* Legacy 8-bit Vietnamese (TCVN3/ABC, VNI) is detected per column, over the whole column's text (a short
  cell alone can be ambiguous), and converted to Unicode.
* The header row is the row among the first ``HEADER_SCAN`` that the caller's ``score`` recognizes best
  (title rows such as "DANH SÁCH ĐẢNG VIÊN" above it are skipped).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tcxd.common import vnlegacy

HEADER_SCAN = 20
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
EXTENSIONS = (*SPREADSHEET_EXTENSIONS, ".csv")
ENCODING_LABELS = {vnlegacy.TCVN3: "TCVN3 (ABC, phông .VnTime)", vnlegacy.VNI: "VNI Windows"}


class ReadError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    sheet: str
    header_row: int  # row number in the sheet (1-based), 0 when there is no header
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number in the sheet, values aligned with the headers)
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # the visible sheets, for the sheet picker
    column_encodings: dict[int, str] = field(default_factory=dict)  # column → legacy encoding converted


def _extension(filename: str) -> str:
    name = (filename or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def read_table(data: bytes, filename: str, *, sheet: str | None = None,
               score: Callable[[Sequence], int] = lambda cells: 0) -> Table:
    """Read the data table of an uploaded file (the named sheet, else the first visible sheet with data)."""
    ext = _extension(filename)
    if ext not in EXTENSIONS:
        raise ReadError(f"Không đọc được tệp «{filename}»: chỉ nhận tệp Excel (.xlsx, .xls), .ods hoặc .csv.")
    if not data:
        raise ReadError(f"Tệp «{filename}» rỗng.")
    if ext == ".csv":
        grid, notes, sheets, name = _csv_grid(data), [], [], "CSV"
        notes.extend(grid.notes)
        cells = grid.rows
    else:
        cells, notes, sheets, name = _sheet_grid(data, filename, sheet)
    return _table(cells, name, notes, sheets, score)


# ---- spreadsheets -----------------------------------------------------------------------------------

def _sheet_grid(data: bytes, filename: str, wanted: str | None) -> tuple[list[list], list[str], list[str], str]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise ReadError(f"Tệp «{filename}» có đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.") from None
    except Exception:  # calamine raises several error types for a damaged or foreign file
        raise ReadError(f"Không đọc được tệp «{filename}»: tệp hỏng hoặc không phải bảng tính Excel.") from None
    notes: list[str] = []
    visible, hidden = [], []
    for meta in book.sheets_metadata:
        if str(meta.typ).endswith("WorkSheet"):
            (visible if str(meta.visible).endswith(".Visible") else hidden).append(meta.name)
    if hidden:
        notes.append(f"Bỏ qua trang tính ẩn: {', '.join(f'«{n}»' for n in hidden)}.")
    if wanted is not None:
        if wanted not in visible:
            raise ReadError(f"Tệp không có trang tính «{wanted}» (hoặc trang đó đang ẩn).")
        candidates = [wanted]
    else:
        candidates = visible
    for name in candidates:
        sheet = book.get_sheet_by_name(name)
        rows = [list(row) for row in sheet.iter_rows()]
        if not any(any(v not in ("", None) for v in row) for row in rows):
            continue
        start_row, start_col = sheet.start or (0, 0)
        if start_col:  # iter_rows starts at the first used cell; keep columns aligned with letters
            rows = [[""] * start_col + row for row in rows]
        rows = [[] for _ in range(start_row)] + rows
        _fill_merged(rows, sheet.merged_cell_ranges or [], notes)
        return rows, notes, visible, name
    raise ReadError("Tệp không có dữ liệu: mọi trang tính hiển thị đều trống.")


def _cell_name(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _fill_merged(rows: list[list], ranges, notes: list[str]) -> None:
    """Copy a merged range's value (held by its top-left cell) into every cell of the range."""
    filled = []
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if value in ("", None) or (r0 == r1 and c0 == c1):
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
        filled.append(f"{_cell_name(r0, c0)}:{_cell_name(r1, c1)}")
    if filled:
        shown = ", ".join(filled[:10]) + (f" và {len(filled) - 10} vùng khác" if len(filled) > 10 else "")
        notes.append(f"Ô gộp ({shown}): giá trị của ô gộp được chép cho mọi dòng, cột trong vùng gộp.")


# ---- CSV --------------------------------------------------------------------------------------------

@dataclass
class _Grid:
    rows: list[list]
    notes: list[str]


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1258", errors="replace")
    return unicodedata.normalize("NFC", text), [
        "Tệp CSV không ở mã UTF-8: đã đọc theo mã Windows-1258 (CP1258) và chuyển sang Unicode."]


def _csv_grid(data: bytes) -> _Grid:
    try:
        text, notes = _decode(data)
    except UnicodeDecodeError:
        raise ReadError("Tệp CSV có đánh dấu UTF-8 (BOM) nhưng nội dung không phải UTF-8 hợp lệ.") from None
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return _Grid(rows, notes)


# ---- the table --------------------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value or "").split())


def _legacy_columns(headers: list[str], rows: list[tuple[int, list]]) -> dict[int, str]:
    """Columns whose text is TCVN3 or VNI, detected over the whole column."""
    found: dict[int, str] = {}
    for col in range(len(headers)):
        texts = [v for _, row in rows if col < len(row) and isinstance(v := row[col], str) and not v.isascii()]
        if not texts:
            continue
        encoding = vnlegacy.detect(" ".join(texts[:400]))
        if encoding in (vnlegacy.TCVN3, vnlegacy.VNI):
            found[col] = encoding
    return found


def _table(cells: list[list], name: str, notes: list[str], sheets: list[str],
           score: Callable[[Sequence], int]) -> Table:
    header_index, best = None, 0
    for index, row in enumerate(cells[:HEADER_SCAN]):
        texts = [_header_text(v) for v in row]
        if not any(texts):
            continue
        if header_index is None:
            header_index = index  # the first non-empty row, unless a better one is found
        # headers typed in TCVN3/VNI are recognized once converted
        legacy = vnlegacy.detect(" ".join(t for t in texts if t))
        if legacy in (vnlegacy.TCVN3, vnlegacy.VNI):
            texts = [vnlegacy.to_unicode(t, legacy)[0] if t else t for t in texts]
        points = score(texts)
        if points > best:
            header_index, best = index, points
    if header_index is None:
        raise ReadError("Tệp không có dữ liệu.")
    raw_headers = [_header_text(v) for v in cells[header_index]]
    header_encoding = vnlegacy.detect(" ".join(t for t in raw_headers if t))
    if header_encoding in (vnlegacy.TCVN3, vnlegacy.VNI):
        raw_headers = [vnlegacy.to_unicode(t, header_encoding)[0] if t else t for t in raw_headers]
    width = max([len(raw_headers)] + [len(r) for r in cells[header_index + 1:]])
    while width and not (raw_headers[width - 1] if width <= len(raw_headers) else "") and all(
            len(r) < width or _blank(r[width - 1]) for r in cells[header_index + 1:]):
        width -= 1  # trailing columns with neither a header nor a value
    headers = (raw_headers + [""] * width)[:width]
    headers = [h or f"Cột {_cell_name(0, i)[:-1]}" for i, h in enumerate(headers)]
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):  # two columns named alike ("Ghi chú" twice) stay apart: "Ghi chú (2)"
        seen[h] = seen.get(h, 0) + 1
        if seen[h] > 1:
            headers[i] = f"{h} ({seen[h]})"
    rows: list[tuple[int, list]] = []
    empty = 0
    for index in range(header_index + 1, len(cells)):
        row = cells[index]
        if all(_blank(v) for v in row):
            empty += 1
            continue
        if len(row) < width:  # aligned with the headers in place (the grid is not copied)
            row.extend([""] * (width - len(row)))
        elif len(row) > width:
            del row[width:]
        rows.append((index + 1, row))
    if empty:
        notes.append(f"Bỏ qua {empty} dòng trống.")
    if header_index:
        notes.append(f"Dòng tiêu đề cột là dòng {header_index + 1}; bỏ qua {header_index} dòng phía trên.")
    table = Table(sheet=name, header_row=header_index + 1, headers=headers, rows=rows, notes=notes, sheets=sheets)
    table.column_encodings = _legacy_columns(headers, rows)
    for col, encoding in table.column_encodings.items():
        for _, row in rows:
            if isinstance(row[col], str):
                row[col] = vnlegacy.to_unicode(row[col], encoding)[0]
        notes.append(f"Cột «{headers[col]}» ở mã {ENCODING_LABELS[encoding]}: đã chuyển sang Unicode.")
    if header_encoding in (vnlegacy.TCVN3, vnlegacy.VNI):
        notes.append(f"Dòng tiêu đề ở mã {ENCODING_LABELS[header_encoding]}: đã chuyển sang Unicode.")
    return table
