"""The phiếu đảng viên (2-HSĐV) and the lý lịch đảng viên (1-HSĐV) as Word documents, built by python-docx from
the same context as the print pages and PDFs (``members.printing.dossier_context``: restricted parts only for the
roles that may see them). Nothing here decides what a fact is; it only lays the context out.
"""

from __future__ import annotations

import io

from tcxd.common.files import deterministic_zip
from tcxd.common.fmt import fmt_date
from tcxd.members.printing import LY_LICH, PHIEU

from .defaults import FIXED_TIME, FONT, _no_borders

GAP = "……………"


def _d(value) -> str:
    return fmt_date(value) if value else ""


def _or(value, default="—") -> str:
    return str(value) if value not in (None, "") else default


class _Writer:
    def __init__(self, title: str):
        from docx import Document
        from docx.shared import Cm, Pt

        self.doc = Document()
        props = self.doc.core_properties
        props.author = props.last_modified_by = "TCXD"
        props.created = props.modified = FIXED_TIME
        props.title = title
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(12.5)
        normal.paragraph_format.space_after = Pt(2)
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
        section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)

    def run(self, p, text: str, *, bold=False, italic=False, size=None, underline=False):
        from docx.shared import Pt

        r = p.add_run(text)
        r.bold, r.italic, r.underline = bold, italic, underline
        r.font.name = FONT
        if size:
            r.font.size = Pt(size)
        return r

    def centred(self, text: str, *, container=None, first=False, **kw):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        target = container or self.doc
        p = target.paragraphs[0] if first else target.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(p, text, **kw)
        return p

    def header(self, ctx: dict, form_code: str = ""):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if form_code:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self.run(p, form_code, italic=True, size=10.5)
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        left, right = table.rows[0].cells
        for i, name in enumerate(ctx["header_orgs"]):
            self.centred(name.upper(), container=left, first=i == 0, bold=True, size=11)
        self.centred("*", container=left)
        self.centred("ĐẢNG CỘNG SẢN VIỆT NAM", container=right, first=True, bold=True, underline=True, size=13.5)

    def item(self, number: str, *parts):
        """A numbered line: ``parts`` alternate a label and its (bold) value."""
        p = self.doc.add_paragraph()
        if number:
            self.run(p, f"{number} ")
        for i, part in enumerate(parts):
            self.run(p, part, bold=i % 2 == 1)
        return p

    def heading(self, text: str):
        p = self.doc.add_paragraph()
        p.paragraph_format.space_before = p.paragraph_format.space_after
        self.run(p, text.upper(), bold=True)

    def table(self, headers: list[str], rows: list[list[str]]):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.run(cell.paragraphs[0], text, bold=True, size=11)
        if not rows:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
            merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.run(merged.paragraphs[0], "Không có.", italic=True, size=11)
        for values in rows:
            for cell, text in zip(table.add_row().cells, values, strict=True):
                self.run(cell.paragraphs[0], text, size=11)

    def para(self, text: str, **kw):
        p = self.doc.add_paragraph()
        for i, line in enumerate((text or "").splitlines() or [""]):
            if i:
                p.add_run().add_break()
            self.run(p, line, **kw)
        return p

    def signatures(self, left: list[tuple[str, dict]], right: list[tuple[str, dict]]):
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
            for i, (text, kw) in enumerate(lines):
                self.centred(text, container=cell, first=i == 0, **kw)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return deterministic_zip(out.getvalue())


