from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from gongjian import clock
from gongjian.campaigns.overdue import overdue_on
from gongjian.org.models import Person, Unit


class Campaign(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    year = models.PositiveIntegerField("年度")
    description = models.TextField("说明", blank=True)
    speech = models.TextField("动员讲话原文", blank=True)
    # The year's container for 督办事项 (批示件, 会议议定, 上级交办, 建议提案); never the default campaign of a page.
    routine = models.BooleanField("日常督办", default=False)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    # The office's settings (the page 攻坚行动设置); the defaults are docs/rules.md §7.
    report_due_workday = models.PositiveSmallIntegerField(
        "月度填报截止（次月第几个工作日）", default=5, validators=[MinValueValidator(1), MaxValueValidator(20)])
    remind_days_before = models.PositiveSmallIntegerField(
        "截止前几个工作日提醒", default=2, validators=[MinValueValidator(0), MaxValueValidator(10)])
    # Each change of the due day, oldest first: {"on": "YYYY-MM-DD", "from": n, "to": m}. A change reaches only
    # the periods not yet due on that day (dispatch.periods.report_due_on), so past lateness never moves.
    report_due_changes = models.JSONField("填报截止调整记录", default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = verbose_name_plural = "攻坚行动"

    def __str__(self) -> str:
        return self.name


class FocusArea(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="focus_areas")
    title = models.CharField("重点方向", max_length=100)
    sentence = models.TextField("原文", blank=True)
    leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="overseen_focus_areas",
        verbose_name="分管市级领导",
    )
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "title"], name="unique_focus_area_title")]
        verbose_name = verbose_name_plural = "重点方向"

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    class Source(models.TextChoices):
        CAMPAIGN = "campaign", "年度攻坚"
        MEETING = "meeting", "会议议定"
        INSTRUCTION = "instruction", "领导批示"
        SUPERIOR = "superior", "上级决策"
        PROPOSAL = "proposal", "建议提案"
        TICKET = "ticket", "诉求工单"
        IDEA = "idea", "金点子"
        TOWN_REPORT = "town_report", "镇街汇报"
        RECTIFICATION = "rectification", "督查整改"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ASSIGNED = "assigned", "已交办"
        IN_PROGRESS = "in_progress", "推进中"
        COMPLETED = "completed", "已办结"
        SUSPENDED = "suspended", "已暂停"
        CANCELLED = "cancelled", "已撤销"

    OPEN_STATUSES: tuple[str, ...] = (Status.ASSIGNED, Status.IN_PROGRESS)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tasks")
    focus_area = models.ForeignKey(FocusArea, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks")
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.CAMPAIGN)
    source_sentence = models.TextField("来源原文", blank=True)
    title = models.CharField("任务名称", max_length=200)
    description = models.TextField("任务描述", blank=True)
    indicator = models.CharField("量化指标", max_length=100, blank=True)
    indicator_unit = models.CharField("指标单位", max_length=20, blank=True)
    target_value = models.DecimalField("目标值", max_digits=18, decimal_places=2, null=True, blank=True)
    lead_leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="led_tasks", verbose_name="牵头市级领导"
    )
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name="牵头单位")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_tasks", verbose_name="配合单位")
    task_force = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="task_force_tasks", verbose_name="专班"
    )
    start = models.DateField("开始日期")
    deadline = models.DateField("办结时限", db_index=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    is_hot = models.BooleanField("一周一反馈", default=False)
    progress = models.DecimalField(
        "最新进度%", max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = clock.UpdatedAtField()

    class Meta:
        ordering = ["campaign", "focus_area", "id"]
        indexes = [models.Index(fields=["lead_unit", "status"]), models.Index(fields=["campaign", "status"])]
        verbose_name = verbose_name_plural = "任务"

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, on: date) -> bool:
        """Not completed by `on` and its deadline before `on` (see `task_overdue_q`)."""
        if self.status in self.OPEN_STATUSES:
            return overdue_on(self.deadline, None, on)
        return self.status == self.Status.COMPLETED and self.completed_on is not None and overdue_on(
            self.deadline, self.completed_on, on)


def task_overdue_q(on: date) -> Q:
    """Tasks overdue on `on` (`campaigns/overdue.py`): open with the deadline before `on`, or completed after `on`
    although due before it (so a past day's count stays what it was). Drafts, suspended and cancelled tasks run no
    clock."""
    return Q(deadline__lt=on) & (Q(status__in=Task.OPEN_STATUSES) | Q(status=Task.Status.COMPLETED, completed_on__gt=on))


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点名称", max_length=200)
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_date = models.DateField("计划完成", null=True, blank=True, db_index=True)
    duration = models.PositiveIntegerField("工期（工作日）", default=0)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=Decimal("1"))
    done_on = models.DateField("完成日期", null=True, blank=True)
    evidence = models.TextField("佐证说明", blank=True)
    total_float = models.IntegerField("总时差（工作日）", null=True, blank=True)
    is_critical = models.BooleanField("关键节点", default=False)
    order = models.PositiveIntegerField("排序", default=0)
    # Set on the rows of a schedule proposal by `services.task_schedule_proposal`.
    proposed_start: date
    proposed_date: date
    proposed_float: int
    proposed_critical: bool

    class Meta:
        ordering = ["task", "order", "planned_date", "id"]
        verbose_name = verbose_name_plural = "节点"

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: date) -> bool:
        return overdue_on(self.planned_date, self.done_on, on)


class Dependency(models.Model):
    class Type(models.TextChoices):
        FS = "FS", "完成-开始"
        SS = "SS", "开始-开始"
        FF = "FF", "完成-完成"
        SF = "SF", "开始-完成"

    predecessor = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField("类型", max_length=2, choices=Type.choices, default=Type.FS)
    lag = models.IntegerField("间隔（工作日）", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_dependency"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="no_self_dependency"),
        ]
        verbose_name = verbose_name_plural = "节点依赖"

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Adjustment(models.Model):
    """A request to change an assigned task's deadline, lead unit or target (调整须审批); old values stay here."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="adjustments")
    changes = models.JSONField("调整内容")  # {field: [old, new]}
    reason = models.TextField("理由")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "调整申请"

    def __str__(self) -> str:
        return f"{self.task} 调整申请"
