"""Custom area in a real browser (issue 19.6): clicking two neighbourhoods on the map puts both in the area (the
list, the cyan outlines, the link and the profile), and a third click on one of them takes it out."""
from __future__ import annotations

import io
import re

import pytest

from data.store import read_areas
from metrics.custom_area import encode_selection

from tests.browser.conftest import click_until, hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn, wait_for_rerun, wait_until

MAP = '[data-testid="stDeckGlJsonChart"]'


def _points(page):
    """Points across the map's middle (dense with small city-centre LSOAs), nearest the centre first."""
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    steps = [(dx, dy) for dx in (0, -0.04, 0.04, -0.08, 0.08, -0.12, 0.12) for dy in (0, -0.05, 0.05, 0.1)]
    return [(cx + dx * box["width"], cy + dy * box["height"]) for dx, dy in steps]


def _count(page) -> int | None:
    """How many neighbourhoods the profile says the area has ('2 neighbourhoods (LSOAs), ...'); None when empty."""
    found = re.search(r"(\d+) neighbourhoods? \(LSOAs?\),", page.locator('[data-testid="stMain"]').inner_text())
    return int(found.group(1)) if found else None


def _listed(page, names) -> bool:
    text = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    return all(name in text for name in names)


def test_clicking_two_lsoas_on_the_map_puts_them_in_the_area(page, app_url):
    page.goto(f"{app_url}/custom-area")
    wait_for_app(page)
    wait_for_map_drawn(page)
    picked: list[tuple[float, float, str]] = []
    for x, y in _points(page):
        text = hover_tooltip(page, x, y, contains="Click to add")
        name = text.splitlines()[0].strip() if text else None
        if name and name not in [p[2] for p in picked]:
            picked.append((x, y, name))
        if len(picked) == 2:
            break
    if len(picked) < 2:
        screenshot(page, "custom_area_no_tooltip")
        pytest.fail("no two neighbourhoods showed a tooltip over the map")
    for n, (x, y, name) in enumerate(picked, start=1):
        click_until(page, x, y, lambda: _count(page) == n, f"{n} neighbourhood(s) in the list", "Click to add")
    page.mouse.move(5, 5)
    wait_until(lambda: not page.locator(".deck-tooltip").first.is_visible(), what="the tooltip hiding")
    assert _listed(page, [p[2] for p in picked])
    assert "custom=a" in page.url, page.url
    # the outlines are recoloured by position in the geometry file (issue 20): a change must redraw them
    canvas = page.locator(f"{MAP} canvas").first
    wait_until(lambda: _cyan_pixels(canvas.screenshot()) > 20, what="the clicked LSOAs outlined in cyan")
    wait_until(lambda: page.locator('[data-testid="stHeading"]', has_text="My area").count() >= 1,
               what="the area's profile heading")
    wait_until(lambda: page.get_by_text("2 neighbourhoods (LSOAs)").count() >= 1, what="the profile's caption")
    page.locator(MAP).scroll_into_view_if_needed()
    screenshot(page, "custom_area_two_clicked")
    # the same neighbourhood clicked again leaves the area
    x, y, name = picked[1]
    click_until(page, x, y, lambda: _count(page) == 1 and _listed(page, [picked[0][2]]), f"{name} taken out", "Click to")


def _cyan_pixels(png: bytes) -> int:
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r < 40 and 190 < g < 235 and b > 230)


def test_a_link_opens_two_lsoas_outlined_on_the_map_and_profiled(page, app_url, processed_store):
    universe = sorted(read_areas(processed_store, "lsoa21")["code"].astype(str))
    names = dict(zip(read_areas(processed_store, "lsoa21")["code"], read_areas(processed_store, "lsoa21")["display_name"]))
    codes = [c for c in universe if names[c].endswith("(Gipton & Harehills)")][:2]
    page.goto(f"{app_url}/custom-area?custom={encode_selection(codes, universe)}&custom_name=Harehills%20pair")
    wait_for_app(page)
    wait_for_map_drawn(page)
    wait_until(lambda: _count(page) == 2 and _listed(page, [names[c] for c in codes]), what="both LSOAs in the list")
    wait_until(lambda: page.locator('[data-testid="stHeading"]', has_text="Harehills pair").count() >= 1,
               what="the named profile")
    canvas = page.locator(f"{MAP} canvas").first
    wait_until(lambda: _cyan_pixels(canvas.screenshot()) > 20, what="the two LSOAs outlined in cyan")
    screenshot(page, "custom_area_link")
    assert page.get_by_text("2 neighbourhoods (LSOAs)").count() >= 1
