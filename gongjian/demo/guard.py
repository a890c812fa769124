"""The demo publishes its password; it must never land in a production database or beside a county's own data."""

from django.conf import settings
from django.contrib.auth import get_user_model

from gongjian.demo.models import DemoLoad
from gongjian.org.models import Unit


def refusal() -> str | None:
    """Why loading the demo here would be wrong (None when it is safe): production, or data the demo did not make."""
    if settings.PRODUCTION:
        return "生产环境（GONGJIAN_PRODUCTION=true）不允许加载演示数据：演示账户的密码是公开的。"
    foreign = foreign_data()
    if foreign:
        return "数据库中已有不是演示数据创建的内容（" + "；".join(foreign) + "），加载演示数据会混入公开密码的账户。"
    return None


def foreign_data() -> list[str]:
    marker = DemoLoad.objects.first()
    users = get_user_model().objects.exclude(username__in=marker.usernames if marker else [])
    units = Unit.objects.exclude(name__in=marker.unit_names if marker else [])
    found = []
    if users.exists():
        sample = "、".join(users.order_by("id").values_list("username", flat=True)[:3])
        found.append(f"{users.count()}个账户，如 {sample}")
    if units.exists():
        sample = "、".join(units.order_by("id").values_list("name", flat=True)[:3])
        found.append(f"{units.count()}个单位，如 {sample}")
    return found


def remember() -> None:
    DemoLoad.objects.all().delete()
    DemoLoad.objects.create(
        usernames=list(get_user_model().objects.values_list("username", flat=True)),
        unit_names=list(Unit.objects.values_list("name", flat=True)),
    )
