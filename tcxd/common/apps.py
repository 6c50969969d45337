from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "tcxd.common"
    label = "common"
    verbose_name = "Dùng chung"
