"""The statistics tables of a package's .docx, read back with python-docx: the header rows merged as in the
.xlsx export (a group over its columns, a leaf column and the row-header cell down to the last header row:
the same cell over the whole range, its grid span the group's width), repeated on every page; totals (rows
and columns) bold; figures written the Vietnamese way (1.793)."""

from __future__ import annotations

import datetime as dt
import io

import docx as python_docx
from docx.oxml.ns import qn

from tcxd.reports import package_docx as PD
from tcxd.reports import package_services as S
from tcxd.reports import packages as PK
from tcxd.reports import stats
from tcxd.reports.exports import header_cells
from tcxd.reports.report_forms import BodyRow, HeaderCell, Item, RenderedForm

from .test_packages import people  # noqa: F401  (fixture)

D = dt.date


def _tables(data: bytes, n: int):
    """The last ``n`` tables of the document (the statistics annex comes last)."""
    return python_docx.Document(io.BytesIO(data)).tables[-n:]


def _bold(cell) -> bool:
    runs = [r for p in cell.paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _assert_merged_as_the_form(table, form: RenderedForm) -> None:
    depth = len(form.header_rows)
    for spec in header_cells(form):
        r, c, rs, cs = spec["row"], spec["col"], spec["rowspan"], spec["colspan"]
        top = table.cell(r, c)
        assert top.text == spec["label"] and _bold(top), spec
        assert top.grid_span == cs, spec
        for dr in range(rs):  # the same cell over the whole range …
            for dc in range(cs):
                assert table.cell(r + dr, c + dc)._tc is top._tc, (spec, dr, dc)
        if c + cs < len(form.columns) + 1:  # … and not beyond it
            assert table.cell(r, c + cs)._tc is not top._tc, spec
        if r + rs < depth:
            assert table.cell(r + rs, c)._tc is not top._tc, spec
    for row in table.rows[:depth]:
        assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[depth]._tr.trPr is None or table.rows[depth]._tr.trPr.find(qn("w:tblHeader")) is None


def test_a_package_docx_has_the_forms_merged_headers_bold_totals_and_its_figures(tree, users, people):  # noqa: F811
    officer = users["province_officer"]
    package = S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=2025)
    forms = PK.figures_forms(PK.package_current_version(package=package).figures)
    tables = _tables(S.package_docx_bytes(package=package), len(forms))
    by_code = {}
    for form, table in zip(forms, tables, strict=True):
        _assert_merged_as_the_form(table, form)
        by_code[form.code] = (form, table)
        depth = len(form.header_rows)
        assert len(table.rows) == depth + len(form.rows)
        for row, cells in zip(form.rows, table.rows[depth:], strict=True):
            texts = [c.text for c in cells.cells]
            assert texts[0].strip() == row.label and texts[1:] == [f"{v:,}".replace(",", ".") for v in row.values]
            for value_cell, column, value in zip(cells.cells[1:], form.columns, row.values, strict=True):
                assert _bold(value_cell) == (row.is_total or column.is_total), (form.code, row.key, column.key, value)

    # 1-TCTW-DV: "Chỉ tiêu" and "Tổng số" down both header rows, "Trong đó" over Nữ and Dân tộc thiểu số
    form, table = by_code["1-TCTW-DV"]
    assert len(form.header_rows) == 2
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc and table.cell(0, 0).text == "Chỉ tiêu"
    assert table.cell(0, 1)._tc is table.cell(1, 1)._tc and table.cell(0, 1).text == "Tổng số"
    group = table.cell(0, 2)
    assert group.text == "Trong đó" and group.grid_span == 2 and table.cell(0, 3)._tc is group._tc
    assert [table.cell(1, 2).text, table.cell(1, 3).text] == ["Nữ", "Dân tộc thiểu số"]
    assert [c.text for c in table.rows[2].cells][:2] == ["Tổng số đảng viên", "5"]
    assert _bold(table.rows[2].cells[0]) and not _bold(table.rows[3].cells[0])  # the total row's label

    # 3-TCTW: "Tuổi đời" over every age band in force on the cut-off day
    form, table = by_code["3-TCTW"]
    bands = len(stats.dimension("age_band", package.cutoff).values)
    ages = next(s for s in header_cells(form) if s["label"] == "Tuổi đời")
    assert ages["colspan"] == bands > 1
    assert table.cell(0, ages["col"]).grid_span == bands
    assert table.cell(0, ages["col"])._tc is table.cell(0, ages["col"] + bands - 1)._tc


