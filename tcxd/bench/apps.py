from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tcxd.bench"
    label = "bench"
    verbose_name = "Đo hiệu năng"
