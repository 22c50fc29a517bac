"""Real-browser checks of the maps: the canvas draws, hover shows the tooltip, a click selects an area."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser.conftest import (hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn, wait_for_rerun,
                                    wait_until)

MAP = '[data-testid="stDeckGlJsonChart"]'


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    wait_for_map_drawn(page)


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
        text = hover_tooltip(page, x, y, contains="in Leeds")
        if text:
            return x, y, text
    screenshot(page, "explorer_hover_failed")
    pytest.fail("no tooltip appeared when hovering over the map")


def test_explorer_hover_tooltip_and_click_selects_ward(page, app_url):
    _open(page, f"{app_url}/explorer?level=ward24")
    x, y, text = _hover_until_tooltip(page)
    screenshot(page, "explorer_hover")
    assert "Rank" in text and "(1 = worst)" in text and "Committee:" in text, text
    name = text.splitlines()[0].strip()
    wait_for_rerun(page, lambda: page.mouse.click(x, y))
    heading = page.locator('[data-testid="stHeading"]', has_text=name)
    wait_until(lambda: heading.count() >= 1 and "area=E05" in page.url, what=f"the side panel showing {name!r}")
    page.mouse.move(5, 5)  # move away so the tooltip does not cover the screenshot
    wait_until(lambda: not page.locator(".deck-tooltip").first.is_visible(), what="the tooltip hiding")
    screenshot(page, "explorer_selected")
    assert heading.count() >= 1, f"the side panel does not show the clicked ward {name!r}"
    assert "area=E05" in page.url, page.url


def _choose_fuel_poverty(page) -> None:
    """Type the indicator into the explorer's picker, as a reader does, and wait for the link and the recoloured map."""
    indicator = page.locator('[data-testid="stSelectbox"]', has_text="Indicator").locator("input")
    indicator.click()
    page.keyboard.type("fuel poverty")
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))
    wait_until(lambda: "indicator=fuel_poverty" in page.url, what="the link naming the new indicator")
    wait_for_map_drawn(page)


def _tooltip_name_at(page, x: float, y: float) -> str | None:
    text = hover_tooltip(page, x, y)
    return text.splitlines()[0].strip() if text else None


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
    wait_for_map_drawn(page)                       # the zoom has settled: two identical pictures in a row
    zoomed = wait_until(lambda: (name := _tooltip_name_at(page, *probe)) and name != before and name,
                        what="a different area under the pointer after zooming in")

    _choose_fuel_poverty(page)
    after = _tooltip_name_at(page, *probe)
    screenshot(page, "explorer_zoom_kept")
    assert after == zoomed, f"the view was reset by the indicator change: {zoomed!r} before, {after!r} after"


def _interior_point(page) -> tuple[float, float, str]:
    """A point of the map well inside one LSOA: the tooltip names the same area there and 4 px around it, so a
    click there has one right answer (the tooltip, not a boundary pixel, decides)."""
    for x, y in _hover_points(page):
        name = _tooltip_name_at(page, x, y)
        if name and all(_tooltip_name_at(page, x + dx, y + dy) == name for dx, dy in ((-4, -4), (4, 4), (-4, 4))) \
                and _tooltip_name_at(page, x, y) == name:
            return x, y, name
    screenshot(page, "explorer_no_interior_point")
    pytest.fail("no point of the map is well inside an area")


_COUNT_PICK_DRAWS = """
(() => {
  // Count WebGL draws made while deck.gl handles a pointerdown (its synchronous pick): fills are plain draws, the
  // outline paths instanced ones. Load-independent, unlike the pick's duration that lost clicks.
  const P = WebGL2RenderingContext.prototype;
  let counting = false;
  for (const [name, kind] of [['drawElements', 'plain'], ['drawArrays', 'plain'],
                              ['drawElementsInstanced', 'instanced'], ['drawArraysInstanced', 'instanced']]) {
    const original = P[name];
    P[name] = function (...args) {
      if (counting) window.__pickDraws[kind] = (window.__pickDraws[kind] || 0) + 1;
      return original.apply(this, args);
    };
  }
  window.addEventListener('pointerdown', () => { window.__pickDraws = {}; counting = true; }, true);
  window.addEventListener('pointerdown', () => { counting = false; }, false);
})();
"""


def _one_click_selects(page, x: float, y: float, name: str, before: str) -> None:
    wait_for_rerun(page, lambda: page.mouse.click(x, y))
    heading = page.locator('[data-testid="stHeading"]', has_text=name)
    try:
        wait_until(lambda: "area=E01" in page.url and page.url != before and heading.count() >= 1,
                   what=f"one click selecting {name!r}")
    finally:
        page.mouse.move(5, 5)
        screenshot(page, "explorer_lsoa_first_click")


def test_the_first_click_on_the_lsoa_map_selects_the_area_the_tooltip_names(page, app_url):
    """Issue 20 (LSOA click): a first click on a freshly drawn, and on a just recoloured, LSOA map selects the hovered
    area. It used to send nothing (deck.gl's pointer-down pick read the outline's picking draw for 150-600 ms on
    software WebGL, past its 250 ms click limit) or the neighbour whose outline lay under the pointer."""
    page.add_init_script(_COUNT_PICK_DRAWS)
    _open(page, f"{app_url}/explorer?level=lsoa21")
    x, y, name = _interior_point(page)
    _one_click_selects(page, x, y, name, page.url)
    draws = page.evaluate("() => window.__pickDraws")
    assert draws and not draws.get("instanced"), (
        f"the pointer-down pick drew outlines (instanced path draws) as well as fills: {draws}")

    _choose_fuel_poverty(page)
    x, y, other = next(((px, py, n) for px, py in _hover_points(page)[1:]
                        if (n := _tooltip_name_at(page, px, py)) and n != name
                        and all(_tooltip_name_at(page, px + d, py + d) == n for d in (-4, 4))), (None, None, None))
    assert other, "no second area found to click after the recolour"
    _one_click_selects(page, x, y, other, page.url)
