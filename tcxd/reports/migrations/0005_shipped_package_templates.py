"""The periodic report templates shipped with TCXD (issue 4 §4): 6-month, 9-month and annual reports.

Cut-off days follow the common practice noted in domain G-01 (**unverified**: the reporting calendar of
each level is local): 6 months 15/06, 9 months 15/09, the year 15/11 (its period from 16/11 of the year
before); deadlines 5, 5 and 15 days after the cut-off. An administrator changes any of them (each change
is a new version). The .docx is the default template built by ``package_docx.default_template_docx``.

Only added where missing (by code): an administrator's later change is never overwritten. ``load_templates``
is also called by the browser tests after a flush."""

import datetime as dt

from django.db import migrations

G01 = ("Ngày chốt số liệu và hạn nộp theo thực tiễn phổ biến (G-01, chưa được kiểm chứng: lịch báo cáo do "
       "từng cấp quy định); quản trị hệ thống sửa được.")
SECTIONS = [
    {"key": "danh_gia_chung", "label": "Đánh giá chung tình hình"},
    {"key": "ket_qua", "label": "Kết quả công tác tổ chức xây dựng Đảng"},
    {"key": "han_che", "label": "Hạn chế, khuyết điểm và nguyên nhân"},
    {"key": "phuong_huong", "label": "Phương hướng, nhiệm vụ kỳ tới"},
    {"key": "kien_nghi", "label": "Đề xuất, kiến nghị"},
]
SHORT = ["1-TCTW-DV", "1-TCTW-TH", "BD-KY"]
TEMPLATES = [
    {"code": "BC-6T", "kind": "half_year", "position": 10, "title": "Công tác tổ chức xây dựng Đảng 6 tháng đầu năm",
     "form_codes": SHORT, "cutoff_day": 15, "cutoff_month": 6, "start_day": 1, "start_month": 1, "deadline_days": 5},
    {"code": "BC-9T", "kind": "nine_months", "position": 20, "title": "Công tác tổ chức xây dựng Đảng 9 tháng đầu năm",
     "form_codes": SHORT, "cutoff_day": 15, "cutoff_month": 9, "start_day": 1, "start_month": 1, "deadline_days": 5},
    {"code": "BC-NAM", "kind": "annual", "position": 30, "title": "Tổng kết công tác tổ chức xây dựng Đảng năm",
     "form_codes": ["1-TCTW-DV", "1-TCTW-TC", "1-TCTW-TH", "3-TCTW", "4-TCTW", "BD-KY"],
     "cutoff_day": 15, "cutoff_month": 11, "start_day": 16, "start_month": 11, "deadline_days": 15},
]


def load_templates(apps, schema_editor):
    from tcxd.reports.package_docx import default_template_docx

    Template = apps.get_model("reports", "ReportPackageTemplate")
    docx = default_template_docx()
    for row in TEMPLATES:
        if Template.objects.filter(code=row["code"]).exists():
            continue
        Template.objects.create(**row, version=1, sections=SECTIONS, docx=docx, docx_name=f"{row['code']}.docx",
                                note=G01, created_at=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_packages")]

    operations = [migrations.RunPython(load_templates, migrations.RunPython.noop)]
