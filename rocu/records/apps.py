from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "rocu.records"
    label = "records"
    verbose_name = "Records review and retention"
