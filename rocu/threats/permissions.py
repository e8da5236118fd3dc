"""Who may do what with threats, OCGs and tasking.

- Analysts score (create assessments) and review another analyst's assessment; the
  scorer may never review their own (enforced in the service).
- Analysts and the ROCU head keep the registers (create and change threats and OCGs,
  members, bulk import).
- The ROCU head runs the T&CG: creates meetings, records minutes and actions, and
  records its decisions (adopt, decline, move level, allocate, require a 4P plan).
- Analysts, SIOs, LROs, the ROCU head and the force SOC lead (their force's share) see
  threats and OCGs up to their vetting, and the T&CG meetings of their region.
- PCC office and national lead see only counts by type, level and flag.
"""

THREATS_VIEW = "threats.view"
THREATS_MANAGE = "threats.manage"
THREATS_SCORE = "threats.score"
THREATS_REVIEW = "threats.review"
THREATS_AGGREGATE = "threats.aggregate"
TASKING_VIEW = "tasking.view"
TASKING_RUN = "tasking.run"
TASKING_DECIDE = "tasking.decide"

# Threat and OCG names and descriptions can point at people: never for aggregate roles.
PERSONAL = {THREATS_VIEW, THREATS_MANAGE, THREATS_SCORE, THREATS_REVIEW, TASKING_VIEW, TASKING_RUN, TASKING_DECIDE}
