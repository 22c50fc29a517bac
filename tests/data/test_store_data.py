"""The processed store built from the real open data: counts, lookups, conversions and known figures."""
import pandas as pd
import pytest

from data.catalogue import load_sources
from data.pipeline.inputs import read_table
from data.settings import data_dir
from data.registry import load_registry
from data.store import read_areas, read_values

pytestmark = pytest.mark.data
LEVELS = ["lsoa21", "msoa", "ward24", "committee", "lad"]


@pytest.fixture(scope="module")
def values(processed_store):
    return read_values(processed_store)


@pytest.mark.parametrize("level,expected", [("lsoa21", 488), ("msoa", 107), ("ward24", 33), ("committee", 10), ("lad", 1)])
def test_area_counts(processed_store, level, expected):
    areas = read_areas(processed_store, level)
    assert len(areas) == expected and areas["code"].is_unique
    assert areas.crs.to_epsg() == 4326 and areas.geometry.is_valid.all()


def test_every_lsoa_has_a_ward_and_committee(processed_store):
    lsoas = read_areas(processed_store, "lsoa21")
    assert lsoas["ward24_code"].notna().all() and lsoas["committee_code"].notna().all()
    assert lsoas["ward24_code"].nunique() == 33 and lsoas["committee_code"].nunique() == 10


def test_population_sums_to_census_total_at_every_level(processed_store):
    for level in LEVELS:
        assert read_areas(processed_store, level)["population"].sum() == 811_915


def test_lsoa11_to_lsoa21_conversion_keeps_population():
    """Mid-2020 LSOA11 population carried to LSOA21 with the ONS lookup keeps Leeds' total (798,786)."""
    from geo.aggregate import convert_lsoa11_to_lsoa21

    sources = load_sources().sources
    pop = read_table(sources["population_mid2020_lsoa11"], data_dir(), ["total_population"], check_sha=False)
    lookup = read_table(sources["lookup_lsoa11_lsoa21"], data_dir(), check_sha=False)
    leeds = lookup[lookup["lad22_code"] == "E08000035"]
    frame = pop[pop["lsoa11_code"].isin(set(leeds["lsoa11_code"]))][["lsoa11_code", "total_population"]]
    census = read_table(sources["population_census2021"], data_dir(), ["usual_residents_census2021"], check_sha=False)
    converted = convert_lsoa11_to_lsoa21(frame, leeds, count_columns=["total_population"],
                                         child_weight=census.set_index("lsoa21_code")["usual_residents_census2021"],
                                         parent_weight=pd.Series(dtype=float))
    assert len(converted) == 488
    assert converted["total_population"].sum() == pytest.approx(798_786)
    assert (converted["change_code"] == "S").sum() + (converted["change_code"] == "M").sum() > 0


def test_leeds_has_84_lsoas_in_the_most_deprived_national_decile(values):
    deciles = values[(values.indicator_id == "imd_imd_decile") & (values.area_level == "lsoa21") & (values.period == "2025")]
    assert len(deciles) == 488 and int((deciles["value"] == 1).sum()) == 84


def test_leeds_imd_average_score_matches_mhclg_district_summary(values):
    """Our population-weighted average (Census 2021 weights) is within 0.5 of MHCLG's File 10 figure."""
    summary = read_table(load_sources().sources["imd2025_lad_summaries"], data_dir(), ["imd_average_score"], check_sha=False)
    official = float(summary.loc[summary["ltla24_code"] == "E08000035", "imd_average_score"].iloc[0])
    ours = values[(values.indicator_id == "imd_imd_score") & (values.area_level == "lad")]["value"].iloc[0]
    assert abs(ours - official) < 0.5, (ours, official)


def test_share_in_most_deprived_decile_matches_lsoa_populations(values, processed_store):
    lsoas = read_areas(processed_store, "lsoa21").set_index("code")
    deciles = values[(values.indicator_id == "imd_imd_decile") & (values.area_level == "lsoa21")
                     & (values.period == "2025")].set_index("area_code")["value"]
    expected = 100 * lsoas.loc[deciles[deciles == 1].index, "population"].sum() / lsoas["population"].sum()
    share = values[(values.indicator_id == "imd_imd_pct_most_deprived") & (values.area_level == "lad") & (values.period == "2025")]
    assert share["value"].iloc[0] == pytest.approx(expected)


def test_every_indicator_has_values_for_every_native_area_or_a_stated_reason(values):
    """Blanks at the native level are allowed only where the registry's caveat explains them."""
    expected = {"lsoa21": 488, "msoa": 107}
    for ind in load_registry().indicators:
        if ind.derived or ind.aggregated_only:
            continue
        for period in ind.periods:
            sel = values[(values.indicator_id == ind.id) & (values.area_level == ind.native_level) & (values.period == period)]
            assert len(sel) == expected[ind.native_level], (ind.id, period, len(sel))
            if sel["value"].isna().any():
                assert any(word in ind.caveat.lower() for word in ("suppress", "blank", "not publish", "did not publish")), ind.id


def test_life_expectancy_suppressed_msoas_stay_blank_not_zero(values):
    le = values[(values.indicator_id == "life_expectancy_female") & (values.area_level == "msoa")]
    assert le["value"].isna().sum() >= 4 and (le["value"].dropna() > 60).all()
    published = le.dropna(subset=["value"])
    assert (published["lower_ci"] <= published["value"]).all() and (published["upper_ci"] >= published["value"]).all()


# Indicators checked against their own IoD domain rather than the overall IMD, and why.
OWN_DOMAIN = {
    # inner-city LSOAs are both better connected and more deprived overall, so connectivity is checked against
    # the Geographical Barriers score it feeds (higher barrier score = worse access)
    "iod_connectivity": "imd_geographical_barriers_score",
}


def test_polarity_agrees_with_the_imd_score():
    """An indicator marked 'lower is better' must not fall clearly as deprivation rises across Leeds LSOAs."""
    from data.store import read_values as rv
    from data.settings import processed_dir

    vals = rv(processed_dir())
    lsoa = vals[(vals.area_level == "lsoa21")]
    def score(indicator_id):
        return lsoa[(lsoa.indicator_id == indicator_id) & (lsoa.period == "2025")].set_index("area_code")["value"]

    for ind in load_registry().indicators:
        if ind.polarity == "neutral" or ind.native_level != "lsoa21" or ind.derived or ind.aggregated_only:
            continue
        if ind.unit in ("people", "rank") or ind.id.startswith("imd_") or ind.id.startswith("iod_crime"):
            continue
        series = lsoa[(lsoa.indicator_id == ind.id) & (lsoa.period == ind.latest.period)].set_index("area_code")["value"]
        if series.nunique() == 1:
            assert "same value" in ind.caveat, f"{ind.id} is constant across Leeds but its caveat does not say so"
            continue
        rho = series.corr(score(OWN_DOMAIN.get(ind.id, "imd_imd_score")), method="spearman")
        expected_sign = 1 if ind.polarity == "lower_is_better" else -1
        # a clear contradiction fails; near-zero correlations (e.g. modelled housing condition) prove nothing
        assert rho * expected_sign > -0.1, (ind.id, rho)
