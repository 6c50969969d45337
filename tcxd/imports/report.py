"""The error report of an import batch (.xlsx): every rejected row (duplicate, conflict, out of scope, invalid) and
every row the user left out, with its verdict, all its reasons and the file's own columns, so the file can be
corrected and uploaded again.

Written with openpyxl's write-only workbook, rows streamed from the database (``.iterator()``) into a temporary
file: memory stays flat whatever the number of rows. Values from the uploaded file are written as text (a cell
starting with "=" stays text, never a formula); characters Excel refuses are dropped. Each download is audited as
an export of personal data."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from django.http import FileResponse

from tcxd.audit.services import audit_export

from . import selectors as Sel
from .models import ImportBatch, ImportRow, Verdict

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED = ("Dòng", "Kết quả", "Lý do")
SKIPPED_REASON = "Đã chọn bỏ qua dòng này khi xem trước."
CHUNK = 2000


def filename(batch: ImportBatch) -> str:
    return f"bao-cao-loi-lo-{batch.pk}.xlsx"


def verdict_text(row: ImportRow) -> str:
    label = Verdict(row.verdict).label if row.verdict in Verdict.values else row.verdict
    return f"{label} (bỏ qua)" if row.skip else label


def reasons_text(row: ImportRow) -> str:
    reasons = list(row.reasons or [])
    if row.skip:
        reasons.append(SKIPPED_REASON)
    return "\n".join(reasons)


def report_lines(batch: ImportBatch) -> Iterator[list]:
    """The report's data rows: row number, verdict, reasons, then the file's columns in its order."""
    headers = list(batch.headers or [])
    for row in Sel.report_rows(batch=batch).iterator(chunk_size=CHUNK):
        values = row.values or {}
        yield [row.row_no, verdict_text(row), reasons_text(row), *[values.get(h, "") for h in headers]]


def _text(value) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def write_report(batch: ImportBatch, fh) -> int:
    """Write the report of ``batch`` to the binary file ``fh``; the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Báo cáo lỗi")
    headers = [*FIXED, *(batch.headers or [])]
    widths = [8, 22, 60, *[max(10, min(30, len(str(h)) + 4)) for h in batch.headers or []]]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    head = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=_text(title))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    written = 0
    for line in report_lines(batch):
        cells = [WriteOnlyCell(sheet, value=line[0])]
        cells[0].alignment = top
        for position, value in enumerate(line[1:], start=1):
            cell = WriteOnlyCell(sheet, value=_text(value))
            cell.data_type = "s"  # the file's text stays text ("=…" is no formula)
            cell.alignment = wrap if position == 2 else top
            cells.append(cell)
        sheet.append(cells)
        written += 1
    book.save(fh)
    return written


def error_report_response(*, actor, batch: ImportBatch) -> FileResponse:
    """The report as a download, audited as an export of personal data."""
    fh = tempfile.TemporaryFile(prefix="tcxd-import-report-", suffix=".xlsx")  # noqa: SIM115 - the response closes it
    try:
        rows = write_report(batch, fh)
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    audit_export(actor=actor, what=f"bao-cao-loi-nhap/{batch.pk}", scope_org=batch.root, rows=rows,
                 note=f"Báo cáo lỗi lô #{batch.pk} ({batch.filename})")
    return FileResponse(fh, as_attachment=True, filename=filename(batch), content_type=XLSX_TYPE)
