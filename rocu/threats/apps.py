from django.apps import AppConfig


class ThreatsConfig(AppConfig):
    name = "rocu.threats"
    label = "threats"
    verbose_name = "Threats, OCGs and tasking"
