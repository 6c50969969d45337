from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "tcxd.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"
