"""The platform's notion of today. Every piece of code asks here, never `date.today()`."""

from datetime import date, datetime

from django.conf import settings
from django.db import models
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


class UpdatedAtField(models.DateTimeField):
    """When a row was last saved, by the platform clock: Django's `auto_now` reads the machine's clock, so a demo
    or test day would show the machine's date next to a banner naming another."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", now)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = now()
        setattr(model_instance, self.attname, value)
        return value
