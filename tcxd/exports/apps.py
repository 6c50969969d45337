from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "tcxd.exports"
    label = "exports"
    verbose_name = "Xuất dữ liệu"
