from django.db import models

from gongjian import clock
from gongjian.org.models import Person


class Identity(models.Model):
    """A person's subject at the provincial unified identity platform (OpenID Connect). 政务微信 and 钉钉 need no
    row: people carry those user ids themselves."""

    issuer = models.CharField("身份平台", max_length=200)
    subject = models.CharField("平台账号标识", max_length=255)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_person_per_subject")]
        verbose_name = verbose_name_plural = "统一身份认证账号"

    def __str__(self) -> str:
        return f"{self.subject} → {self.person_id}"
