from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "rocu.performance"
    label = "performance"
    verbose_name = "Performance and management information"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.performance import demo, demo_regions, home  # noqa: F401 - registers the seeders and home panel
        from rocu.performance.permissions import PERFORMANCE_CATALOGUE, PERFORMANCE_NATIONAL, PERFORMANCE_VIEW

        for role in Role:
            policy.register_role_permissions(role, {PERFORMANCE_CATALOGUE})
        for role in (Role.ROCU_HEAD, Role.FORCE_SOC_LEAD, Role.PCC_OFFICE, Role.NATIONAL_LEAD):
            policy.register_role_permissions(role, {PERFORMANCE_VIEW})
        policy.register_role_permissions(Role.NATIONAL_LEAD, {PERFORMANCE_NATIONAL})
        register_nav(NavEntry("Performance", "performance:dashboard", PERFORMANCE_VIEW, 60))
        register_nav(NavEntry("National consistency", "performance:national", PERFORMANCE_NATIONAL, 61))
        register_nav(NavEntry("Metric definitions", "performance:catalogue", PERFORMANCE_CATALOGUE, 62))
