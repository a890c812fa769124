"""Assessment periods: a month ("2023-03"), a quarter ("2023-Q1") or a year ("2023")."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KIND_NAMES = {MONTH: "月度", QUARTER: "季度", YEAR: "年度"}
_QUARTER_NAMES = "一二三四"
_PATTERNS = {
    MONTH: re.compile(r"(\d{4})-(\d{2})"),
    QUARTER: re.compile(r"(\d{4})-Q([1-4])"),
    YEAR: re.compile(r"(\d{4})"),
}


def _month_end(start: date) -> date:
    return (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def parse(label: str) -> tuple[str, date, date]:
    """"2023-03" → ("month", 2023-03-01, 2023-03-31); raises ValueError with a Chinese message otherwise."""
    text = (label or "").strip().upper()
    for kind, pattern in _PATTERNS.items():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == MONTH:
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            start = date(year, month, 1)
            return kind, start, _month_end(start)
        if kind == QUARTER:
            first = (int(match.group(2)) - 1) * 3 + 1
            start = date(year, first, 1)
            return kind, start, _month_end(date(year, first + 2, 1))
        return kind, date(year, 1, 1), date(year, 12, 31)
    raise ValueError(f"考核期格式应为 2023-03（月）、2023-Q1（季）或 2023（年）：{label}")


def label_for(kind: str, on: date) -> str:
    if kind == MONTH:
        return f"{on:%Y-%m}"
    if kind == QUARTER:
        return f"{on.year}-Q{(on.month - 1) // 3 + 1}"
    return str(on.year)


def previous(label: str) -> str:
    kind, start, _ = parse(label)
    return label_for(kind, start - timedelta(days=1))


def title(label: str) -> str:
    kind, start, _ = parse(label)
    if kind == MONTH:
        return f"{start.year}年{start.month}月"
    if kind == QUARTER:
        return f"{start.year}年第{_QUARTER_NAMES[(start.month - 1) // 3]}季度"
    return f"{start.year}年度"


def months(start: date, end: date) -> list[tuple[date, date]]:
    """The calendar months from start to end, each cut to [start, end]."""
    result, cursor = [], start.replace(day=1)
    while cursor <= end:
        result.append((max(cursor, start), min(_month_end(cursor), end)))
        cursor = _month_end(cursor) + timedelta(days=1)
    return result


@dataclass
class Period:
    """What every indicator function receives: the period, the day events are judged on (`as_of`, the period's last
    day or today if earlier) and the campaign whose tasks count. `memo` lets indicators share a bulk load."""

    kind: str
    label: str
    start: date
    end: date
    as_of: date
    campaign_id: int
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def year_start(self) -> date:
        return date(self.start.year, 1, 1)

    def passed_within(self) -> tuple[date, date]:
        """Due dates whose following day falls in [start, as_of]: a deadline or report due date counts in the
        period in which it has passed, so a date on the period's last day counts in the next period, once."""
        return self.start - timedelta(days=1), self.as_of - timedelta(days=1)
