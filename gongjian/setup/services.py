"""`gongjian init`: the three administrators (三员) and the top unit of an empty database."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from gongjian.audit.services import record
from gongjian.errors import UserError
from gongjian.org.models import Person, Role, Unit
from gongjian.org.services import _validate_password, one_time_password, user_create
from gongjian.types import User


@dataclass(frozen=True)
class AdminAccount:
    username: str
    role: str
    display_name: str
    env: str  # where automation may put the initial password instead of having one generated


ADMINS = (
    AdminAccount("sysadmin", Role.SYSTEM_ADMIN, "系统管理员", "GONGJIAN_INIT_SYSADMIN_PASSWORD"),
    AdminAccount("secadmin", Role.SECURITY_ADMIN, "安全管理员", "GONGJIAN_INIT_SECADMIN_PASSWORD"),
    AdminAccount("auditadmin", Role.AUDIT_ADMIN, "审计管理员", "GONGJIAN_INIT_AUDITADMIN_PASSWORD"),
)


def initialize(*, unit_name: str, environ: Mapping[str, str] | None = None) -> dict:
    """Create the top unit and the 三员 accounts with one-time passwords (changed at first login). Refuses a
    database that already has accounts or units, so it runs once."""
    env = os.environ if environ is None else environ
    unit_name = (unit_name or "").strip()
    if not unit_name:
        raise UserError("请用 --unit 给出本级政府的名称，例如“某某县人民政府”", "required", field="unit")
    if len(unit_name) > 100:
        raise UserError("单位名称不能超过100个字", "too_long", field="unit")
    if User.objects.exists() or Unit.objects.exists():
        raise UserError("数据库中已有账户或单位，已经初始化过，不能再次运行 gongjian init。"
                        "新账户请由安全管理员在“用户与角色”页面创建。", "already_initialized", status=409)
    passwords = {}
    for admin in ADMINS:
        given = env.get(admin.env, "")
        if given:
            _validate_password(given, User(username=admin.username))
        passwords[admin.username] = given or one_time_password()
    with transaction.atomic():
        unit = Unit.objects.create(name=unit_name, short_name=unit_name[:30], kind=Unit.Kind.LEADERSHIP)
        record(actor=None, actor_name="gongjian init", event="unit.create", obj=unit)
        for admin in ADMINS:
            user_create(actor=None, username=admin.username, password=passwords[admin.username],
                        display_name=admin.display_name, unit=unit, post=admin.display_name, roles=[admin.role])
        Person.objects.filter(user__username__in=passwords).update(must_change_password=True)
        record(actor=None, actor_name="gongjian init", event="setup.init", obj=unit,
               changes={"accounts": sorted(passwords)})
    return {
        "accounts": [{"username": a.username, "role": a.role, "one_time_password": passwords[a.username]}
                     for a in ADMINS],
        "unit": unit_name,
    }
