"""The restructuring pages: each renders for an officer in scope, 404 out of scope, 403 for read-only roles on
writes, bad input named in Vietnamese on the field, and the whole flow draft → preview → apply → undo through
the pages (the immediate task backend runs the operation when the request's transaction commits)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from tcxd.conftest import make_org
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgLineage
from tcxd.restructure import progress as P
from tcxd.restructure import services as S
from tcxd.restructure import views
from tcxd.restructure.forms import FORM_KINDS
from tcxd.restructure.models import OperationStatus, PreviewState, RestructureOperation, RestructurePlan

from .conftest import apply, member, preview

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 1, 1)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def label(org) -> str:
    return f"{org.code} — {org.name}"


@pytest.fixture
def cell_a2(tree):
    """A second plain cell of commune A with two members (cell A1 has one)."""
    cell = make_org(tree.admin, tree.commune_a, OrgKind.CELL, name="Chi bộ Khối 2", code="XA3")
    return cell


@pytest.fixture
def people(tree, cell_a2):
    return {"a1": [member(tree.cell_a1)], "a2": [member(cell_a2), member(cell_a2)], "b1": [member(tree.cell_b1)]}


def merge_form(tree, cell_a2, **extra) -> dict:
    return {"title": "Hợp nhất Chi bộ Khối 2 vào Chi bộ Khối 1", "source_1": label(cell_a2), "source_2": "",
            "target": label(tree.cell_a1), "effective_on": "01/01/2026", "decision_no": "12-QĐ/ĐU",
            "decision_date": "20/12/2025", "decision_issuer": "Đảng ủy phường Đông Kinh", "note": "",
            "sources_count": "2", "parts_count": "2", **extra}


def draft(actor, tree, cell, **kw) -> RestructureOperation:
    return S.restructure_draft(actor=actor, kind="merge", title=kw.pop("title", "Hợp nhất chi bộ"),
                               spec={"sources": [cell.pk], "target_id": tree.cell_a1.pk}, effective_on=ON,
                               decision_no=kw.pop("decision_no", "12-QĐ/ĐU"), decision_date=D(2025, 12, 20), **kw)


# -- every page renders for an officer in scope ------------------------------------------------------------------
def test_every_page_renders_for_an_officer_in_scope(tree, users, cell_a2, people):
    officer = users["commune_officer"]
    client = client_of(officer)
    plan = S.restructure_plan_save(actor=officer, org=tree.commune_a, code="ĐA-01", title="Sắp xếp chi bộ khu dân cư",
                                   start_on=D(2025, 7, 1), deadline=D(2026, 6, 30), target_merged=2, target_reduced=1)
    op = draft(officer, tree, cell_a2, plan=plan)
    pages = {
        reverse("restructure:list"): ["Sắp xếp tổ chức", "Hợp nhất chi bộ", "Thao tác mới"],
        reverse("restructure:create"): ["Chia tách", "Bỏ một cấp tổ chức", "?loai=abolish_level"],
        reverse("restructure:detail", args=[op.pk]): ["Chi bộ Khối 2", "Chi bộ Khối 1", "Chưa xem trước",
                                                      "12-QĐ/ĐU ngày 20/12/2025", "Đề án ĐA-01"],
        reverse("restructure:edit", args=[op.pk]): [f'value="{label(cell_a2)}"', "Lưu dự thảo"],
        reverse("restructure:preview", args=[op.pk]): ["Xem trước thao tác", "không có gì thay đổi"],
        reverse("restructure:apply", args=[op.pk]): ["Thực hiện thao tác sắp xếp", "Số 12-QĐ/ĐU ngày 20/12/2025",
                                                     "Chưa xem trước thao tác"],
        reverse("restructure:undo", args=[op.pk]): ["Hoàn tác thao tác sắp xếp", "không hoàn tác được"],
        reverse("restructure:progress", args=[op.pk]): ["Dự thảo"],
        reverse("restructure:plans"): ["ĐA-01", "Sắp xếp chi bộ khu dân cư"],
        reverse("restructure:plan_create"): ["Đề án sắp xếp mới", f'value="{label(tree.commune_a)}"'],
        reverse("restructure:plan_detail", args=[plan.pk]): ["Hợp nhất, sáp nhập", "0/2 (0,0 %)", "Hợp nhất chi bộ"],
        reverse("restructure:plan_edit", args=[plan.pk]): ["Sửa đề án ĐA-01", 'value="2"'],
    }
    pages.update({f"{reverse('restructure:create')}?loai={kind}": ["Lưu dự thảo", "Ngày hiệu lực"]
                  for kind in FORM_KINDS})
    for url, texts in pages.items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, (url, response.status_code)
        for text in texts:
            assert text in html, (url, text)
        assert tree.commune_b.name not in html, url
    html = client.get(reverse("restructure:create"), {"loai": "abolish_level"}).content.decode()
    assert '<option value="district" selected>' in html  # the level abolished in 2025, offered first
    assert "Loại sắp xếp “reform_2025” không lập được trên trang này" in client.get(
        reverse("restructure:create"), {"loai": "reform_2025"}).content.decode()
    # the org picker suggests orgs in scope only, by name without accents or by code
    suggest = reverse("restructure:org_suggest")
    html = client.get(suggest, {"ten": "source_1", "source_1": "khoi", "o": "id_source_1"}).content.decode()
    assert 'data-value="XA1 — Chi bộ Khối 1"' in html and 'data-fill="id_source_1"' in html
    assert "Thôn Bản Cắm" not in client.get(suggest, {"ten": "q", "q": "ban cam"}).content.decode()
    assert "Gõ ít nhất 2 ký tự" in client.get(suggest, {"ten": "q", "q": "k"}).content.decode()
    assert "Không tìm thấy tổ chức" in client.get(suggest, {"ten": "q", "q": "zzz"}).content.decode()
    # the menu links the list
    assert reverse("restructure:list") in client.get(reverse("home")).content.decode()


# -- scope and roles ---------------------------------------------------------------------------------------------
def test_out_of_scope_is_404_and_read_only_roles_get_403_on_writes(tree, users, cell_a2):
    op_b = S.restructure_draft(actor=tree.admin, kind="rename", title="Đổi tên Chi bộ Thôn Bản Cắm",
                               spec={"org_id": tree.cell_b1.pk, "name": "Chi bộ Thôn Bản Cắm Mới"}, effective_on=ON)
    plan_b = S.restructure_plan_save(actor=tree.admin, org=tree.commune_b, code="ĐA-B", title="Đề án xã Cao Lộc",
                                     start_on=D(2025, 7, 1), deadline=D(2026, 6, 30), target_dissolved=1)
    commune = client_of(users["commune_officer"])
    for name in ("detail", "edit", "preview", "apply", "undo", "progress"):
        response = commune.get(reverse(f"restructure:{name}", args=[op_b.pk]))
        assert response.status_code == 404 and "Bản Cắm" not in response.content.decode(), name
    for name in ("preview", "apply", "undo", "edit"):
        assert commune.post(reverse(f"restructure:{name}", args=[op_b.pk]), {"reason": "x"}).status_code == 404
    for name in ("plan_detail", "plan_edit"):
        assert commune.get(reverse(f"restructure:{name}", args=[plan_b.pk])).status_code == 404
    assert "Đổi tên Chi bộ Thôn Bản Cắm" not in commune.get(reverse("restructure:list")).content.decode()
    assert "ĐA-B" not in commune.get(reverse("restructure:plans")).content.decode()
    # an org out of scope typed into a picker is not found (and not named)
    response = commune.post(f"{reverse('restructure:create')}?loai=move", {
        "title": "Chuyển", "org": tree.cell_b1.code, "new_parent": label(tree.commune_a), "effective_on": "01/01/2026"})
    assert response.status_code == 200 and "Không tìm thấy tổ chức mã “XB1” trong phạm vi" in response.content.decode()
    assert "Thôn Bản Cắm" not in response.content.decode() and not RestructureOperation.objects.filter(
        title="Chuyển").exists()
    # read-only roles see, never write
    leader = client_of(users["leader"])
    assert leader.get(reverse("restructure:detail", args=[op_b.pk])).status_code == 200
    assert leader.get(reverse("restructure:plan_detail", args=[plan_b.pk])).status_code == 200
    detail = leader.get(reverse("restructure:detail", args=[op_b.pk])).content.decode()
    assert 'data-testid="preview-button"' not in detail and "Thao tác mới" not in leader.get(
        reverse("restructure:list")).content.decode()
    for url in (reverse("restructure:create"), f"{reverse('restructure:create')}?loai=merge",
                reverse("restructure:plan_create"), reverse("restructure:edit", args=[op_b.pk]),
                reverse("restructure:apply", args=[op_b.pk]), reverse("restructure:undo", args=[op_b.pk]),
                reverse("restructure:plan_edit", args=[plan_b.pk])):
        assert leader.get(url).status_code == 403, url
    for name in ("preview", "apply", "undo"):
        assert leader.post(reverse(f"restructure:{name}", args=[op_b.pk]), {"reason": "x"}).status_code == 403
    op_b.refresh_from_db()
    assert op_b.status == OperationStatus.DRAFT and op_b.preview is None


# -- bad input ---------------------------------------------------------------------------------------------------
def _errors(html: str, field: str) -> str:
    return " ".join(re.findall(rf'data-testid="error-{field}">([^<]*)<', html))


def test_bad_input_is_named_on_the_field(tree, users, cell_a2, django_capture_on_commit_callbacks):
    client = client_of(users["commune_officer"])
    url = f"{reverse('restructure:create')}?loai=merge"
    html = client.post(url, merge_form(tree, cell_a2, title="", source_1="ZZZ — Không có", effective_on="31/02/2026",
                                       decision_date="hôm qua")).content.decode()
    assert "Không tìm thấy tổ chức mã “ZZZ”" in _errors(html, "source_1")
    assert "Ngày không hợp lệ" in _errors(html, "effective_on") and "Ngày không hợp lệ" in _errors(html,
                                                                                                    "decision_date")
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    html = client.post(url, merge_form(tree, cell_a2, title="", effective_on=future)).content.decode()
    assert "Chưa nhập nội dung thao tác" in _errors(html, "title") and "ở tương lai" in _errors(html, "effective_on")
    html = client.post(url, merge_form(tree, cell_a2, new_name="Chi bộ Mới", new_code="XA9")).content.decode()
    assert "không chọn cả hai" in _errors(html, "target")
    html = client.post(url, merge_form(tree, cell_a2, source_1="", target="")).content.decode()
    assert "Chưa chọn tổ chức nào" in _errors(html, "source_1")
    html = client.post(f"{reverse('restructure:create')}?loai=dissolve", {"title": "Giải thể"}).content.decode()
    assert "Chưa chọn tổ chức nào" in _errors(html, "org")
    assert RestructureOperation.objects.count() == 0
    # a draft the engine refuses: the preview names the rule and applying stays disabled
    op = S.restructure_draft(actor=users["commune_officer"], kind="merge", title="Một mình",
                             spec={"sources": [cell_a2.pk]}, effective_on=ON, decision_no="1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:preview", args=[op.pk]))
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert "Chọn tổ chức tiếp nhận hoặc nhập tổ chức mới" in html and 'data-testid="apply-disabled"' in html
    html = client.post(reverse("restructure:apply", args=[op.pk])).content.decode()
    assert "Hãy xem trước thao tác (và xử lý các lỗi)" in html
    # plans
    html = client.post(reverse("restructure:plan_create"), {
        "org": label(tree.commune_a), "code": "", "title": "Đề án", "start_on": "01/07/2026", "deadline": "01/01/2026",
        "target_merged": "ba"}).content.decode()
    assert "Chưa nhập số hiệu đề án" in _errors(html, "code")
    assert "Hạn hoàn thành phải sau ngày bắt đầu" in _errors(html, "deadline")
    assert "Chỉ tiêu là số nguyên không âm" in _errors(html, "target_merged")
    html = client.post(reverse("restructure:plan_create"), {"org": "", "code": "X"}).content.decode()
    assert "Chưa chọn cấp ủy chủ trì" in _errors(html, "org")
    assert RestructurePlan.objects.count() == 0
    html = client.get(reverse("restructure:list"), {"trang_thai": "xyz", "loai": "abc"}).content.decode()
    assert "Trạng thái “xyz” không có" in html and "Loại sắp xếp “abc” không có" in html


def test_undo_needs_a_reason_and_apply_a_decision(tree, users, cell_a2, people):
    officer = users["commune_officer"]
    client = client_of(officer)
    op = draft(officer, tree, cell_a2, decision_no="")
    preview(officer, op)
    html = client.get(reverse("restructure:apply", args=[op.pk])).content.decode()
    assert "Chưa nhập số quyết định sắp xếp" in html and 'data-testid="confirm-button" disabled' in html
    html = client.post(reverse("restructure:apply", args=[op.pk])).content.decode()
    assert "Chưa nhập số quyết định sắp xếp" in html
    op = apply(officer, "merge", {"sources": [cell_a2.pk], "target_id": tree.cell_a1.pk}, on=ON)
    html = client.post(reverse("restructure:undo", args=[op.pk]), {"reason": "  "}).content.decode()
    assert "Chưa nhập lý do hoàn tác" in _errors(html, "reason")
    assert RestructureOperation.objects.get(pk=op.pk).status == OperationStatus.APPLIED


# -- the whole flow -----------------------------------------------------------------------------------------------
def test_draft_preview_apply_undo_through_the_pages(tree, users, cell_a2, people, django_capture_on_commit_callbacks):
    client = client_of(users["commune_officer"])
    moved = people["a2"]
    # draft: the form adds a third source slot on request, then saves
    url = f"{reverse('restructure:create')}?loai=merge"
    html = client.post(url, merge_form(tree, cell_a2, them="source")).content.decode()
    assert 'name="source_3"' in html and 'name="sources_count" value="3"' in html
    assert not RestructureOperation.objects.exists()
    response = client.post(url, merge_form(tree, cell_a2, sources_count="3", source_3=""))
    op = RestructureOperation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("restructure:detail", args=[op.pk])
    assert op.spec == {"sources": [cell_a2.pk], "target_id": tree.cell_a1.pk, "new": None}
    assert op.decision_no == "12-QĐ/ĐU" and op.decision_date == D(2025, 12, 20) and op.effective_on == ON
    # preview: queued as a background task (run once the request commits); then the counts, members moved by
    # source, warnings; apply becomes possible
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("restructure:preview", args=[op.pk]))
    assert response.status_code == 302
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="preview-ok"' in html and 'data-testid="apply-link"' in html
    assert re.search(r'data-testid="count-closed">1<', html) and re.search(r'data-testid="count-members">2<', html)
    assert "<td>Chi bộ Khối 2</td><td class=\"text-end\">2</td>" in html
    assert "cấp ủy cấp trên chỉ định" not in html  # nothing founded
    # apply: the confirm page shows the decision; the task runs once the request commits
    html = client.get(reverse("restructure:apply", args=[op.pk])).content.decode()
    assert "Số 12-QĐ/ĐU ngày 20/12/2025 của Đảng ủy phường Đông Kinh" in html and "01/01/2026" in html
    assert "1 tổ chức chấm dứt hoạt động" in html and "2 đảng viên chuyển sinh hoạt" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("restructure:apply", args=[op.pk]))
    assert response.status_code == 302
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="operation-result"' in html and "Đã thực hiện" in html and 'data-testid="undo-link"' in html
    progress = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    for m in moved:
        m.refresh_from_db()
        assert m.org_id == tree.cell_a1.pk
        assert MemberEvent.objects.filter(member=m, kind="org_restructured", voided_at__isnull=True).exists()
    history = client.get(reverse("members:detail", args=[moved[0].pk]), {"tab": "su-kien"}).content.decode()
    assert "Chuyển sinh hoạt theo sắp xếp tổ chức" in history
    # lineage on both orgs' pages
    html = client.get(reverse("orgs:detail", args=[tree.cell_a1.pk])).content.decode()
    assert 'data-testid="predecessor"' in html and "Hình thành từ" in html and "Chi bộ Khối 2" in html
    assert "(toàn bộ), từ ngày 01/01/2026" in html
    html = client.get(reverse("orgs:detail", args=[cell_a2.pk])).content.decode()
    assert "Toàn bộ chuyển thành" in html and reverse("orgs:detail", args=[tree.cell_a1.pk]) in html
    # the list filters by status
    listed = client.get(reverse("restructure:list"), {"trang_thai": "applied"}).content.decode()
    assert f'data-operation="{op.pk}"' in listed
    assert 'data-operation=' not in client.get(reverse("restructure:list"), {"trang_thai": "draft"}).content.decode()
    # undo with a reason: everything back
    response = client.post(reverse("restructure:undo", args=[op.pk]), {"reason": "Nhập nhầm quyết định"})
    assert response.status_code == 302
    op.refresh_from_db()
    assert op.status == OperationStatus.UNDONE and op.undo_reason == "Nhập nhầm quyết định"
    cell_a2.refresh_from_db()
    assert cell_a2.status == OrgStatus.ACTIVE and not OrgLineage.objects.exists()
    assert set(Member.objects.filter(pk__in=[m.pk for m in moved]).values_list("org_id", flat=True)) == {cell_a2.pk}
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert "Đã hoàn tác" in html and "Nhập nhầm quyết định" in html and 'data-testid="undo-link"' not in html


def test_a_split_chooses_children_and_members_on_the_page(tree, users, cell_a2, people,
                                                          django_capture_on_commit_callbacks):
    client = client_of(users["commune_officer"])
    a, b = people["a2"]
    url = f"{reverse('restructure:create')}?loai=split"
    base = {"title": "Chia tách Chi bộ Khối 2", "source": label(cell_a2), "effective_on": "01/01/2026",
            "decision_no": "15-QĐ/ĐU", "close_source": "on", "sources_count": "2", "parts_count": "2",
            "part_1_target": label(tree.cell_a1), "part_2_new_parent": label(tree.commune_a),
            "part_2_new_code": "XA8", "part_2_new_name": "Chi bộ Khối 8", "part_2_new_kind": OrgKind.CELL}
    # before a source is chosen there is nothing to hand out; once loaded, one checkbox per member and part
    assert 'data-testid="split-no-source"' in client.get(url).content.decode()
    html = client.post(url, {**base, "them": "load"}).content.decode()
    assert 'data-testid="split-matrix"' in html and "2 đảng viên sinh hoạt tại đây ngày 01/01/2026" in html
    assert len(re.findall(rf'name="part_[12]_members" value="{a.pk}"', html)) == 2 and a.full_name in html
    assert not RestructureOperation.objects.exists()
    # a member left without a part is refused by the preview, naming what is left
    client.post(url, {**base, "part_1_members": [str(a.pk)]})
    op = RestructureOperation.objects.get()
    assert op.spec["parts"][0] == {"target_id": tree.cell_a1.pk, "children": [], "members": [a.pk]}
    assert op.spec["parts"][1]["new"]["name"] == "Chi bộ Khối 8"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:preview", args=[op.pk]))
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert "còn 0 tổ chức trực thuộc và 1 đảng viên chưa được phân về phần nào" in html
    # edited (the form comes back ticked as saved), previewed again and applied
    edit = reverse("restructure:edit", args=[op.pk])
    html = client.get(edit).content.decode()
    assert re.search(rf'name="part_1_members" value="{a.pk}"[^>]* checked', html)
    client.post(edit, {**base, "part_1_members": [str(a.pk)], "part_2_members": [str(b.pk)]})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:preview", args=[op.pk]))
    op.refresh_from_db()
    assert op.preview["ok"], op.preview["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:apply", args=[op.pk]))
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="XA8")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.org_id, b.org_id) == (tree.cell_a1.pk, new.pk)
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert "Chi bộ Khối 8" in html and "mới thành lập" not in html  # warnings belong to the preview


def test_the_progress_bar_polls_while_queued(tree, users, cell_a2, people):
    officer = users["commune_officer"]
    op = draft(officer, tree, cell_a2)
    op = preview(officer, op)
    S.restructure_apply(actor=officer, operation=op)  # queued: the test's transaction never commits
    client = client_of(officer)
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "Đang chờ thực hiện" in html
    fragment = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment and 'hx-trigger="every 1s"' in fragment.content.decode()
    S.restructure_run(op.pk)
    fragment = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in html and 'data-testid="operation-result"' in html


def test_a_failed_operation_shows_its_error(tree, users, cell_a2, people, monkeypatch,
                                            django_capture_on_commit_callbacks):
    officer = users["commune_officer"]
    op = preview(officer, draft(officer, tree, cell_a2))
    from tcxd.restructure import engine

    def boom(self, moves):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine.Run, "reassign", boom)
    client = client_of(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:apply", args=[op.pk]))
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="operation-error"' in html and "không có thay đổi nào được ghi" in html
    assert 'data-testid="operation-edit-link"' in html  # a failed operation may be changed and tried again


def test_plan_progress_by_date_and_list_pagination(tree, users, cell_a2, people, monkeypatch):
    officer = users["commune_officer"]
    client = client_of(officer)
    response = client.post(reverse("restructure:plan_create"), {
        "org": label(tree.commune_a), "code": "ĐA-02", "title": "Sắp xếp chi bộ", "start_on": "01/07/2025",
        "deadline": "30/06/2026", "target_merged": "2", "target_reduced": "1.000"})
    plan = RestructurePlan.objects.get()
    assert response.status_code == 302 and plan.target_reduced == 1000 and plan.org == tree.commune_a
    apply(officer, "merge", {"sources": [cell_a2.pk], "target_id": tree.cell_a1.pk}, on=ON, plan=plan)
    url = reverse("restructure:plan_detail", args=[plan.pk])
    html = client.get(url).content.decode()
    assert "1/2 (50,0 %)" in html and "1/1.000 (0,1 %)" in html and "pb-50" in html
    assert "0/2 (0,0 %)" in client.get(url, {"ngay": "31/12/2025"}).content.decode()
    bad = client.get(url, {"ngay": "32/01/2026"}).content.decode()
    assert "Ngày không hợp lệ" in bad and "1/2 (50,0 %)" in bad
    response = client.post(reverse("restructure:plan_edit", args=[plan.pk]), {
        "code": "ĐA-02", "title": "Sắp xếp chi bộ (sửa)", "start_on": "01/07/2025", "deadline": "30/06/2026",
        "target_merged": "4", "target_reduced": "0", "target_dissolved": ""})
    assert response.status_code == 302
    assert "1/4 (25,0 %)" in client.get(url).content.decode()
    for i in range(3):
        S.restructure_draft(actor=officer, kind="rename", title=f"Đổi tên {i}",
                            spec={"org_id": tree.cell_a1.pk, "name": f"Chi bộ {i}"}, effective_on=ON)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    html = client.get(reverse("restructure:list")).content.decode()
    assert "Trang 1/2" in html and html.count("data-operation=") == 2
    assert client.get(reverse("restructure:list"), {"loai": "rename", "q": "tên 1"}).content.decode().count(
        "data-operation=") == 1


def test_the_moves_of_a_preview_are_paginated(tree, users, cell_a2, monkeypatch):
    officer = users["province_officer"]
    op = S.restructure_draft(actor=officer, kind="merge", title="Hợp nhất hai xã", spec={
        "sources": [tree.commune_a.pk, tree.commune_b.pk], "new": {
            "parent_id": tree.province.pk, "code": "XAB", "name": "Đảng bộ xã Mới", "kind": OrgKind.COMMUNE}},
        effective_on=ON, decision_no="9-QĐ/TU")
    preview(officer, op)
    monkeypatch.setattr(views, "MOVES_PAGE", 3)
    client = client_of(officer)
    url = reverse("restructure:detail", args=[op.pk])
    html = client.get(url).content.decode()
    assert re.search(r'data-testid="count-moves">4<', html) and "gồm 4 tổ chức" in html
    assert "Trang 1/2" in html and html.count("<td>Đảng bộ xã Mới</td>") == 3
    assert "mới thành lập: cấp ủy cấp trên chỉ định cấp ủy lâm thời" in html  # the new commune's warning
    second = client.get(url, {"trang": 2}).content.decode()
    assert "Trang 2/2" in second and second.count("<td>Đảng bộ xã Mới</td>") == 1


def test_lineage_names_an_org_out_of_scope_without_linking_it(tree, users):
    member(tree.cell_b1)
    apply(tree.admin, "merge", {"sources": [tree.cell_b1.pk], "target_id": tree.cell_a1.pk}, on=ON)
    html = client_of(users["commune_officer"]).get(reverse("orgs:detail", args=[tree.cell_a1.pk])).content.decode()
    assert "Hình thành từ Chi bộ Thôn Bản Cắm (toàn bộ), từ ngày 01/01/2026" in html
    assert reverse("orgs:detail", args=[tree.cell_b1.pk]) not in html
    html = client_of(users["province_officer"]).get(reverse("orgs:detail", args=[tree.cell_a1.pk])).content.decode()
    assert f'<a href="{reverse("orgs:detail", args=[tree.cell_b1.pk])}">Chi bộ Thôn Bản Cắm</a>' in html


# -- the preview runs in the background -------------------------------------------------------------------------
def test_the_preview_is_queued_and_its_progress_bar_polls_until_the_result(tree, users, cell_a2, people):
    officer = users["commune_officer"]
    client = client_of(officer)
    op = draft(officer, tree, cell_a2)
    # asked for: queued (the test's transaction never commits, so the task waits)
    response = client.post(reverse("restructure:preview", args=[op.pk]), follow=True)
    html = response.content.decode()
    assert "Đã đưa việc xem trước vào hàng đợi chạy nền" in html
    assert 'hx-trigger="every 1s"' in html and 'data-job="preview"' in html and "Đang chờ xem trước" in html
    assert 'data-testid="preview-running"' in html and 'data-testid="apply-disabled"' in html
    assert 'data-testid="preview-busy"' in html and 'data-testid="preview-button"' not in html
    assert "manage.py db_worker" in html  # what to check when it waits too long
    op.refresh_from_db()
    assert op.preview_state == PreviewState.QUEUED
    fragment = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment and "Đang chờ xem trước" in fragment.content.decode()
    # while the worker runs it: the engine's phase and counts, no second preview offered
    RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.RUNNING)
    with P.preview_running(op.pk):
        P.report(op.pk, "Chuyển tổ chức trực thuộc", 3, 10)
        fragment = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "Đang xem trước: Chuyển tổ chức trực thuộc (3/10)" in fragment and "30 %" in fragment
        assert 'aria-label="Tiến độ xem trước"' in fragment and "pb-30" in fragment
        html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
        assert 'data-testid="preview-busy"' in html and 'data-testid="preview-button"' not in html
    # once it has run, the fragment reloads the page, which shows the result
    RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.QUEUED)
    S.restructure_preview_run(op.pk, op.preview_key)
    fragment = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in html and 'data-testid="preview-ok"' in html
    assert re.search(r'data-testid="count-members">2<', html) and 'data-testid="apply-link"' in html
    assert "Xem trước lại" in html


def test_a_preview_that_did_not_finish_is_said_and_offered_again(tree, users, cell_a2, people,
                                                                 django_capture_on_commit_callbacks):
    officer = users["commune_officer"]
    client = client_of(officer)
    op = draft(officer, tree, cell_a2)
    S.restructure_preview(actor=officer, operation=op)
    # the worker was killed mid-way: the row says running, nobody holds its lock
    RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.RUNNING)
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="preview-interrupted"' in html and "không có gì thay đổi" in html
    assert 'data-testid="preview-again"' in html and 'hx-trigger="every 1s"' not in html
    assert 'data-testid="apply-disabled"' in html and "Traceback" not in html
    fragment = client.get(reverse("restructure:progress", args=[op.pk]), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "Xem trước chưa hoàn thành" in client.get(reverse("restructure:progress", args=[op.pk])).content.decode()
    # run again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:preview", args=[op.pk]))
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="preview-ok"' in html and 'data-testid="preview-interrupted"' not in html


def test_a_stale_preview_asks_for_a_fresh_one_before_applying(tree, users, cell_a2, people,
                                                              django_capture_on_commit_callbacks):
    officer = users["commune_officer"]
    client = client_of(officer)
    op = preview(officer, draft(officer, tree, cell_a2))
    assert 'data-testid="apply-link"' in client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    # another operation in the same commune is applied after the preview
    apply(officer, "rename", {"org_id": tree.gcell_a2.pk, "name": "Chi bộ Trường Tiểu học Mới"}, on=D(2025, 12, 1),
          title="Đổi tên chi bộ trường")
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="preview-stale"' in html and "Kết quả xem trước đã cũ." in html
    assert "«Đổi tên chi bộ trường» đã được thực hiện" in html and 'data-testid="apply-disabled"' in html
    assert 'title="Kết quả xem trước đã cũ: cần xem trước lại"' in html
    confirm = client.get(reverse("restructure:apply", args=[op.pk])).content.decode()
    assert "hãy xem trước lại" in confirm and 'data-testid="confirm-button" disabled' in confirm
    refused = client.post(reverse("restructure:apply", args=[op.pk])).content.decode()
    assert "hãy xem trước lại" in refused
    op.refresh_from_db()
    assert op.status == OperationStatus.DRAFT
    # a fresh preview: applying is offered again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("restructure:preview", args=[op.pk]))
    html = client.get(reverse("restructure:detail", args=[op.pk])).content.decode()
    assert 'data-testid="preview-stale"' not in html and 'data-testid="apply-link"' in html
