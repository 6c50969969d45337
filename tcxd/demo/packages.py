"""Demo periodic report packages (báo cáo định kỳ) through the real services, so "Báo cáo định kỳ" and
"Tổng hợp báo cáo cấp dưới" show something: the annual package of the latest year whose cut-off day has come,
submitted by the first commune of the demo province (with its narrative) and a draft of the second."""

from __future__ import annotations

from django.utils import timezone

from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import subtree_q
from tcxd.reports import package_services as S
from tcxd.reports import packages as PK
from tcxd.reports.package_api import default_year

TEMPLATE = "BC-NAM"
NARRATIVE = {
    "danh_gia_chung": "Tình hình chính trị, kinh tế – xã hội trên địa bàn ổn định; cấp ủy lãnh đạo thực hiện "
                      "nhiệm vụ năm đạt kết quả khá toàn diện (dữ liệu mẫu).",
    "ket_qua": "Kiện toàn tổ chức, bộ máy sau sắp xếp; kết nạp đảng viên mới đạt chỉ tiêu; hoàn thành rà soát "
               "hồ sơ đảng viên, cập nhật dữ liệu đảng viên trên hệ thống (dữ liệu mẫu).",
    "han_che": "Một số chi bộ sinh hoạt chưa đều; việc chuyển sinh hoạt đảng còn chậm (dữ liệu mẫu).",
    "phuong_huong": "Nâng cao chất lượng sinh hoạt chi bộ; tạo nguồn kết nạp đảng viên ở thôn, tổ dân phố "
                    "chưa có đảng viên (dữ liệu mẫu).",
    "kien_nghi": "Đề nghị cấp trên sớm hướng dẫn biểu mẫu thống kê mới (dữ liệu mẫu).",
}


def build_packages(*, actor, province: Org) -> int:
    """One submitted and one draft annual package; returns how many were made."""
    template = PK.package_template_current(code=TEMPLATE)
    year = default_year(template, timezone.localdate())
    communes = list(Org.objects.filter(subtree_q(province, include_self=False), depth=province.depth + 1,
                                       kind=OrgKind.COMMUNE, status=OrgStatus.ACTIVE).order_by("path")[:2])
    made = 0
    for i, commune in enumerate(communes):
        package = S.package_generate(actor=actor, org=commune, template_code=TEMPLATE, year=year)
        made += 1
        if i == 0:
            package = S.package_update_narrative(actor=actor, package=package, narrative=NARRATIVE)
            S.package_submit(actor=actor, package=package)
        else:
            S.package_update_narrative(actor=actor, package=package,
                                       narrative={"danh_gia_chung": NARRATIVE["danh_gia_chung"]})
    return made
