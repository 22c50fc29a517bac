"""One coverage rule (issue 14, item 1), checked against the raw files with independent code.

Two Leeds LSOAs have no entry-to-HE value. The old rule blanked every area containing one, so Hunslet &
Riverside and Beeston & Holbeck lost "Access to Advanced Education" and ranked top on Opportunity from
connectivity alone. Here every figure is recomputed from the CSVs with plain pandas, never the app's code.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.settings import data_dir
from data.registry import load_registry
from data.store import read_values

pytestmark = pytest.mark.data

HUNSLET, BEESTON = "E05011399", "E05012647"
LEEDS = "E08000035"


@pytest.fixture(scope="module")
def raw_entry_to_he() -> pd.DataFrame:
    """Leeds LSOAs: ward, Census 2021 residents, entry-to-HE indicator (blank where MHCLG published none)."""
    root = data_dir()
    lookup = pd.read_csv(root / "lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv", dtype=str)
    lookup = lookup[lookup["lad24_code"] == LEEDS][["lsoa21_code", "ward24_code"]]
    pop = pd.read_csv(root / "population/population_census2021_lsoa21_ew.csv",
                      usecols=["lsoa21_code", "usual_residents_census2021"])
    he = pd.read_csv(root / "imd/imd2025_lsoa21_indicators_england.csv",
                     usecols=["lsoa21_code", "entry_to_higher_education_indicator"])
    he["entry_to_higher_education_indicator"] = pd.to_numeric(he["entry_to_higher_education_indicator"], errors="coerce")
    return lookup.merge(pop, on="lsoa21_code").merge(he, on="lsoa21_code", how="left")


def _expected(rows: pd.DataFrame) -> tuple[float, float]:
    has = rows["entry_to_higher_education_indicator"].notna()
    weights = rows["usual_residents_census2021"].astype(float)
    coverage = weights[has].sum() / weights.sum()
    value = float((rows.loc[has, "entry_to_higher_education_indicator"] * weights[has]).sum() / weights[has].sum())
    return value, float(coverage)


@pytest.fixture(scope="module")
def values(processed_store) -> pd.DataFrame:
    return read_values(processed_store)


def _stored(values, indicator_id, level, code=None):
    rows = values[(values["indicator_id"] == indicator_id) & (values["area_level"] == level)]
    return rows.set_index("area_code") if code is None else rows.set_index("area_code").loc[code]


def test_the_two_blank_lsoas_are_in_the_wards_the_issue_names(raw_entry_to_he):
    blank = raw_entry_to_he[raw_entry_to_he["entry_to_higher_education_indicator"].isna()]
    assert sorted(blank["ward24_code"]) == sorted([HUNSLET, BEESTON])


@pytest.mark.parametrize("ward", [HUNSLET, BEESTON])
def test_wards_with_one_blank_lsoa_keep_their_entry_to_he_value(values, raw_entry_to_he, ward):
    value, coverage = _expected(raw_entry_to_he[raw_entry_to_he["ward24_code"] == ward])
    assert 0.9 <= coverage < 1                                   # ~95% of residents, above the 90% rule
    row = _stored(values, "iod_entry_to_he", "ward24", ward)
    assert row["coverage"] == pytest.approx(coverage, abs=1e-9)
    assert row["value"] == pytest.approx(value, rel=1e-9)


def test_leeds_has_an_entry_to_he_value_like_england(values, raw_entry_to_he):
    value, coverage = _expected(raw_entry_to_he)
    row = _stored(values, "iod_entry_to_he", "lad", LEEDS)
    assert row["value"] == pytest.approx(value, rel=1e-9) and row["coverage"] == pytest.approx(coverage)
    assert pd.notna(_stored(values, "iod_entry_to_he", "england")["value"].iloc[0])


def test_one_rule_for_every_aggregated_figure_at_every_level(values):
    """Shown iff the areas with a value hold >= the registry's share of residents (Leeds and England too)."""
    registry = load_registry()
    rule = registry.coverage.min_share
    aggregated = [i.id for i in registry.indicators if i.aggregation.rule != "none" and not i.derived]
    natives = {i.id: i.native_level for i in registry.indicators}
    rows = values[values["indicator_id"].isin(aggregated)].copy()
    rows = rows[rows["area_level"].astype(str) != rows["indicator_id"].astype(str).map(natives)]
    has_cov = rows["coverage"].notna()
    assert has_cov.all()
    assert rows.loc[rows["coverage"] >= rule - 1e-9, "value"].notna().all()
    assert rows.loc[rows["coverage"] < rule - 1e-9, "value"].isna().all()


def test_every_aggregated_caveat_states_the_rule():
    registry = load_registry()
    for indicator in registry.indicators:
        if indicator.aggregation.rule != "none" and not indicator.derived:
            assert registry.coverage.sentence in indicator.caveat, indicator.id
    assert "90%" in registry.coverage.sentence


def test_no_ward_or_committee_opportunity_score_averages_fewer_components(values):
    for level, n in (("ward24", 33), ("committee", 10)):
        rows = _stored(values, "spi_dim_opportunity", level)
        assert len(rows) == n and (rows["coverage"] == 1).all(), rows[rows["coverage"] < 1]
    wards = _stored(values, "spi_dim_opportunity", "ward24")["value"].rank(ascending=False)
    assert wards[HUNSLET] > 2 and wards[BEESTON] > 2
    assert _stored(values, "spi_dim_opportunity", "committee")["value"].rank(ascending=False)["inner-south"] > 1


def test_partial_spi_scores_are_marked_not_quiet(values):
    """LSOAs lacking entry-to-HE keep a score averaged over fewer components, stored with that share."""
    rows = _stored(values, "spi_dim_opportunity", "lsoa21")
    partial = rows[rows["coverage"] < 1]
    assert len(partial) == 2 and np.allclose(partial["coverage"], 0.5)
    note = load_registry().get("spi_dim_opportunity").coverage_note(0.5)
    assert note.startswith("Partial") and "50.0%" in note


def test_profile_table_marks_the_partial_ward_value(values, raw_entry_to_he):
    from metrics.profile import area_spine

    _, coverage = _expected(raw_entry_to_he[raw_entry_to_he["ward24_code"] == HUNSLET])
    spine = area_spine(values, load_registry(), "ward24", HUNSLET).set_index("indicator_id")
    share = f"{int(coverage * 1000) / 10:.1f}%"
    assert spine.loc["iod_entry_to_he", "value_text"].endswith(f"(partial: {share} of residents)")
    assert "partial" not in spine.loc["imd_imd_score", "value_text"]
