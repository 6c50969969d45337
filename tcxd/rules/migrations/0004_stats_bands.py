"""The age and party-age bands of the statistics (G-03, unverified → configurable) added to
tcxd/rules/data/regulations.json after databases had loaded it (0002). Only added where missing; an
administrator's later value is never overwritten. The values are written here, not read from the JSON,
so that this migration means the same thing forever."""

from django.db import migrations

ROWS = [
    {"key": "stats.age_bands_years", "value": [31, 41, 51, 61, 71], "unit": "năm (tuổi đời)",
     "description_vi": "Các mốc tuổi đời (năm tròn) bắt đầu một nhóm tuổi trong mọi biểu thống kê và bộ lọc: "
                       "[31, 41, 51, 61, 71] = đến 30, 31–40, 41–50, 51–60, 61–70, trên 70 tuổi; nhóm tuổi chính "
                       "thức chưa kiểm chứng (G-03) — cấu hình được."},
    {"key": "stats.party_age_bands_years", "value": [10, 20, 30, 40, 50], "unit": "năm (tuổi Đảng)",
     "description_vi": "Các mốc tuổi Đảng (năm tròn, B-12) bắt đầu một nhóm trong mọi biểu thống kê và bộ lọc: "
                       "[10, 20, 30, 40, 50] = dưới 10, 10–19, 20–29, 30–39, 40–49, từ 50 năm; chưa kiểm chứng "
                       "(G-03) — cấu hình được."},
]


def add_missing(apps, schema_editor):
    Regulation = apps.get_model("rules", "Regulation")
    RuleParameter = apps.get_model("rules", "RuleParameter")
    regulation = Regulation.objects.filter(code="HD 11-HD/BTCTW").first()
    if regulation is None:
        return
    for row in ROWS:
        RuleParameter.objects.get_or_create(
            key=row["key"], regulation=regulation,
            defaults={"value": row["value"], "unit": row["unit"], "description_vi": row["description_vi"],
                      "confidence": "unverified", "is_configurable": True})


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_screening_help_period")]

    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop)]
