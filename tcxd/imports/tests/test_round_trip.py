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
