from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "tcxd.rules"
    label = "rules"
    verbose_name = "Quy định và tham số"
