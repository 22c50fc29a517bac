"""The cities page's small-multiple maps in a real browser: eight pictures with alt text, all loaded, the same size
(one scale), fetched by URL (not inside the page's messages) and credited."""
from __future__ import annotations

from tests.browser.conftest import screenshot, wait_for_app, wait_until


def test_eight_city_maps_load_with_alt_text_at_one_size(page, app_url):
    page.goto(f"{app_url}/cities")
    wait_for_app(page, timeout_ms=240_000)      # a cold server reads the cities tables once (slow on a busy machine)
    maps = page.locator('[data-testid="stImage"] img[alt^="Map of "]')
    maps.first.scroll_into_view_if_needed()
    wait_until(lambda: maps.count() == 8 and page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stImage\"] img[alt^=\"Map of \"]')]"
        ".every(i => i.complete && i.naturalWidth > 0)"))
    alts = [maps.nth(i).get_attribute("alt") for i in range(8)]
    assert alts[0].startswith("Map of Leeds' 488 neighbourhoods") and all("IMD 2025 decile" in a for a in alts)
    sizes = {(b["width"], b["height"]) for b in (maps.nth(i).bounding_box() for i in range(8))}
    assert len(sizes) == 1 and next(iter(sizes))[0] > 150, sizes        # one scale: every panel the same box
    assert all("/media/" in maps.nth(i).get_attribute("src") for i in range(8))   # by URL, cached by the browser
    assert page.get_by_text("Open Government Licence").first.is_visible()
    maps.nth(4).scroll_into_view_if_needed()
    screenshot(page, "cities_small_multiple_maps")
