"""Every service that writes leaves an audit row. A new public service function fails this test
until it is added to INVOKERS with a call that exercises it."""

from __future__ import annotations

import datetime as dt
import inspect
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tcxd.audit.models import AuditEntry
from tcxd.authz import services as authz_services
from tcxd.cadres import services as cadre_services
from tcxd.documents import services as document_services
from tcxd.exports import services as export_services
from tcxd.fees import services as fee_services
from tcxd.fees.tests.factories import make_member
from tcxd.imports import services as import_services
from tcxd.meetings import services as meeting_services
from tcxd.members import bulk as member_bulk
from tcxd.members import dossier_services, reassign, search_services
from tcxd.members import services as member_services
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.orgs import committee as committee_services
from tcxd.orgs import services as org_services
from tcxd.reports import form_services as report_form_services
from tcxd.reports import package_services
from tcxd.reports import services as report_services
from tcxd.restructure import services as restructure_services
from tcxd.rules import services as rules_services
from tcxd.rules.models import PublicHoliday, Regulation, RuleParameter

D = dt.date
MODULES = [authz_services, org_services, committee_services, rules_services, member_services, member_bulk,
           fee_services, meeting_services, search_services, dossier_services, report_services, report_form_services,
           package_services, reassign, restructure_services, cadre_services, export_services]
READERS = {"snapshot", "api_token_user", "rule_parameter_value_errors", "holiday_errors", "cell_rules",
           "dossier_snapshot", "eligible_members", "row_kind", "attachment_content_type", "attachment_errors",
           "photo_data_uri", "template_errors", "parse_sections", "narrative_errors", "package_docx_bytes",
           "reassign_blockers", "members_at", "members_registered", "spec_org_ids", "dry_run", "restructure_run"}
READERS |= {"lookup", "snapshot"}  # cadres.services: the rule lookup and the audit snapshot
MODULES.append(document_services)  # decision templates: upload, revert
MODULES.append(import_services)  # imports: upload, map, decide, queue (the task bodies audit the apply)
READERS |= {"check_record", "dossier_problems", "field_source", "progress_key", "batch_table", "saved_mapping_for",
            "same_file_applied", "mapping_errors", "import_check_run", "interrupted", "import_apply_run",
            "mappable", "apply_blocker"}
READERS |= {"source_get", "clean_params", "write_file", "content_type", "job_path"}  # exports.services: helpers


def _public_functions():
    for module in MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") and name not in READERS:
                yield name


def _congress(t):
    return committee_services.congress_create(actor=t.admin, org=t.commune_a, term_start_year=2025,
                                              term_end_year=2030)


def _seat(t):
    return committee_services.committee_member_add(actor=t.admin, org=t.commune_a, role="secretary",
                                                   person_name="Vũ Văn Nam", from_date=D(2025, 9, 1),
                                                   method="elected", ballot_round=1)


def _bulk(t):
    record = member_bulk.MemberRecord(
        dossier={"full_name": "Hà Văn Lô", "sex": "M", "birth_date": D(1990, 1, 1), "cccd": "020090000555"},
        events=[member_bulk.EventSpec(kind="candidate", on=D(2024, 1, 5), org_id=t.cell_a1.id)])
    return member_bulk.members_bulk_load(actor=t.admin, records=[record])


def _bulk_insert(t):
    from tcxd.members import lifecycle

    record = member_bulk.MemberRecord(
        dossier={"full_name": "Hà Văn Chèn", "sex": "M", "birth_date": D(1990, 1, 1), "cccd": "020090000556"},
        events=[member_bulk.EventSpec(kind="candidate", on=D(2024, 1, 5), org_id=t.cell_a1.id)])
    problems, state, history = member_bulk.check_record(record, lifecycle.lookup, lifecycle.calendar())
    assert not problems
    return member_bulk.members_bulk_insert(actor=t.admin, accepted=[(record, state, history)])


_IMPORT_MAPPING = {1: "full_name", 2: "birth_date", 3: "sex", 4: "cccd", 7: "org", 8: "admitted_on"}


def _import_upload(t):
    from tcxd.imports.tests.conftest import person, xlsx_bytes

    return import_services.import_batch_upload(actor=t.admin, root=t.commune_a, filename="a.xlsx",
                                               data=xlsx_bytes([person(1, occupation="Kỹ sư")]))


def _import_checked(t):
    from django.test import TestCase

    from tcxd.imports.models import ImportBatch

    batch = _import_upload(t)
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_services.import_batch_map(actor=t.admin, batch=batch, mapping=_IMPORT_MAPPING)
    return ImportBatch.objects.get(pk=batch.pk)


def _import_decide(t):
    batch = _import_checked(t)
    return import_services.import_row_decide(actor=t.admin, row=batch.rows.get(), skip=True)


