"""manage.py generate_dataset --size S|M|L [--seed N] [--replace]: a benchmark org tree, fast."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tcxd.bench import membergen as MG
from tcxd.bench.dataset import DEFAULT_SEED, DatasetError, DatasetReport, build_dataset
from tcxd.bench.sizes import PUBLIC_SIZES, SIZES
from tcxd.geo.models import MapVersion
from tcxd.orgs.kinds import OrgKind


class Command(BaseCommand):
    help = ("Tạo bộ dữ liệu đo hiệu năng (S ≈ 10 nghìn, M ≈ 200 nghìn đảng viên một tỉnh, "
            "L ≈ 5,6 triệu đảng viên toàn quốc) bằng ghi hàng loạt.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", default="S", type=str.upper, choices=list(SIZES),
                            metavar="|".join(PUBLIC_SIZES))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--replace", action="store_true",
                            help="Xóa toàn bộ tổ chức đảng (và lịch sử, đại hội, cấp ủy, đảng số, hồ sơ đảng viên, "
                                 "sự kiện, sổ đảng phí) trước khi tạo.")
        parser.add_argument("--map", dest="map_version", default=MapVersion.V2025, choices=list(MapVersion.values),
                            help="Bản đồ hành chính: 2025 (34 tỉnh, 2 cấp) hoặc pre2025 (63 tỉnh, có cấp huyện: "
                                 "cây tổ chức trước sắp xếp, để đo việc bỏ cấp huyện).")
        parser.add_argument("--no-members", dest="members", action="store_false",
                            help="Chỉ tạo cây tổ chức và đảng số, không tạo hồ sơ đảng viên.")

    def handle(self, *args, size: str, seed: int, replace: bool, members: bool, map_version: str,
               **options) -> None:
        verbose = options["verbosity"] > 1
        try:
            report = build_dataset(size, seed=seed, replace=replace, members=members, map_version=map_version,
                                   log=self.stderr.write if verbose else lambda _m: None)
        except DatasetError as exc:
            raise CommandError(str(exc))
        self.stdout.write(format_report(report))


def format_report(r: DatasetReport) -> str:
    s = r.stats
    kinds = ", ".join(f"{OrgKind(k).label}: {n:,}" for k, n in sorted(s.by_kind.items(), key=lambda kv: -kv[1]))
    rows = ", ".join(f"{k} {n:,}" for k, n in r.rows.items())
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in r.seconds.items())
    people = ""
    if r.people is not None:
        by_status = ", ".join(f"{k}: {n:,}" for k, n in r.people.by_status.most_common())
        people = (f"\n  Hồ sơ đảng viên: {r.people.members:,} ({by_status}); {r.people.events:,} sự kiện; "
                  f"hồ sơ có {MG.PAGE_EVENTS} sự kiện: #{r.people.page_member}")
    return (f"Bộ dữ liệu {r.size} (seed {r.seed}, {r.backend}): {s.orgs:,} tổ chức, "
            f"{s.members:,} đảng viên ({s.official:,} chính thức, {s.probationary:,} dự bị).\n"
            f"  Theo loại: {kinds}{people}\n  Số dòng: {rows}\n  Thời gian: {secs}")