def _identity(w: _Writer, ctx: dict, numbers: list[str], *, cccd_first: bool = False) -> None:
    m, facts = ctx["member"], ctx["facts"]
    n = iter(numbers)
    w.item(next(n), "Họ và tên đang dùng: ", m.full_name.upper(), "    Giới tính: ", m.get_sex_display())
    w.item(next(n), "Họ và tên khai sinh: ", (m.birth_name or m.full_name).upper())
    w.item(next(n), "Tên gọi khác, bí danh: ", _or(m.other_names, "Không"))
    w.item(next(n), "Sinh ngày: ", _d(m.birth_date), f" ({facts.age_years} tuổi)")
    w.item(next(n), "Nơi sinh: ", _or(m.birth_place))
    hometown = _or(m.hometown) + (f" (nay: {m.hometown_2025})" if m.hometown_2025 else "")
    w.item(next(n), "Quê quán: ", hometown)
    w.item(next(n), "Nơi thường trú: ", _or(m.permanent_address))
    w.item(next(n), "Nơi ở hiện nay: ", _or(m.current_address))
    w.item(next(n), "Dân tộc: ", m.get_ethnicity_display(), "    Tôn giáo: ", m.get_religion_display())
    occupation = ("Nghề nghiệp hiện nay: ", _or(m.occupation or m.get_occupation_group_display()),
                  "; đơn vị công tác: " if m.workplace else "", m.workplace or "")
    cccd = ("Số CCCD: ", ctx["cccd"] or "—", f", cấp ngày {_d(m.cccd_issued_on)}" if m.cccd_issued_on else "")
    for parts in ((cccd, occupation) if cccd_first else (occupation, cccd)):
        w.item(next(n), *parts)


def _levels(w: _Writer, m) -> None:
    grade = f" ({m.general_grade})" if m.general_grade else ""
    professional = m.get_professional_level_display() + (f" — {m.specialization}" if m.specialization else "")
    w.table(["Trình độ", "", "Trình độ", ""], [
        ["Giáo dục phổ thông", m.get_general_education_display() + grade, "Lý luận chính trị",
         m.get_political_theory_display()],
        ["Chuyên môn, nghiệp vụ", professional, "Học hàm", m.get_academic_title_display()],
        ["Ngoại ngữ", _or(m.foreign_language), "Tin học", _or(m.it_level)]])


def _party(w: _Writer, ctx: dict, numbers: tuple[str, str]) -> None:
    party, facts, m = ctx["party"], ctx["facts"], ctx["member"]
    extra = []
    if party.admission_decision_no:
        extra += [", quyết định số ", party.admission_decision_no]
    if party.admission_org:
        extra += ["; tại: ", party.admission_org]
    if party.ceremony_on:
        extra += [f"; lễ kết nạp ngày {_d(party.ceremony_on)}", ""]
    w.item(numbers[0], "Ngày vào Đảng (quyết định kết nạp): ", _d(party.admitted_on) or "—", *extra)
    w.item("", "Người giới thiệu: ", "; ".join(party.introducers) or "—")
    official = ["Ngày chính thức: ", _d(party.official_on) or "—"]
    if party.recognition_org:
        official += ["; tại: ", party.recognition_org]
    if party.readmitted_on:
        official += [f"; kết nạp lại ngày {_d(party.readmitted_on)}", ""]
    w.item(numbers[1], *official)
    age = f"; tuổi Đảng: {facts.party_age.years} năm {facts.party_age.months} tháng" if facts.party_age else ""
    w.item("", "Trạng thái: ", facts.status_label, "; nơi sinh hoạt: ", m.org.name, age, "")


def _histories(w: _Writer, ctx: dict, titles: dict[str, str]) -> None:
    party = ctx["party"]
    w.heading(titles["work"])
    w.table(["Từ ngày – đến ngày", "Chức vụ, công việc, đơn vị công tác"],
            [[f"{_d(r.from_date)} – {_d(r.to_date) or 'nay'}", r.position + (f", {r.unit}" if r.unit else "")]
             for r in ctx["work"]])
    if "party_life" in titles:
        w.heading(titles["party_life"])
        w.table(["Ngày", "Sự kiện", "Tổ chức đảng", "Số quyết định"],
                [[_d(on), what, org, no] for on, what, org, no in party.party_life])
    w.heading(titles["training"])
    w.table(["Tên trường, cơ sở đào tạo", "Ngành học", "Từ ngày – đến ngày", "Hình thức", "Văn bằng, chứng chỉ"],
            [[r.school, r.field_of_study, f"{_d(r.from_date)} – {_d(r.to_date)}", r.mode, r.diploma]
             for r in ctx["training"]])
    w.heading(titles["travel"])
    w.table(["Từ ngày – đến ngày", "Nước", "Mục đích"],
            [[f"{_d(r.from_date)} – {_d(r.to_date)}", r.country, r.purpose] for r in ctx["travel"]])
    w.heading(titles["rewards"])
    w.table(["Ngày quyết định", "Hình thức khen thưởng", "Cấp khen", "Số quyết định"],
            [[_d(r.decided_on), r.form, r.level, r.decision_no] for r in ctx["rewards"]]
            + [[_d(on), f"Huy hiệu {years} năm tuổi Đảng", "", no] for years, on, no in party.badges])
    w.heading(titles["discipline"])
    w.table(["Ngày", "Hình thức", "Cấp quyết định", "Số quyết định"],
            [[_d(on), form, issuer, no] for on, form, issuer, no in party.disciplines])


