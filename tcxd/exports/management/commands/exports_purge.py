"""manage.py exports_purge [--days N]: remove the files of exports older than N days (EXPORTS["KEEP_DAYS"])."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tcxd.exports.maintenance import exports_purge


class Command(BaseCommand):
    help = "Xóa các tệp xuất dữ liệu đã quá số ngày lưu giữ (mặc định theo cấu hình EXPORTS[\"KEEP_DAYS\"])."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="số ngày lưu giữ")

    def handle(self, *args, days: int | None, **options) -> None:
        removed = exports_purge(days=days)
        self.stdout.write(f"Đã xóa {removed} tệp xuất dữ liệu.")
