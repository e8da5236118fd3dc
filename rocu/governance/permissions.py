"""Governance permissions. Inspection reports and responses are public documents and
recommendations are about organisations, not people, so these are not personal
permissions; evidence files may name people, and the selectors keep files marked as
holding personal data to holders of personal-data permission."""

GOVERNANCE_VIEW = "governance.view"
# Record inspections, ingest reports, assign owners, approvers and accountable officers.
GOVERNANCE_MANAGE = "governance.manage"
# Approve a recommendation's closure (never the owner's own).
GOVERNANCE_APPROVE = "governance.approve"
# Write the chief constable's comments (the ROCU head drafts them for the chief).
GOVERNANCE_CC_COMMENT = "governance.cc_comment"
# Write and publish the PCC's statutory response.
GOVERNANCE_PCC_RESPOND = "governance.pcc_respond"
# Keep the counter-corruption measures register.
GOVERNANCE_MEASURES_MANAGE = "governance.measures_manage"
# Add entries to the good practice library and record adoptions.
GOVERNANCE_PRACTICE_WRITE = "governance.practice_write"
