"""Investment arithmetic of the monthly project dispatch, pure: completion of the year's plan and 序时进度.

序时进度 (time progress) at month m is the plan cumulated to m over the year's plan, so a project that plans most of
its spending for autumn is not behind in spring. Monthly bulletins phrase the gap as "超过/低于时间进度N个百分点"."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")
TEN_THOUSAND = Decimal("10000")


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def wan(yuan: Decimal | None) -> Decimal | None:
    """Yuan → 万元 with two decimals, for tables."""
    if yuan is None:
        return None
    return (yuan / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def wan_text(yuan: Decimal | None) -> str:
    value = wan(yuan)
    return "—" if value is None else f"{value:,.2f}"


@dataclass(frozen=True)
class Position:
    """Where a project's completed investment stands against its year's plan at the end of `month` (0 = none)."""

    month: int
    year_plan: Decimal
    planned_to_date: Decimal
    year_to_date: Decimal

    @property
    def completion(self) -> Decimal | None:
        """Year-to-date completed investment as a percentage of the year's plan (unrounded)."""
        return self.year_to_date * HUNDRED / self.year_plan if self.year_plan > 0 else None

    @property
    def time_progress(self) -> Decimal | None:
        """序时进度: the plan cumulated to the month as a percentage of the year's plan (unrounded)."""
        return self.planned_to_date * HUNDRED / self.year_plan if self.year_plan > 0 else None

    @property
    def against_time_progress(self) -> Decimal | None:
        """Year-to-date completed investment as a percentage of the plan to date (序时计划), unrounded."""
        return self.year_to_date * HUNDRED / self.planned_to_date if self.planned_to_date > 0 else None

    @property
    def points(self) -> Decimal | None:
        """Completion minus time progress in percentage points: positive is ahead, negative behind."""
        if self.completion is None or self.time_progress is None:
            return None
        return self.completion - self.time_progress

    @property
    def phrase(self) -> str:
        return time_progress_phrase(self.points)


def time_progress_phrase(points: Decimal | None) -> str:
    if points is None:
        return "未安排年度计划"
    shown = one_decimal(points)
    if shown > 0:
        return f"超过时间进度{shown}个百分点"
    if shown < 0:
        return f"低于时间进度{-shown}个百分点"
    return "与时间进度持平"


def position(plan: Sequence[Decimal], actual: Sequence[Decimal], month: int) -> Position:
    """`plan` and `actual` hold January … December (index 0 is January); `month` counts 0 … 12."""
    if not 0 <= month <= 12:
        raise ValueError(f"month must be 0-12, not {month}")
    return Position(
        month=month,
        year_plan=sum(plan, ZERO),
        planned_to_date=sum(plan[:month], ZERO),
        year_to_date=sum(actual[:month], ZERO),
    )


def twelve(values: dict[int, Decimal]) -> tuple[Decimal, ...]:
    """{month: value} → twelve values, January first, missing months zero."""
    return tuple(values.get(m, ZERO) for m in range(1, 13))
