"""The shipped decision templates, built by python-docx (no committed binaries), laid out as the Party's
documents are: the party line and the issuing committee on the left with “*” and the number, “ĐẢNG CỘNG SẢN
VIỆT NAM” underlined on the right with the place and date, the title, the grounds (căn cứ), the articles
(Điều 1, 2, 3), the recipients (nơi nhận) and the signature block (T/M …). Times New Roman 14 (Liberation Serif
on machines without it), A4, margins 2 / 1.5 / 3 / 2 cm. The same bytes come out on every run.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from tcxd.common.files import deterministic_zip

from .kinds import DocumentKind

FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FONT = "Times New Roman"

GROUNDS_CHARTER = "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"
GROUNDS_RULES = "- Căn cứ Quy định, Hướng dẫn của Trung ương về thi hành Điều lệ Đảng;"
EXECUTION = ("Điều 3. Văn phòng cấp ủy, Ban Tổ chức, {{ chi_bo }} và đồng chí {{ ho_ten }} căn cứ Quyết định thi "
             "hành.")


@dataclass(frozen=True)
class Layout:
    title: str
    subtitle: str
    number: str  # the “Số …” line
    body: tuple[str, ...]  # paragraphs; "## " starts a centred bold line, "- " a ground, "Điều" an article
    recipients: tuple[str, ...]
    signature: tuple[str, ...]


LAYOUTS: dict[str, Layout] = {
    DocumentKind.ADMISSION: Layout(
        "QUYẾT ĐỊNH", "{{ loai_ket_nap }} đảng viên", "Số {{ so_van_ban }}",
        ("## BAN THƯỜNG VỤ {{ cap_uy_in_hoa }}",
         GROUNDS_CHARTER, GROUNDS_RULES,
         "- Xét nghị quyết đề nghị {{ loai_ket_nap }} đảng viên của {{ chi_bo }} và đề nghị của Ban Tổ chức,",
         "## QUYẾT ĐỊNH",
         "Điều 1. {{ loai_ket_nap|capitalize }} đồng chí {{ ho_ten }}, sinh ngày {{ ngay_sinh }}; quê quán: "
         "{{ que_quan }}; dân tộc: {{ dan_toc }}; tôn giáo: {{ ton_giao }}; nghề nghiệp: {{ nghe_nghiep }} vào Đảng "
         "Cộng sản Việt Nam. Người giới thiệu: {{ nguoi_gioi_thieu }}.",
         "Điều 2. Thời gian dự bị của đồng chí {{ ho_ten }} là mười hai tháng, kể từ ngày chi bộ tổ chức lễ kết nạp. "
         "{{ chi_bo }} tổ chức lễ kết nạp trong thời hạn 30 ngày làm việc kể từ ngày nhận được Quyết định này.",
         EXECUTION),
        ("- Như Điều 3,", "- Lưu hồ sơ đảng viên, Văn phòng cấp ủy."),
        ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Ký, ghi rõ họ tên, đóng dấu)")),
    DocumentKind.RECOGNITION: Layout(
        "QUYẾT ĐỊNH", "công nhận đảng viên chính thức", "Số {{ so_van_ban }}",
        ("## BAN THƯỜNG VỤ {{ cap_uy_in_hoa }}",
         GROUNDS_CHARTER, GROUNDS_RULES,
         "- Căn cứ Quyết định số {{ so_quyet_dinh_ket_nap }} kết nạp đảng viên;",
         "- Xét nghị quyết đề nghị công nhận đảng viên chính thức của {{ chi_bo }} và đề nghị của Ban Tổ chức,",
         "## QUYẾT ĐỊNH",
         "Điều 1. Công nhận đồng chí {{ ho_ten }}, sinh ngày {{ ngay_sinh }}; quê quán: {{ que_quan }}; vào Đảng "
         "ngày {{ ngay_vao_dang }}, lễ kết nạp ngày {{ ngay_le_ket_nap }}, là đảng viên chính thức kể từ ngày "
         "{{ ngay_chinh_thuc }}.",
         "Điều 2. Tuổi Đảng của đồng chí {{ ho_ten }} được tính từ ngày {{ ngay_vao_dang }}.",
         EXECUTION),
        ("- Như Điều 3,", "- Lưu hồ sơ đảng viên, Văn phòng cấp ủy."),
        ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Ký, ghi rõ họ tên, đóng dấu)")),
    DocumentKind.TRANSFER: Layout(
        "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG", "(chuyển sinh hoạt đảng chính thức)", "Số {{ so_van_ban }}",
        ("## Kính gửi: {{ noi_den }}",
         "{{ cap_uy }} trân trọng giới thiệu đồng chí: {{ ho_ten }}. Sinh ngày: {{ ngay_sinh }}.",
         "Quê quán: {{ que_quan }}. Nơi ở hiện nay: {{ noi_o_hien_nay }}.",
         "Là đảng viên {{ loai_dang_vien }}; vào Đảng ngày {{ ngay_vao_dang }}; chính thức ngày {{ ngay_chinh_thuc }}; "
         "số thẻ đảng viên: {{ so_the }}; số lý lịch đảng viên: {{ so_ly_lich }}.",
         "Đang sinh hoạt tại: {{ noi_di }}.",
         "Được chuyển sinh hoạt đảng chính thức đến {{ noi_den }} kể từ ngày {{ ngay_hieu_luc }}.",
         "Đồng chí đã đóng đảng phí đến hết tháng …… năm ……",
         "Đề nghị {{ noi_den }} tiếp nhận, quản lý và tạo điều kiện để đồng chí hoàn thành nhiệm vụ đảng viên.",
         "Giấy giới thiệu này có giá trị đến hết ngày ……………"),
        ("- Như trên,", "- Đảng viên có tên trên,", "- Lưu hồ sơ, Văn phòng cấp ủy."),
        ("T/M {{ cap_uy_in_hoa }}", "BÍ THƯ", "(Ký, ghi rõ họ tên, đóng dấu)")),
    DocumentKind.TEMP_TRANSFER: Layout(
        "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG TẠM THỜI", "", "Số {{ so_van_ban }}",
        ("## Kính gửi: {{ noi_den }}",
         "{{ cap_uy }} trân trọng giới thiệu đồng chí: {{ ho_ten }}. Sinh ngày: {{ ngay_sinh }}.",
         "Quê quán: {{ que_quan }}. Là đảng viên {{ loai_dang_vien }}; số thẻ đảng viên: {{ so_the }}.",
         "Đang sinh hoạt chính thức tại: {{ noi_di }}.",
         "Được chuyển đến sinh hoạt đảng tạm thời tại {{ noi_den }} từ ngày {{ tu_ngay }} đến ngày {{ den_ngay }}; "
         "lý do: {{ ly_do }}.",
         "Đồng chí vẫn là đảng viên sinh hoạt chính thức của {{ noi_di }}, không tính vào đảng số của nơi sinh hoạt "
         "tạm thời; đã đóng đảng phí đến hết tháng …… năm ……",
         "Đề nghị {{ noi_den }} tiếp nhận, quản lý, phân công nhiệm vụ và nhận xét đồng chí khi kết thúc thời gian "
         "sinh hoạt tạm thời."),
        ("- Như trên,", "- Đảng viên có tên trên,", "- Lưu hồ sơ, Văn phòng cấp ủy."),
        ("T/M {{ cap_uy_in_hoa }}", "BÍ THƯ", "(Ký, ghi rõ họ tên, đóng dấu)")),
    DocumentKind.BADGE: Layout(
        "QUYẾT ĐỊNH", "{{ tang }} Huy hiệu {{ so_nam }} năm tuổi Đảng", "Số {{ so_van_ban }}",
        ("## BAN THƯỜNG VỤ {{ cap_uy_in_hoa }}",
         GROUNDS_CHARTER, GROUNDS_RULES,
         "- Căn cứ Quy định, Hướng dẫn của Trung ương về việc tặng, truy tặng Huy hiệu Đảng;",
         "- Xét đề nghị của {{ dang_bo }} và của Ban Tổ chức,",
         "## QUYẾT ĐỊNH",
         "Điều 1. {{ tang|capitalize }} Huy hiệu {{ so_nam }} năm tuổi Đảng cho đồng chí {{ ho_ten }}, sinh ngày "
         "{{ ngay_sinh }}; quê quán: {{ que_quan }}; vào Đảng ngày {{ ngay_vao_dang }}, chính thức ngày "
         "{{ ngay_chinh_thuc }}; đảng viên {{ chi_bo }}, {{ dang_bo }}.",
         "Điều 2. Đồng chí {{ ho_ten }} được hưởng tiền thưởng kèm Huy hiệu theo quy định.",
         EXECUTION),
        ("- Như Điều 3,", "- Lưu hồ sơ đảng viên, Văn phòng cấp ủy."),
        ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Ký, ghi rõ họ tên, đóng dấu)")),
}


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=14):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    return run


def _no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.append(borders)


def _centred(cell_or_doc, text: str, *, first=False, **kw):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = 0
    _run(p, text, **kw)
    return p


def default_template_docx(kind: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    layout = LAYOUTS[kind]
    doc = Document()
    props = doc.core_properties
    props.author = props.last_modified_by = "TCXD"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.title = DocumentKind(kind).label
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    _centred(left, "{{ cap_tren_in_hoa }}", first=True, size=13)
    _centred(left, "{{ cap_uy_in_hoa }}", bold=True, size=13)
    _centred(left, "*", size=13)
    _centred(left, layout.number, size=13)
    _centred(right, "ĐẢNG CỘNG SẢN VIỆT NAM", first=True, bold=True, underline=True, size=15)
    _centred(right, "", size=13)
    _centred(right, "{{ dia_danh }}, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}", italic=True, size=14)

    doc.add_paragraph()
    _centred(doc, layout.title, bold=True, size=15)
    if layout.subtitle:
        _centred(doc, layout.subtitle, bold=True, size=14)
    _centred(doc, "-----", size=14)
    doc.add_paragraph()
    for text in layout.body:
        if text.startswith("## "):
            p = _centred(doc, text[3:], bold=True, size=14)
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(6)
            continue
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Cm(1)
        p.paragraph_format.space_after = Pt(6)
        if text.startswith("Điều "):
            head_text, _, rest = text.partition(". ")
            _run(p, head_text + ". ", bold=True)
            _run(p, rest)
        else:
            _run(p, text, italic=text.startswith("- "))

    doc.add_paragraph()
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    _run(p, "Nơi nhận:", bold=True, italic=True, underline=True, size=12)
    for line in layout.recipients:
        _run(left.add_paragraph(), line, size=12)
    title, role, hint = layout.signature
    _centred(right, title, first=True, bold=True, size=14)
    _centred(right, role, bold=True, size=14)
    _centred(right, hint, italic=True, size=12)

    out = io.BytesIO()
    doc.save(out)
    return deterministic_zip(out.getvalue())
