"""The SIO opens an operation, records a joint review with the LRO and an outcome through
the pages, and sees both on the operation's timeline: in Chromium against a demo server."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, server_log_tail

pytestmark = pytest.mark.browser

OPERATION = "Op Vizardlike"


def sign_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def test_the_sio_records_a_joint_review_and_an_outcome_and_sees_them_on_the_timeline(page: tuple[Any, Any]) -> None:
    p, watch = page
    # Yesterday, so no time zone between the browser and the server makes it a future date.
    day = dt.date.today() - dt.timedelta(days=1)
    shown = f"{day.day} {day:%b %Y}"
    sign_in(p, "sio")
    p.goto("/operations/?q=Vizardlike")
    p.get_by_role("link", name=OPERATION).click()
    assert p.locator("h1").inner_text() == OPERATION
    operation_url = p.url.split("#")[0]

    # The joint review: the SIO and the plan's LRO are ticked as attendees already.
    p.get_by_text("Record a joint review").click()
    review = p.locator("form[action$='/reviews/']")
    review.locator("input[name=held_on]").fill(day.isoformat())
    checked = review.locator("input[name=attendees]:checked")
    assert checked.count() == 2, server_log_tail()
    review.locator("textarea[name=agreed_prevent]").fill("Browser journey: schools input on firearms in Bristol.")
    review.locator("textarea[name=agreed_pursue]").fill("Arrest phase once the armourer is housed.")
    review.get_by_role("button", name="Record joint review").click()
    p.wait_for_url(re.compile(r".*#reviews$"))
    assert "Browser journey: schools input on firearms in Bristol." in p.content(), server_log_tail()

    # The outcome: two adult victims safeguarded, under Protect.
    p.get_by_text("Record an outcome").click()
    outcome = p.locator("form[action$='/record/']")
    outcome.locator("select[name=kind]").select_option("safeguard_adult")
    outcome.locator("select[name=p]").select_option("protect")
    outcome.locator("input[name=occurred_on]").fill(day.isoformat())
    outcome.locator("input[name=count]").fill("2")
    outcome.get_by_role("button", name="Record outcome").click()
    p.wait_for_url(re.compile(r".*#outcomes$"))
    assert "There is a problem" not in p.content(), server_log_tail()

    # Both are on the timeline, under the day they happened.
    p.goto(operation_url)
    timeline = p.locator("ol.rocu-timeline li")
    assert timeline.filter(has_text="Joint review").filter(has_text=shown).count() == 1, timeline.all_inner_texts()
    assert timeline.filter(has_text="Victim safeguarded (adult)").filter(has_text=shown).count() == 1
    rows = p.locator("#outcomes ~ table tbody tr").filter(has_text="Victim safeguarded (adult)")
    assert rows.filter(has_text="Protect").filter(has_text=shown).count() == 1
    assert not [e for e in watch.errors if "favicon" not in e], watch.errors
