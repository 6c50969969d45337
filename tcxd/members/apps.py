from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tcxd.members"
    label = "members"
    verbose_name = "Đảng viên"
