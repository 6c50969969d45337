from django.apps import AppConfig


class AuthzConfig(AppConfig):
    name = "tcxd.authz"
    label = "authz"
    verbose_name = "Người dùng và phân quyền"
