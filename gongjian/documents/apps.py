from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "gongjian.documents"
    label = "documents"
    verbose_name = "公文"
