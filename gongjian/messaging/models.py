"""Messages to people's phones. A thread is one notice's journey (who was asked, step by step, until someone signs);
a delivery is one message to one person on one channel, keyed so that it is sent at most once."""

from django.db import models

from gongjian.org.models import Person, Unit


class Thread(models.Model):
    notice_key = models.CharField(max_length=120, unique=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("详情链接", max_length=300, blank=True)
    # [[person ids of step 0], [step 1], ...]: liaison → unit head → 分管领导.
    chain = models.JSONField(default=list)
    step = models.PositiveSmallIntegerField("当前轮次", default=0)
    sign_hours = models.PositiveSmallIntegerField("签收时限（工作小时）", default=4)
    next_step_at = models.DateTimeField("升级时间", null=True, blank=True, db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signed_via = models.CharField(max_length=10, blank=True)  # link (one tap) or web
    events = models.JSONField(default=list)  # [{"at", "step", "people", "text"}]: the journey, shown on the notice
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "消息事项"

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    WECOM = "wecom", "政务微信"
    DINGTALK = "dingtalk", "钉钉"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"
    IN_APP = "in_app", "站内消息"
    ROBOT = "robot", "群机器人"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        RETRYING = "retrying", "等待重试"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="deliveries")
    # No person for a group robot or a citizen's contact: `address` then says where it goes.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    address = models.CharField("接收地址", max_length=200, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    step = models.PositiveSmallIntegerField("轮次", default=0)
    # notice:person:channel — a retry, a second worker or a re-queue can never make a second row to send.
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField("错误", max_length=300, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = verbose_name_plural = "消息投递"

    def __str__(self) -> str:
        return self.key


class RobotHook(models.Model):
    """A group chat's robot: the office's own group (no unit) or a unit's. The daily run's 督办/约谈 and the monthly
    通报 are posted to it."""

    class Kind(models.TextChoices):
        WECOM = "wecom", "政务微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"
        FEISHU = "feishu", "飞书群机器人"

    name = models.CharField("名称", max_length=60)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="robot_hooks",
                             verbose_name="单位", help_text="留空为督查室工作群：所有事项都推送")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "群机器人"

    def __str__(self) -> str:
        return self.name
