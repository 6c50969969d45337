"""No N+1: the imports' pages, downloads and endpoints that show rows (batches, a batch's rows, its error report,
the orgs picker) run as many queries with a few rows as with many. (The preview page has its own test in
test_views.)"""

from __future__ import annotations

import itertools

from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.orgs.kinds import OrgKind

from .conftest import apply, person, upload_and_check, xlsx_bytes

_serials = itertools.count(1)


def _rows(n: int) -> list[dict]:
    """``n`` rows of every verdict in turn: new in cell A1 or A2, out of scope (cell B1), invalid (a birth date that
    is not one), a duplicate of the row before."""
    rows = []
    for i in range(n):
        serial = next(_serials)
        kind = i % 5
        if kind == 4 and rows:
            rows.append({**rows[-1], "STT": serial})
        elif kind == 3:
            rows.append(person(serial, birth="31/02/1980"))
        elif kind == 2:
            rows.append(person(serial, org="Chi bộ Thôn Bản Cắm"))
        else:
            rows.append(person(serial, org="Chi bộ Khối 1" if kind else "Chi bộ Trường Tiểu học Đông Kinh"))
    return rows


def _batches(officer, tree, n):
    """``n`` checked batches of a few rows, every third applied; one more cell of commune A per batch."""
    for i in range(n):
        batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(_rows(3)), filename=f"lo-{next(_serials)}.xlsx")
        if i % 3 == 2:
            apply(officer, batch)
        make_org(tree.admin, tree.commune_a, OrgKind.CELL, name=f"Chi bộ Khu {i}")


def test_batch_list_and_picker_queries_do_not_grow_with_batches(tree, officer):
    client = session_client(officer)
    urls = [reverse("imports:list"), (reverse("imports:org_suggest"), {"q": "chi bo"})]
    _batches(officer, tree, 3)
    warm(client, urls)
    before = measure(client, urls)
    _batches(officer, tree, 9)
    assert_flat(before, measure(client, urls))


def test_batch_list_api_queries_do_not_grow_with_batches(tree, officer):
    client = api_client(officer)
    urls = ["/api/imports/batches"]
    _batches(officer, tree, 3)
    warm(client, urls)
    before = measure(client, urls)
    _batches(officer, tree, 9)
    assert_flat(before, measure(client, urls))


def test_batch_rows_and_error_report_queries_do_not_grow_with_rows(tree, officer):
    small = upload_and_check(officer, tree.commune_a, xlsx_bytes(_rows(5)), filename="nho.xlsx")
    big = upload_and_check(officer, tree.commune_a, xlsx_bytes(_rows(40)), filename="lon.xlsx")

    def urls(batch):
        rows = f"/api/imports/batches/{batch.pk}/rows"
        return [rows, (rows, {"verdict": "invalid"}), (rows, {"verdict": "rejected"}),
                f"/api/imports/batches/{batch.pk}/error-report"]

    def pages(batch):
        return [reverse("imports:report", args=[batch.pk])]

    api, session = api_client(officer), session_client(officer)
    warm(api, urls(small))
    warm(session, pages(small))
    before = {**measure(api, urls(small)), **measure(session, pages(small))}
    after = {**measure(api, urls(big)), **measure(session, pages(big))}
    assert_flat({k.replace(f"/{small.pk}/", "/N/"): v for k, v in before.items()},
                {k.replace(f"/{big.pk}/", "/N/"): v for k, v in after.items()})
