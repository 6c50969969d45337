"""The screening help period (B-21, unverified → configurable, default 12 months) added to
tcxd/rules/data/regulations.json after databases had loaded it (0002). Only added where missing; an
administrator's later value is never overwritten. The value is written here, not read from the JSON,
so that this migration means the same thing forever."""

from django.db import migrations

ROW = {"key": "screening.help_period_months", "value": 12, "unit": "tháng",
       "description_vi": "Thời gian giáo dục, giúp đỡ đảng viên trong danh sách sau rà soát trước khi chi bộ đánh giá "
                         "kết quả; chưa kiểm chứng (mặc định 12 tháng như mục B-19c) — cấu hình được."}


def add_missing(apps, schema_editor):
    Regulation = apps.get_model("rules", "Regulation")
    RuleParameter = apps.get_model("rules", "RuleParameter")
    regulation = Regulation.objects.filter(code="HD 02-HD/BTCTW").first()
    if regulation is None:
        return
    RuleParameter.objects.get_or_create(
        key=ROW["key"], regulation=regulation,
        defaults={"value": ROW["value"], "unit": ROW["unit"], "description_vi": ROW["description_vi"],
                  "confidence": "unverified", "is_configurable": True})


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_load_data")]

    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop)]
