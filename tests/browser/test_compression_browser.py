"""The websocket is compressed (server.enableWebsocketCompression) and the maps still work through it (a click
selecting an area is test_map_browser.py's, run on the same compressed server); the profile draws only its
open tab and a tab switch keeps the link exact (issue 20)."""
from __future__ import annotations

from tests.browser.conftest import hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn, wait_for_rerun, wait_until

MAP = '[data-testid="stDeckGlJsonChart"]'


def _handshakes(page) -> list[dict]:
    """The response headers of every websocket handshake the page makes (Chrome DevTools Protocol)."""
    seen: list[dict] = []
    cdp = page.context.new_cdp_session(page)
    cdp.on("Network.webSocketHandshakeResponseReceived",
           lambda event: seen.append({k.lower(): v for k, v in event["response"]["headers"].items()}))
    cdp.send("Network.enable")
    return seen


def test_lsoa_map_draws_and_recolours_over_a_compressed_websocket(page, app_url):
    handshakes = _handshakes(page)
    page.goto(f"{app_url}/explorer?level=lsoa21&indicator=imd_imd_score&period=2025")
    wait_for_app(page)
    before = wait_for_map_drawn(page)
    stream = wait_until(lambda: [h for h in handshakes if "sec-websocket-extensions" in h], what="the handshake")
    assert "permessage-deflate" in stream[0]["sec-websocket-extensions"], stream

    indicator = page.locator('[data-testid="stSelectbox"]', has_text="Indicator").locator("input")
    indicator.click()
    page.keyboard.type("fuel poverty")
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))
    wait_until(lambda: "indicator=fuel_poverty" in page.url, what="the link naming the new indicator")
    after = wait_until(lambda: (png := wait_for_map_drawn(page)) != before and png, what="the map recoloured")
    screenshot(page, "compressed_lsoa_recoloured")

    text = hover_tooltip(page, *(lambda b: (b["x"] + b["width"] / 2, b["y"] + b["height"] / 2))(
        page.locator(f"{MAP} canvas").first.bounding_box()), contains="Leeds")
    assert text and "Rank" in text, text                          # the tooltip reads the recoloured layer
    assert after != before


def test_profile_tab_switch_draws_the_map_and_the_link_reopens_it(page, app_url):
    page.goto(f"{app_url}/profile?area=E05011385")
    wait_for_app(page)
    assert page.locator(MAP).count() == 0                       # the spine tab is open: no map built or sent
    wait_for_rerun(page, lambda: page.get_by_role("tab", name="Map").click())
    wait_until(lambda: "profile_tab=map" in page.url, what="the link naming the open tab")
    wait_for_map_drawn(page)
    screenshot(page, "profile_map_tab")
    page.goto(page.url)                                          # the link reopens the same tab
    wait_for_app(page)
    wait_for_map_drawn(page)
    assert page.get_by_role("tab", name="Map").get_attribute("aria-selected") == "true"
    assert "area=E05011385" in page.url
