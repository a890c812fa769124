from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "gongjian.frontline"
    label = "frontline"
    verbose_name = "万事有解"

    def ready(self):
        from gongjian.frontline import jobs, sla
        from gongjian.supervision import registry

        for code, label in sla.RULE_LABELS.items():
            registry.register_rule(code=code, name=label, kinds=("ticket",), source="docs/rules.md §6")
        registry.register_step("ticket_sla", jobs.ticket_sla_step)
