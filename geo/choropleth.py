"""Pure choropleth preparation: classes, colours and tooltip text for one indicator on one level, and the
compact GeoJSON features and view deck.gl draws them with.

deck.gl's tooltip templates cannot reach nested properties, so every field a tooltip or the selection
needs is put at the top level of each feature.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from data.query import select
from data.registry import Indicator
from geo.classify import Classification, classify, difference_classes
from geo.palettes import class_colours, hex_to_rgba, no_data_colour

DIM_ALPHA = 50
FULL_ALPHA = 235


@dataclass(frozen=True)
class ClassedValues:
    classification: Classification
    colours: list[str]          # one per class, class 0 = lowest values
    labels: list[str]           # one per class (and a final "No data")
    scheme_label: str


def decile_labels(deciles: list[int]) -> list[str]:
    names = {1: "1 (most deprived 10%)", 10: "10 (least deprived 10%)"}
    return [f"Decile {names.get(d, str(d))}" for d in deciles]


def classify_indicator(values: pd.Series, indicator: Indicator, scheme: str, k: int,
                       national: tuple[list[float], list[int]] | None = None,
                       centre: float | None = None, home: str = "Leeds") -> ClassedValues:
    """Classify values by the chosen scheme; the "national" scheme gives decile classes and labels.

    "national" means the published deciles themselves (``classify: deciles``) or England's LSOA decile
    score ranges (``national_deciles``, needs ``national``). Callers offer only the schemes that
    ``schemes_for`` allows, so an impossible choice is an error rather than a silent substitute.
    """
    if scheme == "national" and indicator.classify != "deciles" and national is None:
        raise ValueError(f"{indicator.id} has no national decile breaks for this period.")
    if scheme == "diverging" and centre is None:
        raise ValueError(f"{indicator.id} has no Leeds value to centre a diverging scale on.")
    if indicator.classify == "deciles" and scheme == "national":
        classification = classify(values, "fixed", fixed_breaks=[float(d) for d in range(1, 10)])
        colours = class_colours(10, indicator.polarity)
        return ClassedValues(classification, colours, decile_labels(list(range(1, 11))) + ["No data"], "Deciles")
    if scheme == "national" and national is not None:
        uppers, deciles = national
        classification = classify(values, "fixed", fixed_breaks=uppers)
        colours = class_colours(len(deciles), indicator.polarity)
        labels = [f"{lab} (score {rng})" for lab, rng in zip(decile_labels(deciles), classification.range_labels(indicator.format))]
        return ClassedValues(classification, colours, labels + ["No data"],
                             "England's LSOA deciles of this score")
    if scheme == "diverging" and centre is not None:
        difference = difference_classes(values, centre, k)
        full = class_colours(difference.k_full, indicator.polarity, palette="diverging")
        colours = [full[i] for i in difference.positions]
        signed = signed_format(indicator.format)
        return ClassedValues(difference.classification, colours, difference.classification.labels(signed),
                             f"Difference from the {home} value ({indicator.format_value(centre)}), "
                             f"{difference_unit(indicator)}")
    classification = classify(values, scheme, k)
    colours = class_colours(classification.n_classes, indicator.polarity)
    names = {"quantiles": "Quantiles", "natural_breaks": "Natural breaks (Fisher-Jenks)", "equal_interval": "Equal intervals"}
    return ClassedValues(classification, colours, classification.labels(indicator.format), names.get(scheme, scheme))


def signed_format(fmt: str) -> str:
    """The registry's number format with a sign: '{:.1f}' -> '{:+.1f}', so '+2.0' reads as above the reference."""
    return fmt.replace("{:", "{:+", 1) if fmt.startswith("{:") and not fmt.startswith("{:+") else fmt


def difference_unit(indicator: Indicator) -> str:
    """Units of a difference: percentage points for a percentage, else the indicator's own unit."""
    return {"%": "percentage points"}.get(indicator.unit, indicator.unit)


def fill_colours(class_of: pd.Series, colours: list[str], dimmed: pd.Series | None = None) -> list[list[int]]:
    """RGBA per area: class colour (grey for no data), faded where ``dimmed`` is True."""
    grey = no_data_colour()
    out = []
    dim = dimmed if dimmed is not None else pd.Series(False, index=class_of.index)
    for cls, faded in zip(class_of.to_numpy(), dim.to_numpy()):
        colour = colours[cls] if cls >= 0 else grey
        out.append(hex_to_rgba(colour, DIM_ALPHA if faded else FULL_ALPHA))
    return out


def class_label_per_area(class_of: pd.Series, labels: list[str]) -> pd.Series:
    """The legend label of each area's class ('No data' for missing)."""
    return class_of.map(lambda c: labels[c] if c >= 0 else "No data")


def rank_text(rank: pd.Series, total: int) -> pd.Series:
    return rank.map(lambda r: f"{int(r)} of {total}" if pd.notna(r) else "not ranked")


def dimmed_outside(frame: pd.DataFrame, level: str, committee: str) -> pd.Series:
    """True for areas outside the chosen committee (nothing is dimmed for 'all')."""
    if committee == "all":
        return pd.Series(False, index=frame.index)
    column = "code" if level == "committee" else "committee_code"
    return frame[column] != committee if column in frame else pd.Series(False, index=frame.index)


SCHEME_LABELS = {
    "quantiles": "Quantiles (equal counts)",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal intervals",
    "national": "National deciles (fixed)",
    "diverging": "Above / below Leeds (diverging)",
}


def scheme_label(scheme: str, home: str = "Leeds") -> str:
    """How the scheme picker names a scheme; "Leeds" in the diverging one is the home district."""
    return SCHEME_LABELS[scheme].replace("Leeds", home)


