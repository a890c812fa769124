"""督办事项 of every kind. Each is a Task (as a major project is), so cards, escalation, notices, reports and scores
apply unchanged; the subclass row holds what is specific to its kind."""

from django.conf import settings
from django.db import models

from gongjian import clock
from gongjian.campaigns.models import Task
from gongjian.org.models import Person, Unit


class Instruction(Task):
    """领导批示件: a leader's written instruction on a report."""

    leader = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="instructions", verbose_name="批示领导")
    instruction_text = models.TextField("批示内容")
    report_title = models.CharField("所批报告", max_length=200, blank=True)
    received_on = models.DateField("收文日期")
    scan = models.BinaryField("批示原件扫描件", null=True, blank=True)
    scan_name = models.CharField("扫描件文件名", max_length=100, blank=True)
    proposed_handling = models.TextField("拟办意见", blank=True)
    handling_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    handling_approved_at = models.DateTimeField(null=True, blank=True)
    needs_signoff = models.BooleanField("须领导销号", default=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    signed_off_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导批示件"


class Meeting(models.Model):
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("会议日期")
    chair = models.CharField("主持人", max_length=60)
    minutes = models.TextField("会议纪要", blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "会议"

    def __str__(self) -> str:
        return self.title


class MeetingItem(Task):
    """会议议定事项."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items", verbose_name="会议")

    class Meta:
        verbose_name = verbose_name_plural = "会议议定事项"


class Assignment(Task):
    """上级交办: our deadline runs `lead_workdays` working days ahead of the upstream one, so the city reports on time."""

    upstream_body = models.CharField("交办机关", max_length=100)
    upstream_number = models.CharField("来文文号", max_length=60, blank=True)
    upstream_deadline = models.DateField("上级时限")
    lead_workdays = models.PositiveSmallIntegerField("提前工作日数", default=3)
    reply_text = models.TextField("向上级报送情况", blank=True)
    replied_on = models.DateField("报送日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上级交办事项"


class Proposal(Task):
    """人大代表建议 / 政协提案: 主办 is the lead unit, 协办 the co-units, 会办 `joint_units`."""

    class Kind(models.TextChoices):
        NPC = "npc", "人大代表建议"
        CPPCC = "cppcc", "政协提案"

    class Answer(models.TextChoices):
        A = "A", "A类（已解决或采纳）"
        B = "B", "B类（正在解决或列入计划）"
        C = "C", "C类（因条件限制留作参考）"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    code = models.CharField("编号", max_length=30)
    proposers = models.CharField("领衔人及附议人", max_length=300)
    joint_units = models.ManyToManyField(Unit, blank=True, related_name="joint_proposals", verbose_name="会办单位")
    met_on = models.DateField("面商日期", null=True, blank=True)
    met_note = models.TextField("面商情况", blank=True)
    answer_text = models.TextField("答复内容", blank=True)
    answer_class = models.CharField("答复类别", max_length=1, choices=Answer.choices, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    satisfaction = models.CharField("代表委员意见", max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_on = models.DateField("反馈日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "建议提案"


class HandlingReport(models.Model):
    """A unit's report on how it handled an item (办理情况)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="handling_reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="报送单位")
    text = models.TextField("办理情况")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)  # the platform's clock, so a fixed demo day shows that day

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "办理情况"
