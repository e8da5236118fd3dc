"""Permissions of referrals and triage (granted to roles in ReferralsConfig.ready)."""

REFERRALS_VIEW = "referrals.view"  # the queue and each referral (a force SOC lead: their force's share)
REFERRALS_MANAGE = "referrals.manage"  # intake, assignment and triage decisions
REFERRALS_FUNNEL = "referrals.funnel"  # counts only: where referrals go

PERSONAL = frozenset({REFERRALS_VIEW, REFERRALS_MANAGE})
