from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "rocu.workforce"
    label = "workforce"
    verbose_name = "Workforce and funding"
