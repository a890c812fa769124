"""The card colour beside a task, for pages of the apps below supervision (the task list, the leader's desk, the
monthly review queue). Colours are supervision's; supervision registers how to read them here from its
AppConfig.ready(), so these pages show the signal without importing an app above them."""

from collections.abc import Callable

from django.db.models import CharField, QuerySet, Value

RANK = {"red": 0, "yellow": 1, "green": 2}
_readers: dict[str, Callable] = {}


def register(*, annotate: Callable[[QuerySet], QuerySet], current: Callable[[list[int]], dict[int, str]]) -> None:
    _readers["annotate"], _readers["current"] = annotate, current


def with_current_color(tasks: QuerySet) -> QuerySet:
    """`current_color` and `color_rank` (red 0, yellow 1, green 2, none 3) on each task, so a list can put red first."""
    if "annotate" in _readers:
        return _readers["annotate"](tasks)
    return tasks.annotate(current_color=Value("", output_field=CharField()), color_rank=Value(3))


def current_colors(task_ids: list[int]) -> dict[int, str]:
    return _readers["current"](task_ids) if "current" in _readers else {}


def red_first(color: str) -> int:
    return RANK.get(color, 3)
