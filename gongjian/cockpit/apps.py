from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "gongjian.cockpit"
    label = "cockpit"
    verbose_name = "领导驾驶舱"
