"""The working-day calendar every module uses: chinesecalendar's tables, then administrators' overrides,
then Mon–Fri for years nobody has entered. `days.add(d, 3)`, `days.between(a, b)`, `days.is_workday(d)`."""

import time
from datetime import date

from gongjian.workdays.calendar import DayInfo, WorkdayCalendar

# Other processes see an administrator's change within this many seconds; this process sees it at once.
_TTL_SECONDS = 60
_cached: tuple[float, WorkdayCalendar] | None = None


def calendar() -> WorkdayCalendar:
    global _cached
    if _cached is not None and time.monotonic() - _cached[0] < _TTL_SECONDS:
        return _cached[1]
    from gongjian.workdays.models import CoveredYear, WorkdayOverride

    overrides = {o.date: (o.is_workday, o.note) for o in WorkdayOverride.objects.all()}
    covered = list(CoveredYear.objects.values_list("year", flat=True))
    built = WorkdayCalendar(overrides, covered_years=covered)
    _cached = (time.monotonic(), built)
    return built


def reset() -> None:
    global _cached
    _cached = None


def is_workday(d: date) -> bool:
    return calendar().is_workday(d)


def info(d: date) -> DayInfo:
    return calendar().info(d)


def add(d: date, n: int) -> date:
    return calendar().add(d, n)


def between(a: date, b: date) -> int:
    return calendar().between(a, b)
