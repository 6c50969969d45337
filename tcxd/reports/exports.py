"""Exports of a rendered report form in its layout: .xlsx (openpyxl: title rows, merged headers, bold
totals, Vietnamese thousands separator, column widths) and PDF (WeasyPrint, A4 landscape).

Both take a ``RenderedForm`` (tcxd.reports.report_forms): the file shows exactly the on-screen figures.
"""

from __future__ import annotations

import io
import re

from django.template.loader import render_to_string

from tcxd.common.fmt import fmt_date

from .report_forms import RenderedForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The Vietnamese locale (LCID 042A) in the format code: "1.793" whatever the reader's own locale.
NUMBER_FORMAT = "[$-42A]#,##0"
TITLE_ROWS = 5  # issuer line, title, org, period, blank


def filename(rendered: RenderedForm, ext: str) -> str:
    day = rendered.on or rendered.end
    code = re.sub(r"[^A-Za-z0-9._-]+", "-", rendered.code or "bieu").strip("-") or "bieu"
    return f"{code}_{rendered.org_id}_{day:%Y%m%d}.{ext}"


def header_top(rendered: RenderedForm) -> int:
    """The 1-based sheet row of the first header row."""
    return TITLE_ROWS + 1


def body_top(rendered: RenderedForm) -> int:
    return header_top(rendered) + len(rendered.header_rows)


def header_cells(rendered: RenderedForm) -> list[dict]:
    """Every header cell placed on the table's grid: ``{row, col, rowspan, colspan, label}`` (0-based); a cell
    sits at the first column of its row not taken by a cell above that spans down."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(rendered.header_rows):
        col = 0
        for cell in cells:
            while (r, col) in taken:
                col += 1
            taken.update((r + dr, col + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            out.append({"row": r, "col": col, "rowspan": cell.rowspan, "colspan": cell.colspan, "label": cell.label})
            col += cell.colspan
    return out


def xlsx_bytes(rendered: RenderedForm) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(rendered.code or "Biểu")
    write_form(ws, rendered)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_title(text: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", "-", text)[:31] or "Biểu"


def write_form(ws, rendered: RenderedForm, *, offset: int = 0, page_setup: bool = True) -> int:
    """Write the form into ``ws`` from sheet row ``offset + 1`` (title rows, merged headers, body, notes);
    returns the last row written."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    width = rendered.width
    last = get_column_letter(width)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws[f"A{offset + 1}"] = f"Biểu {rendered.code}" + (f" ({rendered.family})" if rendered.family else "")
    ws[f"A{offset + 1}"].font = Font(italic=True, size=10)
    ws[f"A{offset + 2}"] = rendered.title.upper()
    ws[f"A{offset + 2}"].font = Font(bold=True, size=14)
    ws[f"A{offset + 3}"] = rendered.org_name
    ws[f"A{offset + 3}"].font = Font(bold=True)
    ws[f"A{offset + 4}"] = rendered.period_text
    ws[f"A{offset + 4}"].font = Font(italic=True)
    for row in (offset + 2, offset + 3, offset + 4):
        ws.merge_cells(f"A{row}:{last}{row}")
        ws[f"A{row}"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    # header rows: every cell at its place on the grid, merged over its span
    top = offset + header_top(rendered)
    for cell in header_cells(rendered):
        row_no, col = top + cell["row"], 1 + cell["col"]
        ws.cell(row=row_no, column=col, value=cell["label"])
        for dr in range(cell["rowspan"]):
            for dc in range(cell["colspan"]):
                target = ws.cell(row=row_no + dr, column=col + dc)
                target.border = border
                target.alignment = centered
                target.font = Font(bold=True)
        if cell["rowspan"] > 1 or cell["colspan"] > 1:
            ws.merge_cells(start_row=row_no, start_column=col, end_row=row_no + cell["rowspan"] - 1,
                           end_column=col + cell["colspan"] - 1)

    first = offset + body_top(rendered)
    for i, row in enumerate(rendered.rows):
        row_no = first + i
        label = ws.cell(row=row_no, column=1, value=("    " * row.indent) + row.label)
        label.alignment = Alignment(indent=row.indent * 2, wrap_text=True, vertical="center")
        label.border = border
        label.font = Font(bold=row.is_total)
        for j, value in enumerate(row.values):
            c = ws.cell(row=row_no, column=2 + j, value=int(value))
            c.number_format = NUMBER_FORMAT
            c.border = border
            c.font = Font(bold=row.is_total or rendered.columns[j].is_total)
    last_row = first + len(rendered.rows) - 1
    for note_no, note in enumerate(rendered.notes):
        last_row = first + len(rendered.rows) + 1 + note_no
        ws.cell(row=last_row, column=1, value=note).font = Font(italic=True)

    if page_setup:
        ws.column_dimensions["A"].width = max(28, min(60, max((len(r.label) + 4 * r.indent for r in rendered.rows),
                                                              default=20) + 2))
        for j, column in enumerate(rendered.columns):
            ws.column_dimensions[get_column_letter(2 + j)].width = max(9, min(18, len(column.label) // 2 + 4))
        ws.freeze_panes = ws.cell(row=first, column=2)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.print_title_rows = f"{top}:{first - 1}"
    return last_row


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Pango/HarfBuzz system libraries are missing
        return False
    return True


def form_html(rendered: RenderedForm, *, for_pdf: bool) -> str:
    return render_to_string("reports/forms/print.html", {"r": rendered, "for_pdf": for_pdf,
                                                         "issued": fmt_date(rendered.on or rendered.end)})


def pdf_bytes(rendered: RenderedForm) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher

    # Nothing is fetched: the stylesheet is inline and every URL is refused (no file read, no network).
    no_fetch = URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=form_html(rendered, for_pdf=True), base_url="about:blank",
                           url_fetcher=no_fetch).write_pdf()
