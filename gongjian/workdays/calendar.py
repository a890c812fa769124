"""Working-day calendar: the State Council tables in chinesecalendar, admin overrides on top, Mon–Fri beyond.

Every day is ranked by the number of working days on or before it. Ranks are kept per year in lazily built
tables, so `between` is two table look-ups and `add` is a look-up plus a walk over (usually zero) whole years.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate

from chinese_calendar import Holiday
from chinese_calendar import holidays as _CC_HOLIDAYS
from chinese_calendar import workdays as _CC_WORKDAYS

logger = logging.getLogger("gongjian.workdays")

CHINESE_CALENDAR_YEARS = range(min(_CC_HOLIDAYS).year, max(_CC_HOLIDAYS).year + 1)
_HOLIDAY_NAMES_ZH = {holiday.value: holiday.chinese for holiday in Holiday}

# Process-wide so that a calendar built per request does not repeat the warning on every request.
_warned_years: set[int] = set()


@dataclass(frozen=True)
class DayInfo:
    date: date
    workday: bool
    reason: str


@dataclass(frozen=True, slots=True)
class _Year:
    base: int  # working days before 1 January of this year
    first: int  # ordinal of 1 January
    cum: list[int]  # cum[i]: working days among the year's first i days
    days: list[int]  # ordinals of the year's working days, ascending


def _is_weekday(ordinal: int) -> bool:
    return (ordinal - 1) % 7 < 5  # ordinal 1 (0001-01-01) is a Monday


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays among ordinals 1..ordinal."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@cache
def _chinese_calendar_deviations() -> dict[int, int]:
    """Ordinal -> +1 for a weekend working day, -1 for a weekday holiday, per chinesecalendar."""
    deviations = {d.toordinal(): -1 for d in _CC_HOLIDAYS if d.weekday() < 5}
    deviations.update({d.toordinal(): 1 for d in _CC_WORKDAYS if d.weekday() >= 5})
    return deviations


def _warn_uncovered(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        logger.warning("No holiday table for %d: counting Monday to Friday as working days", year)


class WorkdayCalendar:
    """Working days per the State Council notices (via chinesecalendar), with admin overrides winning.

    Years neither covered by chinesecalendar nor listed in `covered_years` fall back to Monday–Friday
    (plus any overrides) and log one warning per year; nothing here raises for a future year.
    """

    def __init__(
        self,
        overrides: Mapping[date, tuple[bool, str]] | None = None,
        *,
        covered_years: Iterable[int] | None = None,
    ) -> None:
        self._overrides: dict[date, tuple[bool, str]] = dict(overrides or {})
        self._covered = set(CHINESE_CALENDAR_YEARS) | set(covered_years or ())
        deviations = dict(_chinese_calendar_deviations())
        for d, (workday, _note) in self._overrides.items():
            delta = int(workday) - int(d.weekday() < 5)
            if delta:
                deviations[d.toordinal()] = delta
            else:
                deviations.pop(d.toordinal(), None)
        self._deviations = deviations
        self._deviation_ordinals = sorted(deviations)
        self._deviation_sums = [0, *accumulate(deviations[o] for o in self._deviation_ordinals)]
        self._years: dict[int, _Year] = {}

    def info(self, d: date) -> DayInfo:
        if d in self._overrides:
            workday, note = self._overrides[d]
            return DayInfo(d, workday, f"管理员设置：{note}" if note else "管理员设置")
        if d.year not in self._covered:
            _warn_uncovered(d.year)
            return DayInfo(d, d.weekday() < 5, f"按周一至周五推算（{d.year}年节假日未录入）")
        if d in _CC_WORKDAYS:
            return DayInfo(d, True, "调休上班日")
        if d in _CC_HOLIDAYS:
            return DayInfo(d, False, f"法定节假日：{_HOLIDAY_NAMES_ZH.get(_CC_HOLIDAYS[d], _CC_HOLIDAYS[d])}")
        if d.weekday() >= 5:
            return DayInfo(d, False, "周末")
        return DayInfo(d, True, "工作日")

    def is_workday(self, d: date) -> bool:
        year = self._year(d.year)
        i = d.toordinal() - year.first
        return year.cum[i + 1] > year.cum[i]

    def add(self, d: date, n: int) -> date:
        """The n-th working day after d (n > 0) or before d (n < 0), never counting d itself.

        add(d, 0) is d when d is a working day, else the next working day. In an ordinary week
        add(Fri, 1) is the next Monday and add(Sat, -1) is the Friday before; add(Sat, 1) is Monday.
        """
        year = self._year(d.year)
        i = d.toordinal() - year.first
        rank = year.base + year.cum[i + 1]
        target = rank + n if n > 0 else rank + n + 1 - (year.cum[i + 1] - year.cum[i])
        number = d.year
        while target > year.base + len(year.days):
            number += 1
            year = self._year(number)
        while target <= year.base:
            number -= 1
            year = self._year(number)
        return date.fromordinal(year.days[target - year.base - 1])

    def between(self, a: date, b: date) -> int:
        """Working days in (a, b] when b >= a, and minus the working days in (b, a] when b < a.

        So between(Fri, next Mon) == 1, between(d, d) == 0, and between(a, add(a, n)) == n for a working day a.
        """
        return self._rank(b) - self._rank(a)

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        return sorted({year for year in years if year not in self._covered})

    def _rank(self, d: date) -> int:
        year = self._year(d.year)
        return year.base + year.cum[d.toordinal() - year.first + 1]

    def _year(self, number: int) -> _Year:
        year = self._years.get(number)
        if year is None:
            year = self._years[number] = self._build_year(number)
        return year

    def _build_year(self, number: int) -> _Year:
        if number not in self._covered:
            _warn_uncovered(number)
        first = date(number, 1, 1).toordinal()
        last = date(number, 12, 31).toordinal()
        before = self._deviation_sums[bisect_left(self._deviation_ordinals, first)]
        deviations = self._deviations
        cum = [0]
        days: list[int] = []
        for ordinal in range(first, last + 1):
            if _is_weekday(ordinal) + deviations.get(ordinal, 0):
                days.append(ordinal)
            cum.append(len(days))
        return _Year(base=_weekdays_through(first - 1) + before, first=first, cum=cum, days=days)
