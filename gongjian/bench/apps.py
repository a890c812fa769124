from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "gongjian.bench"
    label = "bench"
    verbose_name = "性能基准"
