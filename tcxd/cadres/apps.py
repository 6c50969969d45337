from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "tcxd.cadres"
    label = "cadres"
    verbose_name = "Công tác cán bộ"
