"""Similar areas on a tiny, obviously fake table: the z-scores, the distance, the missing-value rule, ties."""
import math

import numpy as np
import pandas as pd
import pytest

from data.settings import DataError
from metrics.similar_areas import (SimilarConfig, distances, indicator_matrix, load_config, most_similar,
                                   similar_areas, standardise)

NAMES = {"A": "Fake A", "B": "Fake B", "C": "Fake C", "D": "Fake D", "E": "Fake E"}


def _values(rows):
    """Long 'values' rows (level fake, period 'p') from {code: {indicator: value}}."""
    return pd.DataFrame([{"area_level": "fake", "area_code": code, "indicator_id": ind, "period": "p", "value": v}
                         for code, inds in rows.items() for ind, v in inds.items()])


def _config(**kw):
    base = dict(level="fake", neighbours=2, min_shared=1,
                indicators=[{"id": "x", "period": "p"}, {"id": "y", "period": "p"}])
    return SimilarConfig.model_validate(base | kw)


def test_standardise_is_population_z_score_and_flat_column_is_zero():
    m = pd.DataFrame({"x": [1.0, 2.0, 3.0], "flat": [5.0, 5.0, np.nan]}, index=list("ABC"))
    z = standardise(m)
    sd = math.sqrt(2 / 3)
    assert z["x"].tolist() == pytest.approx([-1 / sd, 0.0, 1 / sd])
    assert z["flat"].iloc[:2].tolist() == [0.0, 0.0] and pd.isna(z["flat"].iloc[2])


def test_nearest_first_by_euclidean_distance():
    z = pd.DataFrame({"x": [0.0, 1.0, 3.0, 0.0], "y": [0.0, 0.0, 4.0, 2.0]}, index=list("ABCD"))
    got = most_similar(z, "A", NAMES, n=3, min_shared=1)
    assert got["area_code"].tolist() == ["B", "D", "C"]
    assert got["distance"].tolist() == pytest.approx([1.0, 2.0, 5.0])
    assert got["shared"].tolist() == [2, 2, 2]
    assert "A" not in got["area_code"].tolist()


def test_ties_are_broken_by_name_whatever_the_row_order():
    z = pd.DataFrame({"x": [0.0, 1.0, -1.0, 0.0], "y": [0.0, 0.0, 0.0, 1.0]}, index=list("ADBC"))
    names = {"A": "Zed", "B": "Beta", "C": "Alpha", "D": "Delta"}       # all three are at distance 1
    first = most_similar(z, "A", names, n=3, min_shared=1)
    assert first["name"].tolist() == ["Alpha", "Beta", "Delta"]
    shuffled = most_similar(z.sample(frac=1, random_state=3), "A", names, n=3, min_shared=1)
    pd.testing.assert_frame_equal(first, shuffled)


def test_missing_value_uses_shared_indicators_scaled_and_counts_them():
    z = pd.DataFrame({"x": [0.0, 1.0, 3.0], "y": [0.0, np.nan, 0.0], "w": [0.0, np.nan, 0.0]}, index=list("ABC"))
    got = distances(z, "A", min_shared=1).set_index("area_code")
    assert got.loc["B", "shared"] == 1 and got.loc["C", "shared"] == 3
    assert got.loc["B", "distance"] == pytest.approx(math.sqrt(1.0 * 3 / 1))    # 1 over 1 shared, scaled to 3
    assert got.loc["C", "distance"] == pytest.approx(3.0)


def test_areas_sharing_too_few_indicators_are_left_out():
    z = pd.DataFrame({"x": [0.0, 1.0, 3.0], "y": [0.0, np.nan, 0.0]}, index=list("ABC"))
    assert distances(z, "A", min_shared=2)["area_code"].tolist() == ["C"]


def test_unknown_area_gives_an_empty_answer():
    z = pd.DataFrame({"x": [0.0, 1.0]}, index=list("AB"))
    assert most_similar(z, "nope", NAMES, n=5, min_shared=1).empty


def test_matrix_takes_the_listed_period_only_and_keeps_areas_without_values():
    values = _values({"A": {"x": 1.0, "y": 2.0}, "B": {"x": 3.0}, "C": {"other": 9.0}})
    values = pd.concat([values, values.assign(period="old", value=100.0)])
    m = indicator_matrix(values, _config())
    assert m.index.tolist() == ["A", "B", "C"] and m.columns.tolist() == ["x", "y"]
    assert m.loc["A"].tolist() == [1.0, 2.0] and pd.isna(m.loc["B", "y"]) and m.loc["C"].isna().all()


def test_similar_areas_end_to_end_is_deterministic():
    values = _values({"A": {"x": 0.0, "y": 0.0}, "B": {"x": 1.0, "y": 1.0}, "C": {"x": 1.0, "y": -1.0},
                      "D": {"x": 5.0, "y": 5.0}})
    got = similar_areas(values, _config(), "A", NAMES)
    assert got["name"].tolist() == ["Fake B", "Fake C"]                # equal distance: by name
    pd.testing.assert_frame_equal(got, similar_areas(values.iloc[::-1], _config(), "A", NAMES))


def test_config_rejects_impossible_settings(tmp_path):
    with pytest.raises(ValueError):
        _config(min_shared=3)
    bad = tmp_path / "similar_wards.yaml"
    bad.write_text("level: ward24\nneighbours: 0\nmin_shared: 1\nindicators: []\n")
    with pytest.raises(DataError, match="similar_wards.yaml"):
        load_config(bad)


def test_shipped_config_lists_registry_indicators_at_their_periods():
    from data.registry import load_registry
    config, registry = load_config(), load_registry()
    for listed in config.indicators:
        assert listed.period in registry.get(listed.id).periods, listed.id
