"""Warm spaces in a real browser: points drawn over the need map, a point's tooltip, a click shows its details."""
from __future__ import annotations

import math

from data.settings import processed_dir
from data.store import read_areas, read_store_table
from geo.choropleth import view_for_bounds
from tests.browser.conftest import hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn

MAP = '[data-testid="stDeckGlJsonChart"]'
SPACE = "Ardsley and Tingley Library"


def _pixel(lon: float, lat: float, view: dict, box: dict) -> tuple[float, float]:
    """Where deck.gl's web-mercator view puts a point inside the canvas."""
    scale = 512 * 2 ** view["zoom"]

    def world(lo: float, la: float) -> tuple[float, float]:
        return ((lo + 180) / 360 * scale,
                (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale)

    x, y = world(lon, lat)
    cx, cy = world(view["longitude"], view["latitude"])
    return box["x"] + box["width"] / 2 + x - cx, box["y"] + box["height"] / 2 + y - cy


def test_search_hover_and_click_a_space(page, app_url):
    processed = processed_dir()
    space = read_store_table(processed, "warm_spaces").set_index("title").loc[SPACE]
    view = view_for_bounds(tuple(read_areas(processed, "ward24").total_bounds))

    page.goto(f"{app_url}/warm-spaces")
    wait_for_app(page)
    search = page.get_by_label("Search by name, address, type or ward")
    search.fill(SPACE)
    search.press("Enter")
    wait_for_app(page)
    page.get_by_text("1 of 226 spaces").wait_for()
    canvas = page.locator(f"{MAP} canvas").first
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()
    wait_for_map_drawn(page, MAP)               # deck.gl draws on the next animation frames
    x, y = _pixel(float(space["lon"]), float(space["lat"]), view, canvas.bounding_box())
    tooltip = page.locator(".deck-tooltip")
    for dx, dy in [(0, 0), (2, 0), (-2, 0), (0, 2), (0, -2)]:
        if hover_tooltip(page, x + dx, y + dy, contains=SPACE):
            break
    screenshot(page, "warm_spaces_hover")
    text = tooltip.first.inner_text()
    assert SPACE in text and "Library" in text and "Ward: Ardsley & Robin Hood" in text, text
    assert "&amp;" not in text and "13:00 & 14:00" in text, text      # escaped once, by Streamlit, not twice
    page.mouse.click(x + dx, y + dy)
    wait_for_app(page)
    screenshot(page, "warm_spaces_details")
    page.get_by_text("Opening hours as given: Monday: 10:00 - 13:00 & 14:00").wait_for()
