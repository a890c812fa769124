from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "gongjian.bulletins"
    label = "bulletins"
    verbose_name = "通报"
