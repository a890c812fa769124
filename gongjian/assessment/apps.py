from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "gongjian.assessment"
    label = "assessment"
    verbose_name = "考核"
