"""Benchmark of the imports: ``imports.members_100k`` — a 100 000-row member .xlsx (the usual Vietnamese
headers, official members of the cells of one commune of the dataset's biggest province) taken through the
whole pipeline as a commune officer does it: upload (read, headers recognized), check (every row judged by the
members context's rules, the verdicts stored for the preview), apply (judged again against the database as it is
then, dossiers, events, spells, name words, tallies and headcounts written in one transaction).
Goal: ≥ 20 000 rows/s on PostgreSQL, peak memory ≤ 500 MB.

Floor: the same file read by calamine and its rows inserted as bare dossiers (no rule, no event) by the bulk
writer, rolled back. The result line also gives rows/s, the process's peak RSS, and **django-import-export**
4.4.3 on the first ``DIE_ROWS`` rows of the same file (a ModelResource on Member, bulk mode, rolled back; it
writes bare dossiers only) with the ratio of rows/s. ``peak_rss_mb``: the process's peak resident memory during a
timed run alone (VmHWM reset before each run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import time

from django.conf import settings
from django.db import connection, transaction

from tcxd.authz.models import User
from tcxd.common.db import write_rows
from tcxd.common.text import fold
from tcxd.members import tallies
from tcxd.members.models import Member
from tcxd.orgs.kinds import CELL_KINDS, OrgKind, OrgStatus
from tcxd.orgs.models import Org

from ..dataset import BENCH_USER_PREFIX, dataset_info
from ..runner import Benchmark
from .members import bench_officer
from .orgs import biggest_province

ROWS = 100_000
# rows of the file by dataset size (the tiny test dataset gets a tiny file); TCXD_BENCH_IMPORT_ROWS overrides
ROWS_BY_SIZE = {"XS": 300, "S": 10_000}
DIE_ROWS = 2_000


def rows_wanted() -> int:
    if os.environ.get("TCXD_BENCH_IMPORT_ROWS"):
        return int(os.environ["TCXD_BENCH_IMPORT_ROWS"])
    return ROWS_BY_SIZE.get(dataset_info().get("size", ""), ROWS)
OFFICER_USERNAME = f"{BENCH_USER_PREFIX}import-officer"
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Dân tộc", "Tôn giáo", "Chi bộ", "Ngày vào Đảng",
           "Ngày chính thức", "Số thẻ đảng viên", "Nghề nghiệp", "Trình độ LLCT", "Quê quán"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Minh", "Nam", "Phương", "Quang",
         "Thảo", "Trang", "Tuấn", "Vân", "Xuân", "Yến"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]


def _commune() -> tuple[Org, list[Org]]:
    province = biggest_province()
    for commune in Org.objects.filter(path__startswith=province.path, kind=OrgKind.COMMUNE,
                                      status=OrgStatus.ACTIVE).order_by("-numchild", "path")[:20]:
        cells = list(Org.objects.filter(path__startswith=commune.path, kind__in=CELL_KINDS,
                                        status=OrgStatus.ACTIVE).order_by("path"))
        if cells:
            return commune, cells
    raise RuntimeError("no commune with cells in the dataset")


def _officer(org: Org) -> User:
    return bench_officer(org, OFFICER_USERNAME, "Cán bộ nhập liệu đo hiệu năng")


def _free_cccds(n: int) -> list[str]:
    """``n`` well-formed CCCDs (birth years 1960–1999, both sexes) that no dossier holds."""
    out: list[str] = []
    serial = 999_999
    while len(out) < n:
        batch = []
        for year in range(1960, 2000):
            for code in ("0", "1"):
                batch.append(f"096{code}{year % 100:02d}{serial:06d}")
        serial -= 1
        taken = set(Member.objects.filter(cccd__in=batch).values_list("cccd", flat=True))
        out.extend(c for c in batch if c not in taken)
    return out[:n]


def _rows(cells: list[Org], cccds: list[str]):
    for i, number in enumerate(cccds):
        year, female = 1900 + int(number[4:6]), number[3] == "1"
        birth = dt.date(year, 1 + i % 12, 1 + i % 28)
        admitted = dt.date(min(year + 22 + i % 10, 2020), 1 + (i * 7) % 12, 1 + (i * 3) % 28)
        official = dt.date(admitted.year + 1, admitted.month, admitted.day)
        name = f"{SURNAMES[i % 10]} {'Thị' if female else 'Văn'} {GIVEN[(i // 10) % 20]} {GIVEN[(i // 200) % 20]}"
        yield [i + 1, name, birth, "Nữ" if female else "Nam", number, "Kinh", "Không", cells[i % len(cells)].code,
               f"{admitted:%d/%m/%Y}", f"{official:%d/%m/%Y}", f"{40_000_000 + i}", "Cán bộ, công chức",
               "Trung cấp" if i % 3 else "Sơ cấp", "Xã Hòa Bình, huyện Chương Mỹ"]


def _file(cells: list[Org], rows: int) -> tuple[str, bytes]:
    """The file, generated once per dataset and cached under var/."""
    tag = hashlib.sha1(f"v2:{rows}:{[c.code for c in cells]}:{connection.settings_dict['NAME']}".encode()).hexdigest()
    path = os.path.join(settings.BASE_DIR, "var", f"bench-import-{tag[:12]}.xlsx")
    if not os.path.exists(path):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Danh sách")
        sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
        sheet.append(HEADERS)
        for row in _rows(cells, _free_cccds(rows)):
            sheet.append(row)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        workbook.save(path + ".tmp")
        os.replace(path + ".tmp", path)
    with open(path, "rb") as fh:
        return path, fh.read()


def _undo(cccds_file_prefix: str = "096") -> None:
    """Remove what a run wrote (its dossiers and everything hanging from them, its batches), untimed."""
    from tcxd.imports.models import ImportBatch

    qn = connection.ops.quote_name
    ids = list(Member.objects.filter(card_no__gte="40000000", card_no__lt="40999999",
                                     cccd__startswith=cccds_file_prefix).values_list("id", flat=True))
    units = set(Member.objects.filter(id__in=ids).values_list("org_id", flat=True).distinct())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), 20_000):
            chunk = ids[start:start + 20_000]
            marks = ", ".join(["%s"] * len(chunk))
            for table in ("members_memberevent", "members_memberspell", "members_membernameword",
                          "members_membersensitive", "members_memberfieldsource"):
                cursor.execute(f"DELETE FROM {qn(table)} WHERE member_id IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM {qn('audit_auditentry')} WHERE object_type = 'members.member' "
                           f"AND object_id IN ({marks})", [str(i) for i in chunk])
            cursor.execute(f"DELETE FROM {qn('members_member')} WHERE id IN ({marks})", chunk)
        ImportBatch.objects.filter(actor__username=OFFICER_USERNAME).delete()
        if units:
            tallies.refresh_units(_unit_ids(units))
            from tcxd.members import lifecycle

            lifecycle.headcounts_refresh(units)


def _reset_peak_rss() -> None:
    """Start the process's peak resident memory (VmHWM) afresh (Linux), so one run's own peak can be read."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unit_ids(org_ids: set[int]) -> list[int]:
    paths = list(Org.objects.filter(id__in=org_ids).values_list("path", flat=True))
    prefixes = {p[:end] for p in paths for end in range(4, len(p) + 1, 4)}
    return list(Org.objects.filter(path__in=prefixes).values_list("id", flat=True))


