"""Every URL pattern and every API operation × every role × in/out of scope: no leak.

Out-of-scope records answer 404 (never 403, never a hint). A new URL or API operation that this
test does not know fails the test until it is classified here.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tcxd.api import api
from tcxd.authz.models import ApiToken
from tcxd.authz.services import api_token_create
from tcxd.cadres import services as cadre_services
from tcxd.meetings import services as meeting_services
from tcxd.members import dossier_services as DS
from tcxd.members import services as MS
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.orgs import committee as C
from tcxd.orgs.kinds import CommitteeRole
from tcxd.reports import package_services
from tcxd.restructure import services as restructure_services

ROLES = ["admin", "province_officer", "leader", "commune_officer", "cell", "member"]
WRITE_ROLES = {"admin", "province_officer", "commune_officer"}

# URL name → which object its pk refers to and whether it writes.
PK_PAGES = {
    "orgs:detail": ("org", False), "orgs:children": ("org", False), "orgs:history": ("org", False),
    "orgs:children_csv": ("org", False), "orgs:committee_csv": ("org", False),
    "orgs:create": ("org", True), "orgs:edit": ("org", True), "orgs:move": ("org", True),
    "orgs:close": ("org", True), "orgs:headcount": ("org", True), "orgs:congress_create": ("org", True),
    "orgs:seat_create": ("org", True), "orgs:congress_edit": ("congress", True),
    "orgs:seat_end": ("seat", True),
    "members:detail": ("member", False), "members:edit": ("member", True), "members:create": ("org", True),
    "members:event_create": ("member", True), "members:event_void": ("event", True),
    "fees:member_fees": ("member", False),
    "fees:ledger": ("org", False), "fees:year": ("org", False), "fees:bases": ("org", False),
    "fees:compute": ("org", True), "fees:basis_create": ("org", True), "fees:decision_create": ("org", True),
    "meetings:cell": ("org", False), "meetings:register": ("org", False), "meetings:record": ("org", True),
    "meetings:detail": ("meeting", False), "meetings:edit": ("meeting", True),
    "members:row_add": ("member", True), "members:row_edit": ("row", True), "members:row_delete": ("row", True),
    "members:attachment_add": ("member", True), "members:attachment_remove": ("attachment", True),
    "members:attachment_download": ("attachment", False), "members:print": ("member", False),
    "members:print_pdf": ("member", False),
    "members:photo": ("member", False), "members:photo_set": ("member", True),
    "members:photo_remove": ("member", True),
    "reports:target_set": ("org", True), "reports:target_remove": ("org", True),
    "reports:form_xlsx": ("org", False), "reports:form_pdf": ("org", False),
    "reports:package_create": ("org", True), "reports:consolidation_xlsx": ("org", False),
    "reports:package_detail": ("package", False), "reports:package_docx": ("package", False),
    "reports:package_diff": ("package", False), "reports:package_narrative": ("package", True),
    "reports:package_submit": ("package", True), "reports:package_regenerate": ("package", True),
    "reports:package_reopen": ("package", True),
    "restructure:detail": ("operation", False), "restructure:progress": ("operation", False),
    "restructure:edit": ("operation", True), "restructure:preview": ("operation", True),
    "restructure:apply": ("operation", True), "restructure:undo": ("operation", True),
    "restructure:plan_detail": ("plan", False), "restructure:plan_edit": ("plan", True),
    # a cadre decision is scoped by its managing committee (the party committee whose standing committee manages
    # the cadre), not by the cadre's cell
    "cadres:detail": ("cadre_move", False), "cadres:void": ("cadre_move", True),
    # the lý lịch đảng viên, the Word renderings, the decision documents filled from the record
    "documents:cv_print": ("member", False), "documents:cv_pdf": ("member", False),
    "documents:cv_docx": ("member", False), "documents:phieu_docx": ("member", False),
    "documents:decision": ("member", False),
}
EXTRA_ARGS = {"members:event_create": ["application"], "members:row_add": ["work"], "members:row_edit": ["work"],
              "members:row_delete": ["work"]}
# Reads of restricted data (scanned dossier documents): organization-commission roles only, 403 for others.
RESTRICTED_READS = {"members:attachment_download"}
RESTRICTED_READS |= {"documents:decision"}  # decisions are drafted by the Organization Commission
EXTRA_ARGS["documents:decision"] = ["ket_nap"]
LIST_PAGES = {"home", "orgs:tree", "orgs:warnings", "orgs:congress_progress", "password_change",
              "password_change_done", "rules:in_force", "rules:holidays", "members:list", "members:transfers",
              "members:worklist", "fees:report", "meetings:index", "members:home_summary", "geo:unit_suggest",
              "reports:targets", "reports:dashboard"}
LIST_PAGES |= {"reports:forms"}  # biểu thống kê: the org comes as ?to_chuc= (default: the scope's root)
LIST_PAGES |= {"reports:packages", "reports:consolidation"}  # packages in scope; consolidation of ?to_chuc=
LIST_PAGES |= {"restructure:list", "restructure:plans", "restructure:org_suggest"}  # operations, plans in scope
LIST_PAGES |= {"cadres:list", "cadres:member_suggest", "cadres:org_suggest"}  # the register in scope; pickers
LIST_PAGES |= {"exports:list"}  # the user's own export files
# Write pages tied to no record (the orgs are picked in the form, within scope): 403 for read-only roles.
WRITE_PAGES = {"restructure:create", "restructure:plan_create", "cadres:create"}
WRITE_PAGES |= {"documents:templates"}  # decision templates of the actor's level (the system, or their org)
# Decision-template pages of one document kind: administrators and officers (their own level), 403 for the others.
TEMPLATE_PAGES = {"documents:template_detail", "documents:template_download", "documents:template_default",
                  "documents:template_revert"}
POST_ONLY = {"members:saved_search_save", "members:saved_search_remove"}  # the user's own rows; tested in members
PUBLIC = {"login", "logout", "favicon", "healthz"}
# A user's own export files: scoped by owner, not by org (another user's → 404, every role; tcxd/exports/tests). The
# rows of an export come from the lists' own scoped selectors.
OWN_PAGES = {"exports:start", "exports:detail", "exports:progress", "exports:download", "exports:remove"}
# Pages of the administrators only (not tied to an org): 403 for every other role (tested below).
ADMIN_PAGES = {"reports:form_create", "reports:form_edit", "reports:package_templates",
               "reports:package_template_create", "reports:package_template_edit", "reports:package_template_docx"}

# Imports (nhập dữ liệu): a batch is scoped by its receiving unit (root), a row by its batch's.
PK_PAGES.update({
    "imports:detail": ("batch", False), "imports:progress": ("batch", False), "imports:report": ("batch", False),
    "imports:map": ("batch", True), "imports:apply": ("batch", True), "imports:row": ("import_row", True)})
LIST_PAGES |= {"imports:list", "imports:org_suggest"}  # import batches in scope; the receiving-unit picker
WRITE_PAGES |= {"imports:upload"}  # the receiving unit is picked in the form, within scope


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def test_every_url_pattern_is_classified():
    unknown = []
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(("quan-tri/", "api/")):
            continue  # admin (staff only, checked below) and API (checked by operation)
        if name not in PK_PAGES and name not in LIST_PAGES and name not in PUBLIC and name not in POST_ONLY \
                and name not in ADMIN_PAGES and name not in WRITE_PAGES and name not in TEMPLATE_PAGES \
                and name not in OWN_PAGES:
            unknown.append((route, name))
    assert unknown == [], f"Unclassified URL patterns: {unknown}"


@pytest.fixture
def objects(tree, users, settings, tmp_path):
    """In- and out-of-scope records for the commune officer of commune A."""
    settings.MEDIA_ROOT = str(tmp_path)
    seat_in = C.committee_member_add(actor=tree.admin, org=tree.cell_a1, role=CommitteeRole.SECRETARY,
                                     person_name="Lê Văn Trong", from_date=dt.date(2025, 9, 1),
                                     method="elected", ballot_round=1)
    seat_out = C.committee_member_add(actor=tree.admin, org=tree.cell_b1, role=CommitteeRole.SECRETARY,
                                      person_name="Phạm Thị Ngoài", from_date=dt.date(2025, 9, 1),
                                      method="elected", ballot_round=1)
    congress_in = C.congress_create(actor=tree.admin, org=tree.cell_a1, term_start_year=2025,
                                    term_end_year=2027, held_on=dt.date(2025, 9, 1))
    congress_out = C.congress_create(actor=tree.admin, org=tree.cell_b1, term_start_year=2025,
                                     term_end_year=2027, held_on=dt.date(2025, 9, 1))
    member_in = new_candidate(tree, org=tree.cell_a1, serial=901, full_name="Trong Phạm Vi")
    member_out = new_candidate(tree, org=tree.cell_b1, serial=902, full_name="Ngoài Phạm Vi")
    event_in = MS.member_event_record(actor=tree.admin, member=member_in, kind="application", on=dt.date(2024, 2, 1))
    event_out = MS.member_event_record(actor=tree.admin, member=member_out, kind="application",
                                       on=dt.date(2024, 2, 1))
    row_in, row_out = (DS.dossier_row_add(actor=tree.admin, member=m, kind="work",
                                          data={"from_date": dt.date(2015, 1, 1), "position": "Cán bộ"})
                       for m in (member_in, member_out))
    attachment_in, attachment_out = (DS.dossier_attachment_add(
        actor=tree.admin, member=m, doc_type="khac", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
        for m in (member_in, member_out))
    for m in (member_in, member_out):
        DS.dossier_photo_set(actor=tree.admin, member=m, upload=SimpleUploadedFile("a.png", _png()))
    meeting_in, meeting_out = (meeting_services.meeting_record(actor=tree.admin, org=cell, held_on=dt.date(2026, 3, 5),
                                                               attendance={}) for cell in (tree.cell_a1, tree.cell_b1))
    package_in, package_out = (package_services.package_generate(actor=tree.admin, org=cell, template_code="BC-6T",
                                                                 year=2026) for cell in (tree.cell_a1, tree.cell_b1))
    operation_in, operation_out = (restructure_services.restructure_draft(
        actor=tree.admin, kind="rename", title=f"Đổi tên {cell.name}", spec={"org_id": cell.pk, "name": "Chi bộ Mới"},
        effective_on=dt.date(2025, 10, 1), decision_no="1-QĐ/ĐU") for cell in (tree.cell_a1, tree.cell_b1))
    plan_in, plan_out = (restructure_services.restructure_plan_save(
        actor=tree.admin, org=cell, code="DA-1", title="Đề án sắp xếp chi bộ", start_on=dt.date(2025, 7, 1),
        deadline=dt.date(2026, 12, 31), target_merged=1) for cell in (tree.cell_a1, tree.cell_b1))
    cadre_in, cadre_out = (new_candidate(tree, org=cell, serial=serial, full_name=name) for cell, serial, name in (
        (tree.cell_a1, 903, "Cán Bộ Trong"), (tree.cell_b1, 904, "Cán Bộ Ngoài")))
    for cadre in (cadre_in, cadre_out):
        admit(tree, cadre)
    move_in, move_out = (cadre_services.cadre_move_record(
        actor=tree.admin, member=cadre, managing_org=committee, kind="dieu_dong", effective_on=dt.date(2026, 3, 1),
        decision_no="7-QĐ/ĐU", decision_date=dt.date(2026, 2, 20), to_unit="Văn phòng Đảng ủy")
        for cadre, committee in ((cadre_in, tree.commune_a), (cadre_out, tree.commune_b)))
    objs = {
        "in": {"org": tree.cell_a1, "seat": seat_in, "congress": congress_in, "member": member_in, "event": event_in,
               "meeting": meeting_in, "row": row_in, "attachment": attachment_in, "package": package_in,
               "operation": operation_in, "plan": plan_in, "cadre_move": move_in, "cadre_member": cadre_in},
        "out": {"org": tree.cell_b1, "seat": seat_out, "congress": congress_out, "member": member_out,
                "event": event_out, "meeting": meeting_out, "row": row_out, "attachment": attachment_out,
                "package": package_out, "operation": operation_out, "plan": plan_out, "cadre_move": move_out,
                "cadre_member": cadre_out},
    }
    for side, cell in (("in", tree.cell_a1), ("out", tree.cell_b1)):
        batch = _import_batch(tree, cell)
        objs[side].update(batch=batch, import_row=batch.rows.first())
    return objs


def _import_batch(tree, cell):
    """A checked import batch received by ``cell`` (one new row)."""
    from django.test import TestCase

    from tcxd.imports import services as import_services
    from tcxd.imports.tests.conftest import person, xlsx_bytes

    batch = import_services.import_batch_upload(actor=tree.admin, root=cell, filename="ds.xlsx",
                                                data=xlsx_bytes([person(1, org=cell.name)]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        import_services.import_batch_map(actor=tree.admin, batch=batch,
                                         mapping={int(c): k for c, k in batch.mapping.items()})
    batch.refresh_from_db()
    return batch


def _xlsx() -> bytes:
    from tcxd.imports.tests.conftest import person, xlsx_bytes

    return xlsx_bytes([person(2)])


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _org_of(kind, obj):
    if kind == "org":
        return obj
    if kind in ("event", "row", "attachment"):
        return obj.member.org
    if kind == "operation":
        return obj.scope_org
    if kind == "cadre_move":
        return obj.managing_org
    if kind == "batch":
        return obj.root
    if kind == "import_row":
        return obj.batch.root
    return obj.org


def _scope_contains(role, tree, org) -> bool:
    roots = {"admin": tree.root, "province_officer": tree.province, "leader": tree.province,
             "commune_officer": tree.commune_a, "cell": tree.cell_a1, "member": tree.cell_a1}
    return org.path.startswith(roots[role].path)


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role_and_scope(role, tree, users, objects):
    client = Client()
    client.force_login(users[role])
    for name, (obj_kind, writes) in PK_PAGES.items():
        for side in ("in", "out"):
            obj = objects[side][obj_kind]
            org = _org_of(obj_kind, obj)
            response = client.get(reverse(name, args=[obj.pk, *EXTRA_ARGS.get(name, [])]))
            if not _scope_contains(role, tree, org):
                assert response.status_code == 404, (role, name, side)
                assert org.name not in response.content.decode(), (role, name, side)
                continue
            if (writes or name in RESTRICTED_READS) and role not in WRITE_ROLES:
                assert response.status_code == 403, (role, name, side)
            else:
                assert response.status_code == 200, (role, name, side, response.status_code)
            # POST out of scope must not change anything either
        out_obj = objects["out"][obj_kind]
        out_org = _org_of(obj_kind, out_obj)
        if writes and not _scope_contains(role, tree, out_org):
            assert client.post(reverse(name, args=[out_obj.pk, *EXTRA_ARGS.get(name, [])]), {}).status_code == 404
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        if role in ("commune_officer", "cell", "member"):
            assert tree.commune_b.name not in response.content.decode(), (role, name)
    for name in WRITE_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == (200 if role in WRITE_ROLES else 403), (role, name)
        if role == "commune_officer":
            assert tree.commune_b.name not in response.content.decode(), (role, name)
    search = client.get(reverse("orgs:tree"), {"q": "ban cam"})
    assert (tree.cell_b1.name in search.content.decode()) == _scope_contains(role, tree, tree.cell_b1)


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_by_role(role, users):
    from tcxd.reports.models import ReportForm, ReportPackageTemplate

    client = Client()
    client.force_login(users[role])
    template = ReportPackageTemplate.objects.order_by("pk").first().pk
    args = {"reports:form_create": [], "reports:form_edit": [ReportForm.objects.order_by("pk").first().pk],
            "reports:package_templates": [], "reports:package_template_create": [],
            "reports:package_template_edit": [template], "reports:package_template_docx": [template]}
    for name in ADMIN_PAGES:
        assert client.get(reverse(name, args=args[name])).status_code == (200 if role == "admin" else 403), name


@pytest.mark.parametrize("role", ROLES)
def test_template_pages_by_role(role, users):
    client = Client()
    client.force_login(users[role])
    for name in TEMPLATE_PAGES:
        assert client.get(reverse(name, args=["ket_nap"])).status_code == (200 if role in WRITE_ROLES else 403), name


def test_anonymous_is_sent_to_login_and_admin_is_staff_only(tree, users, objects):
    client = Client()
    for name in LIST_PAGES | WRITE_PAGES:
        assert client.get(reverse(name)).status_code == 302
    assert client.get(reverse("orgs:detail", args=[tree.cell_a1.pk])).status_code == 302
    client.force_login(users["province_officer"])
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]


# ---- API: every operation of the OpenAPI document -------------------------------------------

def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method.upper(), op


EXAMPLES = {
    ("POST", "/api/orgs"): lambda o: {"parent_id": o["org"].pk, "code": "API1", "name": "Chi bộ API",
                                      "kind": "group", "valid_from": "2025-09-01"},
    ("PATCH", "/api/orgs/{org_id}"): lambda o: {"effective_on": "2025-10-01", "name": "Tên mới"},
    ("POST", "/api/orgs/{org_id}/move"): lambda o: {"new_parent_id": o["org"].pk, "effective_on": "2025-10-01"},
    ("POST", "/api/orgs/{org_id}/close"): lambda o: {"last_day": "2025-10-01"},
    ("PUT", "/api/orgs/{org_id}/headcount"): lambda o: {"official": 5, "probationary": 1},
    ("POST", "/api/orgs/{org_id}/congresses"): lambda o: {"term_start_year": 2027, "term_end_year": 2030},
    ("PATCH", "/api/orgs/{org_id}/congresses/{congress_id}"): lambda o: {"note": "x"},
    ("POST", "/api/orgs/{org_id}/committee"): lambda o: {"role": "deputy_secretary", "person_name": "A",
                                                        "from_date": "2025-09-02", "method": "elected"},
    ("POST", "/api/orgs/{org_id}/committee/{seat_id}/end"): lambda o: {"to_date": "2025-10-01"},
    ("POST", "/api/members"): lambda o: {"org_id": o["org"].pk, "on": "2024-03-01", "full_name": "Bùi Văn Mới",
                                         "sex": "M", "birth_date": "1991-01-01", "cccd": "020091000777"},
    ("PATCH", "/api/members/{member_id}"): lambda o: {"phone": "0912000111"},
    ("POST", "/api/members/{member_id}/events"): lambda o: {"kind": "background_check", "on": "2024-02-05"},
    ("POST", "/api/members/{member_id}/events/{event_id}/void"): lambda o: {"reason": "Nhập nhầm"},
    ("POST", "/api/fees/orgs/{org_id}/compute"): lambda o: {"month": "2026-02-01"},
    ("POST", "/api/fees/orgs/{org_id}/payments"): lambda o: {"member_id": o["member"].pk, "month": "2026-02-01",
                                                             "amount_paid": 5000, "paid_on": "2026-02-03",
                                                             "channel": "cash"},
    ("POST", "/api/fees/orgs/{org_id}/bases"): lambda o: {"member_id": o["member"].pk, "valid_from": "2026-02-01",
                                                          "group": "student"},
    ("POST", "/api/fees/orgs/{org_id}/decisions"): lambda o: {"member_id": o["member"].pk, "kind": "exempt",
                                                              "ground": "social_pension", "from_month": "2026-02-01",
                                                              "reason": "Trợ cấp hưu trí xã hội", "decision_no": "1"},
    ("POST", "/api/meetings/orgs/{org_id}"): lambda o: {"held_on": "2026-03-06"},
    ("PATCH", "/api/meetings/{meeting_id}"): lambda o: {"topic": "Sửa nội dung"},
    ("POST", "/api/members/{member_id}/rows/{kind}"): lambda o: {"data": {"from_date": "2016-01-01",
                                                                          "position": "Cán bộ"}},
    ("PATCH", "/api/members/rows/{kind}/{row_id}"): lambda o: {"data": {"position": "Chuyên viên"}},
    ("POST", "/api/members/rows/{kind}/{row_id}/delete"): lambda o: {"note": "Nhập trùng"},
    ("POST", "/api/members/attachments/{attachment_id}/delete"): lambda o: {"note": "Tải nhầm"},
    ("POST", "/api/members/{member_id}/photo/delete"): lambda o: {"note": "Ảnh cũ"},
    ("PUT", "/api/reports/orgs/{org_id}/targets/{year}/{indicator}"): lambda o: {"planned": 12},
    ("POST", "/api/reports/orgs/{org_id}/targets/{year}/{indicator}"): lambda o: {"planned": 15, "note": "NQ"},
    ("POST", "/api/reports/orgs/{org_id}/packages"): lambda o: {"template": "BC-6T", "year": 2026},
    ("POST", "/api/reports/packages/{package_id}/narrative"): lambda o: {"narrative": {"kien_nghi": "Không có."}},
    ("POST", "/api/reports/packages/{package_id}/reopen"): lambda o: {"reason": "Bổ sung số liệu"},
    ("POST", "/api/restructure/operations"): lambda o: {"kind": "rename", "title": "Đổi tên qua API",
                                                        "spec": {"org_id": o["org"].pk, "name": "Chi bộ API"},
                                                        "effective_on": "2025-10-01"},
    ("PATCH", "/api/restructure/operations/{operation_id}"): lambda o: {"title": "Đổi tên (sửa)"},
    ("POST", "/api/restructure/operations/{operation_id}/undo"): lambda o: {"reason": "Nhập nhầm"},
    ("POST", "/api/restructure/plans"): lambda o: {"org_id": o["org"].pk, "code": "DA-API", "title": "Đề án API",
                                                   "start_on": "2025-07-01", "deadline": "2026-12-31",
                                                   "target_merged": 2},
    ("PATCH", "/api/restructure/plans/{plan_id}"): lambda o: {"title": "Đề án (sửa)"},
    ("POST", "/api/cadres"): lambda o: {"member_id": o["cadre_member"].pk,
                                        "managing_org_id": o["cadre_move"].managing_org_id, "kind": "bo_nhiem",
                                        "effective_on": "2026-04-01", "decision_no": "9-QĐ/ĐU",
                                        "decision_date": "2026-03-25", "to_position": "Phó Chánh Văn phòng"},
    ("POST", "/api/cadres/{move_id}/void"): lambda o: {"reason": "Nhập nhầm"},
}
# Operations that take multipart/form-data (files).
MULTIPART = {
    ("POST", "/api/members/{member_id}/attachments"): lambda o: {
        "doc_type": "khac", "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n")},
    ("POST", "/api/members/{member_id}/photo"): lambda o: {"photo": SimpleUploadedFile("p.png", _png())},
}
QUERY = {
    "/api/orgs/congress-progress": lambda o: {"org_id": o["org"].pk, "kind": "cell", "term_start_year": 2025,
                                              "term_end_year": 2027},
    "/api/reports/orgs/{org_id}/progress": lambda o: {"year": 2025, "indicator": "cell_congress",
                                                      "on": "2025-10-01"},
    "/api/reports/orgs/{org_id}/consolidation": lambda o: {"template": "BC-6T", "year": 2026},
    "/api/reports/orgs/{org_id}/consolidation/xlsx": lambda o: {"template": "BC-6T", "year": 2026},
    "/api/cadres/orgs/{org_id}/counts": lambda o: {"start": "2026-01-01", "end": "2026-06-30"},
}
NO_ORG = {"/api/auth/token", "/api/auth/me", "/api/orgs", "/api/orgs/roots", "/api/rules/regulations",
          "/api/rules/parameters/{key}", "/api/members", "/api/members/worklist", "/api/members/transfers"}
NO_ORG |= {"/api/reports/forms"}  # the list of report forms (the forms themselves are not scoped)
NO_ORG |= {"/api/reports/package-templates", "/api/reports/packages"}  # templates; packages filtered by scope
NO_ORG |= {"/api/restructure/operations", "/api/restructure/plans"}  # lists filtered by scope; POSTs name the org
NO_ORG |= {"/api/cadres"}  # the register filtered by scope; the POST names the managing committee
# Decision templates of the actor's level (not tied to an org; tested in tcxd/documents/tests)
NO_ORG |= {"/api/documents/templates", "/api/documents/templates/{doc_kind}",
           "/api/documents/templates/{doc_kind}/docx", "/api/documents/templates/{doc_kind}/versions",
           "/api/documents/templates/{doc_kind}/revert"}
# A user's own exports (owner-scoped; tested in tcxd/exports/tests): the list, a job, its file; a direct download.
NO_ORG |= {"/api/exports", "/api/exports/{job_id}", "/api/exports/{job_id}/file", "/api/exports/{job_id}/remove",
           "/api/exports/sources/{source}/file"}
# Operations on a cadre decision (or creating one) are scoped by its managing committee.
CADRE_OPERATIONS = {("POST", "/api/cadres"), ("GET", "/api/cadres/{move_id}"), ("POST", "/api/cadres/{move_id}/void")}
# Imports: the field catalogue and the batches (filtered by scope); an upload names its receiving unit (root_id).
NO_ORG |= {"/api/imports/fields", "/api/imports/batches"}
EXAMPLES[("POST", "/api/imports/batches")] = lambda o: None  # multipart, below
EXAMPLES[("PUT", "/api/imports/batches/{batch_id}/mapping")] = lambda o: {"mapping": {"1": "full_name", "4": "cccd"}}
EXAMPLES[("POST", "/api/imports/batches/{batch_id}/apply")] = lambda o: {"mode": "accepted"}
MULTIPART[("POST", "/api/imports/batches")] = lambda o: {"root_id": o["org"].pk, "kind": "members",
                                                         "file": SimpleUploadedFile("ds.xlsx", _xlsx())}


def _url(path, objs):
    return (path.replace("{org_id}", str(objs["org"].pk))
            .replace("{congress_id}", str(objs["congress"].pk))
            .replace("{seat_id}", str(objs["seat"].pk))
            .replace("{member_id}", str(objs["member"].pk))
            .replace("{event_id}", str(objs["event"].pk))
            .replace("{meeting_id}", str(objs["meeting"].pk))
            .replace("{key}", "org.cell_min_official_members")
            .replace("{kind}", "work").replace("{row_id}", str(objs["row"].pk))
            .replace("{attachment_id}", str(objs["attachment"].pk))
            .replace("{year}", "2026").replace("{indicator}", "admissions")
            .replace("{form_code}", "1-TCTW-DV")
            .replace("{package_id}", str(objs["package"].pk))
            .replace("{operation_id}", str(objs["operation"].pk))
            .replace("{plan_id}", str(objs["plan"].pk))
            .replace("{move_id}", str(objs["cadre_move"].pk))
            .replace("{doc_kind}", "ket_nap")
            .replace("{batch_id}", str(objs["batch"].pk))
            .replace("{import_row_id}", str(objs["import_row"].pk)))


def test_every_api_operation_documents_its_errors():
    for path, method, op in _operations():
        if path == "/api/auth/token":
            assert {"401", "422"} <= {str(c) for c in op["responses"]}
            continue
        codes = {str(c) for c in op["responses"]}
        assert {"401", "404", "422"} <= codes, (method, path, codes)
        if method != "GET":
            assert {"400", "403"} <= codes, (method, path, codes)


@pytest.mark.parametrize("role", ROLES)
def test_api_operations_by_role_and_scope(role, tree, users, objects):
    key, _ = api_token_create(actor=users[role], user=users[role])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    seen = set()
    for path, method, _op in _operations():
        seen.add((method, path))
        if path in NO_ORG and path not in QUERY and (method, path) not in EXAMPLES:
            continue
        for side in ("in", "out"):
            objs = objects[side]
            url = _url(path, objs)
            body = EXAMPLES.get((method, path), lambda o: None)(objects["in"] if "move" in path else objs)
            params = QUERY.get(path, lambda o: {})(objs)
            if method == "GET":
                response = client.get(url, params)
            elif (method, path) in MULTIPART:
                response = client.post(url, MULTIPART[(method, path)](objs))
            else:
                response = client.generic(method, url, json.dumps(body or {}), content_type="application/json")
            org = objs["cadre_move"].managing_org if (method, path) in CADRE_OPERATIONS else objs["org"]
            if not _scope_contains(role, tree, org):
                assert response.status_code == 404, (role, method, path, side, response.content)
                assert response.json()["code"] == "not_found"
                assert org.name not in response.content.decode()
            elif method != "GET" and role not in WRITE_ROLES:
                assert response.status_code == 403, (role, method, path, side, response.content)
            else:
                assert response.status_code < 500 and response.status_code != 404, (
                    role, method, path, side, response.status_code, response.content)
    assert seen >= set(EXAMPLES), "EXAMPLES names an operation that no longer exists"


def test_api_requires_authentication(tree):
    client = Client()
    response = client.get(f"/api/orgs/{tree.cell_a1.pk}")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated",
                               "message": "Chưa xác thực: cần mã truy cập hoặc đăng nhập."}
    bad = Client(HTTP_AUTHORIZATION="Bearer nope").get(f"/api/orgs/{tree.cell_a1.pk}")
    assert bad.status_code == 401
    assert ApiToken.objects.count() == 0
