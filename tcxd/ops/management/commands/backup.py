"""manage.py backup [--output PATH]: the whole installation (every table, the uploaded files) in one archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tcxd.ops.backup import BackupError, backup_write


class Command(BaseCommand):
    help = ("Sao lưu toàn bộ dữ liệu (mọi bảng, tệp tải lên) vào một tệp .tar.gz hoặc .tar, kèm manifest.json "
            "có mã kiểm tra SHA-256 của từng thành phần.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", default=None, metavar="PATH",
                            help="Tệp sao lưu (.tar.gz hoặc .tar); mặc định var/backups/tcxd-YYYYmmdd-HHMMSS.tar.gz.")

    def handle(self, *args, output: str | None, **options) -> None:
        verbose = options["verbosity"] > 1
        try:
            result = backup_write(output, log=self.stderr.write if verbose else None)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"Đã sao lưu {result['tables']:,} bảng, {result['rows']:,} dòng, {result['media']:,} tệp "
                          f"tải lên vào {result['path']} ({result['bytes']:,} byte).")
