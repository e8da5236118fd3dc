"""Home page panel: the region's workforce and the cliff edge ahead, as totals."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from rocu.core import policy
from rocu.core.errors import NotFound
from rocu.core.home import Panel, register_panel
from rocu.engines import funding
from rocu.workforce import selectors
from rocu.workforce.format import fte, money, percent
from rocu.workforce.permissions import WORKFORCE_VIEW


@register_panel
def workforce_panel(user: Any) -> Panel | None:
    if not policy.has_perm(user, WORKFORCE_VIEW) or policy.scope_for(user).all_regions:
        return None
    try:
        region = selectors.region_choose(user=user)
        picture = selectors.region_picture(user=user, region=region)
    except NotFound:
        return None
    if not picture.holdings.posts:
        return None
    worst = max(picture.cliff, key=lambda y: y.cost_lost_pence)
    panel = Panel("Workforce and funding", order=40)
    panel.figures = [
        ("Funded posts", f"{picture.now.funded_posts} ({fte(picture.now.funded_fte)} FTE)"),
        ("Vacancy rate", percent(picture.vacancy_rate)),
        ("Capabilities below minimum now", len([c for c in picture.now.below_minimum if c.minimum_fte])),
        (
            f"Funding ends by {funding.fy_end(picture.this_year + 1):%-d %B %Y}",
            f"{picture.at_risk_posts} posts, {money(picture.at_risk_cost_pence)} a year",
        ),
    ]
    if worst.cost_lost_pence:
        panel.rows = [
            {
                "text": f"Cliff edge {worst.label}",
                "url": reverse("workforce:cliff-edge"),
                "hint": f"{worst.posts_lost} posts, {money(worst.cost_lost_pence)} a year lose their funding",
            }
        ]
    panel.links = [("Workforce and funding", reverse("workforce:overview"))]
    return panel
