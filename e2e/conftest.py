"""Browser tests (Playwright driving Debian chromium) against pytest-django's live server.

Run with `make test-browser`. Screenshots of failing tests land in test-results/ (gitignored).
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

# The shared fixtures (one small tree, one user per role) come from the unit-test conftest.
from tcxd.conftest import admin_user, tree, users  # noqa: F401
from tcxd.rules.models import Regulation
from tcxd.rules.selectors import rules_cache_clear

_rules_data = importlib.import_module("tcxd.rules.migrations.0002_load_data")

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls would
# otherwise raise SynchronousOnlyOperation. Only ever set for this (browser-test) process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "matkhau-Rat-Manh-2026"  # what tcxd.conftest.make_user sets
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


def pytest_configure(config: pytest.Config) -> None:
    # A screenshot of every failing test, unless the command line asked for something else.
    if config.getoption("--screenshot", default=None) == "off":
        config.option.screenshot = "only-on-failure"
    # pytest-playwright 0.10's session-scoped `base_url` fixture is a method: harmless under pytest 9.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chưa cài chromium (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def live_db(transactional_db) -> None:
    """Every browser test drives the live server (another thread), so its data must be committed:
    a transactional database, emptied after each test. The rule book (regulations, parameters,
    holidays) comes from a data migration; load it again when an earlier test's flush removed it.
    (serialized_rollback would restore every migrated row, ~25k administrative units included,
    at ~10 s a test; these tests do not use administrative units.)
    """
    if not Regulation.objects.exists():
        _rules_data.load_regulations(apps, None)
        _rules_data.load_holidays(apps, None)
    rules_cache_clear()


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(10_000)
    return page


# --- console errors ---------------------------------------------------------------------------------

@dataclass
class BrowserErrors:
    """Everything that went wrong inside the browser: console errors (CSP violations among them),
    uncaught exceptions, and failed sub-resource or htmx requests.

    The document's own status is not collected: tests that expect a 403/404 page assert it directly.
    """

    messages: list[str] = field(default_factory=list)

    def on_console(self, msg: ConsoleMessage) -> None:
        # Chromium also logs every 4xx/5xx response as "Failed to load resource"; those are judged
        # by on_response below, which knows whether it was the page itself or one of its resources.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.messages.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def on_page_error(self, exc: Exception) -> None:
        self.messages.append(f"uncaught: {exc}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.messages.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def on_request_failed(self, request: Request) -> None:
        if request.failure and "ERR_ABORTED" not in request.failure:  # aborted = navigated away
            self.messages.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture(autouse=True)
def browser_errors(page: Page):
    """Fails the test (at teardown) if anything went wrong inside the browser."""
    errors = BrowserErrors()
    page.on("console", errors.on_console)
    page.on("pageerror", errors.on_page_error)
    page.on("response", errors.on_response)
    page.on("requestfailed", errors.on_request_failed)
    yield errors
    assert not errors.messages, "Lỗi trong trình duyệt:\n" + "\n".join(errors.messages)


# --- helpers ----------------------------------------------------------------------------------------

class App:
    """The live server seen through one browser page: URLs and the login form."""

    password = PASSWORD

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Response | None:
        return self.page.goto(self.url(path))

    def fill_login(self, username: str, password: str) -> None:
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()

    def login(self, username: str) -> None:
        self.goto("/dang-nhap/")
        self.fill_login(username, self.password)
        expect(self.page).to_have_url(self.url("/"))

    def logout(self) -> None:
        self.page.get_by_test_id("current-user").click()
        self.page.get_by_role("button", name="Đăng xuất").click()
        self.expect_at("/dang-nhap/")

    def org_path(self, org) -> str:
        return f"/to-chuc/{org.pk}/"

    def member_path(self, member) -> str:
        return f"/dang-vien/{member.pk}/"

    def expect_at(self, path: str) -> None:
        expect(self.page).to_have_url(re.compile(re.escape(self.url(path)) + r"(\?.*)?$"))


@pytest.fixture
def app(page: Page, live_server) -> App:
    return App(page, live_server.url)
