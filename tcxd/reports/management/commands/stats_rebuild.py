"""manage.py stats_rebuild [--check]: recompute what the statistics count from the events and report
every difference with the stored rows (there must be none)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tcxd.common.fmt import fmt_int
from tcxd.members import tallies
from tcxd.members.spells import rebuild


class Command(BaseCommand):
    help = ("Tính lại từ sự kiện các giai đoạn được tính đảng số (nguồn của thống kê) và báo mọi chênh lệch "
            "với dữ liệu đang lưu; --check chỉ kiểm tra, không sửa.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra; có chênh lệch thì thoát với mã 1")

    def handle(self, *args, check: bool, **options) -> None:
        def progress(done: int, total: int) -> None:
            if done == total or done % 100_000 < 2000:
                self.stderr.write(f"  {fmt_int(done)}/{fmt_int(total)} hồ sơ")

        with transaction.atomic():
            report = rebuild(check_only=check, progress=progress)
            stored, expected = tallies.stored(), tallies.expected()
            tally_wrong = sorted({key[0] for key in (stored.keys() | expected.keys())
                                  if stored.get(key, 0) != expected.get(key, 0)})
            if tally_wrong and not check:
                tallies.refresh_units(tally_wrong)
        wrong = len(report.mismatched)
        summary = (f"{fmt_int(report.members)} hồ sơ, {fmt_int(report.rows)} giai đoạn; "
                   f"chênh lệch: {fmt_int(wrong)} hồ sơ")
        if wrong:
            sample = ", ".join(str(pk) for pk in report.mismatched[:20])
            summary += f" (mã hồ sơ: {sample}{' …' if wrong > 20 else ''})"
            summary += "" if check else " — đã ghi lại theo sự kiện."
        summary += f"; số liệu tổng hợp lệch ở {fmt_int(len(tally_wrong))} đơn vị"
        if tally_wrong:
            summary += f" (mã tổ chức: {', '.join(str(u) for u in tally_wrong[:20])})"
            summary += "" if check else " — đã tính lại."
        self.stdout.write(summary)
        wrong += len(tally_wrong)
        if wrong and check:
            raise CommandError("Dữ liệu thống kê lệch so với sự kiện.")
