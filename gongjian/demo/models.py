from django.db import models


class DemoLoad(models.Model):
    """What the last `gongjian demo` created, so that a later run can tell demo data from a county's own."""

    loaded_at = models.DateTimeField(auto_now=True)
    usernames = models.JSONField(default=list)
    unit_names = models.JSONField(default=list)

    class Meta:
        verbose_name = verbose_name_plural = "演示数据加载记录"
