from django.conf import settings
from django.db import models

from gongjian import clock


def pinyin_initials(text: str) -> str:
    # pypinyin loads its phrase dictionary on import (~0.8 s, ~40 MB): only a process that saves a name pays for it
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER) if p).lower()


class Unit(models.Model):
    class Kind(models.TextChoices):
        TOWN = "town", "镇"
        STREET = "street", "街道"
        ZONE = "zone", "开发区/功能区"
        DEPARTMENT = "department", "部门"
        TASK_FORCE = "task_force", "专班"
        LEADERSHIP = "leadership", "市委市政府"

    # Towns, streets and zones are assessed apart from departments (分类考核).
    AREA_KINDS = (Kind.TOWN, Kind.STREET, Kind.ZONE)

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    duty_list = models.TextField("权责清单", blank=True, help_text="职责关键词与事项，用于派单与任务分派建议")
    pinyin = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_initials(self.name)
        super().save(*args, **kwargs)

    @property
    def is_area(self) -> bool:
        return self.kind in self.AREA_KINDS


class Role(models.TextChoices):
    SUPERVISION_OFFICE = "supervision_office", "督查室"
    CITY_LEADER = "city_leader", "市级领导"
    UNIT_EDITOR = "unit_editor", "单位填报员"
    UNIT_VIEWER = "unit_viewer", "单位查看员"
    GRID_WORKER = "grid_worker", "网格员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class UnitDuty(models.TextChoices):
    """Who in a unit is reached first: the liaison (联络员) fills reports, the head (主要负责人) answers for them."""

    HEAD = "head", "主要负责人"
    LIAISON = "liaison", "联络员"


class Person(models.Model):
    """A user's profile: where they work, their post, and the security state of their login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    display_name = models.CharField("称呼", max_length=60, help_text="按职务称呼，如“发改局局长”")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    post = models.CharField("职务", max_length=60, blank=True)
    is_city_leader = models.BooleanField("市级领导", default=False)
    phone = models.CharField("电话", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    wecom_userid = models.CharField("政务微信账号", max_length=64, blank=True, db_index=True)
    dingtalk_userid = models.CharField("钉钉账号", max_length=64, blank=True, db_index=True)
    unit_duty = models.CharField("单位内职责", max_length=10, choices=UnitDuty.choices, blank=True)
    is_principal_leader = models.BooleanField("主要领导", default=False, help_text="书记、市长：约谈通知书送达对象")
    oversees = models.ManyToManyField(
        Unit, blank=True, related_name="overseers", verbose_name="分管单位",
        help_text="市级领导分管的单位：升级督办和提醒按此送达",
    )
    pinyin = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # Set by `gongjian init` and by a security administrator's reset: the password was handed over, so its holder
    # must replace it before doing anything else.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_initials(self.display_name)
        super().save(*args, **kwargs)


class RoleGrant(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class PasswordHistory(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    # Security records keep the machine's time: a fixed demo day must not reorder which passwords came last.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class UserSession(models.Model):
    """Which sessions a user holds, so that disabling the account ends all of them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)  # the machine's time, as every session record


class Grid(models.Model):
    class Level(models.TextChoices):
        VILLAGE = "village", "村/社区"
        GRID = "grid", "网格"

    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="grids")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="grids"
    )

    class Meta:
        ordering = ["town", "id"]
        constraints = [models.UniqueConstraint(fields=["town", "parent", "name"], name="unique_grid_name")]
        verbose_name = verbose_name_plural = "网格"

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知"

    def __str__(self) -> str:
        return self.title


class ApiToken(models.Model):
    """A credential for API clients. Only a digest of the token is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, so that the owner can tell tokens apart without the whole secret being kept.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