def schemes_for(indicator: Indicator, has_national_breaks: bool, has_centre: bool) -> list[str]:
    """Schemes that make sense for this indicator and period (others would have nothing to stand on)."""
    schemes = ["quantiles", "natural_breaks", "equal_interval"]
    if indicator.classify == "deciles" or (indicator.classify == "national_deciles" and has_national_breaks):
        schemes.append("national")
    if has_centre:
        schemes.append("diverging")
    return schemes


def default_scheme(indicator: Indicator, current: str, allowed: list[str]) -> str:
    """Keep the reader's scheme when it still applies; decile indicators read best as deciles."""
    if indicator.classify == "deciles" and "national" in allowed:
        return "national"
    return current if current in allowed else allowed[0]


def national_decile_of(values: pd.Series, national: tuple[list[float], list[int]]) -> pd.Series:
    """England LSOA decile each value falls in (upper bounds inclusive), as Int64; <NA> for missing."""
    uppers, deciles = national
    y = values.astype("float64").to_numpy()
    position = np.searchsorted(np.asarray(uppers, dtype=float), y, side="left")
    out = pd.array([deciles[i] if not np.isnan(v) else pd.NA for i, v in zip(position, y)], dtype="Int64")
    return pd.Series(out, index=values.index)


def codes_with_value(table: pd.DataFrame, value: float) -> list[str]:
    """Codes of the areas whose value equals ``value`` (e.g. national IMD decile 1 = "Deprived Leeds")."""
    return table.loc[table["value"] == value, "code"].astype(str).tolist()


def key_figures(values: pd.DataFrame, indicators: list[Indicator], level: str, code: str) -> pd.DataFrame:
    """One row per indicator: this area's latest value beside Leeds and England (formatted, 'no data' kept).

    Missing comparators stay missing (shown as "not published") rather than being filled in.
    """
    rows = []
    for indicator in indicators:
        period = indicator.latest.period
        subset = select(values, indicator.id, period=period)

        def pick(area_level: str, area_code: str | None = None) -> float | None:
            sel = select(subset, level=area_level, code=area_code)
            if sel.empty or pd.isna(sel["value"].iloc[0]):
                return None
            return float(sel["value"].iloc[0])

        area, leeds, england = pick(level, code), pick("lad"), pick("england")
        rows.append({
            "Indicator": indicator.short_label,
            "This area": indicator.format_value(area),
            "Leeds": indicator.format_value(leeds) if leeds is not None else "not published",
            "England": indicator.format_value(england) if england is not None else "not published",
            "Period": period,
            "source_id": indicator.latest.source,
        })
    return pd.DataFrame(rows, columns=["Indicator", "This area", "Leeds", "England", "Period", "source_id"])


def hex_fills(class_of: pd.Series, colours: list[str]) -> pd.Series:
    """Hex colour per area for static (PNG) maps; None for no data, drawn grey and hatched."""
    return class_of.map(lambda c: colours[c] if c >= 0 else None)


def within_committee(table: pd.DataFrame, level: str, committee: str) -> pd.DataFrame:
    """Rows inside the chosen committee (all rows for 'all'): the table honours the map's filter."""
    return table[~dimmed_outside(table, level, committee).to_numpy()]


# ---------- GeoJSON features and the view that fits them ----------


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


# ---------- geometry once: each level's polygons as a file the browser fetches once (issue 20.2) ----------

GEOMETRY_ROUTE = "/geo/{level}.geojson"
"""Where server.py serves a level's geometry file (deploy/asgi.py); the ``v`` query names the store's build."""
CONTEXT_LEVELS = ("lsoa21", "msoa", "ward24")
"""Levels whose tooltip names the area's community committee (LSOA and MSOA names already carry the ward)."""


def geometry_version(stamp: str) -> str:
    """A short token for a store build: a new build gets a new URL, so browsers may cache a file for good."""
    return hashlib.sha256(stamp.encode("utf-8")).hexdigest()[:12]


def geometry_url(level: str, stamp: str) -> str:
    """The URL of a level's geometry file for this build of the store."""
    return GEOMETRY_ROUTE.format(level=level) + "?v=" + geometry_version(stamp)


def context_texts(layer: pd.DataFrame, level: str) -> pd.Series:
    """The tooltip's context line per area ("Committee: Inner East"), empty where a level or an area has none
    (another district's atlas: community committees are Leeds')."""
    if level in CONTEXT_LEVELS and "committee_name" in layer:
        return layer["committee_name"].map(lambda n: f"Committee: {n}" if isinstance(n, str) and n else "")
    return pd.Series("", index=layer.index)


def geometry_collection(layer: gpd.GeoDataFrame, level: str) -> dict:
    """A level's areas as GeoJSON for the browser to fetch once: geometry and the fields that never change
    with the indicator (code, name, context line), plus ``n``, the area's 1-based position. A map's colours and
    tooltip values then travel as short per-view lists read by position (components.map), not as features."""
    rows = pd.DataFrame({"code": layer["code"].astype(str).to_numpy(), "n": range(1, len(layer) + 1),
                         "name": layer.get("display_name", layer["code"]).astype(str).to_numpy(),
                         "context_text": context_texts(layer, level).to_numpy()}, index=layer.index)
    return {"type": "FeatureCollection",
            "features": features(gpd.GeoDataFrame(rows, geometry=layer.geometry.values, crs=layer.crs),
                                 ["code", "n", "name", "context_text"])}


def geometry_json(layer: gpd.GeoDataFrame, level: str) -> bytes:
    """``geometry_collection`` as compact UTF-8 JSON (what the route serves)."""
    return json.dumps(geometry_collection(layer, level), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
