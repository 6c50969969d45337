"""TCXD load test: a day of Organization Commission officers, as locust users.

Run by ``loadtest/run.py`` (``make loadtest``), which prepares the plan this file reads: the officers' accounts
(one province officer account, several commune officer accounts of the dataset), their orgs, and name searches
sampled from the dataset's own members. Environment:

* ``LOADTEST_PLAN``: the plan (JSON) written by the runner;
* ``LOADTEST_RAW``: where every request is logged (CSV: end time, name, method, ms, status, error);
* ``LOADTEST_WAIT``: think time between two tasks, "min,max" seconds (default 2,6);
* ``LOADTEST_TOUR``: 1 = every user first runs each of its tasks once, in order (the smoke mode: every page
  type is requested at least once, so a wrong URL or login shows up in a short run).

Every request carries a ``name=`` (the page type), so the statistics are per page type, not per URL. A response
counts as failed when its status is not 2xx/3xx or the page is not the one expected (e.g. the login page).
Imports: a few users (``ImportingOfficer``) rarely upload a generated 50-row .xlsx, map its columns, let the
background worker check it, poll its progress as the page does and read the verdicts. They never apply it: the
dataset does not grow, and the runner deletes the batches afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PLAN: dict = {}
if os.environ.get("LOADTEST_PLAN"):
    with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as fh:
        PLAN = json.load(fh)
TOUR = os.environ.get("LOADTEST_TOUR") == "1"
WAIT = tuple(float(x) for x in os.environ.get("LOADTEST_WAIT", "2,6").split(","))
IMPORT_ROWS = int(os.environ.get("LOADTEST_IMPORT_ROWS", "50"))
IMPORT_POLLS = 120  # the check's progress is polled every second, at most this many times
MEMBER_LINK = re.compile(r'href="/dang-vien/(\d+)/"')
BATCH_URL = re.compile(r"/nhap-du-lieu/(\d+)/")

# -- the raw request log ----------------------------------------------------------------------------------------------
_raw_lock = threading.Lock()
_raw_file = open(os.environ["LOADTEST_RAW"], "w", newline="", encoding="utf-8") if os.environ.get("LOADTEST_RAW") \
    else None
_raw = csv.writer(_raw_file) if _raw_file else None
if _raw:
    _raw.writerow(["t", "name", "method", "ms", "status", "error"])


@events.request.add_listener
def _log_request(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    if _raw is None:
        return
    status = getattr(response, "status_code", 0) or 0
    # the first status of a redirect chain (a POST answered by 302): the chain's own codes are all checked
    history = getattr(response, "history", None) or []
    codes = [r.status_code for r in history] + [status]
    error = "" if exception is None else str(exception).replace("\n", " ")[:300]
    with _raw_lock:
        _raw.writerow([f"{time.time():.3f}", name, request_type, f"{response_time:.1f}",
                       "/".join(str(c) for c in codes), error])


@events.quitting.add_listener
def _close_raw(environment, **kw):
    if _raw_file is not None:
        with _raw_lock:
            _raw_file.flush()


# -- HTML forms -------------------------------------------------------------------------------------------------------
class FormFields(HTMLParser):
    """The fields of the first ``<form method="post">`` of a page as a browser would send them (inputs with their
    values, checked radios and boxes, each select's selected option or its first one)."""

    def __init__(self, testid: str | None = None) -> None:
        super().__init__()
        self.testid = testid
        self.fields: dict[str, str] = {}
        self._in_form = self._done = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post" and (
                self.testid is None or a.get("data-testid") == self.testid):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind != "file":
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields[self._select], self._select_chosen = value, True

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen:
                self.fields[self._select] = self._select_first or ""
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_fields(html: str, testid: str | None = None) -> dict[str, str]:
    parser = FormFields(testid)
    parser.feed(html)
    return parser.fields


def _checked(response, expect: str | None = None) -> bool:
    """Mark a response (taken with catch_response) failed unless 2xx/3xx and, if given, ``expect`` is in it."""
    if not 200 <= response.status_code < 400:
        response.failure(f"HTTP {response.status_code}")
        return False
    if "/dang-nhap/" in response.url and expect != "login":
        response.failure("sent to the login page")
        return False
    if expect and expect != "login" and expect not in response.text:
        response.failure(f"page without {expect!r}")
        return False
    response.success()
    return True


