from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tcxd.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from tcxd.orgs.hooks import on_orgs_removed, on_subtrees_moved

        from . import namewords, tallies

        on_subtrees_moved(tallies.subtrees_moved)
        on_subtrees_moved(namewords.subtrees_moved)
        on_orgs_removed(tallies.refresh_units)  # nothing under them any more: their rows go
