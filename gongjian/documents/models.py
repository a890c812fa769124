from django.conf import settings
from django.db import models
from django.db.models import Q

from gongjian import clock
from gongjian.campaigns.models import Task


class DocType(models.TextChoices):
    NOTICE = "notice", "督办通知单"
    INSPECTION = "inspection", "督查通知"
    INTERVIEW = "interview", "约谈通知书"
    SPECIAL = "special", "督查专报"
    BULLETIN = "bulletin", "通报"


# 发文机关代字 after the city's abbreviation: 莱 + 督字 → 莱督字〔2023〕12号.
DEFAULT_CODES = {
    DocType.NOTICE: "督字", DocType.INSPECTION: "督查", DocType.INTERVIEW: "督谈", DocType.SPECIAL: "督专",
    DocType.BULLETIN: "督通",
}


class Letterhead(models.Model):
    """The office's one set of document settings: the red header, the signature, the codes, the seal."""

    authority = models.CharField("发文机关标志", max_length=40, default="市委市政府督查室")
    signature = models.CharField("发文机关署名", max_length=40, default="市委市政府督查室")
    abbreviation = models.CharField("地名简称", max_length=4, blank=True, help_text="如“莱”")
    codes = models.JSONField("各文种代字", default=dict, blank=True)
    printer = models.CharField("印发机关", max_length=40, default="市委市政府督查室")
    seal = models.BinaryField("印章图片（PNG）", null=True, blank=True)
    updated_at = clock.UpdatedAtField()

    class Meta:
        verbose_name = verbose_name_plural = "公文版式设置"

    def code_for(self, doc_type: str) -> str:
        return f"{self.abbreviation}{(self.codes or {}).get(doc_type) or DEFAULT_CODES[doc_type]}"


class NumberCounter(models.Model):
    """The last number issued for one document type in one year; locked while a number is taken, so numbers are
    gapless and never repeat."""

    doc_type = models.CharField(max_length=12, choices=DocType.choices)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "year"], name="one_counter_per_type_year")]


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "拟稿"
        REVIEW = "review", "待审核"
        APPROVED = "approved", "待签发"
        SIGNED = "signed", "已签发"

    doc_type = models.CharField("文种", max_length=12, choices=DocType.choices, db_index=True)
    title = models.CharField("标题", max_length=200)
    recipient = models.CharField("主送机关", max_length=300, blank=True)
    body = models.TextField("正文")
    cc = models.CharField("抄送机关", max_length=300, blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="documents",
                             verbose_name="督办事项")
    bulletin = models.OneToOneField("bulletins.Bulletin", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="document", verbose_name="月度通报")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    serial = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("发文字号", max_length=40, blank=True, db_index=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    review_note = models.TextField("审核意见", blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signer_name = models.CharField("签发人", max_length=60, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = clock.UpdatedAtField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "year", "serial"], condition=Q(serial__isnull=False),
                                    name="unique_document_serial"),
        ]
        verbose_name = verbose_name_plural = "公文"

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("document_detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED
