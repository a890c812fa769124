"""The `gongjian` command: Django's management commands with the settings preset, plus ours."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongjian", *sys.argv[1:]])


if __name__ == "__main__":
    main()
