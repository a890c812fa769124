import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from gongjian.audit.services import record
from gongjian.errors import UserError
from gongjian.types import User
from gongjian.workdays import days
from gongjian.workdays.models import CoveredYear, WorkdayOverride


def workday_override_set(*, actor: User | None, day: date, is_workday: bool, note: str) -> WorkdayOverride:
    note = (note or "").strip()
    if not note:
        raise UserError("请填写说明，例如“国务院办公厅2027年节假日安排”", "required", field="note")
    if len(note) > 100:
        raise UserError("说明不能超过100个字", "too_long", field="note")
    with transaction.atomic():
        previous = WorkdayOverride.objects.filter(date=day).first()
        override, _ = WorkdayOverride.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "note": note}
        )
        record(
            actor=actor,
            event="workday.set",
            obj=override,
            changes={"is_workday": [previous.is_workday if previous else None, is_workday], "note": note},
        )
        # Drop this process's cached calendar now (later reads in this transaction see the change) and again after
        # commit (a rollback must not leave the uncommitted override cached).
        days.reset()
        transaction.on_commit(days.reset)
    return override


@dataclass(frozen=True)
class HolidayRange:
    name: str
    start: date
    end: date


_RANGE_LINE = re.compile(r"(?P<name>[^\d\s]\S*)\s+(?P<start>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|到|~|～|—|－|\s)\s*"
                         r"(?P<end>\d{4}-\d{1,2}-\d{1,2}))?")
_MAKEUP_LINE = re.compile(r"(?P<day>\d{4}-\d{1,2}-\d{1,2})(?:\s+(?P<note>.+))?")
WEEKDAYS_ZH = "一二三四五六日"


def _day(text: str) -> date | None:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def parse_schedule(*, year: int, holidays_text: str, makeup_text: str) -> tuple[list[HolidayRange], list[tuple[date, str]]]:
    """Read the State Council's notice as typed into the form: one holiday range a line ("春节 2027-02-06 至
    2027-02-12") and one make-up working day a line ("2027-02-14 春节调休"). Every problem names its line."""
    errors: dict[str, list[str]] = {"holidays": [], "makeup": []}
    ranges: list[HolidayRange] = []
    for number, line in enumerate((holidays_text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = _RANGE_LINE.fullmatch(line)
        if match is None:
            errors["holidays"].append(f"第{number}行“{line}”应写作 名称 开始日期 至 结束日期，如“春节 {year}-02-06 至 {year}-02-12”")
            continue
        if match["end"] is None:
            errors["holidays"].append(f"第{number}行“{match['name']}”缺少结束日期：每个假期须写完整的起止日期")
            continue
        start, end = _day(match["start"]), _day(match["end"])
        if start is None or end is None:
            errors["holidays"].append(f"第{number}行有不存在的日期")
        elif start > end:
            errors["holidays"].append(f"第{number}行“{match['name']}”的开始日期晚于结束日期")
        elif start.year != year or end.year != year:
            errors["holidays"].append(f"第{number}行“{match['name']}”不在{year}年内")
        else:
            for other in ranges:
                if start <= other.end and other.start <= end:
                    errors["holidays"].append(f"第{number}行“{match['name']}”与“{other.name}”的日期重叠")
                    break
            else:
                ranges.append(HolidayRange(match["name"][:40], start, end))
    if not ranges and not errors["holidays"]:
        errors["holidays"].append("请至少填写一个假期（元旦、春节、清明、劳动节、端午、中秋、国庆）")
    makeup: list[tuple[date, str]] = []
    for number, line in enumerate((makeup_text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = _MAKEUP_LINE.fullmatch(line)
        day = _day(match["day"]) if match else None
        if day is None:
            errors["makeup"].append(f"第{number}行“{line}”应写作 日期 说明，如“{year}-02-14 春节调休”")
        elif day.year != year:
            errors["makeup"].append(f"第{number}行 {day} 不在{year}年内")
        elif day.weekday() < 5:
            errors["makeup"].append(f"第{number}行 {day} 是星期{WEEKDAYS_ZH[day.weekday()]}，调休上班日应在周六或周日")
        elif any(r.start <= day <= r.end for r in ranges):
            errors["makeup"].append(f"第{number}行 {day} 在假期之内，不能同时是调休上班日")
        elif any(day == d for d, _ in makeup):
            errors["makeup"].append(f"第{number}行 {day} 重复")
        else:
            assert match is not None  # a day was read from it
            makeup.append((day, (match["note"] or "调休上班").strip()[:60]))
    found = {key: value for key, value in errors.items() if value}
    if found:
        field = next(iter(found))
        raise ScheduleError("；".join(found[field]), field=field, errors=found)
    return ranges, makeup


class ScheduleError(UserError):
    def __init__(self, message: str, *, field: str, errors: dict[str, list[str]]):
        super().__init__(message, "invalid_schedule", field=field)
        self.errors = errors


def year_schedule_set(*, actor: User, year: int, holidays: list[HolidayRange], makeup: list[tuple[date, str]],
                      source: str) -> int:
    """Replace a year's holidays and make-up days with the notice's, and mark the year as entered."""
    source = (source or "").strip() or f"国务院办公厅关于{year}年部分节假日安排的通知"
    if len(source) > 100:
        raise UserError("文件名称不能超过100个字", "too_long", field="source")
    with transaction.atomic():
        removed = WorkdayOverride.objects.filter(date__year=year).delete()[0]
        rows = [WorkdayOverride(date=date.fromordinal(o), is_workday=False, note=f"{r.name}（{source}）"[:100])
                for r in holidays for o in range(r.start.toordinal(), r.end.toordinal() + 1)]
        rows += [WorkdayOverride(date=d, is_workday=True, note=f"{note}（{source}）"[:100]) for d, note in makeup]
        WorkdayOverride.objects.bulk_create(rows)
        covered, _ = CoveredYear.objects.update_or_create(year=year, defaults={"note": source})
        record(actor=actor, event="workday.year_set", obj=covered, changes={
            "year": year, "holidays": [[r.name, r.start, r.end] for r in holidays],
            "makeup": [d for d, _ in makeup], "replaced": removed})
        days.reset()
        transaction.on_commit(days.reset)
    return len(rows)


def uncovered(year: int) -> bool:
    return bool(days.calendar().uncovered_years([year]))


def missing_next_year(today: date) -> int | None:
    """From October on, next year's schedule is due (the State Council publishes it in the autumn); the year when it
    has not been entered yet, else None."""
    if today.month < 10:
        return None
    return today.year + 1 if uncovered(today.year + 1) else None
