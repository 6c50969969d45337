from django.apps import AppConfig


class RestructureConfig(AppConfig):
    name = "tcxd.restructure"
    label = "restructure"
    verbose_name = "Sắp xếp tổ chức bộ máy"
