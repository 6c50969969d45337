"""Fee rule parameters under QĐ 342-QĐ/TW (before 01/02/2026) added to tcxd/rules/data/regulations.json
after databases had loaded it (rules 0002): the student amount and the (absent) party-age exemption.

A database migrated after the JSON edit already has them: rows are only added where missing, and an
administrator's later change is never overwritten. Values are written here, not read from the JSON,
so that this migration means the same thing forever.
"""

from django.db import migrations

QD_342 = "QĐ 342-QĐ/TW"
ROWS = [
    {"key": "fees.student_monthly_vnd", "value": 2000, "unit": "đồng/tháng",
     "description_vi": "Đảng viên là học sinh, sinh viên: mức đóng hằng tháng. QĐ 342-QĐ/TW xếp học sinh, sinh viên "
                       "vào nhóm “đảng viên khác ở trong nước”, đóng mức cố định từ 2.000 đồng/tháng do cấp ủy quy "
                       "định — mặc định 2.000 đồng (chưa kiểm chứng), cấu hình theo mức địa phương đã áp dụng."},
    {"key": "fees.exempt_min_party_age_years", "value": None, "unit": "năm tuổi đảng",
     "description_vi": "Miễn đóng đảng phí theo tuổi đảng: QĐ 342-QĐ/TW không có (để trống) — đảng viên tuổi cao, "
                       "sức yếu, hoàn cảnh khó khăn có đơn thì được xét miễn, giảm bằng quyết định. Chưa kiểm chứng; "
                       "cấu hình số năm nếu địa phương đã áp dụng."},
]


def add_missing(apps, schema_editor):
    Regulation = apps.get_model("rules", "Regulation")
    RuleParameter = apps.get_model("rules", "RuleParameter")
    regulation = Regulation.objects.filter(code=QD_342).first()
    if regulation is None:  # registry not loaded (or renamed by an administrator): nothing to attach to
        return
    for row in ROWS:
        RuleParameter.objects.get_or_create(
            key=row["key"], regulation=regulation,
            defaults={"value": row["value"], "unit": row["unit"], "description_vi": row["description_vi"],
                      "confidence": "unverified", "is_configurable": True})


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial"), ("rules", "0002_load_data")]

    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop)]
