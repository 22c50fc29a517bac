"""Real-browser checks of the maps: the canvas draws, hover shows the tooltip, a click selects an area."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser.conftest import screenshot, wait_for_app

MAP = '[data-testid="stDeckGlJsonChart"]'


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(f"{MAP} canvas")
    page.wait_for_timeout(1500)  # deck.gl draws on the next animation frames


def _distinct_colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((120, 120), Image.NEAREST)
    return len(set(image.get_flattened_data()))


def _hover_points(page):
    """A grid of points inside the map canvas, middle first (the city centre has the most areas)."""
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    offsets = [(0, 0)] + [(dx, dy) for dx in (-0.2, -0.1, 0.1, 0.2) for dy in (-0.2, -0.1, 0.1, 0.2)]
    return [(cx + dx * box["width"], cy + dy * box["height"]) for dx, dy in offsets]


def test_overview_map_canvas_is_drawn(page, app_url):
    _open(page, app_url)
    screenshot(page, "overview_map")
    canvas_png = page.locator(f"{MAP} canvas").first.screenshot()
    assert _distinct_colours(canvas_png) >= 4, "the map canvas looks blank (fewer than 4 distinct colours)"


def _hover_until_tooltip(page):
    """Move over the map until deck.gl shows a tooltip; returns (x, y, tooltip text)."""
    for x, y in _hover_points(page):
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
        tooltip = page.locator(".deck-tooltip")
        if tooltip.count() and tooltip.first.is_visible() and "in Leeds" in tooltip.first.inner_text():
            return x, y, tooltip.first.inner_text()
    screenshot(page, "explorer_hover_failed")
    pytest.fail("no tooltip appeared when hovering over the map")


def test_explorer_hover_tooltip_and_click_selects_ward(page, app_url):
    _open(page, f"{app_url}/explorer?level=ward24")
    x, y, text = _hover_until_tooltip(page)
    screenshot(page, "explorer_hover")
    assert "Rank" in text and "(1 = worst)" in text and "Committee:" in text, text
    name = text.splitlines()[0].strip()
    page.mouse.click(x, y)
    page.wait_for_timeout(500)
    wait_for_app(page)
    page.mouse.move(5, 5)  # move away so the tooltip does not cover the screenshot
    page.wait_for_timeout(500)
    screenshot(page, "explorer_selected")
    heading = page.locator('[data-testid="stHeading"]', has_text=name)
    assert heading.count() >= 1, f"the side panel does not show the clicked ward {name!r}"
    assert "area=E05" in page.url, page.url


def _tooltip_name_at(page, x: float, y: float) -> str | None:
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    tooltip = page.locator(".deck-tooltip")
    if tooltip.count() and tooltip.first.is_visible():
        return tooltip.first.inner_text().splitlines()[0].strip()
    return None


def test_user_zoom_survives_an_indicator_change(page, app_url):
    """Issue 3: 'the view keeps its zoom when the indicator changes' — the same screen point shows the same
    area after zooming in and then picking another indicator."""
    _open(page, f"{app_url}/explorer?level=lsoa21&indicator=imd_imd_score")
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    cx, cy = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    probe = (box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.35)
    before = _tooltip_name_at(page, *probe)
    page.mouse.move(cx, cy)
    for _ in range(6):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(150)
    page.wait_for_timeout(800)
    zoomed = _tooltip_name_at(page, *probe)
    assert zoomed and zoomed != before, f"zooming in did not change the area under the pointer ({before!r})"

    indicator = page.locator('[data-testid="stSelectbox"]', has_text="Indicator").locator("input")
    indicator.click()
    page.keyboard.type("fuel poverty")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    wait_for_app(page)
    page.wait_for_timeout(1500)
    assert "indicator=fuel_poverty" in page.url, page.url
    after = _tooltip_name_at(page, *probe)
    screenshot(page, "explorer_zoom_kept")
    assert after == zoomed, f"the view was reset by the indicator change: {zoomed!r} before, {after!r} after"
