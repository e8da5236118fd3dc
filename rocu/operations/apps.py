from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "rocu.operations"
    label = "operations"
    verbose_name = "Investigations and 4P plans"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.operations import (
            demo,  # noqa: F401 - registers the seeder
            providers,
            selectors,
        )
        from rocu.operations import permissions as p

        work = {p.OPERATIONS_VIEW, p.OPERATIONS_AGGREGATE}
        for role in (Role.ANALYST, Role.DISRUPTION_OFFICER, Role.SIO, Role.LRO):
            policy.register_role_permissions(role, work)
        policy.register_role_permissions(Role.SIO, {p.OPERATIONS_OPEN})
        policy.register_role_permissions(Role.LRO, {p.PLANS_MANAGE})
        policy.register_role_permissions(
            Role.ROCU_HEAD, work | {p.OPERATIONS_VIEW_SCOPE, p.OPERATIONS_OPEN, p.PLANS_MANAGE}
        )
        policy.register_role_permissions(Role.FORCE_SOC_LEAD, work | {p.OPERATIONS_VIEW_SCOPE})
        for role in (Role.PCC_OFFICE, Role.NATIONAL_LEAD):
            policy.register_role_permissions(role, {p.OPERATIONS_AGGREGATE})
        policy.register_personal_permissions(p.PERSONAL)
        register_nav(NavEntry("Operations", "operations:list", p.OPERATIONS_VIEW, 30))
        register_nav(NavEntry("4P plans", "operations:plans", p.OPERATIONS_VIEW, 31))
        register_nav(NavEntry("Joint working", "operations:compliance", p.OPERATIONS_AGGREGATE, 32))

        from rocu.threats.services import register_plan_provider

        register_plan_provider(selectors.subjects_with_plan)
        try:
            from rocu.referrals.funnel import register_funnel_stage_provider
        except ImportError:  # the referrals capability is optional
            pass
        else:
            register_funnel_stage_provider("investigated", providers.referrals_investigated)
            register_funnel_stage_provider("outcome", providers.referrals_with_outcome)
        try:
            from rocu.counter_corruption.links import register_work_link_provider
        except ImportError:
            pass
        else:
            register_work_link_provider("operations.operation", providers.linked_operations)
            register_work_link_provider("intelligence.nominal", providers.linked_nominals)
            for object_type in ("threats.threat", "threats.organisedcrimegroup", "threats.taskingsubject"):
                register_work_link_provider(object_type, providers.linked_subjects)
