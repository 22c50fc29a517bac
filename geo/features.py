"""Turn area layers into compact GeoJSON features for deck.gl, and pick a view that fits them.

deck.gl's tooltip templates cannot reach nested properties, so every field a tooltip or the
selection needs is put at the top level of each feature.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd


def features(layer: gpd.GeoDataFrame, fields: Iterable[str]) -> list[dict]:
    """GeoJSON features with ``fields`` at the top level (JSON-safe: NaN becomes None)."""
    fields = list(fields)
    geometries = json.loads(layer.geometry.to_json())["features"]
    records = pd.DataFrame(layer[fields]).astype(object).where(pd.notna(layer[fields]), None).to_dict("records")
    out = []
    for geometry, record in zip(geometries, records):
        feature = {"type": "Feature", "geometry": geometry["geometry"], "properties": {}}
        feature.update(record)
        out.append(feature)
    return out


MAP_WIDTH_PX = 560
"""The narrowest map the pages draw in a 1400 px wide window (the explorer's map column is about 640 px):
a view fitted to it shows every chosen area whole on wider screens too, with more margin."""


def view_for_bounds(bounds: tuple[float, float, float, float], width_px: int = MAP_WIDTH_PX, height_px: int = 520,
                    padding: float = 0.1) -> dict:
    """Centre and web-mercator zoom that fit ``(minx, miny, maxx, maxy)`` in a viewport, with a margin."""
    minx, miny, maxx, maxy = bounds
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2

    def merc_y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    span_x = max(maxx - minx, 1e-6) / 360
    span_y = max(merc_y(maxy) - merc_y(miny), 1e-6) / (2 * math.pi)
    scale = (1 - 2 * padding)
    zoom = min(math.log2(width_px * scale / 512 / span_x), math.log2(height_px * scale / 512 / span_y))
    return {"latitude": round(lat, 5), "longitude": round(lon, 5), "zoom": round(max(min(zoom, 14), 7), 2)}


def representative_points(layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """A label point inside each polygon (not the centroid, which can fall outside), with a priority.

    The priority (larger areas first, -1000..1000) lets the map hide colliding labels in the dense
    city centre instead of printing them on top of each other; hidden labels reappear on zoom.
    """
    points = layer.geometry.representative_point()
    area_rank = layer.to_crs("EPSG:27700").area.rank(pct=True).to_numpy()
    return pd.DataFrame({"name": layer["name"].to_numpy(),
                         "position": [[round(p.x, 5), round(p.y, 5)] for p in points],
                         "priority": (area_rank * 2000 - 1000).round().astype(int)})
