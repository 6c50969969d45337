from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tcxd.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self) -> None:
        from tcxd.members.worklists import register_provider

        from .worklist import striking_off_items

        register_provider(striking_off_items)