def members_100k() -> Benchmark:
    from django.test import TestCase

    from tcxd.imports import services as S
    from tcxd.imports.models import BatchStatus

    commune, cells = _commune()
    officer = _officer(commune)
    rows_n = rows_wanted()
    path, data = _file(cells, rows_n)
    by_code = {c.code: c.id for c in cells}

    peaks: list[float] = []

    def prepare() -> None:
        _undo()
        _reset_peak_rss()

    def run() -> int:
        with TestCase.captureOnCommitCallbacks(execute=True):
            batch = S.import_batch_upload(actor=officer, root=commune, filename="danh-sach.xlsx", data=data)
        with TestCase.captureOnCommitCallbacks(execute=True):
            S.import_batch_map(actor=officer, batch=batch, mapping={int(c): k for c, k in batch.mapping.items()})
        with TestCase.captureOnCommitCallbacks(execute=True):
            S.import_batch_apply(actor=officer, batch=batch, mode="all")
        batch.refresh_from_db()
        if batch.status != BatchStatus.APPLIED:
            raise RuntimeError(f"import not applied: {batch.status} {batch.error} {batch.counts}")
        peaks.append(_peak_rss_mb())  # this run's own peak (reset by prepare)
        return batch.result["created"]

    def floor() -> int:
        import python_calamine as pc

        rows = pc.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()[2:]
        with transaction.atomic():
            fields = ("full_name", "name_norm", "given_name_norm", "sex", "birth_date", "cccd", "org_id", "status",
                      "card_no", "created_at", "updated_at")
            now = dt.datetime.now(dt.UTC)
            out = []
            for r in rows:
                norm = fold(r[1])
                # another CCCD (the timed run's dossiers are still there): same volume, no clash
                out.append((r[1], norm, norm.rsplit(" ", 1)[-1], "F" if r[3] == "Nữ" else "M", r[2], "9" + r[4][1:],
                            by_code[r[7]], "official", r[10], now, now))
            written = write_rows(Member, fields, out)
            transaction.set_rollback(True)
        return written

    def extra(result: dict) -> dict:
        rate = rows_n / result["median_s"]
        die_rate = _django_import_export_rate(path, by_code, min(DIE_ROWS, rows_n))
        return {"rows_per_s": round(rate), "peak_rss_mb": round(max(peaks)), "die_rows": min(DIE_ROWS, rows_n),
                "die_rows_per_s": round(die_rate), "ratio_vs_die": round(rate / die_rate, 1)}

    return Benchmark(name="imports.members_100k", n=rows_n, run=run, floors={"calamine+bulk insert": floor},
                     expected=rows_n, prepare=prepare, extra=extra)


