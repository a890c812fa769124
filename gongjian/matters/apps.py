from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "gongjian.matters"
    label = "matters"
    verbose_name = "督办事项"

    def ready(self):
        from gongjian.matters import rules

        rules.register()
