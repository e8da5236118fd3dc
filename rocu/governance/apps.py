from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "rocu.governance"
    label = "governance"
    verbose_name = "Governance and oversight"
