from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "tcxd.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from tcxd.audit import labels

        from .kinds import CommitteeBody, CommitteeRole, GrassrootsType, OrgKind, OrgStatus, SelectionMethod

        labels.register(
            actions={
                "org.create": "Thành lập tổ chức", "org.update": "Sửa thông tin tổ chức",
                "org.move": "Chuyển trực thuộc", "org.close": "Giải thể / chấm dứt hoạt động",
                "org.headcount": "Cập nhật đảng số", "congress.create": "Ghi nhận đại hội",
                "congress.update": "Sửa đại hội", "committee.add": "Bổ sung cấp ủy",
                "committee.end": "Thôi giữ chức cấp ủy",
            },
            fields={
                "code": "Mã", "name": "Tên", "short_name": "Tên ngắn", "kind": "Loại tổ chức",
                "grassroots_type": "Loại hình", "admin_unit_id": "Đơn vị hành chính",
                "valid_from": "Hiệu lực từ", "valid_to": "Hiệu lực đến", "status": "Trạng thái",
                "congress_cycle_months": "Chu kỳ đại hội (tháng)", "note": "Ghi chú",
                "official": "Đảng viên chính thức", "probationary": "Đảng viên dự bị",
                "term_start_year": "Nhiệm kỳ từ năm", "term_end_year": "Nhiệm kỳ đến năm",
                "planned_on": "Ngày dự kiến", "held_on": "Ngày khai mạc", "held_to": "Ngày bế mạc",
                "is_delegate_congress": "Đại hội đại biểu", "body": "Cơ quan", "role": "Chức danh",
                "person_name": "Họ và tên", "person_ref": "Mã đảng viên", "from_date": "Từ ngày",
                "to_date": "Đến ngày", "method": "Hình thức", "ballot_round": "Lần bỏ phiếu",
                "decision_no": "Số quyết định", "decision_date": "Ngày quyết định", "end_reason": "Lý do thôi",
            },
            values={
                "kind": dict(OrgKind.choices), "status": dict(OrgStatus.choices),
                "grassroots_type": dict(GrassrootsType.choices), "role": dict(CommitteeRole.choices),
                "body": dict(CommitteeBody.choices), "method": dict(SelectionMethod.choices),
            },
        )
