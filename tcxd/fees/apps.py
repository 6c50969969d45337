from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "tcxd.fees"
    label = "fees"
    verbose_name = "Đảng phí"
