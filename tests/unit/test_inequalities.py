"""Unit tests for metrics/inequalities.py on tiny, obviously fake frames.

Indicators come from the real registry (they are catalogue, not data); every value below is made up.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.pipeline.england import england_msoa_table, msoa_imd_scores
from data.registry import load_registry
from metrics import inequalities as iv
from metrics.sii import VALUE_TYPE_OTHER, VALUE_TYPE_PROPORTION

REGISTRY = load_registry()
LE_F = REGISTRY.get("life_expectancy_female")
IMD = REGISTRY.get("imd_imd_score")
DISABLED = REGISTRY.get("census_disabled")
FAST = {"repetitions": 2000, "seed": 1}


def _areas(n: int, population=None) -> pd.DataFrame:
    codes = [f"X{i:02d}" for i in range(n)]
    return pd.DataFrame({
        "code": codes, "name": codes, "display_name": [f"Area {c}" for c in codes],
        "committee_code": ["c1"] * n, "committee_name": ["Committee One"] * n,
        "population": population if population is not None else [1000] * n, "households": [400] * n,
    })


def _values(level: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["area_level"] = level
    for column in ("lower_ci", "upper_ci", "numerator", "denominator", "coverage"):
        if column not in frame:
            frame[column] = np.nan
    return frame


def _imd_rows(level: str, scores) -> list[dict]:
    return [{"area_code": f"X{i:02d}", "indicator_id": "imd_imd_score", "period": "2025", "value": float(s)}
            for i, s in enumerate(scores)]


def _le_rows(values, half_width=1.0) -> list[dict]:
    return [{"area_code": f"X{i:02d}", "indicator_id": LE_F.id, "period": "2016-20", "value": v,
             "lower_ci": v - half_width if v == v else np.nan, "upper_ci": v + half_width if v == v else np.nan}
            for i, v in enumerate(values)]


NO_BREAKS = pd.DataFrame(columns=["decile", "min", "max", "indicator_id", "period"])
# Fake national LSOA score breaks: decile d holds scores in (45 - 5d, 50 - 5d], decile 1 everything above 45.
BREAKS = pd.DataFrame({"decile": list(range(1, 11)), "min": [45.001, 40.001, 35.001, 30.001, 25.001, 20.001, 15.001,
                                                            10.001, 5.001, 0.0],
                       "max": [90, 45, 40, 35, 30, 25, 20, 15, 10, 5], "indicator_id": "imd_imd_score", "period": "2025"})
SMALL = {"mode": "national", "breaks": BREAKS}   # tiny frames: fewer areas than ten Leeds deciles need


def _le_inputs(le_values, scores, level="msoa", population=None, weights=None, mode="leeds", breaks=NO_BREAKS):
    n = len(le_values)
    values = _values(level, _imd_rows(level, scores) + _le_rows(le_values))
    return iv.area_inputs(values, _areas(n, population), breaks, LE_F, IMD, level, "2016-20", mode,
                          weights=weights, weight_label="person-years" if weights is not None else None)


# --------------------------------------------------------------------------- decile assignment


def test_within_leeds_deciles_follow_population_and_put_the_highest_score_first():
    inputs = _le_inputs([80.0 + i for i in range(10)], scores=[50 - i for i in range(10)])
    assert inputs.frame["decile"].tolist() == list(range(1, 11))
    assert inputs.frame["quintile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert "within Leeds" in inputs.grouping_label


def test_a_populous_area_fills_several_deciles_worth_of_people():
    # One area holds half of the population: it sits in the middle of the first half (decile 3),
    # and the remaining ten equal areas share deciles 6-10.
    population = [10_000] + [1_000] * 10
    inputs = _le_inputs([80.0] * 11, scores=[99] + [50 - i for i in range(10)], population=population)
    assert inputs.frame["decile"].iloc[0] == 3
    assert sorted(set(inputs.frame["decile"].iloc[1:])) == [6, 7, 8, 9, 10]


def test_national_deciles_for_msoas_use_englands_lsoa_score_breaks():
    inputs = _le_inputs([80.0] * 4, scores=[60, 45, 44.9, 1], **SMALL)
    assert inputs.frame["decile"].tolist() == [1, 2, 2, 10]   # a score equal to a decile's maximum stays in it
    assert inputs.frame["quintile"].tolist() == [1, 1, 1, 5]
    assert "approximation" in inputs.grouping_label


def test_national_deciles_for_lsoas_are_the_published_deciles():
    rows = _imd_rows("lsoa21", [30, 20, 10]) + [
        {"area_code": f"X{i:02d}", "indicator_id": "imd_imd_decile", "period": "2025", "value": d}
        for i, d in enumerate([1, 5, 9])] + [
        {"area_code": f"X{i:02d}", "indicator_id": DISABLED.id, "period": "2021", "value": 10.0} for i in range(3)]
    inputs = iv.area_inputs(_values("lsoa21", rows), _areas(3), NO_BREAKS, DISABLED, IMD, "lsoa21", "2021", "national")
    assert inputs.frame["decile"].tolist() == [1, 5, 9]
    assert "published national decile" in inputs.grouping_label


def test_committees_are_too_few_for_deciles():
    with pytest.raises(ValueError, match="too few areas"):
        _le_inputs([80.0] * 10, scores=range(10), level="committee")


# --------------------------------------------------------------------------- weights


def test_person_years_weights_replace_population_in_the_decile_means():
    weights = pd.Series([3000.0, 1000.0], index=["X00", "X01"])
    inputs = _le_inputs([80.0, 84.0], scores=[10, 9], weights=weights, **SMALL)
    assert inputs.weight_label == "person-years"
    inputs.frame["decile"] = 1   # force one group to read the weighted mean
    means = iv.group_means(inputs, VALUE_TYPE_OTHER)
    assert means["value"].iloc[0] == pytest.approx(81.0)          # (3*80 + 1*84) / 4, not the plain mean 82
    assert means["population"].iloc[0] == pytest.approx(4000.0)


def test_ward_life_expectancy_is_weighted_by_its_stored_person_years():
    rows = _imd_rows("ward24", [10, 9]) + [
        {"area_code": "X00", "indicator_id": LE_F.id, "period": "2016-20", "value": 80.0, "lower_ci": 79.0,
         "upper_ci": 81.0, "denominator": 500.0, "coverage": 1.0},
        {"area_code": "X01", "indicator_id": LE_F.id, "period": "2016-20", "value": np.nan, "lower_ci": np.nan,
         "upper_ci": np.nan, "denominator": 700.0, "coverage": 0.4}]
    inputs = iv.area_inputs(_values("ward24", rows), _areas(2), BREAKS, LE_F, IMD, "ward24", "2016-20", "national")
    assert inputs.frame["weight"].tolist() == [500.0, 700.0]
    assert "person-years" in inputs.weight_label
    assert inputs.frame["status"].tolist() == ["approximation (person-years-weighted)", iv.BELOW_COVERAGE]


def test_missing_weights_are_an_error_not_a_silent_drop():
    with pytest.raises(ValueError, match="weights are missing"):
        _le_inputs([80.0, 81.0], scores=[2, 1], weights=pd.Series([1.0], index=["X00"]), **SMALL)


def test_leeds_person_years_are_read_per_sex_and_must_cover_every_msoa():
    table = pd.DataFrame({"msoa11_code": ["X00", "X00", "X01"], "sex": ["female", "male", "female"],
                          "person_years": [10, 20, 30]})
    assert iv.leeds_person_years(table, pd.Index(["X01", "X00"]), "female").tolist() == [30.0, 10.0]
    with pytest.raises(ValueError, match="X01"):
        iv.leeds_person_years(table, pd.Index(["X00", "X01"]), "male")


# --------------------------------------------------------------------------- suppression


def test_unpublished_msoas_are_suppressed_not_zero_and_left_out_of_means():
    inputs = _le_inputs([80.0, np.nan, 84.0], scores=[3, 2, 1], **SMALL)
    assert inputs.frame["status"].tolist() == ["published", iv.SUPPRESSED, "published"]
    assert iv.suppressed_count(inputs) == 1
    inputs.frame["decile"] = 1
    means = iv.group_means(inputs, VALUE_TYPE_OTHER)
    assert means["value"].iloc[0] == pytest.approx(82.0)
    assert means["areas_without_value"].iloc[0] == 1
    gaps = iv.area_gaps(inputs.frame, LE_F, "msoa", 82.0)
    suppressed = gaps[gaps["code"] == "X01"].iloc[0]
    assert np.isnan(suppressed["value"]) and np.isnan(suppressed["gap"])
    assert suppressed["comparison"] == "Not compared" and suppressed["status"] == iv.SUPPRESSED


# --------------------------------------------------------------------------- value types and group means


def test_value_type_follows_counts_and_published_limits():
    inputs = _le_inputs([80.0, 81.0], scores=[2, 1], **SMALL)
    assert iv.value_type_for(inputs)[0] == VALUE_TYPE_OTHER
    assert "published limits" in iv.value_type_for(inputs)[1]
    rows = _imd_rows("msoa", [2, 1]) + [
        {"area_code": f"X{i:02d}", "indicator_id": DISABLED.id, "period": "2021", "value": 100 * k / 100,
         "numerator": float(k), "denominator": 100.0} for i, k in enumerate([30, 10])]
    share = iv.area_inputs(_values("msoa", rows), _areas(2), BREAKS, DISABLED, IMD, "msoa", "2021", "national")
    assert iv.value_type_for(share)[0] == VALUE_TYPE_PROPORTION
    share.frame["numerator"] = np.nan
    share.frame["lower_ci"] = np.nan
    assert "spread of area values" in iv.value_type_for(share)[1]


def test_proportion_groups_pool_counts_and_use_wilson_limits():
    rows = _imd_rows("msoa", [2, 1]) + [
        {"area_code": f"X{i:02d}", "indicator_id": DISABLED.id, "period": "2021", "value": v,
         "numerator": k, "denominator": d} for i, (v, k, d) in enumerate([(40.0, 20.0, 50.0), (60.0, 30.0, 50.0)])]
    share = iv.area_inputs(_values("msoa", rows), _areas(2), BREAKS, DISABLED, IMD, "msoa", "2021", "national")
    share.frame["decile"] = 1
    group = iv.group_means(share, VALUE_TYPE_PROPORTION).iloc[0]
    assert group["value"] == pytest.approx(50.0)
    assert (group["count"], group["denominator"]) == (50.0, 100.0)
    # Wilson 95% limits of 50/100 are 40.38% and 59.62%.
    assert group["lower"] == pytest.approx(40.383, abs=1e-3) and group["upper"] == pytest.approx(59.617, abs=1e-3)


def test_spread_mean_is_the_weighted_mean_with_a_ratio_standard_error():
    mean, se = iv.spread_mean(pd.Series([1.0, 3.0]), pd.Series([1.0, 1.0]))
    assert mean == 2.0
    assert se == pytest.approx(np.sqrt(2 * 2) / 2)     # sqrt(n/(n-1) * sum w^2 (x-m)^2) / W
    assert np.isnan(iv.spread_mean(pd.Series([5.0]), pd.Series([2.0]))[1])


# --------------------------------------------------------------------------- SII


def _linear_groups(slope=10.0, n=10) -> pd.DataFrame:
    ranks = (np.arange(n) + 0.5) / n
    value = 70 + slope * ranks
    return pd.DataFrame({"quantile": range(1, n + 1), "population": 1000.0, "value": value,
                         "lower": value - 0.5, "upper": value + 0.5, "count": np.nan, "denominator": np.nan})


def test_sii_of_a_straight_line_is_its_slope_and_the_fitted_line_spans_it():
    result = iv.inequality_slope(_linear_groups(10.0), VALUE_TYPE_OTHER, **FAST)
    assert result.sii == pytest.approx(10.0)
    lower, upper = result.sii_ci(95)
    assert lower < 10.0 < upper
    line = iv.fitted_line(result)
    assert line["fitted_value"].tolist() == pytest.approx([70.0, 80.0])


def test_sii_needs_five_groups_with_values():
    groups = _linear_groups()
    groups.loc[groups["quantile"] > 4, "value"] = np.nan
    with pytest.raises(ValueError, match="Only 4 deprivation groups"):
        iv.inequality_slope(groups, VALUE_TYPE_OTHER, **FAST)


def test_a_single_area_decile_without_limits_is_named_in_the_error():
    groups = _linear_groups()
    groups.loc[groups["quantile"] == 3, ["lower", "upper"]] = np.nan
    with pytest.raises(ValueError, match=r"Decile\(s\) \[3\]"):
        iv.inequality_slope(groups, VALUE_TYPE_OTHER, **FAST)


def test_proportion_sii_is_in_percentage_points():
    count = np.array([50.0, 45, 40, 35, 30, 25, 20, 15, 10, 5])
    groups = pd.DataFrame({"quantile": range(1, 11), "population": 100.0, "value": count,
                           "lower": np.nan, "upper": np.nan, "count": count, "denominator": 100.0})
    result = iv.inequality_slope(groups, VALUE_TYPE_PROPORTION, **FAST)
    assert result.sii == pytest.approx(-50.0)           # 5 points per decile, 10 deciles: -0.5 * 100
    assert iv.fitted_line(result, 100.0)["fitted_value"].tolist() == pytest.approx([52.5, 2.5])


def test_the_sentence_reads_aloud_with_the_sii_and_its_interval():
    result = iv.inequality_slope(_linear_groups(6.4), VALUE_TYPE_OTHER, **FAST)
    sentence = iv.life_expectancy_sentence(result, "female", LE_F)
    lower, upper = result.sii_ci(95)
    assert sentence.startswith("Across the whole range of deprivation in Leeds (2016-20), the fitted line puts "
                               "women's life expectancy 6.4 years lower at the most deprived end")
    assert f"95% CI {lower:.1f} to {upper:.1f} years" in sentence
    assert "tenth" not in sentence          # the SII is not the gap between the extreme tenths (issue 14, item 2)
    reversed_ = iv.inequality_slope(_linear_groups(-2.0), VALUE_TYPE_OTHER, **FAST)
    assert "2.0 years higher" in iv.life_expectancy_sentence(reversed_, "male", LE_F)


def test_the_range_sentence_names_the_tenths_and_their_averages():
    inputs = _le_inputs([70.0 + i for i in range(10)], scores=[50 - i for i in range(10)])
    sentence = iv.range_sentence(iv.extreme_group_gaps(inputs, VALUE_TYPE_OTHER), "male", LE_F)
    assert "men in the most deprived tenth of Leeds' population live 9.0 years shorter lives" in sentence
    assert "(70.0 against 79.0 years)" in sentence


def test_extreme_group_gaps_are_least_minus_most_deprived():
    inputs = _le_inputs([70.0 + i for i in range(10)], scores=[50 - i for i in range(10)])
    table = iv.extreme_group_gaps(inputs, VALUE_TYPE_OTHER).set_index("groups")
    assert table.loc["Most v least deprived tenth", "gap"] == pytest.approx(9.0)
    assert table.loc["Most v least deprived fifth", "gap"] == pytest.approx(8.0)    # 78.5 - 70.5


def test_area_gaps_use_the_fingertips_significance_convention():
    inputs = _le_inputs([80.0, 84.0, 88.0], scores=[3, 2, 1], **SMALL)
    gaps = iv.area_gaps(inputs.frame, LE_F, "msoa", 84.0)
    assert gaps["gap"].tolist() == [-4.0, 0.0, 4.0]
    assert gaps["comparison"].tolist() == ["Significantly lower", "Similar", "Significantly higher"]
    assert iv.comparison_counts(gaps) == {"Significantly lower": 1, "Similar": 1, "Significantly higher": 1,
                                          "Not compared": 0}
    assert iv.highest_lowest(inputs.frame)["range"] == 8.0


def test_sii_candidates_leave_out_counts_ranks_and_imd_measures():
    levels = ["lsoa21", "msoa", "ward24", "committee", "lad"]
    ids = {i.id for i in iv.sii_candidates(REGISTRY.indicators, "lsoa21", levels)}
    assert "census_disabled" in ids and "fuel_poverty" in ids
    assert not {"imd_imd_score", "imd_imd_decile", "population", "iod_idaci_children"} & ids
    assert LE_F.id not in ids                               # not published for LSOAs
    assert LE_F.id in {i.id for i in iv.sii_candidates(REGISTRY.indicators, "msoa", levels)}


# --------------------------------------------------------------------------- England


def test_msoa_imd_score_is_the_population_weighted_mean_of_its_lsoas():
    lookup = pd.DataFrame({"lsoa21_code": ["E1", "E2", "W1"], "msoa21_code": ["M1", "M1", "MW"]})
    imd = pd.DataFrame({"lsoa21_code": ["E1", "E2"], "imd_score": [10.0, 40.0]})
    pop = pd.DataFrame({"lsoa21_code": ["E1", "E2", "W1"], "usual_residents_census2021": [300, 100, 50]})
    scores = msoa_imd_scores(lookup, imd, pop)
    assert scores.to_dict() == {"M1": pytest.approx(17.5)}


def test_england_sii_groups_msoas_by_person_years_and_says_what_it_is():
    n = 20
    codes = [f"M{i:02d}" for i in range(n)]
    le = pd.DataFrame({"msoa11_code": codes + ["M99"], "sex": "Females",
                       "population_person_years": [1000] * (n + 1),
                       "life_expectancy_at_birth": [90.0 - 0.5 * i for i in range(n)] + [80.0],
                       "le_lower_95ci": [89.0 - 0.5 * i for i in range(n)] + [79.0],
                       "le_upper_95ci": [91.0 - 0.5 * i for i in range(n)] + [81.0]})
    lookup = pd.DataFrame({"lsoa21_code": [f"E{i:02d}" for i in range(n)], "msoa21_code": codes})
    imd = pd.DataFrame({"lsoa21_code": lookup["lsoa21_code"], "imd_score": [float(i) for i in range(n)]})
    pop = pd.DataFrame({"lsoa21_code": lookup["lsoa21_code"], "usual_residents_census2021": 500})
    table = england_msoa_table({"life_expectancy": le, "lookup": lookup, "imd": imd, "population": pop})
    assert list(table.columns) == ["msoa11_code", "sex", "value", "lower_ci", "upper_ci", "person_years", "imd_score"]
    england = iv.england_life_expectancy_sii(table, "female", **FAST)
    assert len(england.groups) == 10 and england.groups["areas"].tolist() == [2] * 10
    # Two MSOAs per decile, life expectancy 1 year apart per decile: a slope of 10 years across ranks 0 to 1.
    assert england.result.sii == pytest.approx(10.0)
    assert "20 MSOAs; 1 with changed codes" in england.description
    assert "not the official OHID figure" in england.description


def test_district_person_years_leave_out_msoas_created_in_2021_and_name_them():
    """Manchester and Bristol each have four 2021 MSOAs with no 2016-20 person-years: they come back apart
    (the page then leaves them out and says so), where leeds_person_years refuses them."""
    table = pd.DataFrame({"msoa11_code": ["X00", "X01"], "sex": ["female", "female"], "person_years": [10, 30]})
    years, missing = iv.district_person_years(table, pd.Index(["X00", "NEW1", "X01", "NEW2"]), "female")
    assert years.to_dict() == {"X00": 10.0, "X01": 30.0} and missing == ["NEW1", "NEW2"]
    sentence = iv.left_out_sentence(["Fake 061", "Fake 062"], 2_000, 40_000, "Fakeham", 4)
    assert sentence.startswith("Computed over 2 of Fakeham's 4 MSOAs. 2 MSOAs created in 2021 (Fake 061; Fake 062) "
                               "have no 2016-20 life expectancy")
    assert "2,000 residents (5.0% of Fakeham's, Census 2021)" in sentence
    assert iv.left_out_sentence([], 0, 40_000, "Fakeham", 4) == ""


def test_no_district_value_says_why_with_the_coverage_share():
    text = iv.no_district_value_sentence("Fakeham", 0.886, 0.9)
    assert text.startswith("Not available for Fakeham:") and "hold 88.6% of its residents, under the 90%" in text
