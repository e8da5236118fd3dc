"""Permissions of intelligence checks and holdings (granted in IntelligenceConfig.ready)."""

INTEL_CHECK = "intelligence.check"  # run checks, see candidate matches, decide same as / not same as
HOLDINGS_VIEW = "intelligence.holdings.view"
HOLDINGS_MANAGE = "intelligence.holdings.manage"  # import holdings extracts

PERSONAL = frozenset({INTEL_CHECK, HOLDINGS_VIEW, HOLDINGS_MANAGE})
