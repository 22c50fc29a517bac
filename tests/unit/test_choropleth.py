"""Unit tests for geo.choropleth: scheme breaks match mapclassify, polarity flips colours, helpers, deck JSON."""
from __future__ import annotations

import json

import mapclassify
import numpy as np
import pandas as pd
import pytest

from components.map import GeometryRef, SELECTION_SENTINEL, deck_template, with_selection
from data.registry import load_registry
from geo.choropleth import (classify_indicator, codes_with_value, default_scheme, hex_fills, key_figures,
                            national_decile_of, schemes_for, within_committee)
from geo.palettes import class_colours

FAKE = pd.Series([1.0, 2.0, 3.0, np.nan, 7.0, 8.0, 20.0, 21.0, 22.0, 40.0, 41.0], name="fake")
REGISTRY = load_registry()


def fake_indicator(polarity: str = "lower_is_better", classify=None):
    """A copy of a real registry entry with the polarity / classify under test (values stay fake)."""
    return REGISTRY.get("fuel_poverty").model_copy(update={"polarity": polarity, "classify": classify})


@pytest.mark.parametrize("scheme,cls", [("quantiles", mapclassify.Quantiles), ("natural_breaks", mapclassify.FisherJenks),
                                        ("equal_interval", mapclassify.EqualInterval)])
@pytest.mark.parametrize("k", [3, 5, 7])
def test_breaks_match_mapclassify(scheme, cls, k):
    classed = classify_indicator(FAKE, fake_indicator(), scheme, k)
    expected = cls(FAKE.dropna().to_numpy(), k=k)
    np.testing.assert_allclose(classed.classification.bins, expected.bins)
    assert list(classed.classification.counts) == list(expected.counts)
    assert classed.classification.no_data_count == 1
    assert classed.labels[-1] == "No data"


def test_polarity_flips_palette_order():
    worse_high = classify_indicator(FAKE, fake_indicator("lower_is_better"), "quantiles", 5)
    worse_low = classify_indicator(FAKE, fake_indicator("higher_is_better"), "quantiles", 5)
    assert worse_high.colours == worse_low.colours[::-1]
    assert worse_high.colours[-1] == class_colours(5, "lower_is_better")[-1]  # dark end = highest values


def test_national_and_diverging_schemes():
    deciles = pd.Series([1.0, 2.0, 5.0, 10.0, np.nan])
    classed = classify_indicator(deciles, fake_indicator("higher_is_better", "deciles"), "national", 5)
    assert classed.classification.n_classes == 10
    assert classed.labels[0].startswith("Decile 1 (most deprived")
    assert classed.classification.class_of.tolist() == [0, 1, 4, 9, -1]
    diverging = classify_indicator(FAKE, fake_indicator(), "diverging", 4, centre=20.0)
    assert 0.0 in diverging.classification.bins  # even k: no difference from Leeds is a break
    with pytest.raises(ValueError, match="no Leeds value"):
        classify_indicator(FAKE, fake_indicator(), "diverging", 4, centre=None)
    with pytest.raises(ValueError, match="national decile breaks"):
        classify_indicator(FAKE, fake_indicator(classify="national_deciles"), "national", 5, national=None)


def test_schemes_offered_and_defaults():
    plain = fake_indicator()
    assert schemes_for(plain, has_national_breaks=True, has_centre=False) == ["quantiles", "natural_breaks",
                                                                            "equal_interval"]
    scored = fake_indicator(classify="national_deciles")
    assert "national" in schemes_for(scored, True, True) and "national" not in schemes_for(scored, False, True)
    deciles = fake_indicator(classify="deciles")
    assert default_scheme(deciles, "quantiles", schemes_for(deciles, False, True)) == "national"
    assert default_scheme(plain, "national", schemes_for(plain, False, True)) == "quantiles"
    assert default_scheme(plain, "natural_breaks", schemes_for(plain, False, True)) == "natural_breaks"


def test_national_decile_of_uses_inclusive_upper_bounds():
    uppers, deciles = [5.0, 10.0, 20.0], [4, 3, 2, 1]   # lower-is-better score: high values = decile 1
    out = national_decile_of(pd.Series([1.0, 5.0, 5.1, 20.0, 99.0, np.nan]), (uppers, deciles))
    assert out.tolist()[:5] == [4, 4, 3, 2, 1] and pd.isna(out.iloc[5])


def test_small_helpers():
    table = pd.DataFrame({"code": ["A", "B", "C"], "value": [1.0, 2.0, 1.0], "committee_code": ["x", "y", "x"]})
    assert codes_with_value(table, 1) == ["A", "C"]
    assert within_committee(table, "ward24", "x")["code"].tolist() == ["A", "C"]
    assert len(within_committee(table, "ward24", "all")) == 3
    fills = hex_fills(pd.Series([0, -1, 1]), ["#111111", "#222222"])
    assert fills[[0, 2]].tolist() == ["#111111", "#222222"] and pd.isna(fills[1])


