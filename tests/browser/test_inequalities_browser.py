"""Real-browser check of the Inequalities page: the sentences, SII charts, scatters and gap map all draw."""
from __future__ import annotations

from tests.browser.conftest import screenshot, wait_for_app, wait_until

CHART = '[data-testid="stVegaLiteChart"]'


def test_inequalities_page_draws_its_charts(page, app_url):
    # Open the app's front page first: on a fresh server Streamlit's first run takes the legacy pages/ path.
    page.goto(app_url)
    wait_for_app(page)
    page.set_viewport_size({"width": 1400, "height": 6200})   # the whole page in one picture
    page.goto(f"{app_url}/inequalities")
    wait_for_app(page, timeout_ms=120_000)
    page.get_by_text("the fitted line puts").first.wait_for(timeout=120_000)   # the SII sentence (issue 14, item 2)
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg")
    wait_until(lambda: page.locator(CHART).count() >= 5, what="five charts on the page")
    assert page.locator(CHART).count() >= 5           # 2 SII charts, 2 scatters, 1 indicator SII chart
    assert page.locator("text=Slope Index of Inequality").count() >= 2
    # a traceback, or the fault sentence server.py shows in its place (an st.error)
    assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0
    screenshot(page, "inequalities_page")
