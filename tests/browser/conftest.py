"""The shared browser harness: one Streamlit server per test session and a Playwright page in Debian chromium.

Fixtures: ``app_url`` (session), ``page`` (function; viewport 1400x900) and the helpers ``wait_for_app(page)``
and ``screenshot(page, name)`` (PNG in test-artifacts/, git-ignored). Import the helpers with
``from tests.browser.conftest import wait_for_app, screenshot``. Tests skip with a reason when
/usr/bin/chromium or Playwright is missing.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.server import ServerStartError, streamlit_server as local_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]
SERVER_START_TIMEOUT_S = 90
APP_READY_TIMEOUT_MS = 60_000


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test (select or deselect with -m browser)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@contextmanager
def streamlit_server(log_name: str = "streamlit-server"):
    """Run the app on a free local port until the block ends; yields its URL (log in test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        server_context = local_server(ARTIFACTS / f"{log_name}.log", SERVER_START_TIMEOUT_S)
        server = server_context.__enter__()
    except ServerStartError as exc:
        pytest.fail(str(exc))
    try:
        yield server.url
    finally:
        server_context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def app_url():
    """One server for the whole browser session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for browser tests")
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def chromium_browser():
    """One chromium for the session (Playwright's bundled browsers are not used: Debian's chromium is)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(chromium_browser, app_url):
    """A fresh page (own context: no shared session state) at 1400x900."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(APP_READY_TIMEOUT_MS)
    try:
        yield tab
    finally:
        context.close()


def wait_for_app(page, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    """Wait until Streamlit has rendered the page and its script has stayed idle for a second."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        if app.get_attribute("data-test-script-state") == "running":
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.0:
            return
        page.wait_for_timeout(150)
    raise TimeoutError(f"the app script was still running after {timeout_ms} ms")


def screenshot(page, name: str) -> Path:
    """Save a full-viewport PNG to test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
