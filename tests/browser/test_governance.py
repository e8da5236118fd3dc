"""From uploading the seed response to a published 56-day response, in Chromium.

The shared browser fixture (tests/browser/conftest.py, another issue's) had not
landed when this was written, so `demo_site` below starts its own demo server in a
subprocess; when the shared fixture arrives, this one should give way to it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The inspection summary the project was seeded with, kept beside the tests so a clone anywhere runs them.
SEED = ROOT / "tests" / "data" / "000_15a6d0866c0ff4f9.txt"
PASSWORD = "rocu-demo-password"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("governance-demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCU_") and k != "DATABASE_URL"}
    env.update(ROCU_DEMO="1", ROCU_DEBUG="1", ROCU_DATA_DIR=str(data_dir), ROCU_TASKS_IMMEDIATE="1")
    cli = [sys.executable, "-m", "rocu.cli"]
    subprocess.run([*cli, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*cli, "seed-demo", "--quiet"], cwd=ROOT, env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*cli, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def sign_in(browser: object, site: str, username: str) -> object:
    page = browser.new_context().new_page()  # type: ignore[attr-defined]
    page.goto(site + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    return page


def test_it_goes_from_uploading_the_seed_to_a_published_response(demo_site, browser):
    head = sign_in(browser, demo_site, "head")
    head.goto(demo_site + "/governance/upload/")
    head.set_input_files("#id_file", str(SEED))
    head.click("main button[type=submit]")
    head.wait_for_url("**/governance/upload/*/")
    assert "3 \u00d7 Recommendation" in head.inner_text("main")
    assert "1 \u00d7 Cause of concern" in head.inner_text("main")
    assert head.input_value("#id_findings-1-due_date") == "2022-02-28"
    head.fill("#id_title", "ROCU inspection 2021 (ingested in the browser test)")
    head.select_option("#id_response_force", label="Devon and Cornwall Police")
    head.click("main button[type=submit]:has-text('Save the inspection')")
    head.wait_for_url("**/governance/inspections/*/")
    assert "Inspection saved with" in head.inner_text("main")
    head.click("main a:has-text('Devon and Cornwall Police')")
    head.wait_for_url("**/governance/responses/*/")
    forms = head.locator("form[action$='/position/']")
    assert forms.count() == 3
    for i in range(3):
        form = head.locator("form[action$='/position/']").nth(i)
        if i == 0:
            form.locator("select").select_option("not_accepted")
            form.locator("textarea").fill("There is already sufficient legislation in place.")
        else:
            form.locator("select").select_option("accepted")
        form.locator("button").click()
        head.wait_for_load_state()
    response_url = head.url

    pcc = sign_in(browser, demo_site, "pcc")
    pcc.goto(response_url)
    pcc.click("main button:has-text('Publish the response')")
    pcc.wait_for_load_state()
    assert "Response published" in pcc.inner_text("main")
    public_url = pcc.locator("main a:has-text('/governance/public/')").get_attribute("href")

    public = browser.new_context().new_page()  # type: ignore[attr-defined]
    public.goto(demo_site + public_url)
    text = public.inner_text("main")
    assert "Recommendation 1: not accepted" in text
    assert "There is already sufficient legislation in place." in text
    assert "Chief Constable's comments" in text
    with public.expect_download() as download:
        public.click("main a:has-text('Download this response as a PDF')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
