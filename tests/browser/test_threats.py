"""An analyst scores a threat, a second analyst reviews it, and the ROCU head records a
T&CG decision on it: the whole journey in Chromium against a real demo server."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, server_log_tail

pytestmark = pytest.mark.browser

THREAT = "County lines — Weymouth"


def sign_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def test_it_scores_reviews_and_decides_in_the_browser(page: tuple[Any, Any]) -> None:
    browser_page, watch = page
    p = browser_page
    sign_in(p, "analyst")
    p.goto(f"/threats/?q={THREAT.split(' — ')[1]}")
    p.get_by_role("link", name=THREAT).click()
    threat_url = p.url
    reference = p.locator("h1 .govuk-caption-m").inner_text().split(" · ")[0]
    p.get_by_role("link", name=re.compile("score this Threat", re.I)).click()
    for key, value in {
        "physical": "3",
        "psychological": "3",
        "financial": "2",
        "community": "3",
        "scope": "3",
        "vulnerability": "3",
    }.items():
        p.select_option(f"#id_{key}", value)
    p.select_option("#id_likelihood", "4")
    p.select_option("#id_confidence", "medium")
    p.fill("#id_rationale", "Two new lines from Bristol; exploitation of local children reported.")
    p.get_by_role("button", name="Record score for review").click()
    assert "Another analyst must review it" in p.content(), server_log_tail()
    assessment_url = p.url
    assert "You scored this version" in p.content()

    sign_in(p, "analyst2")
    p.goto(assessment_url)
    assert "Compared with version" in p.content()
    p.check("input[name=outcome][value=approve]")
    p.get_by_role("button", name="Record review").click()
    assert "Approved" in p.locator("h1").inner_text()
    p.goto(threat_url)
    assert "Regional (ROCU)" in p.content()  # risk 50, scope 3: regional
    assert "Regional threat held by a force" in p.content()

    sign_in(p, "head")
    p.goto("/threats/tcg/")
    p.locator("table a").first.click()  # the planned meeting is the latest
    p.get_by_role("link", name="Record a decision").click()
    p.fill("#id_subject", reference)
    p.select_option("#id_kind", "move_level")
    p.fill("#id_rationale", "Assessed regional: the ROCU takes it from Dorset.")
    p.select_option("#id_owner", p.locator("#id_owner option", has_text="(lro)").get_attribute("value"))
    p.fill("#id_due_on", "2030-01-31")
    p.select_option("#id_new_level", "regional")
    p.get_by_role("button", name="Record decision").click()
    assert f"Decision on {reference} recorded" in p.content(), server_log_tail()
    p.goto(threat_url)
    body = p.content()
    assert "The ROCU" in body
    assert "Regional threat held by a force" not in body
    assert "Move level" in body
    assert not [e for e in watch.errors if "favicon" not in e], watch.errors