def phieu_docx(ctx: dict) -> bytes:
    """The phiếu đảng viên (2-HSĐV)."""
    m, party = ctx["member"], ctx["party"]
    w = _Writer("Phiếu đảng viên")
    w.header(ctx)
    w.item("", "Số lý lịch đảng viên: ", m.profile_no or GAP, "    Số thẻ đảng viên: ", party.card_no or GAP)
    w.centred("PHIẾU ĐẢNG VIÊN", bold=True, size=17)
    w.centred("(Sơ yếu lý lịch đảng viên)", italic=True)
    _identity(w, ctx, [f"{i:02d})" for i in range(1, 10)] + ["11)", ""])
    _party(w, ctx, ("12)", ""))
    w.item("13)", "Ngày vào Đoàn TNCS Hồ Chí Minh: ", _d(m.youth_union_joined_on) or "—")
    w.item("17)", "Trình độ hiện nay:")
    _levels(w, m)
    _histories(w, ctx, {"work": "Quá trình hoạt động và công tác", "training": "Đào tạo, bồi dưỡng",
                        "travel": "Đi nước ngoài", "rewards": "Khen thưởng, Huy hiệu Đảng", "discipline": "Kỷ luật"})
    sensitive = ctx["sensitive"]
    if ctx["sensitive_ok"]:
        w.heading("Đặc điểm lịch sử bản thân")
        w.para(getattr(sensitive, "personal_history_notes", "") or "Không có.")
    _family_table(w, ctx)
    if ctx["sensitive_ok"]:
        if getattr(sensitive, "family_political_notes", ""):
            w.para("Đặc điểm chính trị của gia đình: " + sensitive.family_political_notes)
        w.heading("Hoàn cảnh kinh tế")
        w.para(getattr(sensitive, "economic_situation", "") or "Không có.")
    w.doc.add_paragraph()
    w.signatures([("XÁC NHẬN CỦA CẤP ỦY CƠ SỞ", {"bold": True}), ("(ký tên, đóng dấu)", {"italic": True})],
                 [("……………, ngày …… tháng …… năm ………", {"italic": True}), ("NGƯỜI KHAI", {"bold": True}),
                  ("(ký, ghi rõ họ và tên)", {"italic": True}), ("", {}), ("", {}), (m.full_name, {"bold": True})])
    _printed_note(w, ctx)
    return w.bytes()


def _family_table(w: _Writer, ctx: dict) -> None:
    w.heading("Hoàn cảnh gia đình")
    headers = ["Quan hệ", "Họ và tên", "Năm sinh", "Quê quán", "Nghề nghiệp, chức vụ, đơn vị", "Nơi ở hiện nay",
               "Đảng viên"]
    if ctx["sensitive_ok"]:
        headers.append("Đặc điểm chính trị")
    rows = []
    for f in ctx["family"]:
        row = [f.get_relation_display(), f.full_name, _or(f.birth_year, ""), f.hometown, f.occupation, f.residence,
               "Có" if f.is_party_member else ""]
        if ctx["sensitive_ok"]:
            row.append(f.political_notes)
        rows.append(row)
    w.table(headers, rows)


def _printed_note(w: _Writer, ctx: dict) -> None:
    w.para(f"In từ hệ thống TCXD ngày {_d(ctx['printed_on'])}. Tài liệu có thông tin cá nhân của đảng viên: bảo quản "
           "theo chế độ quản lý hồ sơ đảng viên.", italic=True, size=9)


