"""The `gongjian` command: Django's management commands with the settings preset, plus ours."""

import os
import sys

# The arguments that only ask for the list of commands (Django's main help text).
COMMAND_LIST_ARGS = ([], ["--help"], ["-h"], ["help"], ["help", "--commands"])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    try:
        if args in COMMAND_LIST_ARGS and (text := command_list(commands_only="--commands" in args)) is not None:
            sys.stdout.write(text + "\n")
            return
        execute_from_command_line(["gongjian", *args])
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: one line naming it, not a traceback.
        sys.exit(f"配置错误：{exc}")


def command_list(*, commands_only: bool = False) -> str | None:
    """Django's list of commands, the same text, without django.setup(): loading every app's models and ready()
    hooks (and through them openpyxl, redis, python-docx …) took most of `gongjian --help`'s second, and the list
    needs only where each installed app keeps management/commands. None when the settings do not load or an app
    cannot be found that way (an AppConfig path, a namespace package): Django then answers as usual."""
    from django.conf import settings
    from django.core import management
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.color import color_style

    try:
        installed = list(settings.INSTALLED_APPS)
    except (ImproperlyConfigured, ImportError):
        return None  # Django lists its own commands with a note naming the error
    commands = {name: "django.core" for name in management.find_commands(management.__path__[0])}
    for app in reversed(installed):  # as Django does: an earlier app's command wins
        directory = _package_dir(app)
        if directory is None:
            return None
        commands.update({name: app for name in management.find_commands(os.path.join(directory, "management"))})
    if commands_only:
        return "\n".join(sorted(commands))
    by_app: dict[str, list[str]] = {}
    for name, app in commands.items():
        by_app.setdefault("django" if app == "django.core" else app.rpartition(".")[-1], []).append(name)
    style = color_style()
    lines = ["", "Type 'gongjian help <subcommand>' for help on a specific subcommand.", "", "Available subcommands:"]
    for app in sorted(by_app):
        lines += ["", style.NOTICE(f"[{app}]"), *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(lines)


def _package_dir(name: str) -> str | None:
    """The directory of package `name`, found as the import system would but without importing it or its parents
    (importing huey.contrib.djhuey's parent alone loads redis)."""
    parts = name.split(".")
    path: list[str] | None = None
    for depth in range(1, len(parts) + 1):
        fullname = ".".join(parts[:depth])
        spec = None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is not None and (spec := find_spec(fullname, path)) is not None:
                break
        if spec is None or spec.submodule_search_locations is None:
            return None
        path = list(spec.submodule_search_locations)
    return path[0] if path is not None and len(path) == 1 else None


if __name__ == "__main__":
    main()
