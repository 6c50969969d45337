from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tcxd.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from tcxd.orgs.hooks import on_subtree_moved

        from .tallies import subtree_moved

        on_subtree_moved(subtree_moved)
