from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "gongjian.messaging"
    verbose_name = "掌上督办消息"
