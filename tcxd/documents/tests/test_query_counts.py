"""No N+1: a member's documents (the CV and the phiếu with their life history, a decision) and the template pages
and endpoints (versions) run as many queries with a few rows as with many."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.documents import services
from tcxd.documents.models import DocumentTemplate
from tcxd.members import dossier_services as DS
from tcxd.members import services as MS
from tcxd.orgs.kinds import OrgKind
from tcxd.rules.pure.membership import EventKind as K

from .test_documents import admitted, docx_with  # noqa: F401  (the admitted fixture)

D = dt.date


def _life(tree, member, start, n):
    """``n`` more rows of each part of the dossier, and ``n`` stays at another cell (each a new one)."""
    for i in range(start, start + n):
        DS.dossier_row_add(actor=tree.admin, member=member, kind="work",
                           data={"from_date": D(2000 + i, 9, 1), "position": f"Việc {i}", "unit": f"Đơn vị {i}"})
        DS.dossier_row_add(actor=tree.admin, member=member, kind="training",
                           data={"from_date": D(2000 + i, 1, 1), "school": f"Trường {i}"})
        DS.dossier_row_add(actor=tree.admin, member=member, kind="reward",
                           data={"form": "Giấy khen", "level": "Xã", "decided_on": D(2010 + i, 5, 1)})
        DS.dossier_row_add(actor=tree.admin, member=member, kind="family",
                           data={"relation": "con", "full_name": f"Con {i}", "birth_year": 2010 + i})
        host = make_org(tree.admin, tree.commune_b, OrgKind.CELL, name=f"Chi bộ Thôn {i}")
        MS.member_event_record(actor=tree.admin, member=member, kind=K.TEMP_TRANSFER_OUT, on=D(2024, 6, 1 + 2 * i),
                               target_org=host, data={"until": "2024-12-31"})
        MS.member_event_record(actor=tree.admin, member=member, kind=K.TEMP_TRANSFER_RETURN,
                               on=D(2024, 6, 2 + 2 * i))


def test_member_documents_queries_do_not_grow_with_rows(tree, users, admitted):  # noqa: F811
    pk = admitted.pk
    pages = [reverse("documents:cv_print", args=[pk]), reverse("documents:cv_docx", args=[pk]),
             reverse("documents:phieu_docx", args=[pk]), reverse("documents:decision", args=[pk, "ket_nap"]),
             reverse("documents:decision", args=[pk, "gioi_thieu_tam_thoi"])]
    endpoints = [f"/api/documents/members/{pk}/ly-lich/docx", f"/api/documents/members/{pk}/phieu/docx"]
    session, api = session_client(users["commune_officer"]), api_client(users["commune_officer"])
    _life(tree, admitted, 0, 1)
    warm(session, pages)
    warm(api, endpoints)
    before = {**measure(session, pages), **measure(api, endpoints)}
    _life(tree, admitted, 1, 6)
    assert_flat(before, {**measure(session, pages), **measure(api, endpoints)})


def _versions(tree, users, n):
    """``n`` more versions of the admission template at the system's level and at commune A's (every other one
    then reverted), and of the transfer template at commune A's."""
    for i in range(n):
        for actor, kind in ((tree.admin, "ket_nap"), (users["commune_officer"], "ket_nap"),
                            (users["commune_officer"], "gioi_thieu")):
            services.document_template_upload(actor=actor, kind=kind, content=docx_with(f"MẪU {i} {{{{ ho_ten }}}}"),
                                              file_name=f"mau-{i}.docx", note=f"Lần {i}")
        if i % 2:
            services.document_template_revert(actor=users["commune_officer"], kind="ket_nap", note=f"Bỏ {i}")


def test_template_pages_and_api_queries_do_not_grow_with_versions(tree, users):
    pages = [reverse("documents:templates"), reverse("documents:template_detail", args=["ket_nap"]),
             reverse("documents:template_detail", args=["gioi_thieu"])]
    endpoints = ["/api/documents/templates", "/api/documents/templates/ket_nap/versions"]
    session, api = session_client(users["commune_officer"]), api_client(users["commune_officer"])
    _versions(tree, users, 1)
    warm(session, pages)
    warm(api, endpoints)
    before = {**measure(session, pages), **measure(api, endpoints)}
    _versions(tree, users, 7)  # odd: the last version of each kind stands, as after the first call
    assert_flat(before, {**measure(session, pages), **measure(api, endpoints)})
    # the reverts are told without reading the files
    own = DocumentTemplate.objects.filter(kind="ket_nap", org=tree.commune_a).order_by("-version")
    versions = api.get("/api/documents/templates/ket_nap/versions").json()
    assert [v["reverted"] for v in versions] == [t.docx is None for t in own] and sum(t.docx is None for t in own) == 3
    page = session.get(reverse("documents:template_detail", args=["ket_nap"])).content.decode()
    assert page.count("Khôi phục về mẫu chung / mặc định") == 3
