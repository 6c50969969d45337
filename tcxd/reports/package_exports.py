"""Files of periodic report packages: file names, and the consolidation as .xlsx — a first sheet with every
subordinate org's submission standing, then one sheet per form holding three tables in the form's layout:
the consolidated figures, the part from submitted packages, the live part of the orgs that did not submit."""

from __future__ import annotations

import io
import re

from tcxd.common.fmt import fmt_date

from . import packages as PK
from .exports import NUMBER_FORMAT, XLSX_TYPE, sheet_title, write_form
from .models import ReportPackage

__all__ = ["XLSX_TYPE", "consolidation_filename", "consolidation_xlsx", "package_filename"]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "bao-cao"


def package_filename(package: ReportPackage) -> str:
    return f"{_slug(package.template_code)}_{package.year}_{package.org_id}_v{package.current_version}.docx"


def consolidation_filename(data: PK.Consolidation) -> str:
    return f"tong-hop_{_slug(data.template.code)}_{data.year}_{data.org.pk}.xlsx"


def consolidation_xlsx(data: PK.Consolidation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tình hình nộp"
    ws["A1"] = f"TỔNG HỢP {data.template.title.upper()} {data.year}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = data.org_name
    ws["A2"].font = Font(bold=True)
    ws["A3"] = (f"Ngày chốt số liệu {fmt_date(data.period.cutoff)}; hạn nộp {fmt_date(data.period.deadline)}; "
                f"đã nộp {data.submitted_count}/{len(data.children)} tổ chức trực thuộc")
    header = ["Tổ chức trực thuộc (tại ngày chốt)", "Tình hình nộp", "Ngày nộp", "Lần tạo số liệu"]
    for j, label in enumerate(header, start=1):
        ws.cell(row=5, column=j, value=label).font = Font(bold=True)
    for i, line in enumerate(data.children, start=6):
        ws.cell(row=i, column=1, value=line.name)
        ws.cell(row=i, column=2, value=line.standing_label)
        submitted = line.package.submitted_on if line.package is not None and line.submitted else None
        ws.cell(row=i, column=3, value=fmt_date(submitted))
        if line.package is not None:
            ws.cell(row=i, column=4, value=line.package.current_version).number_format = NUMBER_FORMAT
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 14
    for form in data.forms:
        sheet = wb.create_sheet(sheet_title(form.rendered.code))
        last = write_form(sheet, form.rendered)
        last = write_form(sheet, form.frozen_rendered, offset=last + 2, page_setup=False)
        write_form(sheet, form.live_rendered, offset=last + 2, page_setup=False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