def ly_lich_docx(ctx: dict) -> bytes:
    """The lý lịch đảng viên (1-HSĐV): the fuller life history."""
    m, party = ctx["member"], ctx["party"]
    w = _Writer("Lý lịch đảng viên")
    w.header(ctx, "Mẫu 1-HSĐV")
    w.centred("LÝ LỊCH ĐẢNG VIÊN", bold=True, size=17)
    w.centred(f"Số lý lịch đảng viên: {m.profile_no or GAP}    Số thẻ đảng viên: {party.card_no or GAP}")
    w.centred(f"Nơi sinh hoạt: {m.org.name}", italic=True)
    w.heading("I. Sơ lược lý lịch")
    _identity(w, ctx, [f"{i}." for i in range(1, 13)], cccd_first=True)
    w.item("13.", "Trình độ hiện nay:")
    _levels(w, m)
    w.item("14.", "Ngày vào Đoàn TNCS Hồ Chí Minh: ", _d(m.youth_union_joined_on) or "—")
    _party(w, ctx, ("15.", "16."))
    w.heading("II. Lịch sử bản thân")
    sensitive = ctx["sensitive"]
    if ctx["sensitive_ok"]:
        w.para(getattr(sensitive, "personal_history_notes", "") or "Không có gì đặc biệt.")
    else:
        w.para("(Phần này chỉ Ban Tổ chức được xem và in.)", italic=True)
    _histories(w, ctx, {"work": "III. Những công tác và chức vụ đã qua", "party_life": "IV. Quá trình sinh hoạt Đảng",
                        "training": "V. Những lớp đào tạo, bồi dưỡng đã qua", "travel": "VI. Đi nước ngoài",
                        "rewards": "VII. Khen thưởng, Huy hiệu Đảng", "discipline": "VIII. Kỷ luật"})
    w.heading("IX. Hoàn cảnh gia đình")
    for f in ctx["family"]:
        text = f.full_name + (f", sinh năm {f.birth_year}" if f.birth_year else "")
        for label, value in (("quê quán", f.hometown), ("nơi ở hiện nay", f.residence), ("nghề nghiệp", f.occupation)):
            if value:
                text += f"; {label}: {value}"
        text += "; là đảng viên." if f.is_party_member else "."
        if ctx["sensitive_ok"] and f.political_notes:
            text += f" Đặc điểm chính trị: {f.political_notes}"
        w.item("", f"{f.get_relation_display()}: ", "", text, "")
    if not ctx["family"]:
        w.para("Không có.", italic=True)
    number = "X"
    if ctx["sensitive_ok"]:
        if getattr(sensitive, "family_political_notes", ""):
            w.para("Đặc điểm chính trị của gia đình: " + sensitive.family_political_notes)
        w.heading("X. Hoàn cảnh kinh tế")
        w.para(getattr(sensitive, "economic_situation", "") or "Không có.")
        number = "XI"
    w.heading(f"{number}. Tự nhận xét")
    w.para("(Ưu điểm, khuyết điểm về phẩm chất chính trị, đạo đức, lối sống, năng lực công tác, quan hệ quần chúng.)",
           italic=True)
    for _ in range(4):
        w.para("." * 150, size=8)
    w.para("Tôi cam đoan đã khai đầy đủ, rõ ràng và chịu trách nhiệm về những nội dung đã khai trong lý lịch.",
           italic=True)
    w.signatures([("NHẬN XÉT CỦA CHI ỦY CHI BỘ", {"bold": True}),
                  ("(ghi rõ ngày, tháng, năm; ký, ghi rõ họ và tên)", {"italic": True})],
                 [("……………, ngày …… tháng …… năm ………", {"italic": True}), ("NGƯỜI KHAI", {"bold": True}),
                  ("(ký, ghi rõ họ và tên)", {"italic": True}), ("", {}), ("", {}), (m.full_name, {"bold": True})])
    w.doc.add_paragraph()
    w.signatures([("", {})], [("CHỨNG NHẬN CỦA CẤP ỦY CƠ SỞ", {"bold": True}),
                              ("(đã thẩm tra / ghi đúng theo hồ sơ; ký tên, đóng dấu)", {"italic": True})])
    _printed_note(w, ctx)
    return w.bytes()


RENDERERS = {PHIEU: phieu_docx, LY_LICH: ly_lich_docx}
