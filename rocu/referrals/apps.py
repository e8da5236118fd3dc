from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "rocu.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.referrals import demo, home  # noqa: F401 - registers the seeder and home panel
        from rocu.referrals import permissions as p

        for role in (Role.ANALYST, Role.DISRUPTION_OFFICER, Role.ROCU_HEAD):
            policy.register_role_permissions(role, {p.REFERRALS_VIEW, p.REFERRALS_MANAGE, p.REFERRALS_FUNNEL})
        policy.register_role_permissions(Role.FORCE_SOC_LEAD, {p.REFERRALS_VIEW, p.REFERRALS_FUNNEL})
        for role in (Role.PCC_OFFICE, Role.NATIONAL_LEAD):
            policy.register_role_permissions(role, {p.REFERRALS_FUNNEL})
        policy.register_personal_permissions(p.PERSONAL)
        register_nav(NavEntry("Referrals", "referrals:queue", p.REFERRALS_VIEW, 20))
        register_nav(NavEntry("Referral funnel", "referrals:funnel", p.REFERRALS_FUNNEL, 21))
