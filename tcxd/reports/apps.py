from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tcxd.reports"
    label = "reports"
    verbose_name = "Thống kê, báo cáo"
