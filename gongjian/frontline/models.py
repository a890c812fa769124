"""万事有解 tickets, 金点子 ideas, their categories, routing models and Open311 keys."""

from django.conf import settings
from django.db import models

from gongjian import clock
from gongjian.campaigns.models import Task
from gongjian.frontline.text import scrub
from gongjian.org.models import Grid, Person, Unit


class Category(models.Model):
    """A ticket category; in Open311 terms a service (service_code = code) with its extra attributes."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "咨询"
        HELP = "help", "求助"
        SUGGESTION = "suggestion", "建议"
        COMPLAINT = "complaint", "投诉"
        REPORT = "report", "举报"
        DISPUTE = "dispute", "矛盾纠纷"

    code = models.SlugField("服务代码", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    group = models.CharField("分组", max_length=50, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True)
    sign_days = models.PositiveSmallIntegerField("签收时限（工作日）", default=1)
    reply_days = models.PositiveSmallIntegerField("答复时限（工作日）", default=15)
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)
    updated_at = clock.UpdatedAtField()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "诉求类别"

    def __str__(self) -> str:
        return self.name

    @property
    def is_dispute(self) -> bool:
        return self.kind == self.Kind.DISPUTE


class CategoryAttribute(models.Model):
    class Datatype(models.TextChoices):
        STRING = "string", "短文本"
        NUMBER = "number", "数字"
        DATETIME = "datetime", "日期时间"
        TEXT = "text", "长文本"
        SINGLE = "singlevaluelist", "单选"
        MULTI = "multivaluelist", "多选"

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField("代码", max_length=50)
    description = models.CharField("问题", max_length=200)
    datatype = models.CharField("类型", max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    datatype_description = models.CharField("填写说明", max_length=200, blank=True)
    required = models.BooleanField("必填", default=False)
    variable = models.BooleanField("需群众填写", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    values = models.JSONField("选项", default=list, blank=True)  # [{"key": "...", "name": "..."}]

    class Meta:
        ordering = ["category", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="unique_attribute_code")]
        verbose_name = verbose_name_plural = "类别附加项"

    def __str__(self) -> str:
        return self.description


class Ticket(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", "待派单"
        ASSIGNED = "assigned", "已派单"
        RETURNED = "returned", "已退单"
        SIGNED = "signed", "已签收"
        IN_PROGRESS = "in_progress", "办理中"
        REPLIED = "replied", "已答复"
        VISITED = "visited", "已回访"
        CLOSED = "closed", "已办结"
        MERGED = "merged", "已合并"

    # The SLA clock runs in these states (the unit holds the ticket and has not replied yet).
    CLOCK_STATES = (State.ASSIGNED, State.SIGNED, State.IN_PROGRESS)
    DONE_STATES = (State.CLOSED, State.MERGED)

    class Source(models.TextChoices):
        WEB = "web", "网上提交"
        GRID = "grid", "网格员上报"
        PHONE = "phone", "电话受理"
        OPEN311 = "open311", "Open311接口"

    class Risk(models.TextChoices):
        RED = "red", "红色（重大）"
        ORANGE = "orange", "橙色（较大）"
        YELLOW = "yellow", "黄色（一般）"
        BLUE = "blue", "蓝色（轻微）"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    code = models.CharField("受理编号", max_length=12, unique=True)
    token = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tickets", verbose_name="类别")
    attributes = models.JSONField("附加信息", default=dict, blank=True)
    text = models.TextField("诉求内容")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.RECEIVED)
    urgent = models.BooleanField("紧急", default=False)

    town = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="所在镇街")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
                             verbose_name="网格")
    address = models.CharField("地址", max_length=200, blank=True)
    address_id = models.CharField(max_length=64, blank=True)
    zipcode = models.CharField(max_length=10, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    photo = models.FileField("照片", upload_to="frontline/%Y/%m/", null=True, blank=True, max_length=200)

    # Personal data: masked for everyone but the dispatcher, whose every look is audited.
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    contact_email = models.EmailField("电子邮箱", blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="登记人")

    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
                             verbose_name="承办单位")
    received_at = models.DateTimeField("受理时间", db_index=True)
    assigned_at = models.DateTimeField("派单时间", null=True, blank=True)
    sign_due = models.DateField("签收时限", null=True, blank=True)
    reply_due = models.DateField("答复时限", null=True, blank=True, db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    public_reply = models.TextField("答复内容", blank=True)
    extension_days = models.PositiveSmallIntegerField("延期（工作日）", default=0)
    redo_count = models.PositiveSmallIntegerField("重办次数", default=0)
    visited_at = models.DateTimeField("回访时间", null=True, blank=True)
    resolved = models.BooleanField("是否解决", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    verbose_name="合并至")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
                             verbose_name="督办任务")

    risk_level = models.CharField("风险等级", max_length=6, choices=Risk.choices, blank=True)
    responsible_leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                           verbose_name="包案领导")

    sla_color = models.CharField("时限亮牌", max_length=6, blank=True, db_index=True)
    sla_rule = models.CharField(max_length=30, blank=True)
    sla_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["state", "received_at"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["category", "received_at"]),
            models.Index(fields=["town", "received_at"]),
        ]
        verbose_name = verbose_name_plural = "诉求工单"

    def __str__(self) -> str:
        return f"{self.code} {self.category.name if self.category_id else ''}".strip()

    @property
    def is_open(self) -> bool:
        return self.state not in self.DONE_STATES

    @property
    def card_color(self) -> str:
        """The SLA card shown now: only while the unit holds the ticket unanswered."""
        return self.sla_color if self.state in self.CLOCK_STATES else ""

    @property
    def last_activity(self):
        stamps = (self.closed_at, self.visited_at, self.replied_at, self.signed_at, self.assigned_at,
                  self.received_at)
        return max(s for s in stamps if s is not None)

    @property
    def masked_text(self) -> str:
        return scrub(self.text)


class Assignment(models.Model):
    """One assignment (派单) of a ticket to a unit; the sign-on-time rate counts these, not tickets."""

    class Outcome(models.TextChoices):
        ACTIVE = "active", "承办中"
        RETURNED = "returned", "已退单"
        REASSIGNED = "reassigned", "已改派"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ticket_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    assigned_on = models.DateField(db_index=True)
    sign_due = models.DateField()
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_on_time = models.BooleanField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ACTIVE)

    class Meta:
        ordering = ["ticket", "assigned_at", "id"]
        indexes = [models.Index(fields=["unit", "assigned_on"])]


class TicketRequest(models.Model):
    """A unit's request to return (退单) or extend (延期) a ticket, decided by the dispatcher."""

    class Kind(models.TextChoices):
        RETURN = "return", "退单"
        EXTENSION = "extension", "延期"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "不同意"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="requests")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField("理由")
    days = models.PositiveSmallIntegerField("延期工作日", default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField("审批意见", blank=True)

    class Meta:
        ordering = ["ticket", "requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket"], condition=models.Q(status="pending"),
                                               name="one_pending_request_per_ticket")]