def _django_import_export_rate(path: str, by_code: dict[str, int], rows: int) -> float:
    """django-import-export on the first ``rows`` rows of the file (bare dossiers, rolled back): rows/s."""
    import tablib
    from import_export import fields, resources

    class MemberResource(resources.ModelResource):
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        birth_date = fields.Field(attribute="birth_date", column_name="Ngày sinh")
        cccd = fields.Field(attribute="cccd", column_name="Số CCCD")
        card_no = fields.Field(attribute="card_no", column_name="Số thẻ đảng viên")

        class Meta:
            model = Member
            fields = ("full_name", "birth_date", "cccd", "card_no")
            import_id_fields = ("cccd",)
            use_bulk = True
            batch_size = 1000

        def before_import_row(self, row, **kwargs):
            row["org_id"] = by_code[row["Chi bộ"]]

        def after_init_instance(self, instance, new, row, **kwargs):
            instance.sex = "F" if row["Giới tính"] == "Nữ" else "M"
            instance.org_id = by_code[row["Chi bộ"]]
            instance.status = "official"
            instance.name_norm = fold(row["Họ và tên"])
            instance.given_name_norm = instance.name_norm.rsplit(" ", 1)[-1]

    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).active
    cells = sheet.iter_rows(values_only=True)
    next(cells)
    headers = list(next(cells))
    dataset = tablib.Dataset(headers=headers)
    for index, row in enumerate(cells):
        if index >= rows:
            break
        dataset.append(row)
    start = time.perf_counter()
    with transaction.atomic():
        result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - start
    if result.has_errors():
        raise RuntimeError("django-import-export failed on the benchmark file")
    return rows / elapsed
