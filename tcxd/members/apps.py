from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tcxd.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from tcxd.orgs.hooks import on_subtree_moved

        from . import namewords, tallies

        on_subtree_moved(tallies.subtree_moved)
        on_subtree_moved(namewords.subtree_moved)
