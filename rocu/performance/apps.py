from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "rocu.performance"
    label = "performance"
    verbose_name = "Performance and management information"