class TicketEvent(models.Model):
    """The ticket's timeline; public events are what the citizen sees on the tracking page."""

    LABELS = {
        "receive": "受理", "assign": "派单", "reassign": "改派", "sign": "签收", "return_request": "申请退单",
        "return_approve": "同意退单", "return_reject": "不同意退单", "extension_request": "申请延期",
        "extension_approve": "同意延期", "extension_reject": "不同意延期", "progress": "办理进展", "reply": "答复",
        "visit": "回访", "redo": "重办", "close": "办结", "merge": "合并", "promote": "转督办任务",
        "dispute": "纠纷分级", "follow_up": "跟进回访",
    }

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["ticket", "at", "id"]

    def get_kind_label(self) -> str:
        return self.LABELS.get(self.kind, self.kind)


class Visit(models.Model):
    """A follow-up visit (回访): the closing visit, a grid worker's check, or a dispute's follow-up."""

    class Kind(models.TextChoices):
        CLOSING = "closing", "办结回访"
        GRID = "grid", "网格员核实"
        FOLLOW_UP = "follow_up", "跟进回访"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved = models.BooleanField(null=True)
    satisfaction = models.CharField(max_length=12, choices=Ticket.Satisfaction.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["ticket", "on", "id"]


class RoutingModelRecord(models.Model):
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    n_examples = models.PositiveIntegerField()
    n_units = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-id"]


class Open311Key(models.Model):
    """An API key for Open311 POSTs; only its hash is stored, the key is shown once at creation."""

    name = models.CharField("使用方", max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "Open311密钥"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class Idea(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        EVALUATING = "evaluating", "评估中"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    class Category(models.TextChoices):
        URBAN = "urban", "城市建设"
        INDUSTRY = "industry", "产业发展"
        RURAL = "rural", "乡村振兴"
        LIVELIHOOD = "livelihood", "民生服务"
        BUSINESS = "business", "营商环境"
        CULTURE_TOURISM = "culture_tourism", "文化旅游"
        ECOLOGY = "ecology", "生态环保"
        GOVERNANCE = "governance", "社会治理"

    code = models.CharField("查询码", max_length=12, unique=True)
    title = models.CharField("标题", max_length=100)
    text = models.TextField("内容")
    category = models.CharField("领域", max_length=20, choices=Category.choices)
    town = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="涉及镇街")
    proposer_name = models.CharField("提出人", max_length=50, blank=True)
    proposer_phone = models.CharField("联系电话", max_length=20, blank=True)
    proposer_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    proposer_key = models.CharField(max_length=64, blank=True, db_index=True)  # who earns the points, no PII
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SUBMITTED, db_index=True)
    similar_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="疑似重复")
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    public_answer = models.TextField("公开答复", blank=True)
    decided_at = models.DateTimeField("答复时间", null=True, blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas",
                             verbose_name="转化任务")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "金点子"

    def __str__(self) -> str:
        return self.title


class PointsEntry(models.Model):
    """The reward points ledger (积分台账): append-only, one row per award or correction."""

    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="points")
    proposer_key = models.CharField(max_length=64, db_index=True)
    points = models.IntegerField("积分")
    reason = models.CharField("事由", max_length=200)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
