"""Pillars page (AppTest): thresholds drive the category counts and the list of areas.

Each view is rendered in a fresh session with its choices seeded in session state (AppTest reruns a
multipage app through its frame reliably only on the first switch_page run).
"""
import json
import re
import zlib

import pytest
from streamlit.testing.v1 import AppTest

from components import store
from components.map import _CLASS_CHARS, DEPRIVED_LINE, NO_LINE
from data.settings import REPO_ROOT
from geo.choropleth import geometry_url

THRESHOLD_KEYS = ("pillar_thr_health", "pillar_thr_growth", "pillar_thr_carbon")


def _render(threshold: str, combo: str = "All three") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["level"] = "ward24"
    for key in THRESHOLD_KEYS:
        at.session_state[key] = threshold
    at.session_state["pillar_combo"] = combo
    at.switch_page("app_pages/pillars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counts(at) -> dict[str, int]:
    for frame in (d.value for d in at.dataframe):
        if "Weak on" in frame.columns and "Health and Wellbeing" in set(frame["Weak on"]):
            return dict(zip(frame["Weak on"], frame["Areas"]))
    raise AssertionError("no category counts table on the page")


def _area_list(at):
    for frame in (d.value for d in at.dataframe):
        if "Code" in frame.columns and any(str(c).startswith("Health:") for c in frame.columns):
            return frame
    raise AssertionError("no list of areas on the page")


@pytest.fixture(scope="module")
def worst20(processed_store):
    return _render("worst20")


def test_default_view_counts_every_ward_once_and_lists_all_three(worst20):
    counts = _counts(worst20)
    assert len(counts) == 8 and sum(counts.values()) == 33
    assert len(_area_list(worst20)) == counts["All three"] > 0
    headline = worst20.subheader[0].value                       # issue 19: the answer first, as a sentence
    assert headline.startswith(f"{counts['All three']} wards, home to ") and "weak on all three pillars" in headline
    assert any("Download these" in b.label for b in worst20.get("download_button"))


def test_changing_thresholds_changes_counts_and_list(worst20):
    before, listed = _counts(worst20), _area_list(worst20)
    at = _render("leeds")
    after = _counts(at)
    assert sum(after.values()) == 33
    assert after != before and after["All three"] > before["All three"]
    assert len(_area_list(at)) == after["All three"]
    assert set(_area_list(at)["Code"]) > set(listed["Code"])
    assert any("worse than the leeds value" in m.value for m in at.markdown)


def test_choosing_a_combination_lists_its_areas(processed_store):
    at = _render("worst20", combo="None")
    counts = _counts(at)
    assert len(_area_list(at)) == counts["None"]
    assert any(f"{counts['None']} wards weak on: None" in m.value for m in at.markdown)


def _decode(expression: str) -> list[list[int]]:
    """A colour-by-position expression (components.map.fill_expression) as one colour per area, in file order."""
    palette, chars = re.fullmatch(r'(?:@@=)?\((\[.*\])\)\[\("(.*)"\)\[n\]\]', expression).groups()
    colours = json.loads(palette)
    return [colours[_CLASS_CHARS.index(c)] for c in chars[1:]]


def _deck(at) -> tuple[dict, str, object]:
    chart = at.get("deck_gl_json_chart")[0]
    return json.loads(chart.proto.json), json.loads(chart.proto.tooltip)["html"], chart.proto


def test_a_combination_change_sends_outline_colours_not_polygons(processed_store):
    """Issue 20: a change of "Show the areas weak on" re-sent the whole map with its polygons inline (~60 KB parsed per
    change at ward level); now the polygons come from the level's geometry file and the outline goes by position."""
    at = _render("worst20", combo="All three")
    at.selectbox(key="_w_pillar_combo").set_value("Health and Wellbeing").run()
    assert not at.exception
    deck, tooltip, proto = _deck(at)
    assert "coordinates" not in proto.json
    layers = {layer["id"]: layer for layer in deck["layers"]}
    stamp = store.built_at()
    assert layers["areas"]["data"] == geometry_url("ward24", stamp)
    codes = store.areas("ward24", stamp)["code"].astype(str).tolist()
    listed = set(_area_list(at)["Code"].astype(str))
    assert listed
    for layer_id, colour in (("deprived-casing", [255, 255, 255, 255]), ("deprived", DEPRIVED_LINE)):
        layer = layers[layer_id]
        assert layer["data"] == geometry_url("ward24", stamp)
        lines = _decode(layer["getLineColor"])
        assert {c for c, line in zip(codes, lines) if line == colour} == listed
        assert all(line == NO_LINE for c, line in zip(codes, lines) if c not in listed)
        assert layer["_subLayerProps"]["polygons-stroke"]["updateTriggers"]["getColor"] == layer["updateTriggers"]["getLineColor"]
    # the tooltip's group and scores are the table's, by the file's position
    blocks = [re.findall(r"<span>(.*?)</span>", b) for b in re.findall(r'<span class="bca-tip">((?:<span>.*?</span>)*)</span>', tooltip)]
    categories = blocks[0]
    assert {c for c, group in zip(codes, categories) if group == "Health and Wellbeing"} == listed
    size = len(proto.SerializeToString())
    assert size < 16_000, size                   # was ~62,000 bytes with the polygons inline
    deflate = zlib.compressobj(6, zlib.DEFLATED, -12, 5)
    assert len(deflate.compress(proto.SerializeToString()) + deflate.flush(zlib.Z_SYNC_FLUSH)) < 6_000