def test_key_figures_keeps_missing_comparators_missing():
    ind = fake_indicator()
    period = ind.latest.period
    values = pd.DataFrame({"indicator_id": [ind.id] * 2, "period": [period] * 2, "area_level": ["ward24", "lad"],
                           "area_code": ["W1", "L"], "value": [12.5, 10.0]})
    rows = key_figures(values, [ind], "ward24", "W1")
    assert rows.loc[0, "This area"] == ind.format_value(12.5)
    assert rows.loc[0, "Leeds"] == ind.format_value(10.0)
    assert rows.loc[0, "England"] == "not published"


def test_deck_template_fills_selection_without_touching_area_data():
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]},
               "properties": {"code": "A"}, "code": "A", "fill": [1, 2, 3, 255]}
    template = deck_template([feature], [], [], {"latitude": 0, "longitude": 0, "zoom": 8}, "{code}")
    assert SELECTION_SENTINEL in template
    empty = json.loads(with_selection(template, [], "{code}").to_json())
    picked = json.loads(with_selection(template, [feature], "{code}").to_json())
    layers = {layer["id"]: layer for layer in picked["layers"]}
    assert layers["selected"]["data"][0]["properties"]["code"] == "A"
    assert {layer["id"]: layer for layer in empty["layers"]}["areas"] == layers["areas"]
    assert layers["areas"]["data"][0]["fill"] == [1, 2, 3, 255]


@pytest.mark.parametrize("areas, outlines", [
    ([{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]}, "properties": {}, "code": "A",
       "fill": [1, 2, 3, 255]}], []),
    (GeometryRef("/geo/lsoa21.geojson?v=1", ((1, 2, 3, 255),)), "/geo/ward24.geojson?v=1"),
    (GeometryRef("/geo/ward24.geojson?v=1", ((1, 2, 3, 255),)), None)])
def test_areas_are_picked_by_their_fill_alone(areas, outlines):
    """A click on software WebGL was lost when the outline's picking draw made deck.gl's pointer-down pick take
    longer than its 250 ms click limit (and at a boundary the outline picked the neighbour): every pickable polygon
    layer picks by its fill only, whatever the map."""
    spec = json.loads(deck_template(areas, outlines, [], {"latitude": 0, "longitude": 0, "zoom": 8}, "{code}"))
    pickable = [layer for layer in spec["layers"] if layer.get("pickable") and layer["@@type"] == "GeoJsonLayer"]
    assert pickable, "the map has no clickable area layer"
    for layer in pickable:
        assert layer.get("stroked") is True, "the areas lost their outlines"
        assert layer.get("_subLayerProps", {}).get("polygons-stroke", {}).get("pickable") is False, layer["id"]


def test_diverging_classes_are_differences_from_leeds_with_no_empty_or_impossible_class():
    """Issue 14 item 6: a percentage 0-80 around a Leeds value of 17.8 (as IMD's most-deprived share)."""
    shares = pd.Series([0.0, 0.0, 0.0, 0.0, 5.0, 10.0, 20.0, 40.0, 80.0, np.nan])
    classed = classify_indicator(shares, fake_indicator(), "diverging", 5, centre=17.8)
    c = classed.classification
    assert classed.scheme_label == "Difference from the Leeds value (17.8%), percentage points"
    assert c.lower_bound == pytest.approx(-17.8)            # 0% is 17.8 points below Leeds: never further
    assert c.bins[-1] == pytest.approx(62.2)
    assert all(n > 0 for n in c.counts) and sum(c.counts) == 9
    widths = np.diff([*c.bins[:-1]])
    assert np.allclose(widths, widths[0])                    # equal steps
    assert any(np.isclose(b, -e) for b in c.bins for e in c.bins if e > 0)   # symmetric around zero
    assert classed.labels[:2] == ["-17.8 – -12.4", "-12.4 – +12.4"]
    full = class_colours(5, "lower_is_better", palette="diverging")
    assert classed.colours[1] == full[2]                     # the class around zero keeps the middle colour
    assert len(classed.colours) == c.n_classes == 4


def test_difference_classes_merge_an_empty_inner_class_outward():
    from geo.classify import difference_classes

    result = difference_classes(pd.Series([-10.0, -9.0, 0.5, 10.0]), 0.0, 10)
    assert all(n > 0 for n in result.classification.counts)
    assert len(result.positions) == result.classification.n_classes


def test_context_line_is_empty_where_an_area_has_no_committee():
    """Another district's wards have no community committee: no 'Committee: ' (or 'nan') line in the tooltip."""
    from geo.choropleth import context_texts
    layer = pd.DataFrame({"code": ["W1", "W2", "W3"], "committee_name": ["Fake North", None, float("nan")]})
    assert context_texts(layer, "ward24").tolist() == ["Committee: Fake North", "", ""]
