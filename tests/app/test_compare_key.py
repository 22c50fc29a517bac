"""The Compare charts have one key and need no hovering (issue 14 item 10, issue 19 item 5): the colour key names
every call, each spine panel is headed by its area, and each mark's value and call are written beside it."""
import pytest

from components import compare, store
from data.store import read_areas

pytestmark = pytest.mark.data


def test_spines_name_areas_in_headers_and_calls_in_one_key(processed_store):
    wards = read_areas(processed_store, "ward24")
    codes = tuple(wards["code"].astype(str).head(3))
    result = compare.cached_comparison("ward24", codes, ("life_expectancy_female", "census_overcrowded"), "leeds",
                                       store.built_at())
    assert result.choice.kind == "spines"
    spec = result.spec
    assert spec["facet"]["column"]["field"] == "area" and len(spec["facet"]["column"]["sort"]) == 3
    layers = spec["spec"]["layer"]
    colour = next(layer["encoding"]["color"] for layer in layers if "color" in layer.get("encoding", {}))
    assert colour["title"] == "Compared with Leeds" and colour["scale"]["domain"] == list(compare.cm.CALLS)
    texts = [layer for layer in layers if (layer.get("mark") or {}).get("type") == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "label_text"
