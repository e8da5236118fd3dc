"""A real rocu server and a headless Chromium for the browser journeys.

pytest-django's live_server cannot be used: it flushes the database between tests, and
the audit table's triggers refuse that. Instead each pytest process (each xdist worker)
runs `rocu runserver` on its own free port against its own SQLite copy of a demo region
that is migrated and seeded once per run, under a lock, and shared as a template.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
CHROMIUM_ARGS.append("--disable-sync")
PASSWORD = "browser-journey-password"
ROCU = Path(sys.executable).with_name("rocu")
REPO = Path(__file__).resolve().parents[2]
_SERVER_LOG: list[Path] = []  # this process's server log, for failure messages


def server_log_tail(chars: int = 4000) -> str:
    return _SERVER_LOG[0].read_text()[-chars:] if _SERVER_LOG else ""


def _require_chromium() -> None:
    """Skip where there is no Chromium on a developer's machine; in CI that is a failure."""
    missing = None
    if not os.access(CHROMIUM, os.X_OK):
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed"
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {missing}", pytrace=False)
    pytest.skip(missing)


def _server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "ROCU_", "PYTEST_", "DJANGO_"))}
    env.update(ROCU_DATA_DIR=str(data_dir), ROCU_DEMO="1", ROCU_TASKS_IMMEDIATE="1", PYTHONUNBUFFERED="1")
    # The server runs the code under test, whatever the virtualenv's own install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _run(args: list[str], data_dir: Path) -> None:
    result = subprocess.run(
        [str(ROCU), *args], cwd=REPO, env=_server_env(data_dir), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"rocu {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def _seeded_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A migrated, seeded data dir, made once per run and shared by every worker."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent
    template = root / "browser-demo-template"
    with open(root / "browser-demo-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "ready").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            _run(["migrate", "--no-input", "-v", "0"], template)
            _run(["seed-demo", "--quiet", "--password", PASSWORD], template)
            (template / "ready").touch()
    return template


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[str], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"rocu runserver exited with {process.returncode}:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # our own loopback server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"rocu runserver did not answer /healthz within {timeout}s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """The base URL of this worker's own rocu server, on a free port, killed at the end."""
    _require_chromium()
    template = _seeded_template(tmp_path_factory, worker_id)
    data_dir = tmp_path_factory.mktemp("browser-data")
    shutil.copytree(template, data_dir, dirs_exist_ok=True)
    port = _free_port()
    log = data_dir / "server.log"
    _SERVER_LOG[:] = [log]
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(ROCU), "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=_server_env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium(live_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ConsoleWatch:
    """Every console error and uncaught page error, with the page it happened on."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))


@pytest.fixture
def page(chromium: Any, live_url: str) -> Iterator[tuple[Any, ConsoleWatch]]:
    """A fresh browser context (no cookies) and page for each test."""
    context = chromium.new_context(base_url=live_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = ConsoleWatch(page)
    try:
        yield page, watch
    finally:
        context.close()
