from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gongjian.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self):
        from gongjian.campaigns import colors
        from gongjian.supervision.selectors import current_colors, with_current_color

        colors.register(annotate=with_current_color, current=current_colors)
        from gongjian.dispatch.signals import report_approved
        from gongjian.messaging import registry
        from gongjian.supervision.messages import KEY_PREFIX, signed_by_link
        from gongjian.supervision.services import blockers_from_report

        report_approved.connect(lambda sender, report, actor, **kw: blockers_from_report(report=report, actor=actor),
                                weak=False, dispatch_uid="blockers_from_report")
        registry.on_signed(KEY_PREFIX, signed_by_link)
