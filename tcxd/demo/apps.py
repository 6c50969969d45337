from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tcxd.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
