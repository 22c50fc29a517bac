"""The warm spaces layer any choropleth can show (issue 18): one tooltip for areas and points, text plain
and shortened once (Streamlit escapes tooltip values itself), the areas' data untouched otherwise."""
from __future__ import annotations

import json

import pandas as pd

from components.map import (SELECTION_SENTINEL, WARM_LAYER_ID, WARM_TOOLTIP, deck_template, points_template,
                            tooltip_text, with_selection)
from metrics.warm_spaces import overlay_rows

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
AREA_TOOLTIP = "<b>{name}</b><br/>{value_text} (2023 &amp; 2024)<br/>Rank {rank_text} in Leeds<br/>{note}"


def fake_spaces() -> pd.DataFrame:
    return pd.DataFrame({"space_id": ["ws0001", "ws0002"], "lon": [-1.5, -1.6], "lat": [53.8, 53.81],
                         "title": ["<img src=x onerror=alert(1)> Hall\nnext line", "x" * 200],
                         "space_type": ["Church", None], "hours_text": [None, "Mo 10-12"],
                         "ward24_name": ["Fakeward & North", "Fakeward South"]})


def test_an_area_tooltip_becomes_a_title_and_plain_lines_with_blank_lines_dropped():
    row = {"name": "Armley", "value_text": "12.5% <b>", "rank_text": "3 of 33", "note": None}
    assert tooltip_text(AREA_TOOLTIP, row) == ("Armley", "12.5% <b> (2023 & 2024)\nRank 3 of 33 in Leeds")
    assert tooltip_text("<b>{name}</b><br/>{move_text}", {"name": "A", "move_text": ""}) == ("A", "")


def test_point_rows_are_plain_shortened_and_fill_the_shared_tooltip():
    rows = overlay_rows(fake_spaces())
    assert [r["space_id"] for r in rows] == ["ws0001", "ws0002"]
    first, second = rows
    # plain, not escaped (Streamlit escapes once), with no line break inside a field value
    assert first["tip_head"] == "<img src=x onerror=alert(1)> Hall next line"
    assert first["tip_body"] == "Warm space: Church\nHours: not given\nWard: Fakeward & North"
    assert len(second["tip_head"]) == 80 and second["tip_head"].endswith("…")
    assert "Warm space: warm or welcome space" in second["tip_body"]
    assert first["position"] == [-1.5, 53.8]


def test_points_template_adds_one_points_layer_and_keeps_area_data_and_selection_placeholder():
    area = {"type": "Feature", "geometry": SQUARE, "properties": {}, "code": "E01", "name": "Area & one",
            "fill": [1, 2, 3, 255], "value_text": "5", "rank_text": "1 of 1", "note": ""}
    template = deck_template([area], None, [], {"latitude": 0.5, "longitude": 0.5, "zoom": 5}, AREA_TOOLTIP)
    out = points_template(template, AREA_TOOLTIP, overlay_rows(fake_spaces()))
    deck = json.loads(out)
    ids = [layer["id"] for layer in deck["layers"]]
    assert ids[-1] == WARM_LAYER_ID and ids.count(WARM_LAYER_ID) == 1
    areas = next(layer for layer in deck["layers"] if layer["id"] == "areas")["data"]
    assert areas[0]["code"] == "E01" and areas[0]["geometry"] == SQUARE and areas[0]["fill"] == [1, 2, 3, 255]
    assert (areas[0]["tip_head"], areas[0]["tip_body"]) == ("Area & one", "5 (2023 & 2024)\nRank 1 of 1 in Leeds")
    points = deck["layers"][-1]
    assert points["@@type"] == "ScatterplotLayer" and points["pickable"] and len(points["data"]) == 2
    # every field the shared tooltip names is on every pickable row (a missing one would show "{field}")
    for layer in deck["layers"]:
        if layer.get("pickable"):
            assert all({"tip_head", "tip_body"} <= set(r) for r in layer["data"])
    assert set(WARM_TOOLTIP.replace("}", "{").split("{")[1::2]) == {"tip_head", "tip_body"}
    # the selection still goes in afterwards, as on a map without points
    assert json.dumps(SELECTION_SENTINEL) in out
    deck_with_selection = with_selection(out, [{"type": "Feature", "geometry": SQUARE, "properties": {"code": "E01"}}],
                                         WARM_TOOLTIP)
    assert json.dumps(SELECTION_SENTINEL) not in deck_with_selection.to_json()
