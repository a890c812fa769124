from django.apps import AppConfig


class SetupConfig(AppConfig):
    """Day one: `gongjian init`. Listed first in INSTALLED_APPS so that its createsuperuser replaces Django's."""

    name = "gongjian.setup"
    label = "setup"
    verbose_name = "初始化"
