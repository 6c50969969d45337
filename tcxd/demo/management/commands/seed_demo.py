from django.core.management.base import BaseCommand

from tcxd.authz.models import User
from tcxd.demo.builder import DEMO_PASSWORD, DemoBuilder
from tcxd.orgs.models import Org


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (chỉ khi cơ sở dữ liệu chưa có tổ chức nào)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--if-empty", action="store_true", help="Bỏ qua nếu đã có dữ liệu.")

    def handle(self, *args, seed, if_empty, **options):
        if Org.objects.exists():
            if if_empty:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu mẫu.")
                self._print_logins()
                return
            self.stderr.write("Cơ sở dữ liệu đã có dữ liệu; dùng một cơ sở dữ liệu trống.")
            return
        result = DemoBuilder(seed).build()
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp dữ liệu mẫu: {result.orgs} tổ chức, {result.members} hồ sơ đảng viên"
            + (f" ({result.rejected} hồ sơ bị từ chối)" if result.rejected else "") + "."))
        reform = result.activity.get("reform")
        if reform:
            self.stdout.write(f"Thao tác sắp xếp mẫu chưa thực hiện (#{reform['operation']}): {reform['title']} — "
                              "xem trước và thực hiện tại /sap-xep/ (tài khoản admin).")
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
        for user in User.objects.order_by("id").select_related("org"):
            org = user.org.name if user.org_id else "toàn hệ thống"
            self.stdout.write(f"  {user.username:<10} {user.get_role_display():<28} {org}")
