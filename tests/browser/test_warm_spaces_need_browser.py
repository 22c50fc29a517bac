"""A DWP need layer by MSOA in a real browser: opened from a link, MSOAs drawn under the points, an MSOA's
tooltip gives the stored value with its period."""
from __future__ import annotations

import pandas as pd

from data.settings import processed_dir
from data.store import read_areas
from geo.choropleth import view_for_bounds
from tests.browser.conftest import hover_tooltip, screenshot, wait_for_app, wait_for_map_drawn
from tests.browser.test_warm_spaces_browser import MAP, _pixel


def test_uc_layer_by_msoa_from_a_link_shows_each_msoas_figure(page, app_url):
    processed = processed_dir()
    msoas = read_areas(processed, "msoa")
    view = view_for_bounds(tuple(msoas.total_bounds))
    series = pd.read_parquet(processed / "series.parquet")
    latest = series[(series["trend_id"] == "universal_credit_per_100_households") & (series["area_level"] == "msoa")
                    & (series["period"] == "2023-11")].set_index("area_code")["value"]
    page.goto(f"{app_url}/warm-spaces?ws_level=msoa&ws_need=dwp_uc_per_100")
    wait_for_app(page)
    page.get_by_text("(2023-11, provisional; rate, by MSOA)").first.wait_for()
    canvas = page.locator(f"{MAP} canvas").first
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()
    wait_for_map_drawn(page, MAP)
    box = canvas.bounding_box()
    found = None
    for code, name, point in zip(msoas["code"], msoas["display_name"], msoas.geometry.representative_point()):
        text = hover_tooltip(page, *_pixel(point.x, point.y, view, box), contains="2023-11")   # a space may sit on top
        if text and str(name) in text:
            found = (code, text)
            break
    screenshot(page, "warm_spaces_uc_msoa")
    assert found, "no MSOA tooltip found"
    code, text = found
    assert f"{latest[code]:.1f} per 100 households (2023-11)" in text and "rate" in text, text
