from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gongjian.ops"
    label = "ops"
    verbose_name = "运维"
