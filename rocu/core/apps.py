from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rocu.core"
    label = "core"
    verbose_name = "rocu core"
