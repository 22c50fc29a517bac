"""The store's time series against the raw files, recomputed with independent code (csv module, no pandas).

Covers: publisher's figures carried unchanged, counts conserved through the 2011 -> 2021 LSOA conversion and
through aggregation, derived rates with their named denominator, and no series spanning a definition break.
"""
import csv
from collections import defaultdict

import pandas as pd
import pytest

from data.settings import data_dir
from data.series import load_series_catalogue
from data.store import read_series

LEEDS = "E08000035"


def raw_rows(relative: str):
    with open(data_dir() / relative, newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@pytest.fixture(scope="module")
def series(processed_store) -> pd.DataFrame:
    table = read_series(processed_store)
    for column in ("trend_id", "series_id", "area_level", "period"):
        table[column] = table[column].astype(str)
    return table


def one(series, series_id, level, code, period) -> pd.Series:
    rows = series[(series["series_id"] == series_id) & (series["area_level"] == level) &
                  (series["area_code"] == code) & (series["period"] == period)]
    assert len(rows) == 1, (series_id, level, code, period, len(rows))
    return rows.iloc[0]


def test_leeds_fuel_poverty_is_the_publishers_figure_each_year(series):
    for row in raw_rows("timeseries/fuel_poverty_la_2011_2022_england.csv"):
        if row["area_code"] not in (LEEDS, "00DA"):
            continue
        sid = "fuel_poverty_lihc" if row["metric"] == "LIHC" else "fuel_poverty_lilee"
        got = one(series, sid, "lad", LEEDS, row["data_year"])
        assert got["numerator"] == float(row["households_fuel_poor"])
        assert got["value"] == pytest.approx(float(row["pct_households_fuel_poor"]), abs=0.05)


def test_fuel_poverty_counts_survive_the_lsoa_vintage_conversion(series):
    raw = defaultdict(float)
    for row in raw_rows("timeseries/fuel_poverty_lsoa_2011_2022_leeds.csv"):
        raw[(row["data_year"], row["lsoa_vintage"])] += float(row["households_fuel_poor"])
    for year, vintage, sid in (("2015", "2011", "fuel_poverty_lihc"), ("2020", "2011", "fuel_poverty_lilee"),
                               ("2022", "2021", "fuel_poverty_lilee")):
        rows = series[(series["series_id"] == sid) & (series["period"] == year)]
        lsoa = rows[rows["area_level"] == "lsoa21"]
        assert len(lsoa) == 488
        assert lsoa["numerator"].sum() == pytest.approx(raw[(year, vintage)], rel=1e-9)
        assert lsoa["converted"].all() == (vintage == "2011")
        for level in ("msoa", "ward24", "committee"):
            assert rows[rows["area_level"] == level]["numerator"].sum() == pytest.approx(raw[(year, vintage)], rel=1e-9)


def test_native_2021_lsoa_values_match_the_published_percentages(series):
    for row in raw_rows("timeseries/fuel_poverty_lsoa_2011_2022_leeds.csv"):
        if row["data_year"] == "2022":
            got = one(series, "fuel_poverty_lilee", "lsoa21", row["lsoa_code"], "2022")
            assert got["value"] == pytest.approx(float(row["pct_households_fuel_poor"]), abs=0.001)


def test_fuel_poverty_2001_lsoas_are_left_out_of_small_area_views(series):
    lihc = series[series["series_id"] == "fuel_poverty_lihc"]
    assert set(lihc[lihc["period"] == "2011"]["area_level"]) == {"lad"}


def test_no_series_spans_a_definition_break():
    catalogue = load_series_catalogue()
    for trend in catalogue.trends:
        for brk in trend.breaks:
            assert brk.reason and brk.before != brk.after


def test_series_either_side_of_a_break_do_not_share_periods(series):
    for trend in load_series_catalogue().trends:
        for brk in trend.breaks:
            before = set(series[series["series_id"] == brk.before]["period"])
            after = set(series[series["series_id"] == brk.after]["period"])
            assert before and after and not before & after
    assert max(series[series["series_id"] == "fuel_poverty_lihc"]["period"]) == "2018"
    assert min(series[series["series_id"] == "fuel_poverty_lilee"]["period"]) == "2019"


def test_universal_credit_leeds_total_is_the_sum_of_msoas_and_blank_when_one_is_suppressed(series):
    totals, suppressed = defaultdict(float), defaultdict(bool)
    for row in raw_rows("timeseries/households_on_universal_credit_msoa11_monthly_2015-08_2023-11_leeds.csv"):
        if row["households_on_universal_credit"]:
            totals[row["month"]] += float(row["households_on_universal_credit"])
        else:
            suppressed[row["month"]] = True
    for month in ("2019-06", "2022-11", "2023-11", "2015-08"):
        got = one(series, "universal_credit_households_count", "lad", LEEDS, month)
        if suppressed[month]:
            assert got["value"] != got["value"]
        else:
            assert got["value"] == pytest.approx(totals[month])


def test_derived_uc_rate_uses_census_2021_households_and_names_it(series):
    households = 0.0
    leeds = {r["lsoa21_code"] for r in raw_rows("lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv") if r["lad24_code"] == LEEDS}
    for row in raw_rows("population/population_census2021_lsoa21_ew.csv"):
        if row["lsoa21_code"] in leeds:
            households += float(row["households_census2021"])
    got = one(series, "universal_credit_per_100_households_census2021", "lad", LEEDS, "2022-11")
    assert got["denominator"] == pytest.approx(households)
    count = one(series, "universal_credit_households_count", "lad", LEEDS, "2022-11")["value"]
    assert got["value"] == pytest.approx(100 * count / households)


def test_every_derived_rate_names_its_denominator():
    derived = [s for t in load_series_catalogue().trends for s in t.series if s.rate == "derived"]
    assert derived
    for s in derived:
        assert s.denominator_label and any(word in s.denominator_label for word in ("Census", "estimate"))


def test_children_counts_are_dwps_and_leeds_is_the_published_la_figure(series):
    got = one(series, "children_low_income_relative", "lad", LEEDS, "2021/22")
    assert got["value"] == 39995 and bool(got["provisional"])
    for row in raw_rows("timeseries/children_relative_low_income_msoa11_fye2015_2022_ew.csv"):
        if row["msoa11_code"] == "E02002330":
            got = one(series, "children_low_income_relative", "msoa", "E02002330", row["financial_year"])
            assert got["value"] == float(row["children_in_relative_low_income_families"])


def test_ons_local_statistics_values_and_intervals_are_carried_unchanged(series):
    wanted = {("greenhouse-gas-emissions", "Greenhouse gas emissions"): "ghg_emissions_per_person_els",
              ("healthy-life-expectancy", "Female healthy life expectancy"): "healthy_life_expectancy_female_els"}
    seen = 0
    for row in raw_rows("timeseries/ons_explore_local_statistics_core_cities.csv"):
        sid = wanted.get((row["dataset"], row["indicator"]))
        if sid and row["area_code"] in (LEEDS, "E92000001"):
            level = "lad" if row["area_code"] == LEEDS else "england"
            rows = series[(series["series_id"] == sid) & (series["area_level"] == level) &
                          (series["period_start"] == pd.Timestamp(row["period"].split("/")[0]))]
            assert len(rows) == 1
            assert rows.iloc[0]["value"] == pytest.approx(float(row["observation"]))
            if row["lci_95"]:
                assert rows.iloc[0]["lower_ci"] == pytest.approx(float(row["lci_95"]))
            seen += 1
    assert seen >= 40


def test_house_prices_and_claimants_match_the_raw_files(series):
    for row in raw_rows("timeseries/claimant_count_ward_2023-07_to_2023-10_leeds.csv"):
        level = "lad" if row["area_code"] == LEEDS else "ward24"
        got = one(series, "claimant_rate_ward_nomis", level, row["area_code"], row["month"])
        assert got["value"] == float(row["claimants_pct_of_residents_16_64"])
        assert got["numerator"] == float(row["claimant_count"])
    got = one(series, "house_price_median_hpssa", "ward24", "E05011384", "year to Mar 2023")
    raw = [r for r in raw_rows("timeseries/house_prices_median_ward24_quarterly_1995_2023_leeds.csv")
           if r["area_code"] == "E05011384" and r["period_end"] == "2023-03-01"]
    assert got["value"] == float(raw[0]["median_price_paid_gbp"])


def test_one_value_per_series_area_and_period(series):
    assert not series.duplicated(["series_id", "area_level", "area_code", "period"]).any()


def test_derived_child_rate_divides_by_the_matching_mid_year_estimate(series):
    leeds11 = {r["lsoa11_code"] for r in raw_rows("lookups/lookup_lsoa11_lsoa21_lad22_ew.csv") if r["lad22_code"] == LEEDS}
    children = sum(float(r["age_0_15"]) for r in raw_rows("population/population_mid2019_lsoa11_england_broad_ages.csv")
                   if r["lsoa11_code"] in leeds11)
    leeds_msoas = {r["msoa21_code"] for r in raw_rows("lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv")
                   if r["lad24_code"] == LEEDS}
    count = sum(float(r["children_in_relative_low_income_families"])
                for r in raw_rows("timeseries/children_relative_low_income_msoa11_fye2015_2022_ew.csv")
                if r["financial_year"] == "2019/20" and r["msoa11_code"] in leeds_msoas)
    got = one(series, "children_low_income_per_100_mye", "lad", LEEDS, "2019/20")
    assert got["denominator"] == pytest.approx(children)
    assert got["value"] == pytest.approx(100 * count / children)
    periods = set(series[series["series_id"] == "children_low_income_per_100_mye"]["period"])
    assert periods == {"2019/20", "2020/21"}                  # only years with a matching estimate
