import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from gongjian import clock
from gongjian.campaigns.models import Campaign, Milestone, Task
from gongjian.org.models import Unit


class ReportingPeriod(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", "月度"
        WEEK = "week", "周"

    kind = models.CharField("周期类型", max_length=5, choices=Kind.choices, default=Kind.MONTH)
    label = models.CharField("名称", max_length=20)  # 2023-03 or 2023-W12
    start = models.DateField("开始")
    end = models.DateField("结束")
    # Under the shipped default due day; a campaign's own date is dispatch.periods.report_due_on.
    due_on = models.DateField("填报截止", db_index=True)

    class Meta:
        ordering = ["-start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "start"], name="unique_period")]
        verbose_name = verbose_name_plural = "调度周期"

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.kind == self.Kind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d}至{self.end:%m-%d}周"


class ProgressReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"
        SUPERSEDED = "superseded", "已更正"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    work_done = models.TextField("本期工作进展", blank=True)
    next_steps = models.TextField("下步计划", blank=True)
    percent = models.DecimalField("完成进度%", max_digits=5, decimal_places=2, default=Decimal("0"),
                                  validators=[MinValueValidator(0), MaxValueValidator(100)])
    indicator_actual = models.DecimalField("指标完成值", max_digits=18, decimal_places=2, null=True, blank=True)
    problems = models.JSONField("存在问题", default=list, blank=True)  # [{"category", "description"}]
    support_needed = models.TextField("需协调事项", blank=True)
    milestones_done = models.JSONField("本期完成节点", default=dict, blank=True)  # {milestone_id: "YYYY-MM-DD"}
    return_reason = models.TextField("退回理由", blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    correction_reason = models.TextField("更正理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period__start", "task_id"]
        constraints = [
            # One original report per task and period; corrections hang off it (one each, by the OneToOne) and
            # superseded ones stay as history.
            models.UniqueConstraint(fields=["task", "period"],
                                    condition=models.Q(supersedes__isnull=True) & ~models.Q(state="superseded"),
                                    name="one_live_report_per_task_period"),
        ]
        indexes = [models.Index(fields=["period", "state"]), models.Index(fields=["unit", "period"])]
        verbose_name = verbose_name_plural = "进展填报"

    def __str__(self) -> str:
        return f"{self.task} · {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.state in (self.State.APPROVED, self.State.SUPERSEDED)


class Contribution(models.Model):
    """A co-unit's part of the lead unit's report (配合单位报送)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="contributions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("配合情况")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="one_contribution_per_unit")]


def _evidence_path(instance, filename: str) -> str:
    # The stored name is ours; the user's file name is kept only as display text.
    return f"evidence/{instance.report.period.label}/{uuid.uuid4().hex}.{instance.extension}"


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_evidence_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now)


class Reminder(models.Model):
    """A reminder sent to a unit for a period; the unique key makes `remind` safe to run twice."""

    class Kind(models.TextChoices):
        BEFORE = "before", "截止前提醒"
        DUE = "due", "截止日提醒"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    # Campaigns set their own due day and lead time, so each reminds on its own days (empty before that).
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField()
    missing = models.PositiveIntegerField("未报数")
    channels = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "campaign", "unit", "kind"],
                                               name="one_reminder_per_campaign_kind")]
