from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rocu.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from rocu.audit import home  # noqa: F401 - registers the auditor's home panel
