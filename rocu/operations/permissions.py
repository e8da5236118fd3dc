"""Operations permissions. Operations and plans name people (team, suspects), so the
view and write permissions are personal; the aggregate one gives counts only."""

OPERATIONS_VIEW = "operations.view"
# See every operation and plan in scope (the ROCU head's region, a force lead's force),
# not only those the user is on the team of or leads the plan for.
OPERATIONS_VIEW_SCOPE = "operations.view_scope"
OPERATIONS_OPEN = "operations.open"
PLANS_MANAGE = "operations.plans_manage"
OPERATIONS_AGGREGATE = "operations.aggregate"

PERSONAL = {OPERATIONS_VIEW, OPERATIONS_VIEW_SCOPE, OPERATIONS_OPEN, PLANS_MANAGE}
