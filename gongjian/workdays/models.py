from django.db import models

from gongjian import clock


class WorkdayOverride(models.Model):
    """An administrator's entry from the State Council's annual notice, which wins over chinesecalendar."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100)
    updated_at = clock.UpdatedAtField()

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.note}"


class CoveredYear(models.Model):
    """A year whose holidays an administrator has entered completely, so no Mon–Fri fallback warning is due."""

    year = models.PositiveIntegerField(unique=True)
    note = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return str(self.year)
