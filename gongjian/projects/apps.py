from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "gongjian.projects"
    label = "projects"
    verbose_name = "重点项目"

    def ready(self):
        from gongjian.dispatch.signals import report_approved
        from gongjian.projects import rules
        from gongjian.projects.services import on_report_approved

        rules.register()

        report_approved.connect(lambda sender, report, actor, **kw: on_report_approved(report=report, actor=actor),
                                weak=False, dispatch_uid="project_figures_on_approval")
