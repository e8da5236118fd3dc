from django.apps import AppConfig


class CounterCorruptionConfig(AppConfig):
    name = "rocu.counter_corruption"
    label = "counter_corruption"
    verbose_name = "Counter-corruption monitoring"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.counter_corruption import demo, home  # noqa: F401 - registers the seeder and panels
        from rocu.counter_corruption.permissions import CC_CASEWORK, CC_REGISTER, CC_SCAN, CC_VIEW, DECLARE, PERSONAL

        policy.register_role_permissions(Role.AUDITOR, {CC_VIEW, CC_CASEWORK, CC_REGISTER, CC_SCAN})
        for role in Role.values:
            policy.register_role_permissions(role, {DECLARE})
        policy.register_personal_permissions(PERSONAL)
        register_nav(NavEntry("Counter-corruption", "counter_corruption:alerts", CC_VIEW, 91))
        register_nav(NavEntry("Your declarations", "counter_corruption:declarations", DECLARE, 95))

        # Read and check the anomaly rules now: a bad rules file stops rocu at start,
        # naming the key at fault, instead of failing (or misjudging) at the first scan.
        from rocu.counter_corruption.rules import rules_in_force

        rules_in_force()
