"""A kill -9 of the worker in the middle of an apply, then a rerun: no partial batch, no duplicate, the same end
state as an uninterrupted run (issue 6, acceptance).

The apply runs in a real separate process (``manage.py import_apply``, what the worker runs) on the test
database: on PostgreSQL the test database itself; on SQLite (in memory in tests) a file copy of it, copied
back afterwards. The process is killed with SIGKILL once it has written its first steps."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from tcxd.common import progress
from tcxd.imports import services as S
from tcxd.imports import tasks
from tcxd.imports.models import BatchStatus, ImportBatch, Verdict
from tcxd.members.models import Member, MemberEvent

from .conftest import person, upload_and_check, xlsx_bytes

# serialized_rollback: the flush after this test leaves no content types of its own behind for a following test that
# restores the serialized database (tcxd/members/tests/test_search.py)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROWS = 1200
ROOT = Path(settings.BASE_DIR)


class SharedDatabase:
    """The test database as a separate process can open it."""

    def __init__(self, tmp: Path):
        self.sqlite = connection.vendor == "sqlite"
        self.file = tmp / "kill.sqlite3"

    def url(self) -> str:
        if self.sqlite:
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
        return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{host}:{port}/{s['NAME']}"

    def export(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def reimport(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.file)  # opening it rolls back what the killed process left
            source.backup(connection.connection)
            source.close()


def _run(db: SharedDatabase, batch_id: int, **env) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": db.url(), "TCXD_TESTING": "1", "HTTPS": "0",
                   "SECRET_KEY": "test-only", **env}
    return subprocess.Popen([sys.executable, "manage.py", "import_apply", str(batch_id)], cwd=ROOT,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _end_state() -> list[tuple]:
    return sorted(Member.objects.values_list("cccd", "full_name", "org_id", "status", "admitted_on", "official_on",
                                             "card_no"))


def test_a_killed_apply_leaves_nothing_and_a_rerun_gives_the_uninterrupted_result(tree, users, monkeypatch):
    officer = users["commune_officer"]
    rows = [person(i) for i in range(1, ROWS + 1)]
    rows[7] = person(8, **{"Giới tính": "?"})  # one rejected row: the accepted-only mode skips it
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes(rows))
    assert batch.counts[Verdict.NEW] == ROWS - 1
    # the worker is the subprocess: nothing runs the apply in this process
    monkeypatch.setattr(tasks, "apply_batch", SimpleNamespace(enqueue=lambda batch_id: None))
    S.import_batch_apply(actor=officer, batch=batch, mode="accepted")
    with tempfile.TemporaryDirectory() as tmp:
        db = SharedDatabase(Path(tmp))
        db.export()
        key = S.progress_key(batch.pk)
        progress.clear(key)
        worker = _run(db, batch.pk, TCXD_IMPORT_CHUNK="100", TCXD_IMPORT_CHUNK_PAUSE="0.3")
        deadline = time.monotonic() + 120
        seen = None
        while time.monotonic() < deadline and worker.poll() is None:
            seen = progress.read(key)
            if seen and seen["label"] == "Đang ghi hồ sơ mới" and 0 < seen["done"] < seen["total"]:
                break
            time.sleep(0.02)
        assert worker.poll() is None, worker.communicate()
        os.kill(worker.pid, signal.SIGKILL)  # mid-apply: some steps written inside the open transaction
        worker.wait()
        assert seen and 0 < seen["done"] < ROWS - 1
        db.reimport()
        batch.refresh_from_db()
        assert Member.objects.count() == 0 and MemberEvent.objects.count() == 0  # no partial batch
        assert batch.status == BatchStatus.QUEUED and S.interrupted(batch)
        db.export()
        rerun = _run(db, batch.pk)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err
        replay = _run(db, batch.pk)  # a third run changes nothing: the batch is applied
        replay.communicate(timeout=300)
        db.reimport()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPLIED
    assert batch.result["created"] == ROWS - 1 and batch.result["rejected"] == 1
    interrupted_then_rerun = _end_state()
    assert len({row[0] for row in interrupted_then_rerun}) == len(interrupted_then_rerun) == ROWS - 1  # no duplicate
    # what an uninterrupted run writes: every accepted row of the file once, as the file says (and the
    # autouse checks of the suite verify the spells and tallies of the end state against the events)
    expected = sorted(
        (r["Số CCCD"], r["Họ và tên"], tree.cell_a1.pk, "official", _day(r["Ngày vào Đảng"]),
         _day(r["Ngày chính thức"]), r["Số thẻ đảng viên"]) for i, r in enumerate(rows) if i != 7)
    assert interrupted_then_rerun == expected
    assert not ImportBatch.objects.exclude(status=BatchStatus.APPLIED).exists()


def _day(text: str):
    import datetime as dt

    return dt.datetime.strptime(text, "%d/%m/%Y").date()
