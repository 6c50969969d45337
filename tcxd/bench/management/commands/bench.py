"""manage.py bench --size S [--repeat 15] [--only NAME]: one JSON line per benchmark on stdout."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tcxd.bench.dataset import dataset_info, dataset_marker
from tcxd.bench.runner import run_benchmark
from tcxd.bench.sizes import PUBLIC_SIZES, SIZES
from tcxd.bench.suites import REGISTRY, select
from tcxd.orgs.models import Org


class Command(BaseCommand):
    help = ("Đo hiệu năng trên bộ dữ liệu cỡ S/M/L (tự tạo nếu cơ sở dữ liệu chưa có tổ chức nào); "
            "in một dòng JSON cho mỗi phép đo.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", default="S", type=str.upper, choices=list(SIZES),
                            metavar="|".join(PUBLIC_SIZES))
        parser.add_argument("--repeat", type=int, default=15, help="số lần đo (sau khi chạy khởi động)")
        parser.add_argument("--warmup", type=int, default=3, help="số lần chạy khởi động, không tính giờ")
        parser.add_argument("--only", action="append", metavar="NAME",
                            help=f"chỉ chạy phép đo này (hoặc tiền tố; lặp lại được): {', '.join(REGISTRY)}")

    def handle(self, *args, size: str, repeat: int, warmup: int, only: list[str] | None, **options) -> None:
        if repeat < 1 or warmup < 0:
            raise CommandError("--repeat phải ≥ 1 và --warmup ≥ 0.")
        names = select(only)
        if not names:
            raise CommandError(f"Không có phép đo nào tên {only}; có: {', '.join(REGISTRY)}.")
        self._ensure_dataset(size)
        if any(n.startswith(("members.", "fees.")) for n in names) and "members" not in dataset_info():
            raise CommandError("Bộ dữ liệu chưa có hồ sơ đảng viên (tạo bằng bản cũ hoặc --no-members): chạy "
                               f"generate_dataset --size {size} --replace, hoặc --only orgs.")
        for name in names:
            result = run_benchmark(REGISTRY[name](), size=size, repeat=repeat, warmup=warmup)
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            self.stdout.flush()

    def _ensure_dataset(self, size: str) -> None:
        if not Org.objects.exists():
            self.stderr.write(f"Chưa có dữ liệu: tạo bộ dữ liệu {size}…")
            call_command("generate_dataset", size=size, stdout=self.stderr)
            return
        marker = dataset_marker()
        if marker is None:
            raise CommandError("Cơ sở dữ liệu có tổ chức nhưng không phải bộ dữ liệu đo hiệu năng "
                               "(thiếu dấu ở tổ chức gốc); dùng cơ sở dữ liệu riêng cho phép đo.")
        if marker[0] != size:
            raise CommandError(f"Cơ sở dữ liệu chứa bộ dữ liệu {marker[0]}, không phải {size}; "
                               f"chạy generate_dataset --size {size} --replace hoặc dùng cơ sở dữ liệu khác.")
