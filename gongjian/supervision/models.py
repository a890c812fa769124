from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongjian import clock
from gongjian.campaigns.models import Campaign, Task
from gongjian.campaigns.overdue import overdue_on
from gongjian.dispatch.models import ProgressReport
from gongjian.org.models import Person, Unit


class Color(models.TextChoices):
    RED = "red", "红"
    YELLOW = "yellow", "黄"
    GREEN = "green", "绿"


class Rule(models.Model):
    """An office's setting for one rule code (docs/rules.md); rows override the shipped defaults, per campaign or
    everywhere (campaign empty), per task kind or for all kinds."""

    code = models.CharField("规则", max_length=40)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    task_kind = models.CharField("任务类型", max_length=20, blank=True, help_text="task 或 project；空为全部")
    enabled = models.BooleanField("启用", default=True)
    params = models.JSONField("参数", default=dict, blank=True)
    updated_at = clock.UpdatedAtField()

    class Meta:
        # Uniqueness across a NULL campaign is kept by rule_set's update_or_create: SQLite cannot enforce it.
        constraints = [models.UniqueConstraint(fields=["code", "campaign", "task_kind"], name="unique_rule_scope")]
        verbose_name = verbose_name_plural = "督查规则"

    def __str__(self) -> str:
        return self.code


class CardQuerySet(models.QuerySet):
    def on(self, day: date) -> "CardQuerySet":
        """The cards standing on `day`, each with `date` = `day`: the one home of the span condition."""
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day).annotate(
            date=models.Value(day, output_field=models.DateField()))

    def last_day(self, first: date, last: date) -> date | None:
        """The latest day from `first` to `last` on which a card stands (the cards of the last run in between)."""
        ends = list(self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first), valid_from__lte=last)
                    .order_by(models.F("valid_until").desc(nulls_first=True)).values_list("valid_until", flat=True)[:1])
        if not ends:
            return None
        return last if ends[0] is None or ends[0] >= last else ends[0]

    def latest_until(self, day: date) -> "CardQuerySet":
        """Newest span first among those begun by `day`: a task's card on `day`, or its last one if it closed."""
        return self.filter(valid_from__lte=day).order_by("-valid_from")


class Card(models.Model):
    """One row per span of days over which a task's card stayed the same (colour, the rules that lit it with their
    colours, the override flag); the open row (`valid_until` empty) is the current card. `findings` are those of the
    span's last run day, so the open row speaks of the latest run (docs/architecture.md, "Card history")."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="cards")
    valid_from = models.DateField("起始日期")
    valid_until = models.DateField("截止日期", null=True, blank=True, help_text="含当日；空为当前亮牌")
    color = models.CharField("亮牌", max_length=6, choices=Color.choices)
    findings = models.JSONField("依据", default=list)  # [{"rule", "color", "message", "facts"}]
    overridden = models.BooleanField("人工设定", default=False)

    objects = CardQuerySet.as_manager()
    date: date  # set by CardQuerySet.on

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "valid_from"], name="card_span_start"),
            models.UniqueConstraint(fields=["task"], condition=Q(valid_until__isnull=True), name="one_open_card"),
        ]
        indexes = [models.Index(fields=["valid_until", "color"], name="card_until_color")]
        ordering = ["-valid_from", "task_id"]
        verbose_name = verbose_name_plural = "亮牌"

    def __str__(self) -> str:
        return f"{self.task_id} {self.valid_from}–{self.valid_until or ''} {self.color}"


class CardOverride(models.Model):
    """The office sets a card by hand, with a reason; it lasts until the next reporting period starts."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="card_overrides")
    color = models.CharField(max_length=6, choices=Color.choices)
    reason = models.TextField("理由")
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="含当日")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class EscalationState(models.Model):
    """Where each task stands in the escalation ladder; updated by the daily run, so escalation needs no history scan."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="escalation_state")
    as_of = models.DateField()
    state = models.JSONField(default=dict)  # the ladder state after as_of's run
    before = models.JSONField(default=dict)  # the state before as_of's run, so a re-run of that day is idempotent


class Notice(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "提醒"
        URGE = "urge", "催办"
        SUPERVISE = "supervise", "督办"
        INTERVIEW = "interview", "约谈"

    class State(models.TextChoices):
        OPEN = "open", "待签收"
        ACKNOWLEDGED = "acknowledged", "已签收"
        REPLIED = "replied", "已回复"
        CLOSED = "closed", "已办结"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    blocker = models.ForeignKey("Blocker", null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="notices", verbose_name="责任单位")
    leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="notices",
                               verbose_name="告知领导")
    rule = models.CharField(max_length=40, blank=True)
    reason = models.TextField("事由")
    issued_on = models.DateField("下发日期", db_index=True)
    key = models.CharField(max_length=120, unique=True)  # makes "issue once" a database guarantee
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField("回复", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    interview_held_on = models.DateField("约谈日期", null=True, blank=True)
    interview_with = models.CharField("约谈对象", max_length=200, blank=True)
    interview_notes = models.TextField("约谈情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["unit", "state"])]
        verbose_name = verbose_name_plural = "督办通知"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reason[:20]}"


class Blocker(models.Model):
    """要素保障: a problem holding work up, cleared by a named unit and signed off (销号) by whoever raised it."""

    class Category(models.TextChoices):
        LAND = "land", "土地"
        PLANNING = "planning", "规划"
        ENVIRONMENT = "environment", "环评"
        APPROVAL = "approval", "审批"
        BIDDING = "bidding", "招投标"
        CONSTRUCTION_PERMIT = "construction_permit", "施工许可"
        FUNDING = "funding", "资金"
        ENERGY = "energy", "能耗"
        LABOUR = "labour", "用工"
        OTHER = "other", "其他"

    class Level(models.IntegerChoices):
        TASK_FORCE = 1, "专班协调"
        LEADER = 2, "分管领导协调"
        PRINCIPAL = 3, "主要领导协调"

    class State(models.TextChoices):
        OPEN = "open", "办理中"
        RESOLVED = "resolved", "已办结待销号"
        CLOSED = "closed", "已销号"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="blockers")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    description = models.TextField("问题描述")
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="blockers",
                                         verbose_name="责任单位")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField("提出日期")
    due_on = models.DateField("办理时限", db_index=True)
    level = models.PositiveSmallIntegerField("协调层级", choices=Level.choices, default=Level.TASK_FORCE)
    # Each escalation gives the next level its own time; the due date the unit was given stays as it was.
    next_escalation_on = models.DateField("下次升级日期", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    resolution = models.TextField("办理情况", blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set on a list's rows by `selectors.with_age`.
    age: int
    is_overdue: bool

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "要素保障事项"

    def __str__(self) -> str:
        return f"[{self.get_category_display()}] {self.description[:30]}"

    def is_overdue_on(self, on: date) -> bool:
        """Past its due date and still with the responsible unit (see `blocker_overdue_q`)."""
        return self.state == self.State.OPEN and overdue_on(self.due_on, None, on)


def blocker_overdue_q(on: date) -> Q:
    """Blockers overdue on `on`: past their due date and still with the responsible unit — the same test the daily
    run escalates by. A resolved blocker waiting for sign-off is not overdue; one sent back is again."""
    return Q(state=Blocker.State.OPEN, due_on__lt=on)


class SupervisionRun(models.Model):
    date = models.DateField(unique=True)
    finished_at = clock.UpdatedAtField()
    seconds = models.FloatField()
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-date"]
