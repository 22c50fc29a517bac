"""Unit tests for geo.exports on a tiny fake layer: CSV round trip, GeoPackage CRS/rows, PNG with legend."""
from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import box

from geo.exports import (A4_LANDSCAPE_IN, Provenance, csv_bytes, export_layer, geojson_bytes, geopackage_bytes,
                         map_png, read_csv_export)

META = Provenance(title="Fake rate, 2099, by ward — Leeds", source="Source: Test publisher, fake data (2099).",
                  period="2099", licence="Open Government Licence v3.0")
AREAS = gpd.GeoDataFrame({"code": ["X1", "X2", "X3"]},
                         geometry=[box(-1.60, 53.80, -1.55, 53.85), box(-1.55, 53.80, -1.50, 53.85),
                                   box(-1.50, 53.80, -1.45, 53.85)], crs="EPSG:4326")
TABLE = pd.DataFrame({"code": ["X1", "X2", "X3"], "display_name": ["Fakeham", "Testby", "Mock & Co"],
                      "value": [12.25, np.nan, 7.5], "rank": pd.array([1, pd.NA, 2], dtype="Int64"),
                      "class": ["7.5 – 12.3", "No data", "7.5 – 12.3"]})
LEGEND = pd.DataFrame({"colour": ["#fcfdbf", "#251255", "#bdbdbd"], "label": ["low", "high", "No data"],
                       "count": [1, 1, 1]})


def test_csv_starts_with_its_header_has_a_bom_and_round_trips():
    data = csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf" + b"code,display_name,")          # UTF-8 BOM, then the header
    assert b"#" not in data.splitlines()[0]
    back = read_csv_export(data)
    assert back["code"].tolist() == TABLE["code"].tolist()
    np.testing.assert_allclose(back["value"].to_numpy(), TABLE["value"].to_numpy())
    assert back["display_name"].tolist()[2] == "Mock & Co"
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").columns[0] == "code"   # plain pandas, no skiprows


def test_geopackage_opens_with_crs_and_rows(tmp_path):
    layer = export_layer(AREAS, TABLE, {"code": "code", "display_name": "name", "value": "value", "rank": "rank"})
    path = tmp_path / "out.gpkg"
    path.write_bytes(geopackage_bytes(layer, "fake"))
    back = gpd.read_file(path, layer="fake")
    assert back.crs.to_epsg() == 27700
    assert len(back) == 3 and back["name"].tolist() == ["Fakeham", "Testby", "Mock & Co"]
    assert back["value"].isna().tolist() == [False, True, False]


def test_geojson_is_wgs84_with_values():
    layer = export_layer(AREAS, TABLE, {"code": "code", "value": "value"})
    back = gpd.read_file(io.BytesIO(geojson_bytes(layer)))
    assert len(back) == 3 and back.crs.to_epsg() == 4326
    assert back["value"].iloc[0] == pytest.approx(12.25)


def test_png_is_a4_non_blank_and_has_the_legend():
    fills = pd.Series(["#fcfdbf", None, "#251255"])
    png = map_png(AREAS, fills, LEGEND, META, legend_title="Fake rate classes", dpi=60)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (round(A4_LANDSCAPE_IN[0] * 60), round(A4_LANDSCAPE_IN[1] * 60))
    colours = set(image.resize((200, 140)).get_flattened_data())
    assert len(colours) > 10, "the PNG looks blank"
    # the legend swatches are drawn on the right-hand side of the page, in the classes' colours
    right = image.crop((int(image.width * 0.64), 0, image.width, image.height))
    right_colours = set(right.get_flattened_data())
    for hex_colour in ("#fcfdbf", "#251255"):
        rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in right_colours, f"legend swatch {hex_colour} missing"


def test_png_names_areas_without_overlap_and_outlines_the_selection():
    """Issue 14 item 16: labels on a halo that never overlap (a crowded one is left off and named)."""
    from geo.exports import label_text, place_labels

    assert label_text("Hunslet & Riverside") == "Hunslet &\nRiverside"
    named = AREAS.assign(name=["Fakeham", "Testby", "Mock & Co"])
    png = map_png(AREAS, pd.Series(["#fcfdbf", None, "#251255"]), LEGEND, META, legend_title="Fake", dpi=60,
                  labels=named, highlight=named.iloc[[0]], highlight_name="Fakeham")
    assert Image.open(io.BytesIO(png)).size == (round(A4_LANDSCAPE_IN[0] * 60), round(A4_LANDSCAPE_IN[1] * 60))
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 2), dpi=60)
    ax.set_xlim(0, 1), ax.set_ylim(0, 1)
    same = gpd.GeoDataFrame({"name": [f"Ward {i}" for i in range(40)]},
                            geometry=gpd.points_from_xy([0.5] * 40, [0.5] * 40))
    skipped = place_labels(ax, same)
    boxes = [t.get_window_extent() for t in ax.texts]
    assert len(boxes) + len(skipped) == 40 and skipped
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(fig)
