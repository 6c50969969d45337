"""The report forms shipped with TCXD (issue 4 §2), modeled on the BTCTW basic statistical forms (domain
G-02): members and organizations (1-TCTW family), a consolidated layout with one row per subordinate
org, quality of members (3-TCTW), ethnicity and religion (4-TCTW), movements over a period.

Only added where missing (by code): an administrator's later change is never overwritten. The
definitions are written here, not read from elsewhere, so that this migration means the same thing
forever. ``load_forms`` is also called by the browser tests after a flush."""

from django.db import migrations

UNVERIFIED = ("Mô phỏng theo cấu trúc biểu thống kê cơ bản của HD 12-HD/BTCTW (2012); số hiệu và danh sách cột "
              "của biểu theo HD 11-HD/BTCTW (13/12/2021) chưa được kiểm chứng — quản trị hệ thống sửa được.")
MINORITY = {"ethnicity": {"not": ["01", "99"]}}  # the 53 ethnic minorities: neither Kinh (01) nor other (99)

FORMS = [
    {
        "code": "1-TCTW-DV", "family": "1-TCTW", "kind": "members", "position": 10,
        "title": "Số lượng đảng viên",
        "description": "Đảng viên chính thức, dự bị; nữ; người dân tộc thiểu số (53 dân tộc, không tính Kinh và "
                       "“Khác”); có tôn giáo; được miễn công tác và sinh hoạt đảng; đang sinh hoạt tạm thời nơi khác "
                       "(tính ở tổ chức đảng chính thức, G-04). " + UNVERIFIED,
        "definition": {
            "row_header": "Chỉ tiêu",
            "columns": [
                {"key": "so_luong", "label": "Tổng số", "total": "all"},
                {"group": "Trong đó", "columns": [
                    {"key": "nu", "label": "Nữ", "filter": {"sex": "F"}},
                    {"key": "dtts", "label": "Dân tộc thiểu số", "filter": MINORITY},
                ]},
            ],
            "rows": [
                {"key": "tong", "label": "Tổng số đảng viên", "total": "all"},
                {"key": "chinh_thuc", "label": "Đảng viên chính thức", "filter": {"status": "official"}, "indent": 1},
                {"key": "du_bi", "label": "Đảng viên dự bị", "filter": {"status": "probationary"}, "indent": 1},
                {"key": "nu", "label": "Đảng viên nữ", "filter": {"sex": "F"}},
                {"key": "dtts", "label": "Đảng viên người dân tộc thiểu số", "filter": MINORITY},
                {"key": "ton_giao", "label": "Đảng viên có tôn giáo", "filter": {"religion": {"not": "none"}}},
                {"key": "mien", "label": "Đảng viên được miễn công tác và sinh hoạt đảng", "filter": {"exempted": "1"}},
                {"key": "tam_thoi", "label": "Đảng viên đang sinh hoạt tạm thời nơi khác",
                 "filter": {"temporary": "1"}},
            ],
        },
    },
    {
        "code": "1-TCTW-TC", "family": "1-TCTW", "kind": "organizations", "position": 20,
        "title": "Số lượng tổ chức đảng",
        "description": "Tổ chức đảng trong cây trực thuộc (kể cả chính tổ chức được chọn) theo loại, cây tổ chức "
                       "tại ngày tính; đảng bộ xã, phường, đặc khu là tổ chức cơ sở đảng. " + UNVERIFIED,
        "definition": {
            "row_header": "Loại tổ chức đảng",
            "columns": [{"key": "so_luong", "label": "Số lượng", "total": "all"}],
            "rows": [
                {"key": "tinh", "label": "Đảng bộ tỉnh, thành phố; đảng bộ trực thuộc Trung ương",
                 "filter": {"kind": ["provincial", "central_bloc"]}},
                {"key": "huyen", "label": "Đảng bộ cấp huyện (đến 30/6/2025)", "filter": {"kind": "district"}},
                {"key": "cap_tren", "label": "Đảng ủy cấp trên trực tiếp cơ sở khác",
                 "filter": {"kind": "upper_grassroots"}},
                {"key": "tccsd", "label": "Tổ chức cơ sở đảng", "total": ["xa", "dbcs", "cbcs"]},
                {"key": "xa", "label": "Đảng bộ xã, phường, đặc khu", "filter": {"kind": "commune"}, "indent": 1},
                {"key": "dbcs", "label": "Đảng bộ cơ sở", "filter": {"kind": "grassroots_committee"}, "indent": 1},
                {"key": "cbcs", "label": "Chi bộ cơ sở", "filter": {"kind": "grassroots_cell"}, "indent": 1},
                {"key": "dbbp", "label": "Đảng bộ bộ phận", "filter": {"kind": "sub_committee"}},
                {"key": "chi_bo", "label": "Chi bộ trực thuộc đảng ủy cơ sở", "filter": {"kind": "cell"}},
                {"key": "tong_chi_bo", "label": "Tổng số chi bộ (chi bộ cơ sở và chi bộ trực thuộc)",
                 "total": ["cbcs", "chi_bo"]},
                {"key": "to_dang", "label": "Tổ đảng", "filter": {"kind": "group"}},
            ],
        },
    },
    {
        "code": "1-TCTW-TH", "family": "1-TCTW", "kind": "members", "position": 30,
        "title": "Số lượng đảng viên theo đơn vị trực thuộc (tổng hợp)",
        "description": "Mỗi tổ chức đảng trực thuộc trực tiếp (tại ngày tính) một dòng, dòng đầu là tổng cộng; "
                       "các cột như biểu 1-TCTW-DV. " + UNVERIFIED,
        "definition": {
            "row_header": "Đơn vị",
            "rows_from": "children",
            "columns": [
                {"key": "so_luong", "label": "Tổng số đảng viên", "total": "all"},
                {"group": "Chia ra", "columns": [
                    {"key": "chinh_thuc", "label": "Chính thức", "filter": {"status": "official"}},
                    {"key": "du_bi", "label": "Dự bị", "filter": {"status": "probationary"}},
                ]},
                {"group": "Trong tổng số", "columns": [
                    {"key": "nu", "label": "Nữ", "filter": {"sex": "F"}},
                    {"key": "dtts", "label": "Dân tộc thiểu số", "filter": MINORITY},
                    {"key": "ton_giao", "label": "Có tôn giáo", "filter": {"religion": {"not": "none"}}},
                    {"key": "mien", "label": "Miễn công tác, sinh hoạt", "filter": {"exempted": "1"}},
                    {"key": "tam_thoi", "label": "Sinh hoạt tạm thời nơi khác", "filter": {"temporary": "1"}},
                ]},
            ],
            "rows": [{"key": "tong", "label": "Tổng cộng", "total": "all"}],
        },
    },
    {
        "code": "3-TCTW", "family": "3-TCTW", "kind": "members", "position": 40,
        "title": "Chất lượng đảng viên",
        "description": "Tuổi đời (nhóm tuổi cấu hình, như mọi biểu), giáo dục phổ thông, chuyên môn nghiệp vụ, học "
                       "hàm, lý luận chính trị — mỗi đảng viên tính một lần ở trình độ cao nhất (G-04). "
                       + UNVERIFIED,
        "definition": {
            "row_header": "Chỉ tiêu",
            "columns": [
                {"key": "so_luong", "label": "Tổng số", "total": "all"},
                {"group": "Tuổi đời", "columns": [{"expand": "age_band"}]},
                {"group": "Giáo dục phổ thông", "columns": [{"expand": "general_education"}]},
                {"group": "Chuyên môn, nghiệp vụ", "columns": [{"expand": "professional_level", "except": ["none"]}]},
                {"group": "Học hàm", "columns": [{"expand": "academic_title", "except": ["none"]}]},
                {"group": "Lý luận chính trị", "columns": [{"expand": "political_theory", "except": ["none"]}]},
            ],
            "rows": [
                {"key": "tong", "label": "Tổng số đảng viên", "total": "all"},
                {"key": "nu", "label": "Nữ", "filter": {"sex": "F"}, "indent": 1},
                {"key": "dtts", "label": "Dân tộc thiểu số", "filter": MINORITY, "indent": 1},
                {"key": "du_bi", "label": "Đảng viên dự bị", "filter": {"status": "probationary"}, "indent": 1},
            ],
        },
    },
    {
        "code": "4-TCTW", "family": "4-TCTW", "kind": "members", "position": 50,
        "title": "Đảng viên theo dân tộc và tôn giáo",
        "description": "54 dân tộc và “Khác” (người nước ngoài nhập quốc tịch Việt Nam…); các tôn giáo. "
                       + UNVERIFIED,
        "definition": {
            "row_header": "Dân tộc, tôn giáo",
            "columns": [
                {"key": "so_luong", "label": "Tổng số", "total": "all"},
                {"group": "Trong đó", "columns": [
                    {"key": "nu", "label": "Nữ", "filter": {"sex": "F"}},
                    {"key": "du_bi", "label": "Dự bị", "filter": {"status": "probationary"}},
                ]},
            ],
            "rows": [
                {"key": "tong", "label": "Tổng số đảng viên", "total": "all"},
                {"expand": "ethnicity", "indent": 1},
                {"key": "dtts", "label": "Trong tổng số: người dân tộc thiểu số", "filter": MINORITY},
                {"key": "ton_giao", "label": "Có tôn giáo", "filter": {"religion": {"not": "none"}}},
                {"expand": "religion", "except": ["none"], "indent": 1},
            ],
        },
    },
    {
        "code": "BD-KY", "family": "Biến động", "kind": "movements", "position": 60,
        "title": "Biến động đảng viên trong kỳ",
        "description": "Số sự kiện trong kỳ báo cáo và cùng kỳ năm trước, cây tổ chức tại ngày cuối kỳ; chuyển sinh "
                       "hoạt chỉ tính khi qua ranh giới của cây (chuyển giữa hai đơn vị trong cây không tính). "
                       + UNVERIFIED,
        "definition": {
            "row_header": "Biến động",
            "columns": [
                {"key": "ky_nay", "label": "Kỳ báo cáo", "filter": {"period": "current"}},
                {"key": "cung_ky", "label": "Cùng kỳ năm trước", "filter": {"period": "previous"}},
            ],
            "rows": [
                {"key": "tang", "label": "Kết nạp và chuyển đến", "total": ["ket_nap", "ket_nap_lai", "chuyen_den"]},
                {"key": "ket_nap", "label": "Kết nạp đảng viên mới", "filter": {"movement": "admitted"}, "indent": 1},
                {"key": "ket_nap_lai", "label": "Kết nạp lại", "filter": {"movement": "readmitted"}, "indent": 1},
                {"key": "chuyen_den", "label": "Chuyển sinh hoạt đảng chính thức đến",
                 "filter": {"movement": "transferred_in"}, "indent": 1},
                {"key": "cong_nhan", "label": "Công nhận đảng viên chính thức", "filter": {"movement": "recognized"}},
                {"key": "tam_den", "label": "Chuyển sinh hoạt tạm thời đến", "filter": {"movement": "temporary_in"}},
                {"key": "chuyen_di", "label": "Chuyển sinh hoạt đảng chính thức đi",
                 "filter": {"movement": "transferred_out"}},
                {"key": "tam_di", "label": "Chuyển sinh hoạt tạm thời đi", "filter": {"movement": "temporary_out"}},
                {"key": "giam", "label": "Ra khỏi Đảng và từ trần", "total": ["xoa_ten", "khai_tru", "ra_khoi", "tu_tran"]},
                {"key": "xoa_ten", "label": "Xóa tên", "filter": {"movement": "struck_off"}, "indent": 1},
                {"key": "khai_tru", "label": "Khai trừ", "filter": {"movement": "expelled"}, "indent": 1},
                {"key": "ra_khoi", "label": "Xin ra khỏi Đảng", "filter": {"movement": "left"}, "indent": 1},
                {"key": "tu_tran", "label": "Từ trần", "filter": {"movement": "died"}, "indent": 1},
                {"key": "huy_hieu", "label": "Tặng Huy hiệu Đảng", "filter": {"movement": "badges"}},
            ],
        },
    },
]


def load_forms(apps, schema_editor):
    ReportForm = apps.get_model("reports", "ReportForm")
    for row in FORMS:
        ReportForm.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_forms")]

    operations = [migrations.RunPython(load_forms, migrations.RunPython.noop)]
