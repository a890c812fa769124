from django.apps import AppConfig


class FrontlineConfig(AppConfig):
    name = "gongjian.frontline"
    label = "frontline"
    verbose_name = "万事有解"

    def ready(self):
        from gongjian.frontline import jobs, sla
        from gongjian.supervision import registry

        registry.register_rule(code="ticket_sla", name="工单办理时限", params=sla.DEFAULTS, kinds=("ticket",),
                               source="docs/rules.md §6", labels=sla.LABELS)
        registry.register_step("ticket_sla", jobs.ticket_sla_step)

        from gongjian.frontline import messages
        from gongjian.messaging import registry as messaging

        messaging.on_signed(messages.ASSIGN_PREFIX, messages.signed_by_link)
