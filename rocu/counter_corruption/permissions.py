"""Counter-corruption permissions: `<area>.<action>` strings the policy grants to roles."""

CC_VIEW = "counter_corruption.view"  # alerts and cases (never one's own)
CC_CASEWORK = "counter_corruption.casework"  # triage, assign, investigate, close
CC_REGISTER = "counter_corruption.register"  # the whole declarations register of the region
CC_SCAN = "counter_corruption.scan"  # start an anomaly scan
DECLARE = "counter_corruption.declare"  # make and see one's own declarations

PERSONAL = {CC_VIEW, CC_CASEWORK, CC_REGISTER}
