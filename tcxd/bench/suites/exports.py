"""Benchmark of the exports: ``exports.members_100k`` — 100 000 members of the member list, as a provincial leader
(read-only: the CCCD masked) of the dataset's biggest province sees it (the list's order, the list's columns plus
the CCCD, the party card number and the dossier number), read from the database and written to an .xlsx file on
disk by the code the background export runs (``tcxd.exports.services.write_file``). Goal: ≤ 10 s.

Floor: the same rows by one raw SQL statement (scope by path range, the list's statuses and order) written by the
same .xlsx writer, with no ORM and no per-row conversion beyond the labels. The result line also gives rows/s and
the peak memory of one more (untimed) run: Python's allocations (tracemalloc) and the process's peak RSS."""

from __future__ import annotations

import os
import resource
import tempfile
import tracemalloc

import rustpy_xlsxwriter
from django.db import connection

from tcxd.authz.models import Role, User
from tcxd.common.export import DATE_FORMAT
from tcxd.common.paths import path_range
from tcxd.exports.services import write_file
from tcxd.exports.sources import MEMBER_COLUMNS, SOURCES, mask_cccd
from tcxd.members.models import Member
from tcxd.orgs.models import Org

from ..dataset import BENCH_USER_PREFIX
from ..runner import Benchmark
from .orgs import biggest_province

ROWS = 100_000
LEADER_USERNAME = f"{BENCH_USER_PREFIX}leader"
_T = {"m": Member._meta.db_table, "o": Org._meta.db_table}
# The list's scope for an org's user (official org, host of a temporary transfer, receiver of a pending one), its
# default statuses (members and candidates still in the party's life) and its order.
SQL_ROWS = """
SELECT m.full_name, m.sex, m.birth_date, m.status, o.name, m.admitted_on, m.official_on, m.ethnicity, m.religion,
       m.political_theory, m.cccd, m.card_no, m.profile_no
FROM {m} m JOIN {o} o ON o.id = m.org_id
LEFT JOIN {o} t ON t.id = m.temporary_org_id LEFT JOIN {o} x ON x.id = m.transfer_to_id
WHERE (o.path >= %s AND o.path < %s OR t.path >= %s AND t.path < %s OR x.path >= %s AND x.path < %s)
  AND m.status IN ('candidate', 'admitted', 'probationary', 'official')
ORDER BY m.given_name_norm, m.name_norm, m.id LIMIT %s""".format(**_T)


def bench_leader(org: Org) -> User:
    """A read-only leader of ``org`` (sees the list, not the whole CCCD)."""
    user = User.objects.filter(username=LEADER_USERNAME).first()
    if user is None:
        user = User(username=LEADER_USERNAME, full_name="Lãnh đạo đo hiệu năng", role=Role.LEADER, org=org)
        user.set_unusable_password()
        user.save()
    elif (user.org_id, user.role, user.is_active) != (org.id, Role.LEADER, True):
        user.org, user.role, user.is_active = org, Role.LEADER, True
        user.save(update_fields=["org", "role", "is_active"])
    return user


def _labels(field: str) -> dict:
    return {k: str(v) for k, v in Member._meta.get_field(field).choices}


def members_100k() -> Benchmark:
    province = biggest_province()
    leader = bench_leader(province)
    source = SOURCES["dang-vien"]
    path = os.path.join(tempfile.gettempdir(), f"tcxd-bench-export-{os.getpid()}.xlsx")
    titles = [c.title for c in MEMBER_COLUMNS]
    widths = [c.width for c in MEMBER_COLUMNS]
    sex, status, ethnicity, religion, theory = (_labels(f) for f in
                                                ("sex", "status", "ethnicity", "religion", "political_theory"))

    def run() -> tuple[int, int]:
        prepared = source.prepare(leader, {})
        written = write_file(source=source, prepared=prepared, fmt="xlsx", path=path, total=ROWS, limit=ROWS)
        return written.rows, written.sheets

    def floor() -> tuple[int, int]:
        done = [0]

        def records():
            with connection.cursor() as cursor:
                cursor.execute(SQL_ROWS, [*path_range(province.path)] * 3 + [ROWS])
                while batch := cursor.fetchmany(2_000):
                    for r in batch:
                        done[0] += 1
                        yield dict(zip(titles, (
                            r[0], sex.get(r[1]), r[2], status.get(r[3]), r[4], r[5], r[6], ethnicity.get(r[7]),
                            religion.get(r[8]), theory.get(r[9]), mask_cccd(r[10]), r[11] or None, r[12] or None),
                            strict=True))

        rustpy_xlsxwriter.write_worksheets([(source.sheet, records())], path,
                                           freeze_panes={"general": {"row": 1, "col": 0}}, bold_headers=True,
                                           datetime_format=DATE_FORMAT, column_widths={source.sheet: widths})
        return done[0], 1

    def extra(result: dict) -> dict:
        tracemalloc.start()
        run()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = os.path.getsize(path)
        os.unlink(path)
        return {"rows_per_s": round(result["n"] / result["median_s"]), "peak_py_mb": round(peak / 2**20, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "file_mb": round(size / 2**20, 1)}

    rows = min(ROWS, source.prepare(leader, {}).queryset.count())  # a small dataset has fewer (the test's XS)
    return Benchmark("exports.members_100k", rows, run, {"raw_sql_rustpy": floor}, (rows, 1), extra=extra)
