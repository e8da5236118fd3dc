"""Each demo login signs in through the real form and finds the home page made for it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import PASSWORD, server_log_tail

pytestmark = pytest.mark.browser

NAMES = {
    "analyst": "Priya Penrose",
    "disruption": "Gareth Pascoe",
    "sio": "Megan Trelawny",
    "lro": "Oliver Symons",
    "head": "Aisha Carter",
    "forcelead": "Rhys Evans",
    "pcc": "Chloe Harvey",
    "national": "Hassan Okafor",
    "auditor": "Grace Reid",
    "outsider": "Jack Walsh",
}
ROLES = {
    "analyst": "Analyst",
    "disruption": "Disruption officer",
    "sio": "Senior investigating officer",
    "lro": "Lead responsible officer",
    "head": "ROCU head",
    "forcelead": "Force SOC lead",
    "pcc": "PCC office",
    "national": "National lead",
    "auditor": "Auditor",
    "outsider": "Analyst",
}
# Panels only some roles get; everyone else must not see them.
PANELS = {
    "People in your region": {"head"},
    "Audit trail, last 24 hours": {"auditor"},
    "aggregate figures only": {"pcc", "national"},
}
OPERATIONAL = {"analyst", "disruption", "sio", "lro", "head", "forcelead", "outsider"}
# Navigation the foundation decides, by URL: labels and grouping are the shell's to change.
NAV = {
    "core:home": set(NAMES),
    "accounts:organisations": set(NAMES),
    "accounts:people": {"head", "auditor"},
    "accounts:groups": OPERATIONAL,
    "audit:events": {"auditor"},
    "api-docs": set(NAMES),
}
# Whatever later capabilities add, these roles are never led to people or the trail.
NEVER_FOR_AGGREGATE_ROLES = ("/people/", "/people-of-interest/", "/groups/", "/audit/")


def sign_in(page: Any, username: str) -> None:
    page.goto("/")
    assert "/accounts/sign-in/" in page.url  # anonymous visitors are sent to sign in
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def _links(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")


def visit_navigation(page: Any) -> set[str]:
    """Every page the navigation offers: the header's sections and each section's own menu.

    Each must open (200); returns their URLs.
    """
    seen: set[str] = set()
    broken: list[str] = []
    queue = _links(page, "#navigation a")
    while queue:
        href = queue.pop(0)
        if href in seen:
            continue
        seen.add(href)
        response = page.goto(href)
        if response is None or response.status != 200:
            broken.append(f"{href} answered {response and response.status}")
            continue
        queue += [h for h in _links(page, "nav.rocu-subnav a") if h not in seen]
    assert not broken, "\n".join(broken) + "\n--- server log ---\n" + server_log_tail()
    return seen


@pytest.mark.parametrize("username", list(NAMES))
def test_each_demo_login_signs_in_and_sees_its_home_page(page, username):
    page, console = page
    sign_in(page, username)

    assert page.locator("h1").inner_text().strip() == NAMES[username]
    main = page.locator("#main-content").inner_text()
    assert ROLES[username] in main
    assert "Demo logins skip two-factor sign-in" in main
    for text, who in PANELS.items():
        assert (text in main) == (username in who), f"{username}: {text!r}"
    assert f"Signed in as {NAMES[username]}" in page.locator(".govuk-phase-banner").inner_text()

    offered = visit_navigation(page)
    for name, who in NAV.items():
        assert (reverse(name) in offered) == (username in who), f"{username}: {name} in {sorted(offered)}"
    if username in ("pcc", "national"):
        assert not [url for url in offered if url.startswith(NEVER_FOR_AGGREGATE_ROLES)], offered
    assert not console.errors, console.errors

    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto("/")
    assert "/accounts/sign-in/" in page.url, page.url
    assert page.locator("#navigation").count() == 0
    assert not console.errors, console.errors


@pytest.mark.parametrize("username", ["analyst", "pcc"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, username):
    page, console = page
    sign_in(page, username)
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert "govuk-skip-link" in focused[0], focused
    assert focused[1] == "#main-content", focused
    assert page.locator(".govuk-skip-link").is_visible()  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    assert not console.errors, console.errors


def test_a_wrong_password_is_refused_with_a_message(page):
    page, console = page
    page.goto("/accounts/sign-in/")
    page.fill("input[name=username]", "nobody-at-all")  # not a persona: no lockout to trip
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" in page.url
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("h1").inner_text().strip() == "Sign in to rocu"
    assert not console.errors, console.errors
