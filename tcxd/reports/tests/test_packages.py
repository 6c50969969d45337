"""Periodic report packages (issue 4 §4): generated from the shipped templates, versioned while draft, frozen
once submitted — a member event recorded afterwards changes neither the stored figures nor the .docx, and
the diff against the live figures shows exactly that change; the .docx read back (python-docx) holds the
rendered forms' numbers; deadlines at their boundaries; templates are versioned and validated."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import docx as python_docx
import pytest
from django.utils import timezone

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import NotFound, PermissionDenied, ValidationFailed
from tcxd.common.fmt import fmt_int
from tcxd.members import services as MS
from tcxd.members.models import Member
from tcxd.reports import package_docx as PD
from tcxd.reports import package_services as S
from tcxd.reports import packages as PK
from tcxd.reports.models import PackageStatus, ReportPackage, ReportPackageTemplate
from tcxd.reports.report_forms import render_form
from tcxd.rules.pure import membership as M

from .test_stats import _official

D = dt.date
SHIPPED = importlib.import_module("tcxd.reports.migrations.0005_shipped_package_templates")
NARRATIVE = {s["key"]: f"Nội dung phần {s['label'].lower()}." for s in SHIPPED.SECTIONS}


@pytest.fixture
def people(tree):
    """Three official members in commune A (two in cell A1, one in the school cell), two in commune B."""
    return {
        "a": [_official(tree.cell_a1, D(1960, 1, 1), D(2016, 1, 4)), _official(tree.cell_a1, D(1985, 6, 1),
                                                                                D(2016, 1, 4)),
              _official(tree.gcell_a2, D(1995, 3, 1), D(2016, 1, 4))],
        "b": [_official(tree.cell_b1, D(1990, 1, 1), D(2016, 1, 4)), _official(tree.cell_b1, D(1991, 1, 1),
                                                                                D(2016, 1, 4))],
    }


def _tpl(code="BC-NAM") -> ReportPackageTemplate:
    return ReportPackageTemplate.objects.get(code=code, superseded_at__isnull=True)


def _cells(figures: dict, code: str) -> dict[str, list[int]]:
    form = next(f for f in figures["forms"] if f["code"] == code)
    return {r["key"]: r["values"] for r in form["rows"]}


def _docx_text(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    doc = python_docx.Document(io.BytesIO(data))
    return ([p.text for p in doc.paragraphs],
            [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables])


def _submitted(users, tree, org=None, year=2025):
    actor = users["province_officer"]
    package = S.package_generate(actor=actor, org=org or tree.province, template_code="BC-NAM", year=year)
    S.package_update_narrative(actor=actor, package=package, narrative=NARRATIVE)
    return S.package_submit(actor=actor, package=package)


# -- templates ----------------------------------------------------------------------------------------------
def test_the_shipped_templates_state_their_cut_off_days_and_render(db):
    rows = {t.code: t for t in PK.package_templates()}
    assert set(rows) == {"BC-6T", "BC-9T", "BC-NAM"}
    assert [(rows[c].cutoff_day, rows[c].cutoff_month, rows[c].deadline_days) for c in ("BC-6T", "BC-9T", "BC-NAM")] \
        == [(15, 6, 5), (15, 9, 5), (15, 11, 15)]
    assert all("G-01" in t.note and "chưa được kiểm chứng" in t.note for t in rows.values())
    assert all(PD.template_problems(bytes(t.docx), t.sections) == [] for t in rows.values())
    assert PD.default_template_docx() == PD.default_template_docx()  # reproducible bytes
    year = PK.package_period(rows["BC-NAM"], 2026)
    assert (year.start, year.cutoff, year.deadline) == (D(2025, 11, 16), D(2026, 11, 15), D(2026, 11, 30))
    half = PK.package_period(rows["BC-6T"], 2026)
    assert (half.start, half.cutoff, half.deadline) == (D(2026, 1, 1), D(2026, 6, 15), D(2026, 6, 20))


def test_editing_a_template_makes_a_new_version_and_packages_keep_theirs(tree, users, people):
    old = _tpl()
    package = S.package_generate(actor=users["province_officer"], org=tree.province, template_code="BC-NAM",
                                 year=2025)
    new = S.package_template_save(actor=tree.admin, template=old, code="BC-NAM", title=old.title, kind=old.kind,
                                  form_codes=["1-TCTW-DV"], cutoff_day=30, cutoff_month=11, deadline_days=10,
                                  start_day=1, start_month=12, sections=old.sections)
    old.refresh_from_db()
    assert (new.version, old.version, old.superseded_at is not None, new.superseded_at) == (2, 1, True, None)
    assert bytes(new.docx) == bytes(old.docx)  # no new file: the previous version's .docx
    package.refresh_from_db()
    assert package.template_id == old.pk and package.cutoff == D(2025, 11, 15)
    assert AuditEntry.objects.filter(action="package_template.update").count() == 1
    with pytest.raises(ValidationFailed) as exc:
        S.package_template_save(actor=tree.admin, template=old, code="BC-NAM", title="x", kind="annual",
                                form_codes=["1-TCTW-DV"], cutoff_day=1, cutoff_month=1, deadline_days=1)
    assert "đã được thay bằng phiên bản sau" in str(exc.value.errors)
    # regenerating the draft takes the live version: the new cut-off day
    package = S.package_generate(actor=users["province_officer"], org=tree.province, template_code="BC-NAM",
                                 year=2025)
    assert (package.template_id, package.cutoff, package.current_version) == (new.pk, D(2025, 11, 30), 2)
    assert [f["code"] for f in PK.package_current_version(package=package).figures["forms"]] == ["1-TCTW-DV"]


def test_template_problems_are_named_all_at_once(tree):
    with pytest.raises(ValidationFailed) as exc:
        S.package_template_save(actor=tree.admin, code="có dấu", title="", kind="quarter", form_codes=["KHONG-CO"],
                                cutoff_day=31, cutoff_month=6, deadline_days=400, start_day=1, start_month=13,
                                sections=[{"key": "Sai Mã", "label": ""}], docx=b"not a docx")
    errors = exc.value.errors
    assert set(errors) == {"code", "title", "kind", "form_codes", "cutoff", "start", "deadline_days", "sections"}
    assert "từ 1 đến 30 (tháng 6)" in errors["cutoff"][0]
    assert "KHONG-CO" in errors["form_codes"][0]
    broken = PD.default_template_docx().replace(b"word/document.xml", b"word/documenx.xml")
    with pytest.raises(ValidationFailed) as exc:
        S.package_template_save(actor=tree.admin, code="BC-THU", title="Thử", kind="annual", form_codes=["1-TCTW-DV"],
                                cutoff_day=15, cutoff_month=11, deadline_days=5, docx=broken)
    assert list(exc.value.errors) == ["docx"]


def test_a_template_with_a_bad_tag_is_refused_naming_it(tree):
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ org_name ")
    doc.add_paragraph("{% for x in %}")
    buffer = io.BytesIO()
    doc.save(buffer)
    with pytest.raises(ValidationFailed) as exc:
        S.package_template_save(actor=tree.admin, code="BC-THU", title="Thử", kind="annual", form_codes=["1-TCTW-DV"],
                                cutoff_day=15, cutoff_month=11, deadline_days=5, docx=buffer.getvalue())
    assert "Thẻ mẫu sai cú pháp" in exc.value.errors["docx"][0]


def test_only_administrators_change_templates(users):
    old = _tpl()
    with pytest.raises(PermissionDenied):
        S.package_template_save(actor=users["province_officer"], template=old, code="BC-NAM", title="x",
                                kind="annual", form_codes=["1-TCTW-DV"], cutoff_day=1, cutoff_month=1, deadline_days=1)


# -- packages -------------------------------------------------------------------------------------------------
def test_generate_stores_the_engines_figures_and_regenerate_keeps_old_versions(tree, users, people):
    officer = users["province_officer"]
    package = S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=2025)
    assert (package.status, package.current_version, package.cutoff, package.deadline) == (
        PackageStatus.DRAFT, 1, D(2025, 11, 15), D(2025, 11, 30))
    figures = PK.package_current_version(package=package).figures
    assert [f["code"] for f in figures["forms"]] == _tpl().form_codes
    for form_code in ("1-TCTW-DV", "3-TCTW", "1-TCTW-TH"):
        from tcxd.reports.models import ReportForm

        live = render_form(actor=officer, form=ReportForm.objects.get(code=form_code), org=tree.province,
                           on=D(2025, 11, 15))
        assert _cells(figures, form_code) == {r.key: r.values for r in live.rows}
    assert _cells(figures, "1-TCTW-DV")["tong"][0] == 5
    assert all(isinstance(v, int) for f in figures["forms"] for r in f["rows"] for v in r["values"])
    # a member admitted afterwards with an earlier date: regenerating while draft gives version 2
    _official(tree.cell_b1, D(1992, 1, 1), D(2016, 1, 4))
    again = S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=2025)
    assert again.pk == package.pk and again.current_version == 2
    versions = list(PK.package_versions(package=again))
    assert [v.number for v in versions] == [2, 1]
    assert _cells(versions[0].figures, "1-TCTW-DV")["tong"][0] == 6
    assert _cells(versions[1].figures, "1-TCTW-DV")["tong"][0] == 5
    assert list(AuditEntry.objects.filter(action__startswith="package.").values_list("action", flat=True)
                .order_by("id")) == ["package.generate", "package.regenerate"]


def test_a_frozen_package_does_not_change_when_later_events_are_recorded(tree, users, people):
    package = _submitted(users, tree)
    version = PK.package_current_version(package=package)
    figures, docx = version.figures, bytes(version.docx)
    assert package.is_frozen and package.submitted_on == timezone.localdate()
    # a death dated before the cut-off, recorded after the submission
    dead = people["a"][0]
    MS.member_event_record(actor=tree.admin, member=Member.objects.get(pk=dead.pk), kind=M.EventKind.DIED.value,
                           on=D(2025, 10, 1))
    package.refresh_from_db()
    version = PK.package_current_version(package=package)
    assert version.figures == figures and bytes(version.docx) == docx
    assert S.package_docx_bytes(package=package) == docx
    # the diff shows exactly that change: one member fewer (total, official, cell A…), one death in the period
    diff = PK.package_diff(actor=users["province_officer"], package=package)
    changed = {(f.code, r.key, key): (c.stored, c.live) for f in diff.forms for r in f.rows
               for (key, _label), c in zip(f.columns, r.cells, strict=True) if c.changed}
    assert changed[("1-TCTW-DV", "tong", "so_luong")] == (5, 4)
    assert changed[("1-TCTW-DV", "chinh_thuc", "so_luong")] == (5, 4)
    assert changed[("1-TCTW-TH", f"child:{tree.commune_a.pk}", "so_luong")] == (3, 2)
    assert changed[("BD-KY", "tu_tran", "ky_nay")] == (0, 1)
    assert all(stored - live == 1 for (code, _r, _c), (stored, live) in changed.items() if code != "BD-KY")
    assert ("1-TCTW-TC", "tccsd", "so_luong") not in changed
    assert diff.changed_cells == len(changed) and diff.decrease < 0 < diff.increase
    # figures of a package are never recomputed: a second submission is refused, naming the rule
    with pytest.raises(ValidationFailed) as exc:
        S.package_submit(actor=users["province_officer"], package=package)
    assert "đã khóa số liệu" in exc.value.errors["status"][0]
    with pytest.raises(ValidationFailed):
        S.package_generate(actor=users["province_officer"], org=tree.province, template_code="BC-NAM", year=2025)
    with pytest.raises(ValidationFailed):
        S.package_update_narrative(actor=users["province_officer"], package=package, narrative={"kien_nghi": "x"})


def test_the_docx_holds_the_rendered_numbers_and_the_narrative(tree, users, people):
    package = _submitted(users, tree)
    version = PK.package_current_version(package=package)
    paragraphs, tables = _docx_text(bytes(version.docx))
    text = "\n".join(paragraphs)
    assert "TỔNG KẾT CÔNG TÁC TỔ CHỨC XÂY DỰNG ĐẢNG NĂM 2025" in text
    assert "Từ ngày 16/11/2024 đến ngày 15/11/2025" in text
    for s in SHIPPED.SECTIONS:
        assert s["label"] in text and NARRATIVE[s["key"]] in text
    forms = PK.figures_forms(version.figures)
    stat_tables = tables[-len(forms):]  # the header and signature tables come first
    assert len(stat_tables) == len(forms) == 6
    for form, table in zip(forms, stat_tables, strict=True):
        assert f"Biểu {form.code}: {form.title}" in text
        depth = len(form.header_rows)  # the header rows, merged (tested in test_package_docx)
        assert len(table) == len(form.rows) + depth and len(table[0]) == len(form.columns) + 1
        for row, cells in zip(form.rows, table[depth:], strict=True):
            assert cells[0].strip() == row.label
            assert cells[1:] == [fmt_int(v) for v in row.values]
    # the figures in the document are the engine's: the rendered form of the cut-off day
    members = next(t for f, t in zip(forms, stat_tables, strict=True) if f.code == "1-TCTW-DV")
    assert members[2][:2] == ["Tổng số đảng viên", "5"]
    assert PD.column_titles(forms[0]) == ["Tổng số", "Trong đó — Nữ", "Trong đó — Dân tộc thiểu số"]


def test_thousands_are_written_the_vietnamese_way_in_the_docx():
    from tcxd.reports.report_forms import BodyRow

    context = PD.sample_context([{"key": "a", "label": "Phần A"}])
    context_form = PD.sample_context([])["forms"]
    assert context_form[0]["rows"][0]["values"] == ["1.793"]
    rendered = PD.render_docx(PD.default_template_docx(), context)
    _paragraphs, tables = _docx_text(rendered)
    assert ["Tổng số đảng viên", "1.793"] in tables[-1]
    assert BodyRow  # the sample is a rendered form


def test_submit_needs_every_narrative_part_and_a_draft(tree, users, people):
    officer = users["province_officer"]
    package = S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=2025)
    with pytest.raises(ValidationFailed) as exc:
        S.package_submit(actor=officer, package=package)
    assert "Chưa viết phần lời văn: Đánh giá chung tình hình" in exc.value.errors["narrative"][0]
    with pytest.raises(ValidationFailed) as exc:
        S.package_update_narrative(actor=officer, package=package, narrative={"khong_co": "x", "kien_nghi": 5})
    assert set(exc.value.errors) == {"narrative", "kien_nghi"}
    assert "không có phần lời văn “khong_co”" in exc.value.errors["narrative"][0]


def test_bad_years_and_templates_are_named(tree, users):
    officer = users["province_officer"]
    today = timezone.localdate()
    cases = [("BC-NAM", today.year + 1, "Năm báo cáo phải là một năm từ 1930"),
             ("BC-NAM", "2025", "Năm báo cáo phải là một năm"),
             ("BC-NAM", None, "Chưa nhập năm báo cáo"),
             ("KHONG", 2025, "Không có mẫu báo cáo định kỳ mã “KHONG”")]
    for code, year, message in cases:
        with pytest.raises(ValidationFailed) as exc:
            S.package_generate(actor=officer, org=tree.province, template_code=code, year=year)
        assert message in str(exc.value.errors), (code, year)
    future = PK.package_period(_tpl("BC-NAM"), today.year).cutoff
    if future > today:
        with pytest.raises(ValidationFailed) as exc:
            S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=today.year)
        assert "chưa tới" in exc.value.errors["year"][0]
    assert "chưa tới" in PK.year_problems(_tpl("BC-NAM"), 2030, today=D(2030, 11, 14))[0]
    assert PK.year_problems(_tpl("BC-NAM"), 2030, today=D(2030, 11, 15)) == []
    with pytest.raises(ValidationFailed) as exc:  # the commune did not exist on 15/11/2024
        S.package_generate(actor=officer, org=tree.commune_a, template_code="BC-NAM", year=2024)
    assert "chưa thành lập" in exc.value.errors["org"][0]


def test_scope_and_roles(tree, users, people):
    package = _submitted(users, tree, org=tree.commune_b)
    commune_a = users["commune_officer"]
    with pytest.raises(NotFound):
        PK.package_get(actor=commune_a, pk=package.pk)
    with pytest.raises(NotFound):
        S.package_generate(actor=commune_a, org=tree.commune_b, template_code="BC-NAM", year=2025)
    assert not PK.packages_list(actor=commune_a).exists()
    assert PK.packages_list(actor=users["leader"]).get() == package
    with pytest.raises(PermissionDenied):
        S.package_generate(actor=users["leader"], org=tree.province, template_code="BC-NAM", year=2025)
    with pytest.raises(PermissionDenied):
        S.package_submit(actor=users["leader"], package=package)


def test_reopen_only_by_the_superior_level_with_a_reason(tree, users, people):
    package = _submitted(users, tree, org=tree.commune_a)
    submitted = PK.package_current_version(package=package)
    with pytest.raises(PermissionDenied):
        S.package_reopen(actor=users["commune_officer"], package=package, reason="Sửa số liệu")
    with pytest.raises(ValidationFailed) as exc:
        S.package_reopen(actor=users["province_officer"], package=package, reason="")
    assert "lý do" in exc.value.errors["reason"][0]
    reopened = S.package_reopen(actor=users["province_officer"], package=package, reason="Bổ sung số liệu")
    assert reopened.status == PackageStatus.DRAFT and reopened.current_version == 2
    submitted.refresh_from_db()
    assert submitted.docx and PK.package_current_version(package=reopened).figures == submitted.figures
    entry = AuditEntry.objects.get(action="package.reopen")
    assert entry.note == "Bổ sung số liệu"


# -- deadlines ------------------------------------------------------------------------------------------------
def test_submission_standing_at_the_deadline_boundaries():
    deadline = D(2025, 11, 30)
    standing = PK.submission_standing
    assert standing(submitted_on=D(2025, 11, 30), deadline=deadline, today=D(2026, 1, 1)) == PK.ON_TIME
    assert standing(submitted_on=D(2025, 12, 1), deadline=deadline, today=D(2026, 1, 1)) == PK.LATE
    assert standing(submitted_on=None, deadline=deadline, today=D(2025, 11, 30)) == PK.PENDING
    assert standing(submitted_on=None, deadline=deadline, today=D(2025, 12, 1)) == PK.MISSING


@pytest.mark.parametrize(("day", "standing"), [(D(2025, 11, 30), PK.ON_TIME), (D(2025, 12, 1), PK.LATE)])
def test_submitting_on_the_deadline_day_is_on_time_the_day_after_late(day, standing, tree, users, people,
                                                                      monkeypatch):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30)))
    monkeypatch.setattr(timezone, "now", lambda: at)
    package = _submitted(users, tree, org=tree.commune_a)
    monkeypatch.undo()
    assert package.submitted_on == day
    result = PK.consolidation(actor=users["province_officer"], org=tree.province, template=_tpl(), year=2025)
    line = next(c for c in result.children if c.org_id == tree.commune_a.pk)
    assert line.standing == standing and line.package == package
    other = next(c for c in result.children if c.org_id == tree.commune_b.pk)
    assert other.standing == PK.MISSING and other.package is None


def test_package_model_is_unique_per_org_template_and_year(tree, users, people):
    S.package_generate(actor=users["province_officer"], org=tree.commune_a, template_code="BC-NAM", year=2025)
    S.package_generate(actor=users["province_officer"], org=tree.commune_a, template_code="BC-NAM", year=2025)
    assert ReportPackage.objects.count() == 1
