"""The warm spaces layer on the explorer's map in a real browser (issue 18): the switch draws the points, a
point's tooltip names the space (escaped once), an area's tooltip still names the area, and the link keeps it."""
from __future__ import annotations

from data.settings import processed_dir
from data.store import read_areas, read_store_table
from geo.choropleth import view_for_bounds
from tests.browser.conftest import hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn, wait_until
from tests.browser.test_warm_spaces_browser import SPACE, _pixel

MAP = '[data-testid="stDeckGlJsonChart"]'


def test_explorer_points_switch_tooltip_and_link(page, app_url):
    processed = processed_dir()
    space = read_store_table(processed, "warm_spaces").set_index("title").loc[SPACE]
    view = view_for_bounds(tuple(read_areas(processed, "ward24").total_bounds))
    page.goto(f"{app_url}/explorer?level=ward24")
    wait_for_app(page)
    switch = page.get_by_text("Show warm and welcome spaces")
    switch.click()
    page.get_by_text("No licence is stated").first.wait_for()
    wait_until(lambda: "warm=1" in page.url, 60, "the link to carry the layer")
    wait_for_app(page)
    canvas = page.locator(f"{MAP} canvas").first
    canvas.scroll_into_view_if_needed()
    wait_for_map_drawn(page, MAP)
    box = canvas.bounding_box()
    x, y = _pixel(float(space["lon"]), float(space["lat"]), view, box)
    text = None
    for dx, dy in [(0, 0), (2, 0), (-2, 0), (0, 2), (0, -2)]:
        text = hover_tooltip(page, x + dx, y + dy, contains=SPACE)
        if text:
            break
    screenshot(page, "explorer_warm_spaces_point")
    assert text and "Warm space: Library" in text and "Ward: Ardsley & Robin Hood" in text, text
    assert "&amp;" not in text and "{" not in text, text
    # an area away from any point still shows its own tooltip (name, value, rank), rewritten into the shared one
    area_text = None
    for fx, fy in [(0.5, 0.15), (0.3, 0.3), (0.7, 0.3), (0.2, 0.6)]:
        area_text = hover_tooltip(page, box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, contains="Rank")
        if area_text:
            break
    assert area_text and "in Leeds (1 = worst)" in area_text and "{" not in area_text, area_text
    screenshot(page, "explorer_warm_spaces_area")
    # the link reopens the map with the points
    page.goto(page.url)
    wait_for_app(page)
    page.get_by_text("No licence is stated").first.wait_for()
