from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gongjian.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self):
        from gongjian.ops import checks  # noqa: F401 - registers the deployment checks
