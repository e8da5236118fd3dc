from django.apps import AppConfig


class ThreatsConfig(AppConfig):
    name = "rocu.threats"
    label = "threats"
    verbose_name = "Threats, OCGs and tasking"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.threats import demo, home  # noqa: F401 - registers the seeder and home panels
        from rocu.threats import permissions as P

        seeing = {P.THREATS_VIEW, P.TASKING_VIEW, P.THREATS_AGGREGATE}
        policy.register_role_permissions(Role.ANALYST, seeing | {P.THREATS_MANAGE, P.THREATS_SCORE, P.THREATS_REVIEW})
        policy.register_role_permissions(Role.ROCU_HEAD, seeing | {P.THREATS_MANAGE, P.TASKING_RUN, P.TASKING_DECIDE})
        for role in (Role.SIO, Role.LRO, Role.FORCE_SOC_LEAD):
            policy.register_role_permissions(role, seeing)
        for role in (Role.PCC_OFFICE, Role.NATIONAL_LEAD):
            policy.register_role_permissions(role, {P.THREATS_AGGREGATE})
        policy.register_personal_permissions(P.PERSONAL)

        register_nav(NavEntry("Threats", "threats:picture", P.THREATS_VIEW, 20))
        register_nav(NavEntry("T&CG", "threats:meetings", P.TASKING_VIEW, 22))
        register_nav(NavEntry("Threat counts", "threats:aggregates", P.THREATS_AGGREGATE, 24))

        try:
            from rocu.counter_corruption.links import register_bulk_work_link_provider
        except ImportError:  # counter-corruption monitoring is optional
            pass
        else:
            from rocu.threats import links

            for object_type in links.SUBJECT_TYPES:
                register_bulk_work_link_provider(object_type, links.linked_subjects_bulk)
            register_bulk_work_link_provider(links.NOMINAL_TYPE, links.linked_ocg_members_bulk)
