"""Meeting mode in a real browser at projector size (1920x1080): no sidebar, large type, Next works."""
from __future__ import annotations

from tests.browser.conftest import screenshot, wait_for_app, wait_for_map_drawn

MAP = '[data-testid="stDeckGlJsonChart"]'


def test_meeting_mode_at_1920x1080(page, app_url):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(app_url)               # first load registers st.navigation's pages (a deep first load can miss them)
    wait_for_app(page)
    page.goto(f"{app_url}/profile?meeting=1&committee=inner-east&meeting_step=1")
    wait_for_app(page)
    wait_for_map_drawn(page, MAP)                    # deck.gl draws on the next animation frames
    screenshot(page, "meeting_mode_1920")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    title = page.locator("h1").first
    assert title.inner_text().strip() == "Burmantofts & Richmond Hill"
    assert float(title.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 48
    body_size = page.locator('[data-testid="stMarkdownContainer"] p').nth(1).evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)")
    assert body_size >= 24, f"body text is {body_size}px; too small for a projector"
    assert page.locator(f"{MAP}").first.bounding_box()["height"] >= 600
    metric = page.locator('[data-testid="stMetricValue"] p').first
    assert float(metric.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 60
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == "Gipton & Harehills"
    screenshot(page, "meeting_mode_1920_next")