def _official(t):
    return make_member(t.cell_a1, "Đinh Văn Phí", fee_group="student")


def _meeting(t):
    return meeting_services.meeting_record(actor=t.admin, org=t.cell_a1, held_on=D(2026, 3, 5),
                                           attendance={_official(t).pk: ("present", "")})


def _row(t, serial):
    return dossier_services.dossier_row_add(actor=t.admin, member=new_candidate(t, serial=serial), kind="family",
                                            data={"relation": "me", "full_name": "Lò Thị Mai", "birth_year": 1965})


def _attachment(t, *, remove=False):
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        attachment = dossier_services.dossier_attachment_add(
            actor=t.admin, member=new_candidate(t, serial=507 if remove else 506), doc_type="don_xin_vao_dang",
            upload=SimpleUploadedFile("don.pdf", b"%PDF-1.4\n%%EOF\n"))
        if remove:
            dossier_services.dossier_attachment_remove(actor=t.admin, attachment=attachment)


def _configurable():
    return RuleParameter.objects.filter(is_configurable=True, key="evaluation.excellent_cap_ratio").first()


def _attachment_store(t):
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        return dossier_services.attachment_store(
            actor=t.admin, member=new_candidate(t, serial=508), doc_type="khac", title="",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))


def _photo(t, *, remove=False):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), "white").save(buffer, format="PNG")
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        member = new_candidate(t, serial=510 if remove else 509)
        member = dossier_services.dossier_photo_set(actor=t.admin, member=member,
                                                    upload=SimpleUploadedFile("anh.png", buffer.getvalue()))
        if remove:
            dossier_services.dossier_photo_remove(actor=t.admin, member=member)


def _restructure(t, *, step="draft"):
    op = restructure_services.restructure_draft(actor=t.admin, kind="move", title="Chuyển chi bộ", spec={
        "org_id": t.cell_b1.pk, "new_parent_id": t.commune_a.pk}, effective_on=D(2026, 3, 1), decision_no="1")
    if step == "draft":
        return op
    if step == "update":
        return restructure_services.restructure_update(actor=t.admin, operation=op, title="Chuyển chi bộ B1")
    op = restructure_services.restructure_preview(actor=t.admin, operation=op)
    if step == "preview":
        return op
    op = restructure_services.restructure_preview_run(op.pk, op.preview_key)
    if step == "preview_run":
        return op
    op = restructure_services.restructure_apply(actor=t.admin, operation=op)
    if step == "apply":
        return op
    op = restructure_services.restructure_run(op.pk)
    return restructure_services.restructure_undo(actor=t.admin, operation=op, reason="Nhầm")


def _reassign(t, *, undo=False):
    admit(t, new_candidate(t, serial=511))  # a probationary member of cell A1
    moved = reassign.members_reassign(actor=t.admin, moves={t.cell_a1.pk: t.cell_b1.pk}, on=D(2026, 3, 1),
                                      operation_id=91)
    return reassign.members_reassign_undo(actor=t.admin, operation_id=91, reason="Nhầm") if undo else moved


def _cadre_move(t, *, void=False):
    member = new_candidate(t, serial=513 if void else 512)
    admit(t, member)
    move = cadre_services.cadre_move_record(
        actor=t.admin, member=member, managing_org=t.province, kind="bo_nhiem", effective_on=D(2026, 3, 1),
        decision_no="15-QĐ/TU", decision_date=D(2026, 2, 20), to_position="Phó Trưởng ban")
    return cadre_services.cadre_move_void(actor=t.admin, pk=move.pk, reason="Nhầm") if void else move


def _package(t, *, submit=False):
    package = package_services.package_generate(actor=t.admin, org=t.commune_a, template_code="BC-6T", year=2026)
    if submit:
        package = package_services.package_update_narrative(
            actor=t.admin, package=package, narrative={s["key"]: "Nội dung." for s in package.template.sections})
        package = package_services.package_submit(actor=t.admin, package=package)
    return package


def _export(t, *, step="create"):
    import os

    make_member(t.cell_a1, "Lục Văn Xuất")
    with tempfile.TemporaryDirectory() as root, override_settings(EXPORTS={"ROOT": root}):
        if step == "write":
            os.unlink(export_services.export_write(actor=t.admin, source="dang-vien", fmt="csv", params={}).path)
            return
        job = export_services.export_job_create(actor=t.admin, source="dang-vien", fmt="xlsx", params={})
        if step == "create":
            return
        job = export_services.export_job_run(job.pk)
        if step == "remove":
            export_services.export_job_remove(actor=t.admin, job=job)


def _document_template(t, *, revert=False):
    from tcxd.documents.defaults import default_template_docx

    saved = document_services.document_template_upload(actor=t.admin, kind="ket_nap",
                                                       content=default_template_docx("ket_nap"), file_name="m.docx")
    return document_services.document_template_revert(actor=t.admin, kind="ket_nap") if revert else saved


