"""Meeting deck present mode in chromium (issue 19.1): every kind of scene fits 1920x1080 and 1280x720 with no
scrolling; Right / Page Down step on, Left / Page Up step back (what presenter remotes send), Esc leaves.
Screenshots of every scene at both sizes go to test-artifacts/deck_<width>_<n>.png."""
from __future__ import annotations

import pytest

from data.deck import Deck, Scene, encode_link
from tests.browser.conftest import screenshot, wait_for_app, wait_for_map_drawn, wait_until

SLOW_S = 240                  # generous bounds: the suite runs on two shared cores, at times under stress-ng
WARD = {"level": "ward24", "area": "E05011394"}            # Gipton & Harehills
DECK = Deck(name="Inner East", scenes=(
    Scene(page="profile", params=WARD),                       # place: its neighbourhoods by IMD decile
    Scene(page="", params=WARD),                              # map: IMD score by ward, the ward spotlit
    Scene(page="inequalities", params={**WARD, "le_sex": "male"}),   # gap: life expectancy against Leeds
    Scene(page="change", params=WARD),                        # trend: its time series against Leeds
    Scene(page="compare", params=WARD),                       # against: its committee's wards against Leeds
))
KINDS = [s.kind for s in DECK.scenes]
# every element that scrolls (Streamlit's is stMain: the document itself never does), large enough to be a page
OVERFLOW_JS = """() => [document.scrollingElement, ...[...document.querySelectorAll('*')].filter(e =>
  ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.clientHeight > 100)]
  .map(e => ({name: e.getAttribute('data-testid') || e.tagName, over: e.scrollHeight - e.clientHeight}))"""


def _counter(page) -> str:
    found = page.locator(".meeting-counter")
    return found.first.inner_text() if found.count() else ""


def _scene_shown(page, number: int) -> None:
    wait_until(lambda: _counter(page).startswith(f"Scene {number} of {len(DECK.scenes)}"), SLOW_S,
               what=f"scene {number}")
    wait_for_app(page, SLOW_S * 1000)
    if KINDS[number - 1] in ("map", "gap", "place"):
        wait_for_map_drawn(page, timeout_s=SLOW_S)
    else:
        wait_until(lambda: page.locator('[data-testid="stImage"] img').first.evaluate(
            "img => img.complete && img.naturalWidth > 0"), SLOW_S, what="the chart picture")


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_every_scene_fits_the_screen_and_the_keys_step(page, app_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.set_default_timeout(SLOW_S * 1000)
    page.goto(f"{app_url}/deck?deck={encode_link(DECK)}&meeting=1")
    keys = ["ArrowRight", "PageDown", "ArrowRight", "PageDown"]
    for number in range(1, len(DECK.scenes) + 1):
        _scene_shown(page, number)
        over = [e for e in page.evaluate(OVERFLOW_JS) if e["over"] > 1]
        assert not over, f"scene {number} ({KINDS[number - 1]}) scrolls at {width}x{height}: {over}"
        assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight")
        assert page.locator("h1.deck-title").first.is_visible()
        assert page.locator(".deck-figure").count() >= 2          # the place slide of a ward without one LE: 3
        assert page.locator("p.deck-source").first.is_visible()   # the source line, in view
        screenshot(page, f"deck_{width}_{number}_{KINDS[number - 1]}")
        if number < len(DECK.scenes):
            page.keyboard.press(keys[number - 1])
    page.keyboard.press("PageUp")
    _scene_shown(page, 4)
    page.keyboard.press("ArrowLeft")
    _scene_shown(page, 3)
    page.keyboard.press("Escape")
    wait_until(lambda: page.locator("h1").first.inner_text().strip() == "Meeting deck", SLOW_S,
               what="leaving with Esc")
    assert _counter(page) == ""
    page.goto(f"{app_url}/profile?level=ward24&area=E05011394&meeting=1")     # the check can fail: a long page
    wait_until(lambda: any(e["name"] == "stMain" and e["over"] > 100 for e in page.evaluate(OVERFLOW_JS)), SLOW_S,
               what="the profile's meeting page to overflow its screen")
