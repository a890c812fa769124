from django.conf import settings
from django.db import models

from gongjian import clock
from gongjian.campaigns.models import Campaign, Task
from gongjian.org.models import Unit

ISSUER = "市委市政府督查室"


class Bulletin(models.Model):
    """The supervision office's monthly bulletin (通报) for one campaign. A draft shows the month's live figures;
    publishing stores them (`content`) and the bulletin is immutable from then on."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="bulletins")
    month = models.CharField("月份", max_length=7)  # "2023-03"
    number = models.PositiveIntegerField("期数")
    title = models.CharField("标题", max_length=120)
    issuer = models.CharField("发文单位", max_length=60, default=ISSUER)
    office_text = models.TextField("督查室意见", blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    content = models.JSONField("发布时的内容", default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = clock.UpdatedAtField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["-month", "campaign_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "month"], name="one_bulletin_per_month")]
        verbose_name = verbose_name_plural = "通报"

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class AnnualReport(models.Model):
    """A town's, street's, zone's or department's annual work report (年度工作汇报): last year's summary, this year's
    approach and measures; its goals are AnnualGoal rows."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="annual_reports", verbose_name="单位")
    year = models.PositiveIntegerField("年度")
    last_year_summary = models.TextField("上年工作总结", blank=True)
    approach = models.TextField("本年工作思路", blank=True)
    measures = models.TextField("具体措施", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = clock.UpdatedAtField()

    class Meta:
        ordering = ["year", "unit__order", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_annual_report_per_unit_year")]
        verbose_name = verbose_name_plural = "年度工作汇报"

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年工作汇报"


class AnnualGoal(models.Model):
    """One goal of an annual report, quantified where possible; the office may turn it into a task."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField("目标", max_length=200)
    quantity = models.DecimalField("目标值", max_digits=18, decimal_places=2, null=True, blank=True)
    unit_of_measure = models.CharField("计量单位", max_length=20, blank=True)
    deadline = models.DateField("完成时限")
    task = models.OneToOneField(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="annual_goal",
                                verbose_name="转化的任务")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["report", "order", "id"]
        verbose_name = verbose_name_plural = "年度目标"

    def __str__(self) -> str:
        return self.text
