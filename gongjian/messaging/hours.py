"""Working hours: office hours on working days of the real calendar (make-up Saturdays count, holidays do not)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from gongjian.workdays import days

# 上午 9:00–12:00, 下午 13:30–17:30: seven working hours a day.
WINDOWS = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `start` (aware, local time)."""
    tz = timezone.get_current_timezone()
    current = timezone.localtime(start, tz)
    left = timedelta(hours=hours)
    day = current.date()
    for _ in range(400):
        if days.is_workday(day):
            for begin, end in WINDOWS:
                window_start = datetime.combine(day, begin, tzinfo=tz)
                window_end = datetime.combine(day, end, tzinfo=tz)
                if current >= window_end:
                    continue
                begin_at = max(current, window_start)
                if begin_at + left <= window_end:
                    return begin_at + left
                left -= window_end - begin_at
                current = window_end
        day += timedelta(days=1)
        current = datetime.combine(day, time(0, 0), tzinfo=tz)
    raise ValueError("working hours beyond the calendar")
