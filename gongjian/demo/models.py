from django.db import models

from gongjian import clock


class DemoLoad(models.Model):
    """What the last `gongjian demo` created, so that a later run can tell demo data from a county's own."""

    loaded_at = clock.UpdatedAtField()
    usernames = models.JSONField(default=list)
    unit_names = models.JSONField(default=list)

    class Meta:
        verbose_name = verbose_name_plural = "演示数据加载记录"
