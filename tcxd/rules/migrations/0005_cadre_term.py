"""The term of an appointment (C-07: 5 years from the decision's effective date) added to
tcxd/rules/data/regulations.json after databases had loaded it (0002), with the regulation it comes from
before QĐ 80-QĐ/TW (QĐ 105-QĐ/TW, 19/12/2017), which QĐ 80 superseded. Only added where missing; an
administrator's later value is never overwritten. The values are written here, not read from the JSON,
so that this migration means the same thing forever."""

import datetime as dt

from django.db import migrations

QD105 = {
    "code": "QĐ 105-QĐ/TW", "title": "Quy định về phân cấp quản lý cán bộ và bổ nhiệm, giới thiệu cán bộ ứng cử",
    "issuer": "Bộ Chính trị", "signed_on": dt.date(2017, 12, 19), "effective_from": dt.date(2017, 12, 19),
    "effective_to": dt.date(2022, 8, 17), "confidence": "probable",
    "note": "Thời hạn giữ chức vụ bổ nhiệm 5 năm (C-07); ngày ký, ngày hiệu lực chưa đối chiếu văn bản gốc. Được "
            "QĐ 80-QĐ/TW thay thế.",
}
KEY = "cadre.appointment_term_years"
DESCRIPTION = ("Thời hạn giữ chức vụ của mỗi lần bổ nhiệm, bổ nhiệm lại, tính từ ngày quyết định có hiệu lực (hết hạn "
               "vào ngày liền trước ngày cùng ngày tháng sau số năm này).")
VERSIONS = ["QĐ 105-QĐ/TW", "QĐ 80-QĐ/TW", "QĐ 377-QĐ/TW"]


def add_missing(apps, schema_editor):
    Regulation = apps.get_model("rules", "Regulation")
    RuleParameter = apps.get_model("rules", "RuleParameter")
    if not Regulation.objects.filter(code="QĐ 377-QĐ/TW").exists():
        return  # an empty registry (0002 not loaded): nothing to complete
    qd105, _ = Regulation.objects.get_or_create(code=QD105["code"], defaults={
        k: v for k, v in QD105.items() if k != "code"})
    qd80 = Regulation.objects.filter(code="QĐ 80-QĐ/TW").first()
    if qd80 is not None and not qd80.supersedes.filter(pk=qd105.pk).exists():
        qd80.supersedes.add(qd105)
    for code in VERSIONS:
        regulation = Regulation.objects.filter(code=code).first()
        if regulation is None:
            continue
        RuleParameter.objects.get_or_create(
            key=KEY, regulation=regulation,
            defaults={"value": 5, "unit": "năm", "description_vi": DESCRIPTION, "confidence": "probable",
                      "is_configurable": False})


class Migration(migrations.Migration):
    dependencies = [("rules", "0004_stats_bands")]

    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop)]
