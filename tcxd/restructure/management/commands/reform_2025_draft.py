"""manage.py reform_2025_draft --province <2025 code>: the draft restructuring operation (and its plan) that maps
the pre-2025 party organizations of a 2025 province onto the 2025 units; previewed with --preview."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tcxd.authz.models import Role, User
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_int
from tcxd.restructure import services as S
from tcxd.restructure.reform2025 import reform_2025_draft


class Command(BaseCommand):
    help = ("Tạo dự thảo thao tác sắp xếp tổ chức đảng của một tỉnh, thành phố theo đơn vị hành chính từ "
            "01/07/2025 (từ các tổ chức đảng cũ đang có trong hệ thống), kèm đề án với chỉ tiêu giảm đầu mối.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--province", required=True, help="mã tỉnh, thành phố (TCTK) từ 01/07/2025, ví dụ 08")
        parser.add_argument("--user", default="", help="tên đăng nhập người tạo (mặc định: quản trị hệ thống đầu tiên)")
        parser.add_argument("--decision-no", default="", help="số quyết định (cần có trước khi thực hiện)")
        parser.add_argument("--decision-date", default="", help="ngày quyết định, YYYY-MM-DD")
        parser.add_argument("--decision-issuer", default="Bộ Chính trị", help="cơ quan ban hành")
        parser.add_argument("--no-plan", action="store_true", help="không tạo đề án")
        parser.add_argument("--preview", action="store_true", help="xem trước ngay sau khi tạo")

    def handle(self, *args, province: str, user: str, decision_no: str, decision_date: str, decision_issuer: str,
               no_plan: bool, preview: bool, **options) -> None:
        actor = self._actor(user)
        try:
            day = dt.date.fromisoformat(decision_date) if decision_date else None
        except ValueError:
            raise CommandError(f"Ngày quyết định “{decision_date}” không đúng dạng YYYY-MM-DD.")
        try:
            op = reform_2025_draft(actor=actor, province_code=province, decision_no=decision_no, decision_date=day,
                                   decision_issuer=decision_issuer, with_plan=not no_plan)
        except ValidationFailed as exc:
            raise CommandError(" ".join(m for messages in exc.errors.values() for m in messages))
        except DomainError as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(f"Đã tạo dự thảo #{op.pk}: {op.title}"))
        if op.plan_id:
            self.stdout.write(f"Đề án #{op.plan_id}: {op.plan.title} — {op.plan.note}")
        if preview:
            # queued like any preview, and run here at once (a worker that picks it up later finds it done)
            op = S.restructure_preview(actor=actor, operation=op)
            op = S.restructure_preview_run(op.pk, op.preview_key)
            if op.preview is None:
                raise CommandError("Xem trước chưa hoàn thành (lỗi hệ thống); không có gì thay đổi.")
            if not op.preview["ok"]:
                raise CommandError("Xem trước: " + " ".join(op.preview["errors"]))
            out, reform = op.preview["outcome"], op.preview["outcome"]["reform"]
            self.stdout.write(
                f"Xem trước: thành lập {fmt_int(len(out['founded']))}, kết thúc hoạt động "
                f"{fmt_int(len(out['closed']))} tổ chức; chuyển {fmt_int(out['moves_total'])} tổ chức "
                f"({fmt_int(out['orgs_in_moved_subtrees'])} tổ chức, {fmt_int(out['members_in_moved_subtrees'])} "
                "đảng viên trong đó); "
                f"{fmt_int(out['members_moved'])} đảng viên chuyển sinh hoạt; "
                f"{fmt_int(reform['communes_founded'])} đảng bộ xã, phường, đặc khu mới.")
            for w in out["warnings"]:
                self.stdout.write(f"  ! {w['message']}")
        self.stdout.write("Xem trước và thực hiện tại /sap-xep/ (cần số quyết định).")

    def _actor(self, username: str) -> User:
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có người dùng “{username}”.")
            return actor
        actor = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
        if actor is None:
            raise CommandError("Chưa có tài khoản quản trị hệ thống; dùng --user.")
        return actor
