"""The SPI-method index in the real store: coverage, range, level independence and a sanity check on sign."""
import numpy as np
import pandas as pd
import pytest

from data.registry import load_registry
from data.store import read_areas, read_values
from metrics.spi_framework import load_framework
from metrics.spi_values import FRAMEWORK_PATH, index_gaps, spi_for_level

pytestmark = pytest.mark.data
LEVELS = ["lsoa21", "msoa", "ward24", "committee"]


@pytest.fixture(scope="module")
def values(processed_store):
    return read_values(processed_store)


@pytest.fixture(scope="module")
def framework():
    return load_framework(FRAMEWORK_PATH)


def _stored(values: pd.DataFrame, indicator_id: str, level: str) -> pd.Series:
    rows = values[(values["indicator_id"] == indicator_id) & (values["area_level"] == level)]
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["area_code"].astype(str).to_numpy())


def test_framework_uses_registry_indicators_with_matching_polarity(framework):
    registry = load_registry()
    for component in framework.components:
        for item in component.indicators:
            indicator = registry.get(item.id)
            assert indicator.polarity == item.direction, f"{item.id}: framework direction contradicts the registry"
            assert "lsoa21" in indicator.levels(LEVELS) and "ward24" in indicator.levels(LEVELS), item.id


@pytest.mark.parametrize("level", ["lsoa21", "ward24"])
def test_every_area_has_an_index_or_a_stated_reason(processed_store, values, framework, level):
    codes = set(read_areas(processed_store, level)["code"].astype(str))
    stored = _stored(values, "spi_index", level).dropna()
    run = spi_for_level(values, level, framework, sorted(codes))
    gaps = index_gaps(run)
    without_index = set(gaps.loc[gaps["status"] == "no index", "area"])
    assert set(stored.index) | without_index == codes
    assert gaps["reason"].str.len().gt(0).all()
    print(f"{level}: {len(stored)} of {len(codes)} areas have an index; {len(gaps)} rest on fewer components")


def test_every_registered_spi_figure_is_stored_within_0_100(values):
    registry = load_registry()
    spi_ids = [i.id for i in registry.indicators if i.derived == "spi"]
    assert "spi_index" in spi_ids and len(spi_ids) >= 4
    for indicator_id in spi_ids:
        for level in registry.get(indicator_id).derived_levels:
            scores = _stored(values, indicator_id, level)
            assert len(scores) > 0, f"{indicator_id} has no values at {level}"
            assert scores.between(0, 100).all(), f"{indicator_id} at {level} leaves 0-100"


def test_ward_scores_come_from_ward_indicators_not_lsoa_averages(processed_store, values, framework):
    ward = _stored(values, "spi_index", "ward24")
    again = spi_for_level(values, "ward24", framework, sorted(ward.index)).result.index
    assert np.allclose(ward.sort_index(), again.sort_index())
    lsoas = pd.DataFrame(read_areas(processed_store, "lsoa21").drop(columns="geometry"))
    lsoas["index"] = lsoas["code"].map(_stored(values, "spi_index", "lsoa21"))
    averaged = lsoas.groupby("ward24_code").apply(lambda g: np.average(g["index"], weights=g["population"]),
                                                  include_groups=False)
    assert not np.allclose(ward.sort_index(), averaged.reindex(ward.sort_index().index), atol=0.01)


def test_ward_index_correlates_negatively_with_deprivation(values):
    ward = _stored(values, "spi_index", "ward24")
    imd = _stored(values, "imd_imd_score", "ward24").reindex(ward.index)
    r = float(np.corrcoef(ward, imd)[0, 1])
    print(f"Pearson r, ward SPI-method index v ward IMD 2025 score: {r:.3f}")
    assert r < 0
