"""Permissions of the workforce and funding area.

DESIGN.md has no HR role, so the people in posts (names, contract types and end dates)
are seen by the ROCU head alone; the PCC office and the national lead see aggregates.
"""

WORKFORCE_VIEW = "workforce.view"  # the region's aggregates: spend, vacancies, cliff edge, scenarios
WORKFORCE_COMPARE = "workforce.compare"  # headline figures of every region side by side
WORKFORCE_POSTS_VIEW = "workforce.posts.view"  # posts and the people in them (personal data)
WORKFORCE_MANAGE = "workforce.manage"  # posts, funding lines, capabilities, HR and finance imports
SCENARIOS_MANAGE = "workforce.scenarios.manage"  # save and delete scenarios

PERSONAL = {WORKFORCE_POSTS_VIEW, WORKFORCE_MANAGE}