def _nested_form() -> RenderedForm:
    """Three header rows: "Trong đó" over a group of two and a column spanning the two rows below it."""
    header = [[HeaderCell("Chỉ tiêu", 1, 3), HeaderCell("Tổng số", 1, 3, "tong"), HeaderCell("Trong đó", 3, 1)],
              [HeaderCell("Theo giới tính", 2, 1), HeaderCell("Có tôn giáo", 1, 2, "tg")],
              [HeaderCell("Nam", 1, 1, "nam"), HeaderCell("Nữ", 1, 1, "nu")]]
    columns = [Item(key="tong", label="Tổng số", total="all"), Item(key="nam", label="Nam"),
               Item(key="nu", label="Nữ"), Item(key="tg", label="Có tôn giáo")]
    return RenderedForm(
        code="THU", title="Biểu thử", family="", kind="members", description="", org_id=1, org_name="Đảng bộ thử",
        on=D(2025, 11, 15), start=None, end=None, previous_start=None, previous_end=None, header_rows=header,
        columns=columns, rows=[BodyRow("tong", "Tổng số đảng viên", 0, True, [1793, 1000, 793, 12]),
                               BodyRow("cs", "Chi bộ cơ sở", 1, False, [1234567, 0, 1234567, 0])])


def _render(forms: list[RenderedForm]) -> bytes:
    context = PD.docx_context(title="Báo cáo thử", kind_label="Báo cáo năm", org_name="Đảng bộ thử", year=2025,
                              period_start=D(2024, 11, 16), cutoff=D(2025, 11, 15), deadline=D(2025, 11, 30),
                              status_label="Dự thảo", version=1, issued=D(2025, 11, 20), sections=[], narrative={},
                              forms=forms)
    return PD.render_docx(PD.default_template_docx(), context)


def test_nested_groups_merge_across_three_header_rows_and_thousands_use_dots():
    form = _nested_form()
    (table,) = _tables(_render([form]), 1)
    _assert_merged_as_the_form(table, form)
    assert table.cell(0, 2).grid_span == 3 and table.cell(0, 2)._tc is table.cell(0, 4)._tc
    assert table.cell(1, 2).text == "Theo giới tính" and table.cell(1, 2)._tc is table.cell(1, 3)._tc
    assert table.cell(1, 4)._tc is table.cell(2, 4)._tc and table.cell(1, 4).text == "Có tôn giáo"
    assert [c.text for c in table.rows[3].cells] == ["Tổng số đảng viên", "1.793", "1.000", "793", "12"]
    assert [c.text for c in table.rows[4].cells] == ["    Chi bộ cơ sở", "1.234.567", "0", "1.234.567", "0"]
    assert [_bold(c) for c in table.rows[4].cells] == [False, True, False, False, False]  # the total column
    # the figures keep the template's run size (9 pt) besides their own bold
    sizes = {r.font.size.pt for row in table.rows[3:] for c in row.cells for p in c.paragraphs for r in p.runs
             if r.text.strip()}
    assert sizes == {9.0}


def test_tables_drawn_otherwise_are_left_as_drawn():
    """A template whose table does not read the form's flattened header keeps its own layout."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("{%p for f in forms %}")
    table = doc.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Tiêu đề riêng", "{%tc for c in f.columns %}{{ c }}",
                                                "{%tc endfor %}"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["{%tr for r in f.rows %}", "", ""], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[2].cells, ["{%tr endfor %}", "", ""], strict=True):
        cell.text = text
    doc.add_paragraph("{%p endfor %}")
    buffer = io.BytesIO()
    doc.save(buffer)
    form = _nested_form()
    context = PD.sample_context([])
    context["forms"] = [PD.form_context(form)]
    out = python_docx.Document(io.BytesIO(PD.render_docx(buffer.getvalue(), context)))
    assert len(out.tables) == 1 and len(out.tables[0].rows) == 1
    assert [c.text for c in out.tables[0].rows[0].cells][0] == "Tiêu đề riêng"
