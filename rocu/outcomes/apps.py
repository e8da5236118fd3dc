from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rocu.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and disruptions"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.outcomes import permissions as p

        work = {p.OUTCOMES_VIEW, p.OUTCOMES_AGGREGATE}
        for role in (Role.ANALYST, Role.DISRUPTION_OFFICER, Role.FORCE_SOC_LEAD):
            policy.register_role_permissions(role, work)
        for role in (Role.SIO, Role.LRO, Role.ROCU_HEAD):
            policy.register_role_permissions(role, work | {p.OUTCOMES_RECORD})
        for role in (Role.LRO, Role.ROCU_HEAD):
            policy.register_role_permissions(role, {p.DISRUPTIONS_VALIDATE})
        for role in (Role.PCC_OFFICE, Role.NATIONAL_LEAD):
            policy.register_role_permissions(role, {p.OUTCOMES_AGGREGATE})
        policy.register_personal_permissions(p.PERSONAL)
        register_nav(NavEntry("Outcomes", "outcomes:list", p.OUTCOMES_VIEW, 33))
        register_nav(NavEntry("Disruptions", "outcomes:disruptions", p.OUTCOMES_VIEW, 34))
        register_nav(NavEntry("Results summary", "outcomes:summary", p.OUTCOMES_AGGREGATE, 35))
