from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "rocu.governance"
    label = "governance"
    verbose_name = "Governance and oversight"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.governance import demo, home  # noqa: F401 - registers the seeder and home panels
        from rocu.governance import permissions as p

        everyone = {p.GOVERNANCE_VIEW}
        for role in Role:
            policy.register_role_permissions(role, everyone)
        policy.register_role_permissions(Role.LRO, {p.GOVERNANCE_PRACTICE_WRITE})
        policy.register_role_permissions(Role.SIO, {p.GOVERNANCE_PRACTICE_WRITE})
        policy.register_role_permissions(Role.ANALYST, {p.GOVERNANCE_PRACTICE_WRITE})
        policy.register_role_permissions(
            Role.ROCU_HEAD,
            {
                p.GOVERNANCE_MANAGE,
                p.GOVERNANCE_APPROVE,
                p.GOVERNANCE_CC_COMMENT,
                p.GOVERNANCE_MEASURES_MANAGE,
                p.GOVERNANCE_PRACTICE_WRITE,
            },
        )
        policy.register_role_permissions(Role.NATIONAL_LEAD, {p.GOVERNANCE_MANAGE, p.GOVERNANCE_APPROVE})
        policy.register_role_permissions(Role.PCC_OFFICE, {p.GOVERNANCE_PCC_RESPOND})
        policy.register_role_permissions(Role.AUDITOR, {p.GOVERNANCE_MEASURES_MANAGE})
        register_nav(NavEntry("Governance", "governance:index", p.GOVERNANCE_VIEW, 60))
