from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "rocu.workforce"
    label = "workforce"
    verbose_name = "Workforce and funding"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.workforce import demo, home  # noqa: F401 - registers the seeder and home panel
        from rocu.workforce import permissions as p

        policy.register_role_permissions(
            Role.ROCU_HEAD,
            {p.WORKFORCE_VIEW, p.WORKFORCE_COMPARE, p.WORKFORCE_POSTS_VIEW, p.WORKFORCE_MANAGE, p.SCENARIOS_MANAGE},
        )
        policy.register_role_permissions(Role.PCC_OFFICE, {p.WORKFORCE_VIEW, p.WORKFORCE_COMPARE, p.SCENARIOS_MANAGE})
        policy.register_role_permissions(Role.NATIONAL_LEAD, {p.WORKFORCE_VIEW, p.WORKFORCE_COMPARE})
        policy.register_personal_permissions(p.PERSONAL)
        register_nav(NavEntry("Workforce and funding", "workforce:overview", p.WORKFORCE_VIEW, 60))
