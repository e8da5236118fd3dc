"""API routes of this app: (prefix, viewset, basename), registered under /api/v1/."""

from typing import Any

from rocu.referrals.api import FunnelViewSet, ReferralImportViewSet, ReferralViewSet

ROUTES: list[tuple[str, Any, str]] = [
    ("referrals/funnel", FunnelViewSet, "referral-funnel"),
    ("referrals/imports", ReferralImportViewSet, "referral-import"),
    ("referrals", ReferralViewSet, "referral"),
]