# -- the officers -----------------------------------------------------------------------------------------------------
_accounts: dict[str, itertools.cycle] = {}


def _next_account(kind: str) -> dict:
    if kind not in _accounts:
        _accounts[kind] = itertools.cycle(PLAN[kind])
    return next(_accounts[kind])


class Officer(HttpUser):
    """Pages every officer opens; the subclasses say which orgs are theirs."""

    abstract = True
    wait_time = between(*WAIT)
    account_kind = ""

    def on_start(self) -> None:
        self.account = _next_account(self.account_kind)
        self.today = dt.date.fromisoformat(PLAN["today"])
        self.login()
        if TOUR:
            for step in self.tour():
                step()

    def tour(self) -> list:
        return [getattr(self, name) for name in self.tasks_in_order]

    def login(self) -> None:
        with self.client.get("/dang-nhap/", name="login: form", catch_response=True) as r:
            _checked(r, "login")
            token = form_fields(r.text).get("csrfmiddlewaretoken", "")
        with self.client.post("/dang-nhap/", name="login", catch_response=True, data={
                "csrfmiddlewaretoken": token, "username": self.account["username"],
                "password": PLAN["password"]}) as r:
            if r.status_code == 200 and r.url.rstrip("/").endswith("/dang-nhap"):
                r.failure("login refused")
            else:
                _checked(r)

    def get(self, url: str, name: str, expect: str | None = None, **kw):
        with self.client.get(url, name=name, catch_response=True, **kw) as r:
            _checked(r, expect)
            return r

    # -- pages -------------------------------------------------------------------------------------------------------
    @task(3)
    def home(self) -> None:
        self.get("/", "home")
        self.get("/dang-vien/tong-hop/", "home: member summary (htmx)", headers={"HX-Request": "true"})

    @task(10)
    def search_and_open(self) -> None:
        """Type a name (a folded prefix or a whole name, as sampled from the dataset), open one of the hits."""
        term = random.choice(self.account["names"])
        r = self.get("/dang-vien/", "member search", params={"q": term})
        ids = MEMBER_LINK.findall(r.text or "")
        if not ids:
            return
        member = random.choice(ids[:20])
        self.get(f"/dang-vien/{member}/", "member dossier")
        if random.random() < 0.3:
            self.get(f"/dang-vien/{member}/", "member dossier: events tab", params={"tab": "su-kien"})

    @task(2)
    def cell_members(self) -> None:
        self.get("/dang-vien/", "member list: a cell", params={"to_chuc": random.choice(self.account["cells"])})

    @task(3)
    def cell_page(self) -> None:
        self.get(f"/to-chuc/{random.choice(self.account['cells'])}/", "org page: cell")

    @task(3)
    def worklist(self) -> None:
        self.get("/viec-can-lam/", "work list", expect="Việc cần làm")

    @task(1)
    def fee_ledger(self) -> None:
        self.get(f"/dang-phi/to-chuc/{random.choice(self.account['cells'])}/", "fee ledger: a cell")

    def form(self, org: int, label: str, past: bool) -> None:
        params = {"bieu": random.choice(PLAN["forms"]), "to_chuc": org}
        if past:
            params["ngay"] = PLAN["past_day"]
        self.get("/bao-cao/bieu-thong-ke/", f"stat form: {label}{', past day' if past else ''}", params=params)


class CommuneOfficer(Officer):
    """An officer of a commune's Party committee (đảng ủy xã): the commune's members, cells, forms."""

    weight = 5
    account_kind = "communes"
    tasks_in_order = ("home", "search_and_open", "cell_members", "cell_page", "commune_page", "worklist",
                      "fee_ledger", "commune_form", "commune_form_past")

    @task(2)
    def commune_page(self) -> None:
        self.get(f"/to-chuc/{self.account['org']}/", "org page: commune")

    @task(3)
    def commune_form(self) -> None:
        self.form(self.account["org"], "commune", past=False)

    @task(1)
    def commune_form_past(self) -> None:
        self.form(self.account["org"], "commune", past=True)


