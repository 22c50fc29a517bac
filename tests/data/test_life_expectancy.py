"""Life expectancy and the inequality view against the real store and the ONS file (data tests)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.catalogue import load_sources
from data.settings import data_dir
from data.registry import load_registry
from data.pipeline.england import read_england_inputs
from data.store import read_areas, read_breaks, read_store_table, read_values
from metrics import inequalities as iv

pytestmark = pytest.mark.data
FAST = {"repetitions": 5000, "seed": 7}


@pytest.fixture(scope="module")
def store(processed_store):
    return {"values": read_values(processed_store), "breaks": read_breaks(processed_store),
            "msoa": read_areas(processed_store, "msoa"), "ward24": read_areas(processed_store, "ward24")}


@pytest.fixture(scope="module")
def england(processed_store):
    """The store's England MSOA table: what the app reads (never the raw files)."""
    return read_store_table(processed_store, "england_le_msoa")


@pytest.fixture(scope="module")
def raw_england():
    """The four England-wide raw files, read as the build reads them (to check the store against them)."""
    return read_england_inputs(load_sources(), data_dir())


def _le(values, sex, level):
    rows = values[(values["indicator_id"] == iv.LE_IDS[sex]) & (values["area_level"] == level)
                  & (values["period"] == iv.LE_PERIOD)]
    return rows.set_index("area_code")


def _inputs(store, england, sex, mode="leeds"):
    registry = load_registry()
    codes = pd.Index(store["msoa"]["code"].astype(str))
    weights = iv.leeds_person_years(england, codes, sex)
    return iv.area_inputs(store["values"], store["msoa"], store["breaks"], registry.get(iv.LE_IDS[sex]),
                          registry.get(iv.DEPRIVATION_ID), "msoa", iv.LE_PERIOD, mode, weights=weights,
                          weight_label="person-years")


def test_every_leeds_msoa_has_a_row_and_unpublished_ones_stay_blank(store):
    female, male = _le(store["values"], "female", "msoa"), _le(store["values"], "male", "msoa")
    assert len(female) == len(male) == 107
    unpublished = set(female.index[female["value"].isna()]) | set(male.index[male["value"].isna()])
    both = set(female.index[female["value"].isna()]) & set(male.index[male["value"].isna()])
    assert len(both) == 4 and len(unpublished) == 5          # 4 fully unpublished, 1 for one sex only
    assert (female["value"].dropna() > 60).all() and (male["value"].dropna() > 60).all()   # never a zero
    published = female["value"].notna()
    assert (female.loc[published, "lower_ci"] < female.loc[published, "value"]).all()
    assert (female.loc[published, "upper_ci"] > female.loc[published, "value"]).all()


def test_store_values_match_the_ons_file(store, england, raw_england):
    raw = raw_england["life_expectancy"]
    raw = raw[raw["sex"] == "Females"].set_index("msoa11_code")
    female = _le(store["values"], "female", "msoa")
    joined = female.join(raw, how="left")
    assert np.allclose(joined["value"], joined["life_expectancy_at_birth"], equal_nan=True)
    stored = england[england["sex"] == "female"].set_index("msoa11_code")
    assert len(stored) == len(raw) > 6000                   # every English MSOA of the ONS file
    both = raw.drop(columns="sex").join(stored, how="inner")
    assert np.allclose(both["value"], both["life_expectancy_at_birth"], equal_nan=True)
    assert np.allclose(both["person_years"], both["population_person_years"])


def test_ward_approximations_follow_the_one_coverage_rule(store):
    rule = load_registry().coverage.min_share
    wards = _le(store["values"], "female", "ward24")
    assert len(wards) == 33
    assert wards.loc[wards["coverage"] < rule, "value"].isna().all()
    assert wards.loc[wards["coverage"] >= rule, "value"].notna().all()


def test_leeds_person_years_add_up_to_the_leeds_denominator(store, england):
    codes = pd.Index(store["msoa"]["code"].astype(str))
    years = iv.leeds_person_years(england, codes, "female")
    published = _le(store["values"], "female", "msoa")["value"].notna()
    leeds = _le(store["values"], "female", "lad").iloc[0]
    assert years[published.reindex(codes).to_numpy()].sum() == pytest.approx(leeds["denominator"], rel=1e-6)


@pytest.mark.parametrize("sex", ["female", "male"])
def test_leeds_sii_is_positive_and_deciles_cover_leeds(store, england, sex):
    inputs = _inputs(store, england, sex)
    assert inputs.frame["decile"].nunique() == 10
    assert iv.suppressed_count(inputs) == {"female": 5, "male": 4}[sex]
    value_type, _ = iv.value_type_for(inputs)
    groups = iv.group_means(inputs, value_type)
    assert groups["areas"].sum() == 107
    result = iv.inequality_slope(groups, value_type, **FAST)
    lower, upper = result.sii_ci(95)
    assert 0 < lower < result.sii < upper
    assert groups.set_index("quantile").loc[10, "value"] > groups.set_index("quantile").loc[1, "value"]


def test_national_deciles_for_msoas_come_from_the_score_breaks(store, england):
    inputs = _inputs(store, england, "male", mode="national")
    assert set(inputs.frame["decile"]) <= set(range(1, 11))
    most = inputs.frame[inputs.frame["decile"] == 1]["imd_score"]
    assert most.min() > inputs.frame[inputs.frame["decile"] == 10]["imd_score"].max()


def test_england_sii_uses_most_english_msoas(england):
    result = iv.england_life_expectancy_sii(england, "female", **FAST)
    assert result.groups["areas"].sum() > 6000
    assert result.result.sii > 0
    assert "not the official OHID figure" in result.description


def test_proportion_sii_for_a_census_share_at_lsoa_level(processed_store, store):
    registry = load_registry()
    areas = read_areas(processed_store, "lsoa21")
    inputs = iv.area_inputs(store["values"], areas, store["breaks"], registry.get("census_hh_deprived_1plus"),
                            registry.get(iv.DEPRIVATION_ID), "lsoa21", "2021", "national")
    value_type, _ = iv.value_type_for(inputs)
    assert value_type == 2
    groups = iv.group_means(inputs, value_type)
    result = iv.inequality_slope(groups, value_type, **FAST)
    assert result.sii < 0          # fewer deprived households at the least deprived end
