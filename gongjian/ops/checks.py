"""Deployment checks of our own, run by `gongjian check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def fixed_today_in_production(app_configs, **kwargs):
    if settings.PRODUCTION and settings.GONGJIAN_TODAY is not None:
        return [Error("GONGJIAN_TODAY 在生产环境中必须为空（它把平台的“今天”固定在某一天，只供演示和测试）",
                      id="gongjian.E001")]
    return []
