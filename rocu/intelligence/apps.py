from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "rocu.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence: person records and holdings"

    def ready(self) -> None:
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Perm

        register_nav(NavEntry("People of interest", "intelligence:nominals", Perm.PERSONAL_DATA_VIEW, 30))
