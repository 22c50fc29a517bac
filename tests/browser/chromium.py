"""One chromium for the whole test session, shared by the browser and deploy tests.

Defined here and registered once, in tests/conftest.py: a fixture imported into two conftest files is two session
fixtures, and the second sync_playwright() then refuses to start inside the first one's running event loop.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE_MONITOR_JS


@pytest.fixture(scope="session")
def chromium_browser():
    """One chromium for the session (Playwright's bundled browsers are not used: Debian's chromium is)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        new_context = chromium.new_context

        def watched_context(**options):
            """Every context's pages carry wait_for_app's idle monitor from their first moment."""
            context = new_context(**options)
            context.add_init_script(IDLE_MONITOR_JS)
            return context

        chromium.new_context = watched_context
        try:
            yield chromium
        finally:
            chromium.close()
