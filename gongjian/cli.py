"""The `gongjian` command: Django's management commands with the settings preset, plus ours."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["gongjian", *sys.argv[1:]])
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: one line naming it, not a traceback.
        sys.exit(f"配置错误：{exc}")


if __name__ == "__main__":
    main()
