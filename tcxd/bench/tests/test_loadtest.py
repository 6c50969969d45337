"""The load test (``make loadtest``, loadtest/run.py) in its smoke mode, end to end, on the hidden XS dataset in a
throwaway SQLite file: the runner builds the database, starts gunicorn and the background worker, runs locust with
every user touring each of its page types once (login, name search, dossier, org pages, work list, fee ledger,
statistical forms of the province and of a commune today and on a past day, an import up to its verdicts), stops
everything by itself and writes its results. About 40 s (migrating the SQLite file is a third of it).

It runs the server with the test suite's settings (``--test-settings``: a fast password hasher, static files
without collectstatic, which takes a minute); the real run (``make loadtest``) serves with DEBUG=0 settings as
deployed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
# every page type of the tour: a wrong URL, form field or login shows up as a missing or failed name
PAGES = {
    "login: form", "login", "home", "home: member summary (htmx)", "member search", "member dossier",
    "member list: a cell", "org page: cell", "org page: commune", "org page: province", "work list",
    "fee ledger: a cell", "stat form: commune", "stat form: commune, past day", "stat form: province",
    "stat form: province, past day", "import: batch list", "import: upload form", "import: upload",
    "import: map and check", "import: progress (htmx)", "import: verdicts",
}

pytestmark = pytest.mark.skipif(not ((BIN / "locust").exists() and (BIN / "gunicorn").exists()),
                                reason="locust or gunicorn not installed (requirements-dev.txt, requirements.txt)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_smoke_run_stops_by_itself_with_results_and_every_request_succeeds(tmp_path):
    work, out = tmp_path / "work", tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "loadtest" / "run.py"), "--smoke", "--test-settings", "--size", "XS",
           "--database-url", f"sqlite:///{tmp_path / 'load.sqlite3'}", "--users", "3", "--duration", "8s",
           "--workers", "2", "--communes", "2", "--work", str(work), "--out", str(out)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_URL"))}

    # when the runner is started (the backstop timeout is far above its own bound: it must stop by itself)
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)

    # then it ran to the end (0 PASS / 1 FAIL: a goal verdict, not a broken run) and stopped what it started
    assert run.returncode in (0, 1), run.stderr[-4000:]
    assert "stopped gunicorn" in run.stderr and "stopped db_worker" in run.stderr
    pid_file = work / "gunicorn.pid"
    if pid_file.exists():  # gunicorn removes it on a clean stop
        assert not _alive(int(pid_file.read_text().strip()))

    # and wrote its results: the summary, the table and the chart
    summary = json.loads((out / "loadtest.json").read_text(encoding="utf-8"))
    assert summary["verdict"] in ("PASS", "FAIL") and summary["config"]["users"] == 3
    assert (out / "loadtest.csv").read_text(encoding="utf-8").startswith("page,requests,errors,p50_ms,p95_ms")
    assert (out / "loadtest-latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # and every request of the locustfile got a 2xx/3xx answer (each hop of a redirect) and the page it expected
    with open(work / "requests.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    failed = [r for r in rows if r["error"] or any(not 200 <= int(c) < 400 for c in r["status"].split("/"))]
    assert not failed, failed[:10]
    assert PAGES <= {r["name"] for r in rows}, PAGES - {r["name"] for r in rows}
    assert summary["overall"]["errors"] == 0 and summary["overall"]["requests"] == len(rows)
