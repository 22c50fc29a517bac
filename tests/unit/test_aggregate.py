"""Aggregation rules on tiny fake areas: counts summed then divided, weighted means, coverage."""
import numpy as np
import pandas as pd
import pytest

from geo.aggregate import aggregate, wilson_interval
from geo.aggregate import convert_lsoa11_to_lsoa21, membership


def native(**columns):
    base = {"area_code": ["A", "B", "C"], "value": [np.nan] * 3, "numerator": [np.nan] * 3,
            "denominator": [np.nan] * 3, "weight": [1.0] * 3, "lower_ci": [np.nan] * 3, "upper_ci": [np.nan] * 3,
            "coverage_weight": [100.0, 100.0, 100.0]}
    base.update(columns)
    return pd.DataFrame(base)


MEMBERS = pd.DataFrame({"from_code": ["A", "B", "C"], "to_code": ["X", "X", "Y"], "share": [1.0, 1.0, 1.0]})


def test_sum_ratio_divides_summed_counts_not_mean_of_rates():
    data = native(numerator=[1.0, 9.0, 5.0], denominator=[10.0, 90.0, 50.0], value=[10.0, 10.0, 10.0])
    data.loc[0, ["numerator", "denominator"]] = [9.0, 10.0]   # A: 90%, B: 10%
    out = aggregate(data, MEMBERS, "sum_ratio", scale=100).set_index("area_code")
    assert out.loc["X", "value"] == pytest.approx(100 * 18 / 100)   # not the 50% mean of rates
    assert out.loc["X", "numerator"] == 18 and out.loc["X", "denominator"] == 100


def test_weighted_mean_uses_weights():
    data = native(value=[10.0, 20.0, 5.0], weight=[1.0, 3.0, 1.0])
    out = aggregate(data, MEMBERS, "weighted_mean").set_index("area_code")
    assert out.loc["X", "value"] == pytest.approx((10 + 60) / 4)


def test_fractional_shares_split_an_area():
    members = pd.DataFrame({"from_code": ["A", "A"], "to_code": ["X", "Y"], "share": [0.25, 0.75]})
    data = native(value=[8.0, np.nan, np.nan], numerator=[8.0, np.nan, np.nan], denominator=[100.0, np.nan, np.nan])
    out = aggregate(data.iloc[:1], members, "sum").set_index("area_code")
    assert out.loc["X", "value"] == pytest.approx(2.0) and out.loc["Y", "value"] == pytest.approx(6.0)


def test_missing_values_blank_an_area_below_min_coverage():
    data = native(value=[10.0, np.nan, 5.0])
    strict = aggregate(data, MEMBERS, "weighted_mean").set_index("area_code")
    assert np.isnan(strict.loc["X", "value"]) and strict.loc["X", "coverage"] == pytest.approx(0.5)
    lenient = aggregate(data, MEMBERS, "weighted_mean", min_coverage=0.5).set_index("area_code")
    assert lenient.loc["X", "value"] == pytest.approx(10.0)


def test_published_ci_combined_assuming_independence():
    data = native(value=[80.0, 82.0, 70.0], weight=[1.0, 1.0, 1.0], lower_ci=[78.04, 80.04, 68.0],
                  upper_ci=[81.96, 83.96, 72.0])
    out = aggregate(data, MEMBERS, "weighted_mean", ci="published").set_index("area_code")
    se = 1.96 / 1.959963984540054        # each area's SE
    half = 1.959963984540054 * np.sqrt(2 * (0.5 * se) ** 2)
    assert out.loc["X", "upper_ci"] - out.loc["X", "value"] == pytest.approx(half, rel=1e-3)


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="Unknown aggregation rule 'median'"):
        aggregate(native(value=[1.0, 2.0, 3.0]), MEMBERS, "median")


def test_wilson_interval_matches_known_value():
    lo, hi = wilson_interval(pd.Series([10.0]), pd.Series([100.0]))
    assert lo.iloc[0] == pytest.approx(0.05523, abs=1e-4) and hi.iloc[0] == pytest.approx(0.17437, abs=1e-4)


def test_membership_shares_follow_population():
    lsoas = pd.DataFrame({"lsoa21_code": ["L1", "L2", "L3"], "msoa21_code": ["M1", "M1", "M2"],
                          "ward24_code": ["W1", "W2", "W2"], "population": [100, 300, 50]})
    members = membership(lsoas, "msoa", "ward24").set_index(["from_code", "to_code"])["share"]
    assert members[("M1", "W1")] == pytest.approx(0.25) and members[("M1", "W2")] == pytest.approx(0.75)
    assert members[("M2", "W2")] == pytest.approx(1.0)


def test_lsoa11_conversion_splits_counts_and_inherits_rates_and_merges():
    lookup = pd.DataFrame({"lsoa11_code": ["P1", "P2", "P2", "P3", "P4"],
                           "lsoa21_code": ["C1", "C2", "C3", "C4", "C4"],
                           "change_code": ["U", "S", "S", "M", "M"]})
    frame = pd.DataFrame({"lsoa11_code": ["P1", "P2", "P3", "P4"], "households": [10.0, 100.0, 20.0, 30.0],
                          "rate": [1.0, 2.0, 3.0, 5.0], "imd_rank": [10.0, 20.0, 30.0, 50.0],
                          "imd_decile": [1.0, 1.0, 1.0, 2.0]})
    out = convert_lsoa11_to_lsoa21(frame, lookup, count_columns=["households"],
                                   child_weight=pd.Series({"C1": 1, "C2": 30, "C3": 10, "C4": 5}),
                                   parent_weight=pd.Series({"P3": 1.0, "P4": 3.0}), rank_totals={"imd_rank": 100})
    out = out.set_index("lsoa21_code")
    assert out["households"].sum() == pytest.approx(160.0)                 # totals preserved
    assert out.loc["C2", "households"] == pytest.approx(75.0)              # split by child weight 30:10
    assert out.loc["C3", "rate"] == 2.0                                    # split inherits
    assert out.loc["C4", "rate"] == pytest.approx((3 * 1 + 5 * 3) / 4)     # merged: weighted mean
    assert out.loc["C4", "imd_rank"] == pytest.approx(45.0) and out.loc["C4", "imd_decile"] == 5
    assert out.loc["C4", "change_code"] == "M" and out.loc["C2", "change_code"] == "S"