INVOKERS = {
    "api_token_create": lambda t: authz_services.api_token_create(actor=t.admin, user=t.admin),
    "api_token_revoke": lambda t: authz_services.api_token_revoke(
        actor=t.admin, token=authz_services.api_token_create(actor=t.admin, user=t.admin)[1]),
    "org_create": lambda t: org_services.org_create(actor=t.admin, parent=t.commune_a, code="AU1",
                                                    name="Chi bộ A", kind="cell", valid_from=D(2025, 9, 1)),
    "org_update": lambda t: org_services.org_update(actor=t.admin, org=t.cell_a1, effective_on=D(2025, 9, 1),
                                                    name="Chi bộ đổi tên"),
    "org_move": lambda t: org_services.org_move(actor=t.admin, org=t.cell_a1, new_parent=t.commune_b,
                                                effective_on=D(2025, 9, 1)),
    "org_close": lambda t: org_services.org_close(actor=t.admin, org=t.cell_a1, last_day=D(2025, 9, 1)),
    "org_headcount_set": lambda t: org_services.org_headcount_set(actor=t.admin, org=t.cell_a1, official=3,
                                                                  probationary=0),
    "congress_create": _congress,
    "congress_update": lambda t: committee_services.congress_update(actor=t.admin, congress=_congress(t),
                                                                    held_on=D(2025, 8, 1)),
    "committee_member_add": _seat,
    "committee_member_end": lambda t: committee_services.committee_member_end(actor=t.admin, seat=_seat(t),
                                                                              to_date=D(2025, 10, 1)),
    "rule_parameter_update": lambda t: rules_services.rule_parameter_update(
        actor=t.admin, parameter=_configurable(), value="0.25", note="Thử nghiệm"),
    "holiday_create": lambda t: rules_services.holiday_create(actor=t.admin, day=D(2031, 11, 24),
                                                              name="Ngày thử", kind="statutory"),
    "holiday_update": lambda t: rules_services.holiday_update(
        actor=t.admin, holiday=PublicHoliday.objects.order_by("date").first(), day=D(2015, 1, 1),
        name="Tết Dương lịch", kind=PublicHoliday.objects.order_by("date").first().kind, note="sửa"),
    "holiday_delete": lambda t: rules_services.holiday_delete(
        actor=t.admin, holiday=PublicHoliday.objects.order_by("-date").first(), note="xóa"),
    "member_create": lambda t: new_candidate(t, serial=501),
    "member_update": lambda t: member_services.member_update(actor=t.admin, member=new_candidate(t, serial=502),
                                                             phone="0987654321"),
    "member_event_record": lambda t: member_services.member_event_record(
        actor=t.admin, member=new_candidate(t, serial=503), kind="application", on=D(2024, 2, 1)),
    "member_event_void": lambda t: member_services.member_event_void(
        actor=t.admin, event=member_services.member_event_record(
            actor=t.admin, member=new_candidate(t, serial=504), kind="application", on=D(2024, 2, 1)),
        reason="nhầm"),
    "members_bulk_load": _bulk,
    "members_bulk_insert": _bulk_insert,
    "members_bulk_update": lambda t: member_bulk.members_bulk_update(
        actor=t.admin, changes=[(new_candidate(t, serial=506).pk, {"occupation": "Kỹ sư"})], source="import",
        ref="lô #1"),
    "import_batch_upload": _import_upload,
    "import_batch_map": lambda t: import_services.import_batch_map(actor=t.admin, batch=_import_upload(t),
                                                                   mapping=_IMPORT_MAPPING),
    "import_row_decide": _import_decide,
    "import_batch_apply": lambda t: import_services.import_batch_apply(actor=t.admin, batch=_import_checked(t),
                                                                       mode="accepted"),
    "members_reassign": _reassign,
    "restructure_draft": _restructure,
    "restructure_update": lambda t: _restructure(t, step="update"),
    "restructure_preview": lambda t: _restructure(t, step="preview"),
    "restructure_preview_run": lambda t: _restructure(t, step="preview_run"),
    "restructure_apply": lambda t: _restructure(t, step="apply"),
    "restructure_undo": lambda t: _restructure(t, step="undo"),
    "restructure_plan_save": lambda t: restructure_services.restructure_plan_save(
        actor=t.admin, org=t.province, code="ĐA-01", title="Đề án sắp xếp", start_on=D(2025, 1, 1),
        deadline=D(2026, 12, 31), target_reduced=172),
    "members_reassign_undo": lambda t: _reassign(t, undo=True),
    "dossier_row_add": lambda t: _row(t, 508),
    "dossier_row_update": lambda t: dossier_services.dossier_row_update(actor=t.admin, row=_row(t, 509),
                                                                        data={"occupation": "Nông dân"}),
    "dossier_row_delete": lambda t: dossier_services.dossier_row_delete(actor=t.admin, row=_row(t, 510)),
    "dossier_attachment_add": _attachment,
    "dossier_attachment_remove": lambda t: _attachment(t, remove=True),
    "attachment_store": _attachment_store,
    "dossier_photo_set": _photo,
    "dossier_photo_remove": lambda t: _photo(t, remove=True),
    "saved_search_create": lambda t: search_services.saved_search_create(actor=t.admin, name="Nữ",
                                                                         query="sex=F"),
    "saved_search_delete": lambda t: search_services.saved_search_delete(
        actor=t.admin, pk=search_services.saved_search_create(actor=t.admin, name="Nam", query="sex=M").pk),
    "regulation_note_update": lambda t: rules_services.regulation_note_update(
        actor=t.admin, regulation=Regulation.objects.first(), note="Ghi chú mới"),
    "fee_basis_set": lambda t: fee_services.fee_basis_set(actor=t.admin, member=_official(t), valid_from=D(2026, 2, 1),
                                                          group="salary", base_amount=8_000_000),
    "fee_decision_create": lambda t: fee_services.fee_decision_create(
        actor=t.admin, member=_official(t), kind="reduce", ground="hardship", percent=50, from_month=D(2026, 3, 1),
        to_month=D(2026, 12, 1), reason="Hộ cận nghèo", decision_no="3-QĐ/ĐU"),
    "fee_month_compute": lambda t: fee_services.fee_month_compute(actor=t.admin, org=t.commune_a,
                                                                  month=D(2026, 2, 1)),
    "fee_payment_record": lambda t: fee_services.fee_payment_record(
        actor=t.admin, member=_official(t), month=D(2026, 2, 1), amount_paid=5000, paid_on=D(2026, 2, 3),
        channel="cash"),
    "fee_ledger_save": lambda t: fee_services.fee_ledger_save(
        actor=t.admin, org=t.cell_a1, month=D(2026, 2, 1),
        entries=[fee_services.PaymentEntry(_official(t).pk, 5000, D(2026, 2, 3), "portal")]),
    "meeting_record": _meeting,
    "meeting_update": lambda t: meeting_services.meeting_update(actor=t.admin, meeting=_meeting(t),
                                                                topic="Chuyên đề học tập"),
    "target_set": lambda t: report_services.target_set(actor=t.admin, org=t.province, year=2026,
                                                       indicator="admissions", planned=1300),
    "target_remove": lambda t: report_services.target_remove(
        actor=t.admin, org=report_services.target_set(actor=t.admin, org=t.commune_a, year=2026,
                                                      indicator="cell_congress", planned=9).org,
        year=2026, indicator="cell_congress"),
    "report_form_save": lambda t: report_form_services.report_form_save(
        actor=t.admin, code="THU", title="Biểu thử", kind="members",
        definition={"rows": [{"key": "t", "label": "Tổng số", "total": "all"}],
                    "columns": [{"key": "nu", "label": "Nữ", "filter": {"sex": "F"}}]}),
    "package_template_save": lambda t: package_services.package_template_save(
        actor=t.admin, code="BC-THU", title="Báo cáo thử", kind="annual", form_codes=["1-TCTW-DV"], cutoff_day=15,
        cutoff_month=11, deadline_days=10),
    "package_generate": _package,
    "cadre_move_record": _cadre_move,
    "cadre_move_void": lambda t: _cadre_move(t, void=True),
    "package_update_narrative": lambda t: package_services.package_update_narrative(
        actor=t.admin, package=_package(t), narrative={"kien_nghi": "Không có."}),
    "package_submit": lambda t: _package(t, submit=True),
    "document_template_upload": _document_template,
    "document_template_revert": lambda t: _document_template(t, revert=True),
    "export_write": lambda t: _export(t, step="write"),
    "export_job_create": _export,
    "export_job_run": lambda t: _export(t, step="run"),
    "export_job_remove": lambda t: _export(t, step="remove"),
    "package_reopen": lambda t: package_services.package_reopen(actor=t.admin, package=_package(t, submit=True),
                                                                 reason="Bổ sung"),
}


def test_every_writing_service_is_covered():
    assert sorted(set(_public_functions()) - set(INVOKERS)) == []
    assert sorted(set(INVOKERS) - set(_public_functions())) == []


@pytest.mark.parametrize("name", sorted(INVOKERS))
def test_service_leaves_an_audit_row(name, tree):
    before = AuditEntry.objects.count()
    INVOKERS[name](tree)
    new = AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - before]
    assert new, f"{name} wrote no audit row"
    last = new[0]
    assert last.actor == tree.admin and last.actor_name == tree.admin.username
