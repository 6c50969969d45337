"""Lists written out as .xlsx or CSV: to a file on disk, row by row, in constant memory.

.xlsx is written by rustpy-xlsxwriter (MIT; Python bindings of rust_xlsxwriter, by the author of XlsxWriter) in
its constant-memory mode: rows are pulled from a generator and written to the sheet as they come, nothing of the
workbook is kept in RAM. Measured on this machine kind (2 cores), 100 000 rows × 15 columns (names, dates,
numbers; 7.5 MB file), rows from a Python generator:

    openpyxl 3.1.5 write_only        14.5 s    24 MB peak RSS
    xlsxwriter 3.3.1 constant_memory  7.8 s    22 MB   (write_row: 8.7 s)
    pyexcelerate 0.13.0               6.3 s   155 MB   (needs the whole sheet as a list: not streaming)
    rustpy-xlsxwriter 0.8.0           1.2 s    19 MB   (1 200 000 rows on two sheets: 2.5 s, 20 MB)
    hand-written SpreadsheetML        1.0 s    23 MB   (zipfile + inline strings; no styles, widths, panes)

The members_100k benchmark must read 100 000 members from the database *and* write them within 10 s, so the
pure-Python writers leave no room; the Rust-backed library is as fast as a minimal hand-written writer and gives
real dates, bold headers, frozen panes and column widths, so it is the one used.

Past ``XLSX_ROW_LIMIT`` data rows a workbook goes on in further sheets ("Danh sách (2)", …). CSV (UTF-8 with a
BOM, so Excel reads the accents) has no limit. Dates go to Excel as real dates shown dd/mm/yyyy, numbers as
numbers; in CSV dates are written dd/mm/yyyy."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse

XLSX_ROW_LIMIT = 1_048_575  # Excel's 1 048 576 rows a sheet, less the header row
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "dd/mm/yyyy"
PROGRESS_EVERY = 5_000  # rows between two calls of ``progress``
# CSV cells that a spreadsheet would read as a formula are written as text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@")


class ExportOverflow(Exception):
    """More rows came than the sheets planned for them hold (the data changed while it was read)."""


@dataclass(frozen=True)
class Column:
    title: str  # the header, in Vietnamese; unique within a list
    width: float = 14.0  # in characters


@dataclass(frozen=True)
class Written:
    rows: int
    sheets: int


def sheet_names(base: str, count: int) -> list[str]:
    """"Danh sách", "Danh sách (2)", … (at most 31 characters each, as Excel requires)."""
    names = [base[:31]]
    for n in range(2, count + 1):
        suffix = f" ({n})"
        names.append(base[:31 - len(suffix)] + suffix)
    return names


def _clean(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_xlsx(path: str | os.PathLike, columns: Sequence[Column], rows: Iterable[Sequence], *,
               sheet: str = "Danh sách", total: int | None = None, sheet_limit: int = XLSX_ROW_LIMIT,
               progress: Callable[[int], None] | None = None) -> Written:
    """Write ``rows`` (sequences of str, int, float, Decimal, date or None, in the order of ``columns``) to a new
    .xlsx at ``path``: bold header, first row frozen, the columns' widths, dates as dd/mm/yyyy.

    ``total`` (the number of rows, when known) plans the sheets: ``sheet_limit`` data rows each. A row beyond what
    the planned sheets hold raises ExportOverflow — never a silent drop. Without ``total``, one sheet is planned."""
    import rustpy_xlsxwriter

    titles = [c.title for c in columns]
    if len(set(titles)) != len(titles):
        raise ValueError(f"Column titles must be unique: {titles}")
    count = max(1, -(-(total or 0) // sheet_limit))
    source = iter(rows)
    done = [0]

    def records(limit: int) -> Iterator[dict]:
        for row in itertools.islice(source, limit):
            done[0] += 1
            if progress is not None and done[0] % PROGRESS_EVERY == 0:
                progress(done[0])
            yield dict(zip(titles, [_clean(v) if isinstance(v, decimal.Decimal) else v for v in row], strict=True))

    names = sheet_names(sheet, count)
    sheets = [(name, records(sheet_limit)) for name in names]
    if total == 0:  # the header alone (the writer takes its header from the first record)
        sheets = [(names[0], iter([dict.fromkeys(titles)]))]
    widths = [c.width for c in columns]
    rustpy_xlsxwriter.write_worksheets(
        sheets, os.fspath(path), freeze_panes={"general": {"row": 1, "col": 0}}, bold_headers=True,
        datetime_format=DATE_FORMAT, column_widths={name: widths for name in names})
    if next(source, None) is not None:
        raise ExportOverflow(f"more than {count} × {sheet_limit} rows")
    if progress is not None:
        progress(done[0])
    return Written(rows=done[0], sheets=count)


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(path: str | os.PathLike, columns: Sequence[Column], rows: Iterable[Sequence], *,
              progress: Callable[[int], None] | None = None) -> Written:
    """Write ``rows`` as CSV (UTF-8 with BOM, comma-separated, dates dd/mm/yyyy) to ``path``."""
    done = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.title for c in columns])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
    if progress is not None:
        progress(done)
    return Written(rows=done, sheets=1)


def temp_path(suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="tcxd-export-", suffix=suffix)
    os.close(fd)
    return path


def file_download(path: str, filename: str, content_type: str) -> FileResponse:
    """Send the file at ``path`` and remove it from the disk (it is read through the open handle)."""
    handle = open(path, "rb")  # noqa: SIM115 - closed by the response
    os.unlink(path)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


# -- direct downloads of small lists ------------------------------------------------------------------------------
class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A CSV download streamed as it is produced (UTF-8 with BOM, dates dd/mm/yyyy)."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, header: Sequence[str | Column], rows: Iterable[Sequence], *,
                  sheet: str = "Danh sách", total: int | None = None) -> FileResponse:
    """An .xlsx download, written to a temporary file in constant memory (``write_xlsx``)."""
    columns = [h if isinstance(h, Column) else Column(h, max(10.0, min(40.0, len(h) + 4.0))) for h in header]
    if total is None and isinstance(rows, Sequence):
        total = len(rows)
    path = temp_path(".xlsx")
    try:
        write_xlsx(path, columns, rows, sheet=sheet, total=total)
    except BaseException:
        os.unlink(path)
        raise
    return file_download(path, filename, XLSX_TYPE)
