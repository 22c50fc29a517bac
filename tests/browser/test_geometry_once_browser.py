"""Geometry once (issue 20.2) in a real browser: the explorer's LSOA map draws from the geometry file, recolours
after an indicator change without fetching the polygons again, its tooltip shows the new indicator's value for the
hovered area, and a click on the ward map still selects."""
from __future__ import annotations

from tests.browser.conftest import click_until, hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn, wait_for_rerun, wait_until

MAP = '[data-testid="stDeckGlJsonChart"]'


def test_the_map_recolours_from_values_alone_and_the_tooltip_follows(page, app_url):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "/geo/" in request.url else None)
    page.goto(f"{app_url}/explorer?level=lsoa21&indicator=imd_imd_score")
    wait_for_app(page)
    before = wait_for_map_drawn(page)
    assert sorted(url.split("?")[0].rsplit("/", 1)[1] for url in fetched) == ["lsoa21.geojson", "ward24.geojson"]

    box = page.locator(f"{MAP} canvas").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    first = hover_tooltip(page, x, y, contains="in Leeds", timeout_s=20)
    assert first and "(2025)" in first and "Committee:" in first, first

    indicator = page.locator('[data-testid="stSelectbox"]', has_text="Indicator").locator("input")
    indicator.click()
    page.keyboard.type("fuel poverty")
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))
    wait_until(lambda: "indicator=fuel_poverty" in page.url, what="the link naming the new indicator")
    after = wait_for_map_drawn(page)
    page.mouse.move(x, y)
    second = hover_tooltip(page, x, y, contains="%", timeout_s=20)
    screenshot(page, "geometry_once_recoloured")
    assert after != before, "the map was not recoloured"
    assert len(fetched) == 2, f"the polygons were fetched again: {fetched}"
    assert second and second.splitlines()[0] == first.splitlines()[0], (first, second)
    name, value = second.splitlines()[0], second.splitlines()[1].split(" (")[0]
    table = page.locator('[data-testid="stDataFrame"]').last
    assert name and value.endswith("%") and value != first.splitlines()[1], second
    assert table.count() == 1


def test_a_click_on_the_ward_map_from_the_file_selects_the_ward(page, app_url):
    page.goto(f"{app_url}/explorer?level=ward24")
    wait_for_app(page)
    wait_for_map_drawn(page)
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    text = hover_tooltip(page, x, y, contains="in Leeds", timeout_s=20)
    assert text, "no tooltip over the middle of the map"
    name = text.splitlines()[0].strip()
    click_until(page, x, y, lambda: "area=E05" in page.url, f"the link naming the clicked ward {name!r}", "in Leeds")
    heading = page.locator('[data-testid="stHeading"]', has_text=name)
    wait_until(lambda: heading.count() >= 1, what=f"the side panel showing {name!r}")
