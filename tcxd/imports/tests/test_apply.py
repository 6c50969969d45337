"""Apply: new and updated dossiers, idempotent batches, replay refused, all-or-nothing, per-row and per-field
choices, which source set each field, the same rules as the services."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import Conflict, PermissionDenied, ValidationFailed
from tcxd.imports import services as S
from tcxd.imports.models import BatchStatus, ImportBatch, Kind, Verdict
from tcxd.members import services as MS
from tcxd.members.models import FieldSource, Member, MemberEvent, MemberFieldSource

from .conftest import apply, cccd, person, reasons, upload_and_check, verdicts, xlsx_bytes

D = dt.date


def _state() -> list[tuple]:
    return sorted(Member.objects.values_list("cccd", "full_name", "birth_date", "sex", "org_id", "status",
                                             "occupation", "admitted_on", "official_on", "card_no"))


def test_new_rows_are_written_with_their_party_record_and_source(tree, officer):
    batch = apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(2)])))
    assert batch.status == BatchStatus.APPLIED
    assert batch.result == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 0}
    member = Member.objects.get(cccd=cccd(1))
    kinds = list(MemberEvent.objects.filter(member=member).order_by("on", "seq").values_list("kind", "on"))
    assert kinds == [("admission_decision", D(2005, 5, 10)), ("ceremony", D(2005, 5, 10)),
                     ("recognition", D(2006, 5, 10)), ("card_issued", D(2006, 5, 10))]
    for field in ("full_name", "birth_date", "cccd", "occupation"):
        assert MS.field_source(member, field)[:2] == (FieldSource.IMPORT, f"lô #{batch.pk}")
    assert set(batch.rows.values_list("applied", flat=True)) == {True}
    assert AuditEntry.objects.filter(action="import.apply", object_id=str(batch.pk)).exists()


def test_reuploading_the_same_file_changes_nothing(tree, officer):
    data = xlsx_bytes([person(1), person(2), person(3, **{"Ngày vào Đảng": "1980"})])
    first = apply(officer, upload_and_check(officer, tree.commune_a, data))
    before = _state()
    second = upload_and_check(officer, tree.commune_a, data)
    assert verdicts(second) == {2: Verdict.UNCHANGED, 3: Verdict.UNCHANGED, 4: Verdict.INVALID}
    assert S.same_file_applied(second) == first
    second = apply(officer, second)
    assert second.result["created"] == 0 and second.result["updated"] == 0
    assert _state() == before


def test_a_replayed_batch_is_refused(tree, officer):
    key = uuid.uuid4()
    batch = apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)]), key=key))
    with pytest.raises(Conflict, match="đã được áp dụng"):
        S.import_batch_apply(actor=officer, batch=batch, mode="accepted")
    with pytest.raises(Conflict, match="đã được dùng"):
        S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx",
                              data=xlsx_bytes([person(1)]), key=key)
    assert Member.objects.count() == 1 and ImportBatch.objects.count() == 1


def test_all_or_nothing_writes_nothing_while_a_row_is_rejected(tree, officer):
    data = xlsx_bytes([person(1), person(2, **{"Giới tính": "?"})])
    batch = apply(officer, upload_and_check(officer, tree.commune_a, data), mode="all")
    assert batch.status == BatchStatus.REFUSED
    assert "còn 1 dòng bị từ chối" in batch.error
    assert Member.objects.count() == 0
    batch = apply(officer, batch, mode="accepted")  # the user then accepts the valid rows only
    assert batch.status == BatchStatus.APPLIED and Member.objects.count() == 1


def test_an_update_shows_each_difference_and_applies_only_accepted_fields(tree, officer):
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(2)])))
    changed = [person(1, name="Nguyễn Văn Nhập Một", occupation="Hiệu trưởng"), person(2, occupation="Kỹ sư")]
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(changed))
    assert verdicts(batch) == {2: Verdict.UPDATE, 3: Verdict.UPDATE}
    row = batch.rows.get(row_no=2)
    assert row.diff == [["full_name", "Họ và tên", "Nguyễn Văn Nhập 1", "Nguyễn Văn Nhập Một"],
                        ["occupation", "Nghề nghiệp", "Giáo viên", "Hiệu trưởng"]]
    S.import_row_decide(actor=officer, row=row, skip=False, declined=["full_name"])
    S.import_row_decide(actor=officer, row=batch.rows.get(row_no=3), skip=True)
    with pytest.raises(ValidationFailed):
        S.import_row_decide(actor=officer, row=row, skip=False, declined=["cccd"])  # not a difference
    batch = apply(officer, batch)
    one, two = Member.objects.get(cccd=cccd(1)), Member.objects.get(cccd=cccd(2))
    assert (one.full_name, one.occupation) == ("Nguyễn Văn Nhập 1", "Hiệu trưởng")
    assert two.occupation == "Giáo viên"
    assert batch.result["updated"] == 1 and batch.result["skipped"] == 1
    audit = AuditEntry.objects.filter(action="member.update", object_id=str(one.pk)).latest("at")
    assert audit.before["occupation"] == "Giáo viên" and audit.after["occupation"] == "Hiệu trưởng"
    assert MS.field_source(one, "occupation")[0] == FieldSource.IMPORT
    # a correction made later in TCXD takes the field back from the import; the other fields stay imported
    MS.member_update(actor=officer, member=one, occupation="Phó hiệu trưởng")
    assert MS.field_source(one, "occupation")[0] == FieldSource.TCXD
    assert MS.field_source(one, "birth_date")[0] == FieldSource.IMPORT


def test_conflicts_with_existing_records(tree, officer):
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(2)])))
    rows = [
        person(1, name="Lê Thị Khác", sex="Nam", **{"Ngày sinh": "01/01/1980"}),  # same CCCD, other person
        person(5, **{"Số thẻ đảng viên": "30000002"}),  # card of member 2, another CCCD
        person(2, card="", **{"Ngày vào Đảng": "11/05/2005", "Ngày chính thức": "11/05/2006"}),  # dates differ
        person(2, org="Chi bộ Trường Tiểu học Đông Kinh", **{"Số CCCD": cccd(2)}),  # duplicate of the row above
    ]
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(rows))
    assert verdicts(batch) == {2: Verdict.CONFLICT, 3: Verdict.CONFLICT, 4: Verdict.CONFLICT,
                               5: Verdict.DUPLICATE}
    assert "cả họ tên và ngày sinh trong tệp đều khác" in reasons(batch, 2)
    assert "Số thẻ đảng viên 30000002 đã thuộc hồ sơ Nguyễn Văn Nhập 2 (sinh ngày 15/03/1980)" in reasons(batch, 3)
    assert "Ngày vào Đảng trong tệp (11/05/2005) khác hồ sơ (10/05/2005)" in reasons(batch, 4)


def test_out_of_scope_existing_member_is_never_touched(tree, users):
    province = users["province_officer"]
    apply(province, upload_and_check(province, tree.commune_b,
                                     xlsx_bytes([person(1, org="Chi bộ Thôn Bản Cắm")])))
    officer = users["commune_officer"]
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1, occupation="Khác")]))
    assert verdicts(batch) == {2: Verdict.OUT_OF_SCOPE}
    apply(officer, batch)
    assert Member.objects.get(cccd=cccd(1)).occupation == "Giáo viên"


def test_an_update_is_judged_by_the_dossier_rules(tree, officer):
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)])))
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1, Email="x")],
                             headers=["Họ và tên", "Số CCCD", "Email", "Ngày cấp CCCD"]))
    assert verdicts(batch) == {2: Verdict.INVALID}
    assert "Email: Địa chỉ email không hợp lệ." in reasons(batch, 2)
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1, **{"Ngày cấp CCCD": future})],
                             headers=["Họ và tên", "Số CCCD", "Ngày cấp CCCD"]))
    assert "Ngày cấp CCCD ở tương lai." in reasons(batch, 2)


def test_reading_only_roles_cannot_upload(tree, users):
    with pytest.raises(PermissionDenied):
        S.import_batch_upload(actor=users["leader"], root=tree.commune_a, filename="a.xlsx",
                              data=xlsx_bytes([person(1)]))
    assert not ImportBatch.objects.exists()


def test_mapping_errors_are_named(tree, officer):
    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx",
                                  data=xlsx_bytes([person(1)]))
    with pytest.raises(ValidationFailed) as exc:
        S.import_batch_map(actor=officer, batch=batch, mapping={1: "full_name", 2: "full_name"})
    messages = " ".join(exc.value.errors["mapping"])
    assert "ghép nhiều cột: Họ và tên" in messages and "Chưa ghép cột Số CCCD" in messages
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UPLOADED


def test_a_saved_mapping_is_reused_for_the_same_headers(tree, officer):
    headers = ["Tên người", "Sinh", "Phái", "Căn cước số", "Chi bộ", "Vào Đảng"]
    data = xlsx_bytes([person(1, **{"Tên người": "A", "Sinh": "01/01/1980", "Phái": "Nam",
                                    "Căn cước số": cccd(1), "Vào Đảng": "01/01/2005"})], headers=headers)
    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx", data=data)
    mapping = {0: "full_name", 1: "birth_date", 2: "sex", 3: "cccd", 4: "org", 5: "admitted_on"}
    S.import_batch_map(actor=officer, batch=batch, mapping=mapping, save_as="Mẫu của xã")
    again = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="b.xlsx", data=data)
    assert {int(c): k for c, k in again.mapping.items()} == mapping
    assert "Dùng cách ghép cột đã lưu «Mẫu của xã»." in again.notes


def test_csdl3_rows_are_matched_by_cccd_then_profile_then_card(tree, officer):
    apply(officer, upload_and_check(officer, tree.commune_a,
                                    xlsx_bytes([person(1, **{"Số lý lịch": "LL-1"}), person(2)],
                                               headers=[*person(1).keys(), "Số lý lịch"])))
    rows = [{"Số lý lịch": "LL-1", "Họ và tên": "Nguyễn Văn Nhập 1", "Nghề nghiệp": "Kỹ sư"},
            {"Số thẻ đảng viên": "30000002", "Họ và tên": "Nguyễn Văn Nhập 2", "Nghề nghiệp": "Giáo viên"}]
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(
        rows, headers=["Họ và tên", "Số lý lịch", "Số thẻ đảng viên", "Nghề nghiệp"]), kind=Kind.CSDL3)
    assert verdicts(batch) == {2: Verdict.UPDATE, 3: Verdict.UNCHANGED}
    apply(officer, batch)
    member = Member.objects.get(cccd=cccd(1))
    assert member.occupation == "Kỹ sư"
    assert MemberFieldSource.objects.get(member=member, field="occupation").source == FieldSource.CSDL3


def test_the_apply_uses_the_checks_verdicts_when_nothing_was_written_since(tree, officer, monkeypatch):
    from tcxd.imports import judge

    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(2)]))
    S.import_row_decide(actor=officer, row=batch.rows.get(row_no=3), skip=True)  # the batch's own writes

    def judged_again(**kwargs):
        raise AssertionError("judged again although nothing changed")

    monkeypatch.setattr(judge, "judge_stream", judged_again)
    batch = apply(officer, batch)
    assert batch.status == BatchStatus.APPLIED and batch.result["created"] == 1  # row 3 left out
    assert list(Member.objects.values_list("cccd", flat=True)) == [cccd(1)]


def test_a_write_after_the_check_makes_the_apply_judge_again(tree, officer, users):
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(2)]))
    assert verdicts(batch) == {2: Verdict.NEW, 3: Verdict.NEW}
    # meanwhile the province records member 1 by hand, in the same cell
    MS.member_create(actor=users["province_officer"], org=tree.cell_a1, on=D(2024, 1, 10),
                     full_name="Nguyễn Văn Nhập 1", sex="M", birth_date=D(1980, 3, 15), cccd=cccd(1))
    batch = apply(officer, batch)
    assert batch.status == BatchStatus.APPLIED
    assert batch.result["created"] == 1 and verdicts(batch)[2] == Verdict.CONFLICT  # not a second dossier
    assert Member.objects.filter(cccd=cccd(1)).count() == 1


def test_a_tampered_verdict_file_is_not_trusted(tree, officer, monkeypatch):
    from tcxd.imports import checked, judge

    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)]))
    path = checked._path(batch)
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF
    path.write_bytes(bytes(blob))
    calls = []
    real = judge.judge_stream
    monkeypatch.setattr(judge, "judge_stream", lambda **kw: calls.append(1) or real(**kw))
    batch = apply(officer, batch)
    assert calls and batch.result["created"] == 1


def test_an_interrupted_check_can_be_run_again(tree, officer):
    from tcxd.common import progress

    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx",
                                  data=xlsx_bytes([person(1)]))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False):  # queued; no worker has taken it yet
        S.import_batch_map(actor=officer, batch=batch, mapping={int(c): k for c, k in batch.mapping.items()})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKING and not S.interrupted(batch)  # queued, not started
    with pytest.raises(Conflict):
        S.import_batch_map(actor=officer, batch=batch, mapping={int(c): k for c, k in batch.mapping.items()})
    progress.report(S.progress_key(batch.pk), "Đang kiểm tra từng dòng", 10, 100)  # it had started, then died
    assert S.interrupted(batch)
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.import_batch_map(actor=officer, batch=batch, mapping={int(c): k for c, k in batch.mapping.items()})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY and verdicts(batch) == {2: Verdict.NEW}


def test_the_dossier_page_shows_which_source_set_its_fields(tree, officer):
    from django.test import Client
    from django.urls import reverse

    batch = apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)])))
    member = Member.objects.get(cccd=cccd(1))
    MS.member_update(actor=officer, member=member, occupation="Hiệu trưởng")
    client = Client()
    client.force_login(officer)
    html = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert 'data-testid="field-sources"' in html
    assert f"Nhập từ tệp (lô #{batch.pk})" in html and "mọi trường của hồ sơ khi tạo" in html
    assert "Nghề nghiệp hiện nay" in html and "Cập nhật trong TCXD" in html


def test_a_batch_waiting_in_the_queue_is_not_queued_twice(tree, officer):
    from django.test import TestCase

    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)]))
    with TestCase.captureOnCommitCallbacks(execute=False):  # waiting: no worker has taken it
        S.import_batch_apply(actor=officer, batch=batch, mode="accepted")
    batch.refresh_from_db()
    assert S.apply_blocker(batch) == ("batch_busy", "Lô đang được áp dụng.") and not S.mappable(batch)
    with pytest.raises(Conflict, match="đang được áp dụng"):
        S.import_batch_apply(actor=officer, batch=batch, mode="accepted")


def test_rows_judged_chunk_by_chunk_give_the_verdicts_of_one_pass(tree, officer, settings):
    """Two rows per chunk: a duplicate of a row two chunks back, a refused all-or-nothing and the apply of the
    kept chunks give what one pass over the whole file gives."""
    settings.TCXD_IMPORT_CHUNK = 2
    rows = [person(1), person(2), person(3, **{"Giới tính": "?"}), person(4), person(1, name="Trần Văn Lặp")]
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(rows))
    assert verdicts(batch) == {2: Verdict.NEW, 3: Verdict.NEW, 4: Verdict.INVALID, 5: Verdict.NEW,
                               6: Verdict.DUPLICATE}
    assert "với dòng 2 của tệp" in reasons(batch, 6)
    assert batch.counts[Verdict.NEW] == 3 and batch.rows_total == 5
    S.import_row_decide(actor=officer, row=batch.rows.get(row_no=5), skip=True)
    refused = apply(officer, batch, mode="all")
    assert refused.status == BatchStatus.REFUSED and Member.objects.count() == 0
    assert refused.rows.count() == 5 and refused.rows.get(row_no=5).skip
    batch = apply(officer, refused, mode="accepted")
    assert batch.result == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 2, "skipped": 1}
    assert sorted(Member.objects.values_list("cccd", flat=True)) == [cccd(1), cccd(2)]
    applied = dict(batch.rows.filter(applied=True).values_list("row_no", "member_id"))
    assert applied == {2: Member.objects.get(cccd=cccd(1)).pk, 3: Member.objects.get(cccd=cccd(2)).pk}
    assert not batch.rows.filter(applied=True, row_no__in=[4, 5, 6]).exists()
