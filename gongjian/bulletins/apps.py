from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "gongjian.bulletins"
    label = "bulletins"
    verbose_name = "通报"

    def ready(self):
        from gongjian.bulletins.documents import render_document
        from gongjian.documents.models import DocType
        from gongjian.documents.selectors import register_renderer

        register_renderer(DocType.BULLETIN, render_document)
