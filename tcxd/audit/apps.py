from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tcxd.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"
