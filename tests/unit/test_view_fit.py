"""A map's first view shows the chosen areas whole, with a margin, in the narrowest map the pages draw
(issue 14, item 9: Outer North West cropped Guiseley & Rawdon; Outer East cropped Kippax & Methley)."""
import math

import pytest

from geo.choropleth import view_for_bounds

# (minx, miny, maxx, maxy) of two committees' wards and of Leeds, rounded outward from the ONS BGC layers
BOUNDS = {"outer-north-west": (-1.80, 53.82, -1.58, 53.95), "outer-east": (-1.48, 53.70, -1.29, 53.86),
          "leeds": (-1.80, 53.70, -1.29, 53.95)}


def _pixels(bounds, zoom):
    """Width and height in screen pixels of ``bounds`` at a web-mercator ``zoom``."""
    minx, miny, maxx, maxy = bounds
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    scale = 512 * 2 ** zoom
    return (maxx - minx) / 360 * scale, (merc(maxy) - merc(miny)) / (2 * math.pi) * scale


@pytest.mark.parametrize("name", BOUNDS)
def test_the_view_fits_the_areas_in_a_560_px_map_with_a_margin(name):
    view = view_for_bounds(BOUNDS[name])
    width, height = _pixels(BOUNDS[name], view["zoom"])
    assert width <= 0.9 * 560 and height <= 0.9 * 520, (name, view, width, height)
    assert width >= 0.6 * 560 or height >= 0.6 * 520, "the areas should fill most of the map, not a corner"
