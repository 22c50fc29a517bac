"""Custom areas (issue 19.6) as a reader uses them: build by pasting codes, by postcode, open by link (AppTest,
real store). The figures are checked against metrics.custom_area on the same LSOAs, and the user's name
is shown as text wherever it lands."""
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT, processed_dir
from data.registry import load_registry
from data.store import read_areas, read_values
from metrics.custom_area import aggregate_custom, custom_headlines, encode_selection

pytestmark = pytest.mark.data
PAGE = "app_pages/custom_area.py"


@pytest.fixture(scope="module")
def lsoas(processed_store):
    return pd.DataFrame(read_areas(processed_store, "lsoa21").drop(columns="geometry"))


def _open(query=None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    if query:
        at.query_params.update(query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _paste(at, text):
    """Type into the paste box and press the form's button (a form keeps its values until submitted)."""
    at.text_area(key="_custom_paste").input(text)
    next(b for b in at.button if b.label == "Add to the area").click().run()


def _notes(at) -> str:
    """The info boxes as a reader sees them (Markdown escapes removed)."""
    return " ".join(re.sub(r"\\(.)", r"\1", i.value) for i in at.info)


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_paste_two_codes_name_it_and_get_figures_by_the_registry_rules(processed_store, lsoas):
    at = _open()
    assert any("The area is empty" in i.value for i in at.info)
    codes = sorted(lsoas[lsoas["ward24_name"] == "Gipton & Harehills"]["code"])[:2]
    _paste(at, f"{codes[0]}\n{codes[1]}, E01000001")
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="_w_custom_name").input("Harehills centre").run()
    notes = _notes(at)
    assert "Found 2 Leeds neighbourhoods" in notes and "E01000001" in notes
    assert at.header[0].value == "Harehills centre"
    assert at.multiselect(key="_w_custom_lsoas").value == codes
    members = lsoas[lsoas["code"].isin(codes)]
    assert _metric(at, "Residents (Census 2021)") == load_registry().get("population").format_value(
        float(members["population"].sum()))
    values, registry = read_values(processed_store), load_registry()
    figures, not_given = aggregate_custom(values, registry, members)
    cards = {c.label: c.text for c in custom_headlines(figures, not_given, values, registry)}
    assert _metric(at, "IMD 2025 score") == cards["IMD 2025 score"]
    assert _metric(at, "Life expectancy, women") == "Not given"
    assert at.query_params["custom"] == encode_selection(codes, sorted(lsoas["code"]))
    assert at.query_params["custom_name"] == "Harehills centre"
    assert any("MSOA" in m.value for m in at.markdown)             # the 'not given' reasons are said


def test_a_postcode_adds_its_lsoa(processed_store):
    at = _open()
    _paste(at, "LS6 2AA\nM1 1AE")
    assert at.multiselect(key="_w_custom_lsoas").value == ["E01011440"]
    notes = _notes(at)
    assert "(1 entry was a postcode)" in notes and "M1 1AE" in notes
    assert at.header[0].value == "My area"


def test_a_link_opens_the_area_with_its_name_shown_as_text(processed_store, lsoas):
    universe = sorted(lsoas["code"])
    codes = universe[10:13]
    hostile = "<b>Bold</b> [Sign in](//ev.il) *x*"
    at = _open({"custom": encode_selection(codes, universe), "custom_name": hostile})
    assert at.multiselect(key="_w_custom_lsoas").value == codes
    header = at.header[0].value
    assert re.sub(r"\\(.)", r"\1", header) == hostile and "](//ev.il)" not in header     # escaped Markdown
    assert _metric(at, "Residents (Census 2021)") == load_registry().get("population").format_value(
        float(lsoas[lsoas["code"].isin(codes)]["population"].sum()))


@pytest.mark.parametrize("value", ["a" + "A" * 82, "garbage", "a" + "_" * 82, "b" + "A" * 81 + "E"])
def test_a_malformed_area_in_a_link_gets_one_sentence_and_an_empty_area(processed_store, value):
    at = _open({"custom": value, "custom_name": "x\u202eevil"})
    notices = _notes(at)
    assert "Ignored link parameter 'custom': the custom area in this link is not one the atlas wrote, so the area " \
           "starts empty." in notices, notices
    assert "Ignored link parameter 'custom_name': an area's name is 1 to 60 characters of plain text." in notices
    assert at.multiselect(key="_w_custom_lsoas").value == [] and not at.header


def test_the_area_profile_links_to_the_custom_area_page(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    links = [e for e in at.main if getattr(e, "proto", None) is not None and type(e).__name__ == "PageLink"]
    assert any("custom_area.py" in str(link.proto.page) for link in links) or \
        "build your own area" in str([link.proto.label for link in links]).lower()


def test_a_change_of_the_area_sends_outline_colours_not_polygons(processed_store, lsoas):
    """Issue 20: the picking map draws its LSOAs from the geometry file the browser fetches once, and a change of
    the area sends one colour per LSOA for the cyan outlines; the list of 488 names, unchanged but for the reader's
    own pick, is byte-identical from run to run (a cached reference). Before: the polygons went inline with every
    change (~280 KB, 64 KB on the wire) and the list was rewritten with its value every run."""
    import json

    from tests.app.test_geometry_once import _wire

    universe = sorted(lsoas["code"])
    harehills = sorted(lsoas[lsoas["ward24_name"] == "Gipton & Harehills"]["code"])
    at = _open({"custom": encode_selection(harehills[:2], universe)})
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert layers["areas"]["data"].startswith("/geo/lsoa21.geojson?v=") and "coordinates" not in json.dumps(deck)
    assert layers["selected"]["data"] == layers["areas"]["data"]          # the same file: fetched once
    assert layers["areas"]["_subLayerProps"] == {"polygons-stroke": {"pickable": False}}     # FILL_ONLY_PICKING

    for step, wanted in enumerate([harehills[:3], harehills[:4]]):
        before = at.multiselect(key="_w_custom_lsoas").proto.SerializeToString()
        at.multiselect(key="_w_custom_lsoas").set_value(wanted).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["custom_area"] == encode_selection(wanted, universe)
        chart = at.get("deck_gl_json_chart")[0].proto
        changed = json.loads(chart.json)
        selected = next(layer for layer in changed["layers"] if layer["id"] == "selected")
        assert selected["updateTriggers"] != layers["selected"]["updateTriggers"]
        # deck.gl's GeoJsonLayer does not pass a getLineColor trigger on to its outline sublayer (a PathLayer's
        # getColor): without this one the browser kept the first outlines (seen in chromium)
        assert selected["_subLayerProps"]["polygons-stroke"]["updateTriggers"]["getColor"] == \
            selected["updateTriggers"]["getLineColor"]
        assert _outlined(selected["getLineColor"], list(lsoas["code"])) == set(wanted)
        wire = _wire(chart)
        print(f"custom area change to {len(wanted)} LSOAs: map {wire} bytes after deflate, {len(chart.json)} raw")
        assert wire <= 6_000 and "coordinates" not in chart.json, wire
        if step:        # the first change follows a run that told the browser the link's list
            assert at.multiselect(key="_w_custom_lsoas").proto.SerializeToString() == before, "the list was re-sent"
        layers = {layer["id"]: layer for layer in changed["layers"]}


def _outlined(expression: str, file_codes: list[str]) -> set[str]:
    """The LSOAs a selection layer's colour expression draws in cyan (by position in the geometry file)."""
    import json

    from components.map import _CLASS_CHARS, SELECTED_LINE

    found = re.fullmatch(r'@@=\((\[.*\])\)\[\("_(.*)"\)\[n\]\]', expression)
    palette = json.loads(found[1])
    return {code for code, char in zip(file_codes, found[2]) if palette[_CLASS_CHARS.index(char)] == SELECTED_LINE}
