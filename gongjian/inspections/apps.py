from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "gongjian.inspections"
    label = "inspections"
    verbose_name = "专项督查与实地核查"
    default_auto_field = "django.db.models.BigAutoField"
