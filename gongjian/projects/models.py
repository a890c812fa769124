from decimal import Decimal

from django.db import models
from django.db.models import Q

from gongjian.campaigns.models import Campaign, FocusArea, Task
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.models import Person, Unit

# 计划总投资500万元及以上的项目纳入固定资产投资统计（"先入库，后有数"）.
STATS_THRESHOLD = Decimal("5000000")


def _money(label: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, max_digits=18, decimal_places=2, **kwargs)


class Project(Task):
    """A major project (重点项目). As a Task it has milestones, reports, cards, notices, blockers and scores; its
    planned start is the task's start and its planned completion the task's deadline."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省重点"
        CITY = "city", "市重点"
        COUNTY = "county", "县重点"

    class Nature(models.TextChoices):
        NEW = "new", "新开工"
        CONTINUING = "continuing", "续建"

    class StatsStatus(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", "不涉及（不足500万元）"
        PENDING = "pending", "待入库"
        SUBMITTED = "submitted", "已报送"
        REVIEWED = "reviewed", "已审核"
        IN_STATS = "in_stats", "已入库"

    class StatsBasis(models.TextChoices):
        MAIN_WORKS = "main_works", "主体工程开工"
        EQUIPMENT = "equipment", "设备进场"

    class Stage(models.TextChoices):
        LEAD = "lead", "线索"
        NEGOTIATING = "negotiating", "洽谈"
        FRAMEWORK_SIGNED = "framework_signed", "签订框架协议"
        CONTRACT_SIGNED = "contract_signed", "签订正式合同"
        REGISTERED = "registered", "注册落地"
        STARTED = "started", "开工建设"
        PRODUCING = "producing", "投产运营"

    STAGE_ORDER = [s.value for s in Stage]

    code = models.CharField("项目代码", max_length=40, blank=True)
    level = models.CharField("项目级别", max_length=10, choices=Level.choices, default=Level.COUNTY, db_index=True)
    nature = models.CharField("建设性质", max_length=12, choices=Nature.choices, default=Nature.NEW)
    industry_chain = models.CharField("产业链", max_length=40, blank=True, db_index=True)
    town = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="projects_located",
                             verbose_name="所在镇街")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    owner_company = models.CharField("建设单位", max_length=200, blank=True)
    contact_name = models.CharField("项目联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    total_investment = _money("总投资（元）", default=Decimal("0"))
    prior_investment = _money("以前年度累计完成投资（元）", default=Decimal("0"))
    actual_start = models.DateField("实际开工", null=True, blank=True)
    actual_completion = models.DateField("实际竣工", null=True, blank=True)
    planned_production = models.DateField("计划投产", null=True, blank=True)
    actual_production = models.DateField("实际投产", null=True, blank=True)
    workers_on_site = models.PositiveIntegerField("在岗工人数", default=0)
    stats_status = models.CharField("纳统状态", max_length=16, choices=StatsStatus.choices,
                                    default=StatsStatus.PENDING, db_index=True)
    stats_basis = models.CharField("开工依据", max_length=12, choices=StatsBasis.choices, blank=True)
    stats_on = models.DateField("入库日期", null=True, blank=True)
    stats_reason = models.CharField("未入库原因", max_length=300, blank=True)
    attraction_stage = models.CharField("招商阶段", max_length=20, choices=Stage.choices, blank=True, db_index=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    is_foreign = models.BooleanField("外资项目", default=False)
    foreign_amount_usd = models.DecimalField("外资金额（美元）", max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="unique_project_code")]
        verbose_name = verbose_name_plural = "重点项目"

    @property
    def planned_start(self):
        return self.start

    @property
    def planned_completion(self):
        return self.deadline

    @property
    def is_attracted(self) -> bool:
        return bool(self.attraction_stage)

    def stage_reached(self, stage: str) -> bool:
        return bool(self.attraction_stage) and \
            self.STAGE_ORDER.index(self.attraction_stage) >= self.STAGE_ORDER.index(stage)


class ProjectPlan(models.Model):
    """One month of a year's investment plan; the year's plan is the sum of its twelve months."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    investment = _money("计划完成投资（元）", default=Decimal("0"))
    gov_funds = _money("计划拨付政府资金（元）", default=Decimal("0"))

    class Meta:
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="one_plan_per_project_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_month_1_12"),
        ]
        indexes = [models.Index(fields=["year", "month"])]
        verbose_name = verbose_name_plural = "月度投资计划"


