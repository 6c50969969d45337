"""Round trip: our data exported in the CSDL 3.0 layout and imported again gives "unchanged" for every row, as a
members import and as a reconciliation batch; every header of the layout is recognized."""

from __future__ import annotations

import pytest

from tcxd.exports.services import write_file
from tcxd.exports.sources import SOURCES
from tcxd.imports import csdl3
from tcxd.imports import fields as F
from tcxd.imports.models import Kind, Verdict
from tcxd.members.models import Member

from .conftest import apply, person, upload_and_check, xlsx_bytes


def test_every_header_of_the_csdl3_layout_maps_to_its_field():
    assert {i: k for i, k in F.guess_mapping(csdl3.HEADERS).items()} == dict(enumerate(csdl3.FIELDS))


@pytest.mark.parametrize("kind", [Kind.MEMBERS, Kind.CSDL3])
def test_export_then_import_is_unchanged_for_every_row(tree, officer, tmp_path, kind):
    rows = [person(1), person(2, name="Trần Thị Hoa", sex="Nữ", official=None, card=""),
            person(3, **{"Dân tộc": "Tày", "Tôn giáo": "Phật giáo"})]
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes(rows)))
    Member.objects.filter(cccd=person(3)["Số CCCD"]).update(hometown="Xã Hòa Bình", profile_no="LL-3")
    source = SOURCES["dang-vien-csdl3"]
    prepared = source.prepare(officer, {})
    path = tmp_path / "csdl3.xlsx"
    written = write_file(source=source, prepared=prepared, fmt="xlsx", path=path)
    assert written.rows == 3
    batch = upload_and_check(officer, tree.commune_a, path.read_bytes(), filename="csdl3.xlsx", kind=kind)
    assert set(verdicts_of(batch)) == {Verdict.UNCHANGED}, list(batch.rows.values_list("reasons", "diff"))


def verdicts_of(batch):
    return list(batch.rows.values_list("verdict", flat=True))


def test_the_member_list_offers_the_csdl3_layout_and_it_downloads(tree, users):
    import io

    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    officer = users["commune_officer"]
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)])))
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("members:list")).content.decode()
    url = reverse("exports:start", args=["dang-vien-csdl3"])
    assert 'data-testid="export-csdl3"' in page and url in page
    response = client.get(url, {"tai": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(csdl3.HEADERS)
    assert rows[1][csdl3.FIELDS.index("cccd")] == person(1)["Số CCCD"]  # an officer sees the whole CCCD
