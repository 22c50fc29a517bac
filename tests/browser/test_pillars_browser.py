"""Real-browser check of the pillar intersection map: drawn, in its category colours, screenshot kept."""
from __future__ import annotations

import io

from PIL import Image

from tests.browser.conftest import ARTIFACTS, screenshot, wait_for_app, wait_for_map_drawn

MAP = '[data-testid="stDeckGlJsonChart"]'


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((160, 160), Image.NEAREST)
    return set(image.getdata())


def test_intersection_map_is_drawn_in_category_colours(page, app_url):
    # open the frame first: on a fresh server Streamlit runs a deep-linked pages/ script without app.py
    # until some session has called st.navigation (PagesManager.uses_pages_directory)
    page.goto(app_url)
    wait_for_app(page)
    page.goto(f"{app_url}/pillars?level=lsoa21&pillar_view=meet")      # one view at a time: where they meet
    wait_for_app(page)
    page.wait_for_selector(f"{MAP} canvas")
    maps = page.locator(MAP)
    assert maps.count() == 1          # only the chosen view is drawn: the intersection map
    intersection = maps.nth(0)
    intersection.scroll_into_view_if_needed()
    wait_for_map_drawn(page, MAP, index=0)            # deck.gl draws on the next animation frames
    screenshot(page, "pillars_intersection_page")
    png = intersection.screenshot(path=str(ARTIFACTS / "pillars_intersection_map.png"))
    colours = _colours(png)
    # the opaque category colours (Okabe-Ito) must appear: black (all three) and at least two others
    wanted = {(0, 0, 0), (230, 159, 0), (86, 180, 233), (0, 158, 115), (213, 94, 0), (0, 114, 178), (204, 121, 167)}
    near = {w for w in wanted if any(sum(abs(a - b) for a, b in zip(w, c)) < 60 for c in colours)}
    assert (0, 0, 0) in near and len(near) >= 4, near
