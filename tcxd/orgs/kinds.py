"""Code lists of the organization context (domain A-01, A-04, A-08, G-03)."""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCIAL = "provincial", "Đảng bộ tỉnh, thành phố trực thuộc Trung ương"
    CENTRAL_BLOC = "central_bloc", "Đảng bộ khối, đảng bộ trực thuộc Trung ương"
    COMMUNE = "commune", "Đảng bộ xã, phường, đặc khu"
    DISTRICT = "district", "Huyện ủy, quận ủy, thị ủy, thành ủy (cấp huyện, đến 30/6/2025)"
    UPPER_GRASSROOTS = "upper_grassroots", "Đảng ủy cấp trên trực tiếp cơ sở khác"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "grassroots_cell", "Chi bộ cơ sở"
    SUB_COMMITTEE = "sub_committee", "Đảng bộ bộ phận"
    CELL = "cell", "Chi bộ trực thuộc"
    GROUP = "group", "Tổ đảng"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    CLOSED = "closed", "Đã giải thể / chấm dứt"


class GrassrootsType(models.TextChoices):
    COMMUNE = "xa", "Xã"
    WARD = "phuong", "Phường"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"
    PARTY_AGENCY = "co_quan_dang", "Cơ quan Đảng"
    STATE_AGENCY = "co_quan_nha_nuoc", "Cơ quan Nhà nước"
    FRONT_MASS_ORG = "mttq_doan_the", "Cơ quan MTTQ, đoàn thể"
    PUBLIC_SERVICE = "su_nghiep_cong_lap", "Đơn vị sự nghiệp công lập"
    PRIVATE_SERVICE = "su_nghiep_ngoai_cong_lap", "Đơn vị sự nghiệp ngoài công lập"
    STATE_ENTERPRISE = "dn_nha_nuoc", "Doanh nghiệp nhà nước"
    STATE_CAPITAL_ENTERPRISE = "dn_von_nha_nuoc", "Doanh nghiệp có vốn nhà nước"
    PRIVATE_ENTERPRISE = "dn_tu_nhan", "Doanh nghiệp tư nhân"
    FDI_ENTERPRISE = "dn_fdi", "Doanh nghiệp có vốn đầu tư nước ngoài"
    COOPERATIVE = "hop_tac_xa", "Hợp tác xã"
    ARMY = "quan_doi", "Quân đội"
    POLICE = "cong_an", "Công an"
    ABROAD = "ngoai_nuoc", "Ngoài nước"


GRASSROOTS_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL})
CELL_KINDS = frozenset({OrgKind.CELL, OrgKind.GRASSROOTS_CELL})
# Kinds that hold an inspection committee (A-08: from the grassroots party committee upward).
INSPECTION_KINDS = frozenset({
    OrgKind.CENTRAL, OrgKind.PROVINCIAL, OrgKind.CENTRAL_BLOC, OrgKind.COMMUNE, OrgKind.DISTRICT,
    OrgKind.UPPER_GRASSROOTS, OrgKind.GRASSROOTS_COMMITTEE,
})

# Which kinds may sit directly under which. Historic district committees held the
# pre-2025 commune committees, which were grassroots party committees at the time.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrgKind.CENTRAL: frozenset({OrgKind.PROVINCIAL, OrgKind.CENTRAL_BLOC}),
    OrgKind.PROVINCIAL: frozenset({
        OrgKind.COMMUNE, OrgKind.DISTRICT, OrgKind.UPPER_GRASSROOTS,
        OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL,
    }),
    OrgKind.CENTRAL_BLOC: frozenset({
        OrgKind.UPPER_GRASSROOTS, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL,
    }),
    OrgKind.DISTRICT: frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL}),
    OrgKind.COMMUNE: frozenset({
        OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL, OrgKind.CELL,
    }),
    OrgKind.UPPER_GRASSROOTS: frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL}),
    OrgKind.GRASSROOTS_COMMITTEE: frozenset({OrgKind.SUB_COMMITTEE, OrgKind.CELL}),
    OrgKind.SUB_COMMITTEE: frozenset({OrgKind.CELL}),
    OrgKind.GRASSROOTS_CELL: frozenset({OrgKind.GROUP}),
    OrgKind.CELL: frozenset({OrgKind.GROUP}),
    OrgKind.GROUP: frozenset(),
}


class CommitteeBody(models.TextChoices):
    COMMITTEE = "committee", "Cấp ủy (chi ủy)"
    STANDING = "standing", "Ban Thường vụ"
    INSPECTION = "inspection", "Ủy ban kiểm tra"


class CommitteeRole(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    STANDING_MEMBER = "standing_member", "Ủy viên Ban Thường vụ"
    MEMBER = "member", "Cấp ủy viên"
    INSPECTION_CHAIR = "inspection_chair", "Chủ nhiệm Ủy ban kiểm tra"
    INSPECTION_DEPUTY = "inspection_deputy", "Phó Chủ nhiệm Ủy ban kiểm tra"
    INSPECTION_MEMBER = "inspection_member", "Ủy viên Ủy ban kiểm tra"


ROLE_BODY = {
    CommitteeRole.SECRETARY: CommitteeBody.COMMITTEE,
    CommitteeRole.DEPUTY_SECRETARY: CommitteeBody.COMMITTEE,
    CommitteeRole.MEMBER: CommitteeBody.COMMITTEE,
    CommitteeRole.STANDING_MEMBER: CommitteeBody.STANDING,
    CommitteeRole.INSPECTION_CHAIR: CommitteeBody.INSPECTION,
    CommitteeRole.INSPECTION_DEPUTY: CommitteeBody.INSPECTION,
    CommitteeRole.INSPECTION_MEMBER: CommitteeBody.INSPECTION,
}


ROLE_ORDER = [CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY, CommitteeRole.STANDING_MEMBER,
              CommitteeRole.MEMBER, CommitteeRole.INSPECTION_CHAIR, CommitteeRole.INSPECTION_DEPUTY,
              CommitteeRole.INSPECTION_MEMBER]


class SelectionMethod(models.TextChoices):
    ELECTED = "elected", "Bầu"
    APPOINTED = "appointed", "Chỉ định"
