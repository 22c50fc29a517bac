"""The warm spaces points on every choropleth (issue 18): one switch, shared by every map and the link; off,
the decks are exactly the maps' own; on, each area map carries the points layer and the layer's credit."""
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.map import WARM_LAYER_ID, WARM_TOOLTIP
from data.settings import REPO_ROOT

pytestmark = pytest.mark.data
# every page whose maps are choropleths drawn by components.map.show_map (the warm spaces page has its own)
MAP_VIEWS = [("app_pages/overview.py", None), ("app_pages/explorer.py", None), ("app_pages/profile.py", {"profile_tab": "map"}),
             ("app_pages/change.py", {"change_measure": "Deprivation: IMD 2019 → 2025"}),
             ("app_pages/change.py", {"change_measure": "Energy and homes: Fuel poverty"}),
             ("app_pages/pillars.py", None)]


def _decks(at: AppTest) -> list[dict]:
    return [json.loads(d.proto.json) | {"_tooltip": json.loads(d.proto.tooltip or "{}")}
            for d in at.get("deck_gl_json_chart")]


def _area_decks(at: AppTest) -> list[dict]:
    return [d for d in _decks(at) if any(layer["id"] == "areas" for layer in d["layers"])]


def _points(deck: dict) -> list[dict]:
    return next((layer["data"] for layer in deck["layers"] if layer["id"] == WARM_LAYER_ID), [])


def test_the_switch_puts_the_stored_spaces_on_every_area_map_and_into_the_link(processed_store):
    spaces = pd.read_parquet(processed_store / "warm_spaces.parquet")
    once = spaces[spaces["duplicate_of"].isna()]
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/explorer.py").run()
    off = _area_decks(at)
    assert off and not any(_points(d) for d in off)
    assert not any("No licence is stated" in c.value for c in at.caption)
    toggles = [t for t in at.toggle if t.key.startswith("_w_warm_")]
    assert toggles and not toggles[0].value
    toggles[0].set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params.get("warm") == ["1"] or at.query_params.get("warm") == "1"
    for page, state in MAP_VIEWS:
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        decks = _area_decks(at)
        assert decks, page
        for deck in decks:
            points = _points(deck)
            assert sorted(p["space_id"] for p in points) == sorted(once["space_id"]), page
            assert deck["_tooltip"]["html"] == WARM_TOOLTIP
            areas = next(layer for layer in deck["layers"] if layer["id"] == "areas")["data"]
            assert all(a.get("tip_head") for a in areas), page          # every area still names itself
        assert any("No licence is stated" in c.value and "Office for National Statistics" in c.value
                   for c in at.caption), page
        assert all(t.value for t in at.toggle if t.key.startswith("_w_warm_")), page
    # a point's tooltip fields are the stored text, plain (Streamlit escapes them once, in the browser)
    first = once.sort_values("space_id").iloc[0]
    shown = {p["space_id"]: p for p in points}[first["space_id"]]
    assert shown["tip_head"] == first["title"][:80] or shown["tip_head"].endswith("…")
    assert f"Ward: {first['ward24_name']}" in shown["tip_body"]


def test_a_link_with_the_layer_on_opens_with_the_points(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"warm": "1", "level": "lsoa21"})
    at.run()
    at.switch_page("app_pages/explorer.py").run()
    assert not at.exception
    decks = _area_decks(at)
    assert decks and all(_points(d) for d in decks)
