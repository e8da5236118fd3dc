from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "rocu.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence: person records and holdings"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Perm, Role
        from rocu.intelligence import demo  # noqa: F401 - registers the holdings seeder
        from rocu.intelligence import permissions as p

        for role in (Role.ANALYST, Role.DISRUPTION_OFFICER, Role.ROCU_HEAD):
            policy.register_role_permissions(role, {p.INTEL_CHECK, p.HOLDINGS_VIEW})
        for role in (Role.ANALYST, Role.ROCU_HEAD):
            policy.register_role_permissions(role, {p.HOLDINGS_MANAGE})
        policy.register_personal_permissions(p.PERSONAL)
        register_nav(NavEntry("People of interest", "intelligence:nominals", Perm.PERSONAL_DATA_VIEW, 30))
        register_nav(NavEntry("Holdings", "intelligence:holdings", p.HOLDINGS_VIEW, 31))
