from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "gongjian.frontline"
    label = "frontline"
    verbose_name = "万事有解"
