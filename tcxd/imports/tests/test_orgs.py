"""Organizations from a file: founded through the orgs service itself, in file order, with a verdict per row."""

from __future__ import annotations

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.imports import fields as F
from tcxd.imports.models import BatchStatus, Kind, Verdict
from tcxd.orgs.models import Org

from .conftest import apply, reasons, upload_and_check, verdicts, xlsx_bytes

HEADERS = ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Loại hình cơ sở", "Tổ chức cấp trên", "Ngày thành lập"]


def org(code, name, kind, parent, founded="01/08/2025", grassroots=""):
    return dict(zip(HEADERS, [code, name, kind, grassroots, parent, founded], strict=True))


ROWS = [
    org("XA9", "Chi bộ Khu phố 9", "Chi bộ trực thuộc", "XA"),  # 2: new, parent by code
    org("XA-DN", "Đảng bộ Công ty Đông Kinh", "Đảng bộ cơ sở", "Đảng bộ phường Đông Kinh",
        grassroots="Doanh nghiệp nhà nước"),  # 3: new, parent by name
    org("XA-DN1", "Chi bộ Phân xưởng 1", "Chi bộ", "XA-DN"),  # 4: new, its parent is row 3
    org("XA9", "Chi bộ Khu phố 9 (lặp)", "Chi bộ", "XA"),  # 5: duplicate code
    org("XA1", "Chi bộ Khối 1", "Chi bộ trực thuộc", "XA"),  # 6: exists as it is
    org("XA2", "Chi bộ Trường Tiểu học Đông Kinh mới", "Chi bộ cơ sở", "XA"),  # 7: exists, other name
    org("XB9", "Chi bộ Thôn 9", "Chi bộ", "XB"),  # 8: parent outside the officer's commune
    org("XA8", "Chi bộ Khu phố 8", "Ban chỉ đạo", "XA"),  # 9: no such kind
    org("XA7", "Chi bộ Khu phố 7", "Chi bộ", "XA", founded="01/01/2020"),  # 10: before the commune existed
    org("XA6", "", "Chi bộ", "XA"),  # 11: no name
]


def test_org_headers_are_recognized():
    assert F.guess_mapping(HEADERS, Kind.ORGS) == {0: "code", 1: "name", 2: "kind", 3: "grassroots_type",
                                                   4: "parent", 5: "valid_from"}


def test_each_org_row_gets_its_verdict_and_the_check_founds_nothing(tree, officer):
    before = Org.objects.count()
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(ROWS, headers=HEADERS), kind=Kind.ORGS)
    assert verdicts(batch) == {2: Verdict.NEW, 3: Verdict.NEW, 4: Verdict.NEW, 5: Verdict.DUPLICATE,
                               6: Verdict.UNCHANGED, 7: Verdict.CONFLICT, 8: Verdict.OUT_OF_SCOPE,
                               9: Verdict.INVALID, 10: Verdict.INVALID, 11: Verdict.INVALID}
    assert Org.objects.count() == before  # a dry run
    assert "Trùng mã tổ chức XA9 với dòng 2" in reasons(batch, 5)
    assert "theo thủ tục sắp xếp tổ chức" in reasons(batch, 7)
    assert "ngoài phạm vi" in reasons(batch, 8)
    assert "Loại tổ chức «Ban chỉ đạo» không có trong danh mục" in reasons(batch, 9)
    assert "Ngày thành lập" in reasons(batch, 10)  # the service's own message on the founding date
    assert "Tổ chức mới thiếu: Tên tổ chức" in reasons(batch, 11)


def test_applying_founds_the_accepted_units_in_order(tree, officer):
    batch = apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes(ROWS, headers=HEADERS),
                                            kind=Kind.ORGS))
    assert batch.status == BatchStatus.APPLIED and batch.result["created"] == 3
    company = Org.objects.get(code="XA-DN")
    assert Org.objects.get_parent(company) == tree.commune_a and company.grassroots_type == "dn_nha_nuoc"
    assert Org.objects.get_parent(Org.objects.get(code="XA-DN1")) == company
    assert not Org.objects.filter(code__in=["XB9", "XA8", "XA7", "XA6"]).exists()
    assert Org.objects.get(code="XA2").name == "Chi bộ Trường Tiểu học Đông Kinh"  # untouched
    assert AuditEntry.objects.filter(action="org.create", object_id=str(company.pk)).exists()
    again = apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes(ROWS[:3], headers=HEADERS),
                                            kind=Kind.ORGS))
    assert verdicts(again) == {2: Verdict.UNCHANGED, 3: Verdict.UNCHANGED, 4: Verdict.UNCHANGED}


def test_all_or_nothing_founds_nothing_while_a_row_is_rejected(tree, officer):
    before = Org.objects.count()
    batch = apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes(ROWS, headers=HEADERS),
                                            kind=Kind.ORGS), mode="all")
    assert batch.status == BatchStatus.REFUSED and Org.objects.count() == before


@pytest.mark.parametrize("mapping,message", [({0: "code"}, "Chưa ghép cột Tên tổ chức"),
                                             ({1: "name"}, "Chưa ghép cột Mã tổ chức")])
def test_an_org_mapping_needs_code_and_name(tree, officer, mapping, message):
    from tcxd.common.errors import ValidationFailed
    from tcxd.imports import services as S

    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx",
                                  data=xlsx_bytes(ROWS, headers=HEADERS), kind=Kind.ORGS)
    with pytest.raises(ValidationFailed) as exc:
        S.import_batch_map(actor=officer, batch=batch, mapping=mapping)
    assert message in " ".join(exc.value.errors["mapping"])
