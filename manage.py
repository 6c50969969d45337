#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

OFFLINE_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcxd.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        # Schema tooling reads no secret: let it run without SECRET_KEY.
        os.environ.setdefault("TCXD_OFFLINE_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