class ProvinceOfficer(Officer):
    """An officer of the province's Organization Commission: the whole province, any commune of it."""

    weight = 1
    account_kind = "provinces"
    if os.environ.get("LOADTEST_PROVINCE_USERS"):  # the smoke mode: exactly this many, whatever the weights
        fixed_count = int(os.environ["LOADTEST_PROVINCE_USERS"])
    tasks_in_order = ("home", "search_and_open", "cell_members", "cell_page", "province_page", "commune_page",
                      "worklist", "fee_ledger", "province_form", "province_form_past", "commune_form")

    @task(2)
    def province_page(self) -> None:
        self.get(f"/to-chuc/{self.account['org']}/", "org page: province")

    @task(3)
    def commune_page(self) -> None:
        self.get(f"/to-chuc/{random.choice(self.account['communes'])}/", "org page: commune")

    @task(3)
    def province_form(self) -> None:
        self.form(self.account["org"], "province", past=False)

    @task(1)
    def province_form_past(self) -> None:
        self.form(self.account["org"], "province", past=True)

    @task(1)
    def commune_form(self) -> None:
        self.form(random.choice(self.account["communes"]), "commune", past=False)


class ImportingOfficer(CommuneOfficer):
    """A commune officer who, now and then, imports a small member list (never applied)."""

    weight = 0
    fixed_count = int(os.environ.get("LOADTEST_IMPORTERS", "2"))
    tasks_in_order = (*CommuneOfficer.tasks_in_order, "import_members")

    @task(1)
    def import_members(self) -> None:
        r = self.get("/nhap-du-lieu/", "import: batch list")
        r = self.get("/nhap-du-lieu/tai-len/", "import: upload form")
        fields = form_fields(r.text, "upload-form")
        fields.update(root=self.account["code"], kind="members", sheet="")
        name = f"danh-sach-{random.randrange(10**6):06d}.xlsx"
        with self.client.post("/nhap-du-lieu/tai-len/", name="import: upload", catch_response=True, data=fields,
                              files={"file": (name, member_file(self.account, IMPORT_ROWS), XLSX)}) as r:
            if not _checked(r, "Ghép cột"):
                return
            match = BATCH_URL.search(r.url)
        if match is None:
            return
        batch = match.group(1)
        # the mapping page as loaded after the redirect: the columns are mapped from their headers
        fields = form_fields(r.text, "mapping-form")
        with self.client.post(f"/nhap-du-lieu/{batch}/ghep-cot/", name="import: map and check", data=fields,
                              catch_response=True) as r:
            if not _checked(r):
                return
        for _ in range(IMPORT_POLLS):  # the page's progress bar: one htmx poll a second until it says to reload
            time.sleep(1)
            with self.client.get(f"/nhap-du-lieu/{batch}/tien-do/", name="import: progress (htmx)",
                                 headers={"HX-Request": "true"}, catch_response=True) as r:
                _checked(r)
                if r.headers.get("HX-Refresh") == "true":
                    break
        else:
            with self.client.get(f"/nhap-du-lieu/{batch}/", name="import: verdicts", catch_response=True) as r:
                r.failure(f"the check did not finish in {IMPORT_POLLS} s")
            return
        self.get(f"/nhap-du-lieu/{batch}/", "import: verdicts", expect='data-testid="verdict-counts"')


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Tôn giáo", "Chi bộ", "Ngày vào Đảng",
           "Ngày chính thức", "Số thẻ đảng viên", "Nghề nghiệp"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Minh", "Nam", "Phương", "Quang"]


def member_file(account: dict, rows: int) -> bytes:
    """A list of ``rows`` new members of the commune's cells, as a commune would send it (.xlsx, a title row)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append(HEADERS)
    serial = random.randrange(500_000, 990_000)
    for i in range(rows):
        female = random.random() < 0.4
        year = random.randrange(1960, 2000)
        birth = dt.date(year, random.randrange(1, 13), random.randrange(1, 29))
        admitted = dt.date(year + 25, random.randrange(1, 13), random.randrange(1, 29))
        official = admitted.replace(year=admitted.year + 1)
        sheet.append([i + 1, f"{random.choice(SURNAMES)} {'Thị' if female else 'Văn'} {random.choice(GIVEN)}",
                      f"{birth:%d/%m/%Y}", "Nữ" if female else "Nam",
                      f"096{int(female)}{year % 100:02d}{serial + i:06d}", "Kinh", "Không",
                      random.choice(account["cell_codes"]), f"{admitted:%d/%m/%Y}", f"{official:%d/%m/%Y}",
                      f"{45_000_000 + serial + i}", "Cán bộ, công chức"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
