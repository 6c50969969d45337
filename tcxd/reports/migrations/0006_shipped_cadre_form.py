"""The shipped form “Công tác cán bộ trong kỳ” (CB-KY): the decisions of the cadre register by kind over a
period and the same period of the previous year, with the admissions of the period beside them — the figures a
half-term report gives (seed 000: “kiện toàn, điều động, luân chuyển, bổ nhiệm lại, giới thiệu cán bộ ứng cử
thuộc diện Ban Thường vụ quản lý đối với 176 lượt cán bộ … kết nạp 3.439 đảng viên”).

Only added where missing (by code): an administrator's later change is never overwritten. The definition is
written here, not read from elsewhere, so that this migration means the same thing forever. ``load_forms`` is
also called by the browser tests after a flush."""

from django.db import migrations

KINDS = [("kien_toan", "Kiện toàn"), ("dieu_dong", "Điều động"), ("luan_chuyen", "Luân chuyển"),
         ("biet_phai", "Biệt phái"), ("bo_nhiem", "Bổ nhiệm"), ("bo_nhiem_lai", "Bổ nhiệm lại"),
         ("gioi_thieu_ung_cu", "Giới thiệu ứng cử")]
FORMS = [
    {
        "code": "CB-KY", "family": "Công tác cán bộ", "kind": "movements", "position": 70,
        "title": "Công tác cán bộ trong kỳ",
        "description": "Số lượt cán bộ thuộc diện Ban Thường vụ các cấp ủy trong cây tổ chức quản lý có quyết định "
                       "hiệu lực trong kỳ báo cáo và cùng kỳ năm trước, theo loại quyết định (quyết định đã hủy không "
                       "tính); kèm số đảng viên kết nạp trong kỳ (như biểu BD-KY). Biểu do TCXD đề xuất, không phải "
                       "biểu của HD 11-HD/BTCTW — quản trị hệ thống sửa được.",
        "definition": {
            "row_header": "Chỉ tiêu",
            "columns": [
                {"key": "ky_nay", "label": "Kỳ báo cáo", "filter": {"period": "current"}},
                {"key": "cung_ky", "label": "Cùng kỳ năm trước", "filter": {"period": "previous"}},
            ],
            "rows": [
                {"key": "can_bo", "label": "Số lượt cán bộ (quyết định công tác cán bộ)",
                 "total": [key for key, _label in KINDS]},
                *({"key": key, "label": label, "filter": {"movement": f"cadre_{key}"}, "indent": 1}
                  for key, label in KINDS),
                {"key": "ket_nap", "label": "Kết nạp đảng viên mới", "filter": {"movement": "admitted"}},
            ],
        },
    },
]


def load_forms(apps, schema_editor):
    ReportForm = apps.get_model("reports", "ReportForm")
    for row in FORMS:
        ReportForm.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_shipped_package_templates")]

    operations = [migrations.RunPython(load_forms, migrations.RunPython.noop)]
