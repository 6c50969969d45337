"""Word documents of periodic report packages (báo cáo định kỳ): the default .docx template (built by code,
byte for byte the same on every run) and the rendering of a package through docxtpl.

A template is an ordinary Word document with docxtpl (Jinja) tags, which users edit in Word. The context
(``docx_context``) holds:

- ``org_name``, ``org_name_upper``, ``title``, ``title_upper``, ``kind_label``, ``year``;
- ``period_start``, ``cutoff``, ``deadline`` (dd/mm/yyyy), ``period_text``, ``status_label``, ``version``,
  ``day``, ``month``, ``year_of_issue`` (the day of generation, for "ngày … tháng … năm …");
- ``sections``: the narrative parts ``[{number, key, label, text}]`` and ``loi_van`` (key → text), so a
  template can place one part anywhere with ``{{ loi_van.danh_gia_chung }}``;
- ``forms``: every statistics table ``[{code, title, family, org_name, period_text, row_header, columns,
  header, rows: [{label, values, is_total, bold}], notes}]`` — ``columns`` the column titles (a group's
  label joined to its columns': "Trong đó — Nữ"), ``header`` the header cells on the grid (``depth`` rows,
  ``cells`` with row, col, rowspan, colspan, label), ``values`` the cells formatted the Vietnamese way
  (1.793), ``bold`` per cell (a total row or a total column); the default template draws them with
  ``{%tr for %}`` (rows) and ``{%tc for %}`` (columns) loops.

After rendering, every statistics table drawn that way (its first row reads ``f.row_header`` then
``f.columns``) is given the form's header rows with merged cells, as in the .xlsx export
(``merge_form_headers``): a group over its columns, a leaf column and the row-header cell down to the last
header row; bold, centred, repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from tcxd.common.files import deterministic_zip
from tcxd.common.fmt import fmt_date, fmt_int

from .exports import header_cells
from .report_forms import RenderedForm

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # core properties of the default template: reproducible
# The order of a run's properties (w:rPr) in the OOXML schema (ECMA-376 CT_RPr), which Word insists on.
RUN_PROPERTIES = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
                  "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
                  "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
                  "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


# -- the context -----------------------------------------------------------------------------------------
def column_titles(rendered: RenderedForm) -> list[str]:
    """One title per leaf column: the labels of the merged groups above it joined to its own
    ("Trong đó — Nữ"), placing the header cells as the .xlsx export does."""
    taken: dict[tuple[int, int], str] = {}
    for cell in header_cells(rendered):
        for dr in range(cell["rowspan"]):
            for dc in range(cell["colspan"]):
                taken[(cell["row"] + dr, cell["col"] + dc)] = cell["label"]
    titles = []
    for j in range(1, rendered.width):
        parts: list[str] = []
        for r in range(len(rendered.header_rows)):
            label = taken.get((r, j))
            if label and (not parts or parts[-1] != label):
                parts.append(label)
        titles.append(" — ".join(parts))
    return titles


def form_context(rendered: RenderedForm) -> dict:
    head = rendered.header_rows[0][0].label if rendered.header_rows and rendered.header_rows[0] else "Chỉ tiêu"
    total_columns = [c.is_total for c in rendered.columns]
    return {
        "code": rendered.code, "title": rendered.title, "family": rendered.family, "org_name": rendered.org_name,
        "period_text": rendered.period_text, "row_header": head, "columns": column_titles(rendered),
        "header": {"depth": max(len(rendered.header_rows), 1), "cells": header_cells(rendered)},
        "rows": [{"label": ("    " * row.indent) + row.label, "values": [fmt_int(v) for v in row.values],
                  "numbers": list(row.values), "is_total": row.is_total,
                  "bold": [row.is_total or t for t in total_columns]} for row in rendered.rows],
        "notes": list(rendered.notes)}


def docx_context(*, title: str, kind_label: str, org_name: str, year: int, period_start: dt.date, cutoff: dt.date,
                 deadline: dt.date, status_label: str, version: int, issued: dt.date, sections: list[dict],
                 narrative: dict, forms: list[RenderedForm]) -> dict:
    texts = {s["key"]: (narrative or {}).get(s["key"], "") for s in sections}
    return {
        "title": title, "title_upper": title.upper(), "kind_label": kind_label, "org_name": org_name,
        "org_name_upper": org_name.upper(), "year": year, "period_start": fmt_date(period_start),
        "cutoff": fmt_date(cutoff), "deadline": fmt_date(deadline),
        "period_text": f"Từ ngày {fmt_date(period_start)} đến ngày {fmt_date(cutoff)}",
        "status_label": status_label, "version": version, "day": f"{issued.day:02d}", "month": f"{issued.month:02d}",
        "year_of_issue": issued.year,
        "sections": [{"number": i, "key": s["key"], "label": s["label"], "text": texts[s["key"]]}
                     for i, s in enumerate(sections, start=1)],
        "loi_van": texts,
        "forms": [form_context(f) for f in forms],
    }


def _with_rich_text(context: dict) -> dict:
    """Narrative texts keep their line breaks (docxtpl Listing); bold totals through RichText."""
    from docxtpl import Listing, RichText

    out = dict(context)
    out["sections"] = [{**s, "text": Listing(s["text"] or "")} for s in context["sections"]]
    out["loi_van"] = {k: Listing(v or "") for k, v in context["loi_van"].items()}
    forms = []
    for f in context["forms"]:
        rows = [{**r, "label_rt": RichText(r["label"], bold=r["is_total"]),
                 "cells": [RichText(v, bold=b) for v, b in zip(r["values"], r["bold"], strict=True)]}
                for r in f["rows"]]
        forms.append({**f, "rows": rows})
    out["forms"] = forms
    return out


# -- rendering ---------------------------------------------------------------------------------------
class TemplateProblem(ValueError):
    """The .docx template cannot be used; the message says why, in Vietnamese."""


def render_docx(template_bytes: bytes, context: dict) -> bytes:
    """The document: ``template_bytes`` (a docxtpl template) filled with ``context``."""
    import jinja2
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(io.BytesIO(template_bytes))
        tpl.render(_with_rich_text(context), autoescape=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateProblem(f"Tệp mẫu không phải tài liệu Word .docx đọc được ({exc.__class__.__name__}).") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"Thẻ mẫu sai cú pháp (dòng {exc.lineno} của nội dung tài liệu): {exc.message}.") from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"Mẫu không điền được: {exc}.") from exc
    merge_form_headers(tpl.docx, context["forms"])
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# -- merged headers of the statistics tables ---------------------------------------------------------------
def _header_texts(form: dict) -> list[str]:
    return [form["row_header"], *form["columns"]]


def _row_texts(row) -> list[str]:
    return [c.text.strip() for c in row.cells]


def merge_form_headers(document, forms: list[dict]) -> int:
    """Give every statistics table of the rendered ``document`` its form's header rows with merged cells (a
    group over its columns, a leaf column and the row-header cell down to the last header row), as the .xlsx
    export does. A form's table is the next table (in document order) whose first row reads the form's
    flattened header — the row drawn by the ``{%tc for c in f.columns %}`` loop: ``f.row_header`` then
    ``f.columns``; a template that draws its tables otherwise keeps them as drawn. Header cells are bold and
    centred and the header rows repeat on every page. Returns the number of tables given their header."""
    tables = list(document.tables)
    at, done = 0, 0
    for form in forms:
        if not form["header"]["cells"]:
            continue
        want = [t.strip() for t in _header_texts(form)]
        for i in range(at, len(tables)):
            table = tables[i]
            if table.rows and _row_texts(table.rows[0]) == want:
                at = i + 1
                _merge_header(table, form["header"], width=len(want))
                _repeat_header(table, form["header"]["depth"])
                _body_format(table, form["header"]["depth"])
                done += 1
                break
    return done


def _merge_header(table, header: dict, *, width: int) -> None:
    """Turn the table's one flattened header row into ``header['depth']`` rows (copies of it, keeping its
    formatting) and merge each header cell over its span: its label in the top-left cell, bold and centred,
    in the run formatting (font, size) the template gave that column's header."""
    import copy

    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.text.run import Run

    first = table.rows[0]._tr
    for _ in range(header["depth"] - 1):
        first.addnext(copy.deepcopy(first))
    formats = {}
    for r in range(header["depth"]):
        for c in range(width):
            formats[(r, c)] = _blank(table.cell(r, c))
    for spec in header["cells"]:
        cell = table.cell(spec["row"], spec["col"])
        run = cell._tc.p_lst[0].add_r()
        if formats[(spec["row"], spec["col"])] is not None:
            run.insert(0, formats[(spec["row"], spec["col"])])
        run.text = spec["label"]
        Run(run, cell.paragraphs[0]).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if spec["rowspan"] > 1 or spec["colspan"] > 1:
            cell = cell.merge(table.cell(spec["row"] + spec["rowspan"] - 1, spec["col"] + spec["colspan"] - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _blank(cell):
    """Leave one empty paragraph without runs (its paragraph properties kept), so that merging moves nothing
    from the cell; returns the run properties of its first run (None when it had none)."""
    import copy

    paragraphs = cell._tc.p_lst
    for extra in paragraphs[1:]:
        cell._tc.remove(extra)
    runs = list(paragraphs[0].r_lst)
    rpr = copy.deepcopy(runs[0].rPr) if runs and runs[0].rPr is not None else None
    for run in runs:
        paragraphs[0].remove(run)
    return rpr


def _body_format(table, depth: int) -> None:
    """The figures (``{{r v }}``: docxtpl RichText runs, which carry only their own bold) take the rest of the
    run formatting the template gave the cell (font, size): what the template's run of that paragraph has and
    the RichText run does not."""
    import copy

    from docx.oxml.ns import qn

    order = {qn(f"w:{tag}"): i for i, tag in enumerate(RUN_PROPERTIES)}
    for row in table.rows[depth:]:
        for tc in row._tr.tc_lst:
            for p in tc.p_lst:
                runs = p.r_lst
                model = next((r.rPr for r in runs if r.rPr is not None), None)
                if model is None:
                    continue
                for run in runs:
                    rpr = run.get_or_add_rPr()
                    if rpr is model:
                        continue
                    present = {child.tag for child in rpr}
                    missing = [copy.deepcopy(child) for child in model if child.tag not in present]
                    if missing:
                        children = sorted([*rpr, *missing], key=lambda e: order.get(e.tag, len(order)))
                        for child in children:
                            rpr.append(child)  # appending an element already there moves it: schema order


def _repeat_header(table, depth: int) -> None:
    """Mark the first ``depth`` rows as header rows repeated on every page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in table.rows[:depth]:
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:tblHeader")) is None:
            tr_pr.append(OxmlElement("w:tblHeader"))


def sample_context(sections: list[dict]) -> dict:
    """A context with every variable filled, to try a template before it is saved."""
    from .report_forms import BodyRow, HeaderCell, Item

    day = dt.date(2026, 11, 15)
    sample = RenderedForm(
        code="MAU", title="Biểu mẫu thử", family="", kind="members", description="", org_id=0,
        org_name="Đảng bộ mẫu", on=day, start=None, end=None, previous_start=None, previous_end=None,
        header_rows=[[HeaderCell("Chỉ tiêu"), HeaderCell("Tổng số", key="tong")]],
        columns=[Item(key="tong", label="Tổng số", total="all")],
        rows=[BodyRow(key="tong", label="Tổng số đảng viên", indent=0, is_total=True, values=[1793])])
    return docx_context(title="Báo cáo mẫu", kind_label="Báo cáo năm", org_name="Đảng bộ mẫu", year=2026,
                        period_start=dt.date(2026, 1, 1), cutoff=day, deadline=dt.date(2026, 11, 30),
                        status_label="Dự thảo", version=1, issued=day, sections=sections,
                        narrative={s["key"]: "Nội dung thử." for s in sections}, forms=[sample])


def template_problems(template_bytes: bytes | None, sections: list[dict]) -> list[str]:
    """Why a .docx template cannot be used (empty when it renders with a sample package)."""
    if not template_bytes:
        return ["Chưa chọn tệp mẫu Word (.docx)."]
    if len(template_bytes) > MAX_TEMPLATE_BYTES:
        return [f"Tệp mẫu lớn quá {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB."]
    if not zipfile.is_zipfile(io.BytesIO(template_bytes)):
        return ["Tệp mẫu không phải tài liệu Word .docx (lưu lại trong Word dưới dạng “Word Document (*.docx)”)."]
    try:
        render_docx(template_bytes, sample_context(sections))
    except TemplateProblem as exc:
        return [str(exc)]
    return []


# -- the default template --------------------------------------------------------------------------------
def default_template_docx(title: str = "BÁO CÁO") -> bytes:
    """The shipped template: a Party report's header, the narrative parts, then (landscape pages) every
    statistics table through docxtpl loops. Built by python-docx with fixed core properties, so the
    same bytes come out on every run."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    props = doc.core_properties
    props.author = props.last_modified_by = "TCXD"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.title = "Mẫu báo cáo định kỳ"
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)

    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = [("{{ org_name_upper }}", True), ("ĐẢNG CỘNG SẢN VIỆT NAM", True),
             ("Số:      -BC", False), ("…, ngày {{ day }} tháng {{ month }} năm {{ year_of_issue }}", False)]
    for cell, (text, bold) in zip([c for row in head.rows for c in row.cells], cells, strict=True):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
        run.italic = "ngày" in text
        run.font.size = Pt(12)

    for text, size, bold in ((title, 15, True), ("{{ title_upper }} {{ year }}", 14, True)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("(Kỳ báo cáo: {{ period_text }}; số liệu tính đến ngày {{ cutoff }})").italic = True

    doc.add_paragraph("{%p for s in sections %}")
    p = doc.add_paragraph()
    p.add_run("{{ s.number }}. {{ s.label }}").bold = True
    p = doc.add_paragraph("{{ s.text }}")
    p.paragraph_format.first_line_indent = Cm(1)
    doc.add_paragraph("{%p endfor %}")

    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.add_paragraph("- Cấp ủy cấp trên (để báo cáo),")
    left.add_paragraph("- Lưu văn phòng cấp ủy.")
    for text, bold in (("T/M CẤP ỦY", True), ("(Ký, ghi rõ họ tên, đóng dấu)", False)):
        p = right.paragraphs[0] if bold else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic = bold, not bold

    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Cm(29.7), Cm(21)
    annex.left_margin = annex.right_margin = annex.top_margin = annex.bottom_margin = Cm(1.5)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("PHỤ LỤC: SỐ LIỆU THỐNG KÊ").bold = True
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("(Kèm theo báo cáo; {{ org_name }}; số liệu tính đến ngày {{ cutoff }})").italic = True

    doc.add_paragraph("{%p for f in forms %}")
    p = doc.add_paragraph()
    p.add_run("Biểu {{ f.code }}: {{ f.title }}").bold = True
    p = doc.add_paragraph()
    p.add_run("{{ f.org_name }} · {{ f.period_text }}").italic = True
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    rows = table.rows
    texts = [["{{ f.row_header }}", "{%tc for c in f.columns %}", "{{ c }}", "{%tc endfor %}"],
             ["{%tr for r in f.rows %}", "", "", ""],
             ["{{r r.label_rt }}", "{%tc for v in r.cells %}", "{{r v }}", "{%tc endfor %}"],
             ["{%tr endfor %}", "", "", ""]]
    for number, (row, values) in enumerate(zip(rows, texts, strict=True)):
        for cell, text in zip(row.cells, values, strict=True):
            p = cell.paragraphs[0]
            run = p.add_run(text)
            run.font.size = Pt(9)
            if number == 0:
                run.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif text.startswith("{{r v"):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{%p for n in f.notes %}")
    doc.add_paragraph().add_run("{{ n }}").italic = True
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")

    out = io.BytesIO()
    doc.save(out)
    return deterministic_zip(out.getvalue())