class ProjectFunding(models.Model):
    class Source(models.TextChoices):
        ENTERPRISE = "enterprise", "企业自筹"
        BANK = "bank", "银行贷款"
        FISCAL = "fiscal", "财政资金"
        SPECIAL_BOND = "special_bond", "专项债券"
        CENTRAL_BUDGET = "central_budget", "中央预算内投资"
        FOREIGN = "foreign", "外资"
        OTHER = "other", "其他"

    GOVERNMENT = (Source.FISCAL, Source.SPECIAL_BOND, Source.CENTRAL_BUDGET)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField("资金来源", max_length=20, choices=Source.choices)
    amount = _money("金额（元）")

    class Meta:
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="one_funding_row_per_source")]
        verbose_name = verbose_name_plural = "资金来源"


class ProjectApproval(models.Model):
    """前期手续: one row per kind, in the order a project passes them."""

    class Kind(models.TextChoices):
        PROJECT = "project", "立项"
        LAND = "land", "用地"
        PLANNING = "planning", "规划"
        ENVIRONMENT = "environment", "环评"
        FEASIBILITY = "feasibility", "可研"
        DESIGN = "design", "初设"
        CONSTRUCTION = "construction", "施工许可"

    class Status(models.TextChoices):
        TODO = "todo", "未办理"
        DOING = "doing", "办理中"
        DONE = "done", "已办结"
        NOT_NEEDED = "not_needed", "不涉及"

    KIND_ORDER = [k.value for k in Kind]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField("手续", max_length=20, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.TODO)
    planned_on = models.DateField("计划办结", null=True, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="one_approval_per_kind")]
        verbose_name = verbose_name_plural = "前期手续"


class ProjectFigures(models.Model):
    """The numbers of one monthly project dispatch (项目月度调度), attached to its progress report. Year-to-date and
    since-start figures are sums over approved reports, never typed."""

    report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="project_figures")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="figures")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    invested = _money("本期完成投资（元）", default=Decimal("0"))
    funds_in_place = _money("本期到位资金（元）", default=Decimal("0"))
    gov_funds_paid = _money("本期拨付政府资金（元）", default=Decimal("0"))
    workers = models.PositiveIntegerField("在岗工人数", null=True, blank=True)
    image_progress = models.TextField("形象进度", blank=True)

    class Meta:
        ordering = ["project", "year", "month"]
        indexes = [models.Index(fields=["project", "year", "month"])]
        verbose_name = verbose_name_plural = "项目调度数据"


class BattleTarget(models.Model):
    """A year's targets on the deployment view (作战部署图), for a focus area or for a town, with who answers for them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="battle_targets")
    focus_area = models.ForeignKey(FocusArea, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    town = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    attract = models.PositiveIntegerField("招引项目（个）", default=0)
    start = models.PositiveIntegerField("开工项目（个）", default=0)
    produce = models.PositiveIntegerField("投产项目（个）", default=0)
    investment = _money("完成投资（元）", default=Decimal("0"))
    leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="责任领导")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="责任单位")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(focus_area__isnull=True) ^ Q(town__isnull=True),
                                   name="target_for_area_or_town"),
            models.UniqueConstraint(fields=["campaign", "focus_area"], condition=Q(focus_area__isnull=False),
                                    name="one_target_per_focus_area"),
            models.UniqueConstraint(fields=["campaign", "town"], condition=Q(town__isnull=False),
                                    name="one_target_per_town"),
        ]
        verbose_name = verbose_name_plural = "作战目标"
