"""Run the apply of a queued import batch in this process (what the worker runs): to rerun a batch whose
worker was killed, or from a script."""

from django.core.management.base import BaseCommand, CommandError

from tcxd.imports.models import ImportBatch
from tcxd.imports.services import import_apply_run


class Command(BaseCommand):
    help = "Áp dụng một lô nhập dữ liệu đang chờ (chạy lại lô bị gián đoạn)."

    def add_arguments(self, parser):
        parser.add_argument("batch", type=int, help="số lô")

    def handle(self, *args, batch: int, **options):
        if not ImportBatch.objects.filter(pk=batch).exists():
            raise CommandError(f"Không có lô #{batch}.")
        result = import_apply_run(batch)
        self.stdout.write(f"Lô #{result.pk}: {result.get_status_display()} {result.result or ''} {result.error}")
