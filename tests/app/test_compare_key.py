"""The Compare chart has a key (issue 14, item 10): colour and shape of every area are named, not hover-only."""
import pytest

from components import compare, store
from data.store import read_areas

pytestmark = pytest.mark.data


def test_compare_dots_have_one_key_for_colour_and_shape(processed_store):
    wards = read_areas(processed_store, "ward24")
    codes = tuple(wards["code"].astype(str).head(3))
    spec = compare._cached_dots_spec("ward24", codes, store.built_at(), None, 26)
    dots = next(layer for layer in spec["layer"] if "shape" in layer.get("encoding", {}))
    colour, shape = dots["encoding"]["color"], dots["encoding"]["shape"]
    assert shape.get("legend", {}) is not None and colour.get("legend", {}) is not None
    assert shape["title"] == colour["title"] == "Area"                   # merged into a single key
    assert shape["scale"]["domain"] == colour["scale"]["domain"] and len(colour["scale"]["domain"]) == 3
