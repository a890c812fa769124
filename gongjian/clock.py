"""The platform's notion of today. Every piece of code asks here, never `date.today()`."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def today() -> date:
    return settings.GONGJIAN_TODAY or timezone.localdate()


def now() -> datetime:
    """The current aware time; on a fixed demo/test day, that day at the current wall-clock time."""
    current = timezone.localtime()
    fixed = settings.GONGJIAN_TODAY
    if fixed is None:
        return current
    return current.replace(year=fixed.year, month=fixed.month, day=fixed.day)


def is_fixed() -> bool:
    return settings.GONGJIAN_TODAY is not None
