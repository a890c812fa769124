from decimal import Decimal

from django.conf import settings
from django.db import models

from gongjian import clock
from gongjian.assessment import periods
from gongjian.campaigns.models import Campaign
from gongjian.org.models import Unit


class Category(models.TextChoices):
    """Towns, streets and zones are ranked apart from departments (分类考核)."""

    AREA = "area", "镇街/功能区"
    DEPARTMENT = "department", "部门"


def category_of(kind: str) -> str | None:
    if kind in Unit.AREA_KINDS:
        return Category.AREA
    if kind == Unit.Kind.DEPARTMENT:
        return Category.DEPARTMENT
    return None


class Scheme(models.Model):
    """考核方案: one per campaign and period type; its indicators carry the points and weights."""

    class PeriodType(models.TextChoices):
        MONTH = periods.MONTH, "月度"
        QUARTER = periods.QUARTER, "季度"
        YEAR = periods.YEAR, "年度"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="schemes")
    period_type = models.CharField("考核周期", max_length=10, choices=PeriodType.choices)
    name = models.CharField("名称", max_length=100)
    base = models.DecimalField("基础分", max_digits=6, decimal_places=2, default=Decimal("100"))
    award_threshold = models.PositiveSmallIntegerField(
        "取消评优的未完成任务数", default=2, help_text="年度内牵头任务未按期完成达到此数，取消评优资格")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["campaign", "period_type"]
        constraints = [models.UniqueConstraint(fields=["campaign", "period_type"], name="one_scheme_per_period_type")]
        verbose_name = verbose_name_plural = "考核方案"

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One registered indicator as a scheme uses it: its points (params) and weight. Items' points are the
    indicator's points times the weight."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("指标代码", max_length=40)
    name = models.CharField("指标", max_length=60)
    is_manual = models.BooleanField("人工评价", default=False)
    params = models.JSONField("分值参数", default=dict, blank=True)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2, default=Decimal("1"))
    enabled = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_indicator_per_scheme")]
        verbose_name = verbose_name_plural = "考核指标"

    def __str__(self) -> str:
        return self.name


class Ranking(models.Model):
    """One scheme's league table for one period (e.g. 2023-03). Published results are immutable: afterwards only
    adjustments (更正, with a reason) change a score, and they show in its breakdown."""

    class State(models.TextChoices):
        COMPUTED = "computed", "已计算（未发布）"
        PUBLISHED = "published", "已发布"

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rankings")
    label = models.CharField("考核期", max_length=10)
    start = models.DateField()
    end = models.DateField()
    as_of = models.DateField("计算截至")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.COMPUTED, db_index=True)
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    seconds = models.FloatField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["scheme", "-start"]
        constraints = [models.UniqueConstraint(fields=["scheme", "label"], name="one_ranking_per_period")]
        verbose_name = verbose_name_plural = "考核排名"

    def __str__(self) -> str:
        return f"{self.scheme} {self.title}"

    @property
    def title(self) -> str:
        return periods.title(self.label)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Score(models.Model):
    """A unit's score for a ranking: total == base + the sum of its items."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessment_scores")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    base = models.DecimalField("基础分", max_digits=6, decimal_places=2)
    total = models.DecimalField("得分", max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField("名次")
    red_count = models.PositiveIntegerField("红牌数", default=0)
    yellow_count = models.PositiveIntegerField("黄牌数", default=0)
    uncompleted_tasks = models.PositiveIntegerField("年度未按期完成任务数", default=0)
    award_eligible = models.BooleanField("评优资格", default=True)

    class Meta:
        ordering = ["ranking", "category", "rank", "unit__order", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["ranking", "unit"], name="one_score_per_unit")]
        indexes = [models.Index(fields=["ranking", "category", "rank"]), models.Index(fields=["unit", "ranking"])]
        verbose_name = verbose_name_plural = "考核得分"

    def __str__(self) -> str:
        return f"{self.unit_id} {self.total}"


class ScoreItem(models.Model):
    """One line of a breakdown: the points one event earned or lost, why, and the object it came from."""

    class Kind(models.TextChoices):
        AUTO = "auto", "自动计分"
        MANUAL = "manual", "人工评价"
        ADJUSTMENT = "adjustment", "更正"

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.AUTO)
    indicator = models.CharField("指标代码", max_length=40)
    points = models.DecimalField("分值", max_digits=8, decimal_places=2)
    reason = models.CharField("事由", max_length=300)
    source_type = models.CharField(max_length=40, blank=True)  # "task", "report", "blocker", or an app_label.model
    source_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["score", "id"]
        verbose_name = verbose_name_plural = "得分明细"

    def __str__(self) -> str:
        return f"{self.points} {self.reason}"


class ManualEvaluation(models.Model):
    """A manual indicator's entry (a leader's evaluation, an untrue report): points and a reason, before publication."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="evaluations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evaluations")
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    reason = models.CharField("理由", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["ranking", "id"]
        verbose_name = verbose_name_plural = "人工评价"


class Adjustment(models.Model):
    """更正: the only change a published score accepts; unweighted, with a reason, audited, shown in the breakdown."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    reason = models.CharField("理由", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["ranking", "id"]
        verbose_name = verbose_name_plural = "考核更正"
