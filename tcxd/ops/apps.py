from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running an installation: backup and restore of the whole database and the uploaded files."""

    name = "tcxd.ops"
    label = "ops"
    verbose_name = "Vận hành hệ thống"

    def ready(self) -> None:
        from tcxd.audit import labels

        labels.register(actions={"backup_restore": "Khôi phục dữ liệu từ bản sao lưu"})
