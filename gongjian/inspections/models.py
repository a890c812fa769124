"""What the office sees with its own eyes: inspection plans, on-site findings with photos, and the rectification
items (整改) the findings become. A rectification item *is* a Task (source 督查整改), so cards, notices, reports and
assessment apply to it unchanged."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from gongjian import clock
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch.models import ProgressReport
from gongjian.org.models import Unit


class Inspection(models.Model):
    class Kind(models.TextChoices):
        SPECIAL = "special", "专项督查"
        SITE = "site", "实地核查"
        COVERT = "covert", "暗访"
        RECHECK = "recheck", "回头看"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="inspections",
                                 verbose_name="攻坚行动")
    kind = models.CharField("督查方式", max_length=10, choices=Kind.choices, default=Kind.SPECIAL)
    subject = models.CharField("督查主题", max_length=200)
    scope = models.TextField("督查范围", blank=True)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    checklist = models.TextField("检查清单", blank=True, help_text="每行一项")
    proposals = models.TextField("意见建议", blank=True, help_text="写入督查专报")
    tasks = models.ManyToManyField(Task, blank=True, related_name="inspections", verbose_name="核查事项")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="inspections",
                                  verbose_name="督查组成员")
    # A photo farther than this from the site is flagged; a fix less accurate than that cannot verify anything.
    max_distance_m = models.PositiveIntegerField("位置偏差上限（米）", default=500)
    max_accuracy_m = models.PositiveIntegerField("定位精度要求（米）", default=100)
    published_on = models.DateField("通报日期", null=True, blank=True)
    document = models.OneToOneField("documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="inspection", verbose_name="督查专报")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = verbose_name_plural = "专项督查"

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("inspection_detail", args=[self.pk])

    @property
    def is_hidden_from_units(self) -> bool:
        return self.kind == self.Kind.COVERT and self.published_on is None

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="findings",
                             verbose_name="核查事项")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="findings", verbose_name="责任单位")
    checklist_item = models.CharField("检查项", max_length=200, blank=True)
    description = models.TextField("发现的问题")
    progress_seen = models.DecimalField("现场所见进度%", max_digits=5, decimal_places=2, null=True, blank=True)
    # What the unit last claimed, frozen when the finding was recorded, so a later report cannot change the contrast.
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="所涉填报")
    progress_claimed = models.DecimalField("填报进度%", max_digits=5, decimal_places=2, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField("核查日期")
    false_report_on = models.DateField("认定报送不实日期", null=True, blank=True)
    false_report_reason = models.TextField("报送不实说明", blank=True)

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = verbose_name_plural = "核查发现"

    def __str__(self) -> str:
        return self.description[:40]

    def get_absolute_url(self) -> str:
        return reverse("finding_detail", args=[self.pk])

    @property
    def is_false_report(self) -> bool:
        return self.false_report_on is not None


def _photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.finding.inspection_id}/{uuid.uuid4().hex}.{instance.extension}"


class Photo(models.Model):
    class Verdict(models.TextChoices):
        MATCH = "match", "位置相符"
        FAR = "far", "位置不符"
        UNVERIFIABLE = "unverifiable", "无法核实"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=30)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    exif_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField("距项目位置（米）", null=True, blank=True)
    verdict = models.CharField("位置核验", max_length=15, choices=Verdict.choices)
    verdict_note = models.CharField("核验说明", max_length=300)
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["finding", "id"]


class Rectification(models.Model):
    """A finding turned into work: the Task is what gets supervised; closing it needs evidence."""

    class Recheck(models.TextChoices):
        HELD = "held", "整改到位"
        RELAPSED = "relapsed", "出现反弹"

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="rectification")
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="rectification")
    evidence = models.FileField(upload_to="rectifications/", blank=True)
    evidence_type = models.CharField(max_length=30, blank=True)
    closing_note = models.TextField("整改情况", blank=True)
    closed_on = models.DateField("整改完成日期", null=True, blank=True)
    recheck = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="rechecked",
                                verbose_name="回头看")
    recheck_result = models.CharField("回头看结论", max_length=10, choices=Recheck.choices, blank=True)
    recheck_note = models.TextField("回头看说明", blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "整改事项"


ZERO = Decimal("0")
