from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "gongjian.matters"
    label = "matters"
    verbose_name = "督办事项"
