"""manage.py restore PATH: rebuild an empty, migrated installation from a ``manage.py backup`` archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tcxd.audit.context import RequestContext, reset_context, set_context
from tcxd.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Khôi phục một cài đặt mới (đã migrate, chưa có dữ liệu) từ tệp sao lưu của lệnh backup: kiểm tra "
            "mã kiểm tra và migration trước, ghi mọi bảng trong một giao dịch, rồi ghi lại các tệp tải lên.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", metavar="PATH", help="Tệp sao lưu (.tar.gz hoặc .tar).")

    def handle(self, *args, path: str, **options) -> None:
        verbose = options["verbosity"] > 1
        token = set_context(RequestContext(channel="command"))
        try:
            result = backup_restore(path, log=self.stderr.write if verbose else None)
        except BackupError as exc:
            raise CommandError(str(exc))
        finally:
            reset_context(token)
        self.stdout.write(f"Đã khôi phục {result['tables']:,} bảng, {result['rows']:,} dòng, {result['media']:,} "
                          f"tệp tải lên từ {path}.")
