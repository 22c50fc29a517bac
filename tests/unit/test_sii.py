"""Unit tests for metrics.sii on tiny, hand-computable, obviously fake frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from metrics.sii import (
    SiiWarning,
    assign_population_quantiles,
    slope_index_of_inequality,
    slope_index_of_inequality_by_group,
)

EQUAL_RANKS = np.arange(0.05, 1.0, 0.1)  # midpoints of ten equal population slices


def expit(x):
    return 1 / (1 + np.exp(-x))


def linear_deciles(intercept=10.0, slope=5.0, se=0.0) -> pd.DataFrame:
    """Ten equal-population deciles lying exactly on value = intercept + slope * rank."""
    return pd.DataFrame(
        {
            "quantile": range(1, 11),
            "population": [100] * 10,
            "value": intercept + slope * EQUAL_RANKS,
            "se": [se] * 10,
        }
    )


def with_limits(frame: pd.DataFrame, lower_factor=0.95, upper_factor=1.05) -> pd.DataFrame:
    return frame.assign(lower=frame["value"] * lower_factor, upper=frame["value"] * upper_factor)


# --------------------------------------------------------------------------- point estimates


def test_perfect_linear_gradient_gives_its_slope_intercept_and_ratio():
    result = slope_index_of_inequality(
        linear_deciles(), se_col="se", rii=True, intercept=True, repetitions=1000, seed=1
    )
    assert result.sii == pytest.approx(5.0, rel=1e-12)
    assert result.intercept == pytest.approx(10.0, rel=1e-12)
    assert result.rii == pytest.approx(15.0 / 10.0, rel=1e-12)


def test_zero_standard_errors_collapse_the_limits_onto_the_estimate():
    result = slope_index_of_inequality(linear_deciles(), se_col="se", rii=True, repetitions=1000, seed=1)
    assert result.sii_ci(0.95) == pytest.approx((5.0, 5.0), rel=1e-9)
    assert result.rii_ci(95) == pytest.approx((1.5, 1.5), rel=1e-9)


def test_relative_ranks_are_midpoints_of_cumulative_population():
    shares = np.array([0.1, 0.3, 0.1, 0.3, 0.2])
    ranks = np.array([0.05, 0.25, 0.45, 0.65, 0.90])
    frame = pd.DataFrame(
        {"quantile": [1, 2, 3, 4, 5], "population": shares * 1000, "value": 2 + 3 * ranks, "se": 0.0}
    )
    result = slope_index_of_inequality(frame, se_col="se", intercept=True, repetitions=1000, seed=1)
    assert result.relative_ranks == pytest.approx(tuple(ranks))
    assert result.population_shares == pytest.approx(tuple(shares))
    assert result.sii == pytest.approx(3.0)
    assert result.intercept == pytest.approx(2.0)
    assert result.fitted_frame()["fitted_value"].tolist() == pytest.approx(list(2 + 3 * ranks))


def test_rows_are_ordered_by_quantile_label_not_by_row_position():
    frame = linear_deciles()
    shuffled = frame.sample(frac=1.0, random_state=3)
    result = slope_index_of_inequality(shuffled, se_col="se", repetitions=1000, seed=1)
    assert result.quantiles == tuple(range(1, 11))
    assert result.sii == pytest.approx(5.0)


def test_positive_multiplier_scales_sii_but_not_rii():
    result = slope_index_of_inequality(
        linear_deciles(), se_col="se", rii=True, multiplier=100, repetitions=1000, seed=1
    )
    assert result.sii == pytest.approx(500.0)
    assert result.rii == pytest.approx(1.5)


def test_negative_multiplier_flips_sii_and_inverts_rii_and_its_limits():
    frame = linear_deciles(se=0.5)
    plain = slope_index_of_inequality(frame, se_col="se", rii=True, repetitions=5000, seed=7)
    flipped = slope_index_of_inequality(frame, se_col="se", rii=True, multiplier=-1, repetitions=5000, seed=7)
    assert flipped.sii == pytest.approx(-5.0)
    assert flipped.rii == pytest.approx(1 / 1.5)
    # Same draws, mirrored: limits swap, up to one order statistic (positions 125
    # and 4875 of 5000 are not mirror images), hence rel=1e-3 rather than exact.
    lower, upper = plain.sii_ci(95)
    assert flipped.sii_ci(95) == pytest.approx((-upper, -lower), rel=1e-3)
    rii_lower, rii_upper = plain.rii_ci(95)
    assert flipped.rii_ci(95) == pytest.approx((1 / rii_upper, 1 / rii_lower), rel=1e-3)


def test_log_transform_recovers_a_log_linear_rate_gradient():
    frame = with_limits(pd.DataFrame({
        "quantile": range(1, 11), "population": [100] * 10, "value": np.exp(1.0 + 0.5 * EQUAL_RANKS),
    }), 0.99, 1.01)
    result = slope_index_of_inequality(
        frame, value_type=1, transform=True, lower_cl_col="lower", upper_cl_col="upper",
        rii=True, intercept=True, repetitions=2000, seed=1,
    )
    assert result.sii == pytest.approx(math.exp(1.5) - math.exp(1.0))
    assert result.rii == pytest.approx(math.exp(0.5))
    assert result.intercept == pytest.approx(math.exp(1.0))
    assert result.fitted_values == pytest.approx(tuple(frame["value"]))


def test_logit_transform_recovers_a_logit_linear_proportion_gradient():
    frame = with_limits(pd.DataFrame({
        "quantile": range(1, 11), "population": [100] * 10, "value": expit(-1.0 + 2.0 * EQUAL_RANKS),
    }), 0.99, 1.01)
    result = slope_index_of_inequality(
        frame, value_type=2, transform=True, lower_cl_col="lower", upper_cl_col="upper",
        rii=True, intercept=True, multiplier=100, repetitions=2000, seed=1,
    )
    assert result.sii == pytest.approx((expit(1.0) - expit(-1.0)) * 100)
    assert result.rii == pytest.approx(expit(1.0) / expit(-1.0))
    assert result.intercept == pytest.approx(expit(-1.0) * 100)


# --------------------------------------------------------------------------- simulated limits


def test_simulated_limits_match_exact_normal_quantiles_for_a_normal_indicator():
    """For value_type 0 the SII is linear in the values, so its limits are exactly normal."""
    population = np.array([120, 80, 100, 150, 90, 110, 70, 130, 60, 90], dtype=float)
    se = np.linspace(0.5, 1.5, 10)
    frame = pd.DataFrame({"quantile": range(1, 11), "population": population,
                          "value": 70 + np.arange(10) * 1.3, "se": se})
    result = slope_index_of_inequality(frame, se_col="se", confidence=[95, 99.8], repetitions=100_000, seed=11)

    share = population / population.sum()
    design = np.column_stack([np.sqrt(share), result.relative_ranks * np.sqrt(share)])
    slope_weights = np.linalg.solve(design.T @ design, design.T)[1] * np.sqrt(share)
    sd = math.sqrt(np.sum(slope_weights**2 * se**2))
    for level in (0.95, 0.998):
        z = stats.norm.ppf(0.5 + level / 2)
        lower, upper = result.sii_ci(level)
        assert lower == pytest.approx(result.sii - z * sd, abs=0.02 * sd)
        assert upper == pytest.approx(result.sii + z * sd, abs=0.02 * sd)


def test_limits_from_confidence_limits_equal_limits_from_the_implied_standard_error():
    frame = with_limits(linear_deciles(), 0.98, 1.02)
    implied_se = (frame["upper"] - frame["lower"]) / (2 * stats.norm.ppf(0.975))
    from_limits = slope_index_of_inequality(
        frame, lower_cl_col="lower", upper_cl_col="upper", repetitions=2000, seed=5
    )
    from_se = slope_index_of_inequality(frame.assign(se=implied_se), se_col="se", repetitions=2000, seed=5)
    assert from_limits.sii_ci(95) == pytest.approx(from_se.sii_ci(95), rel=1e-12)


def test_same_seed_reproduces_and_another_seed_differs():
    frame = linear_deciles(se=1.0)
    first = slope_index_of_inequality(frame, se_col="se", repetitions=1000, seed=42)
    again = slope_index_of_inequality(frame, se_col="se", repetitions=1000, seed=42)
    other = slope_index_of_inequality(frame, se_col="se", repetitions=1000, seed=43)
    assert first == again
    assert first.sii_lower != other.sii_lower


def test_generator_is_accepted_as_seed():
    frame = linear_deciles(se=1.0)
    from_int = slope_index_of_inequality(frame, se_col="se", repetitions=1000, seed=9)
    from_generator = slope_index_of_inequality(
        frame, se_col="se", repetitions=1000, seed=np.random.default_rng(9)
    )
    assert from_int.sii_upper == from_generator.sii_upper


def test_two_confidence_levels_are_keyed_as_proportions_and_nest():
    result = slope_index_of_inequality(
        linear_deciles(se=1.0), se_col="se", confidence=(95, 99.8), rii=True, repetitions=5000, seed=2
    )
    assert result.confidence_levels == (0.95, 0.998)
    assert set(result.sii_lower) == {0.95, 0.998}
    assert result.sii_ci(95) == result.sii_ci(0.95)
    assert result.sii_lower[0.998] < result.sii_lower[0.95] < result.sii < result.sii_upper[0.95] < result.sii_upper[0.998]


def test_reliability_statistics_are_small_positive_and_only_when_asked():
    frame = linear_deciles(se=1.0)
    with_stats = slope_index_of_inequality(
        frame, se_col="se", rii=True, reliability_stat=True, repetitions=1000, seed=3
    )
    without = slope_index_of_inequality(frame, se_col="se", rii=True, repetitions=1000, seed=3)
    width = with_stats.sii_upper[0.95] - with_stats.sii_lower[0.95]
    assert 0 < with_stats.sii_mad[0.95] < 0.2 * width
    assert with_stats.rii_mad[0.95] > 0
    assert without.sii_mad is None and without.rii_mad is None


def test_rii_and_intercept_are_none_unless_requested():
    result = slope_index_of_inequality(linear_deciles(), se_col="se", repetitions=1000, seed=1)
    assert result.rii is None and result.rii_lower is None and result.intercept is None
    with pytest.raises(ValueError, match="rii=True"):
        result.rii_ci(95)


# --------------------------------------------------------------------------- counts


def proportion_deciles() -> pd.DataFrame:
    counts = np.array([30, 28, 26, 24, 22, 20, 18, 16, 14, 12], dtype=float)
    return pd.DataFrame({"quantile": range(1, 11), "population": [100.0] * 10, "count": counts,
                         "value": counts / 100})


def test_proportion_from_count_equals_proportion_given_as_value():
    frame = with_limits(proportion_deciles(), 0.8, 1.2)
    from_count = slope_index_of_inequality(
        frame, value_col=None, count_col="count", value_type=2,
        lower_cl_col="lower", upper_cl_col="upper", repetitions=1000, seed=4,
    )
    from_value = slope_index_of_inequality(
        frame, value_type=2, lower_cl_col="lower", upper_cl_col="upper", repetitions=1000, seed=4
    )
    assert from_count == from_value
    assert from_count.sii == pytest.approx(-0.2)  # falls 0.18 over ranks 0.05..0.95, i.e. 0.2 per unit rank


def test_proportion_standard_error_comes_from_wilson_limits_when_none_given():
    frame = proportion_deciles()
    wilson = [stats.binomtest(int(k), 100).proportion_ci(0.95, method="wilson") for k in frame["count"]]
    frame = frame.assign(lower=[ci.low for ci in wilson], upper=[ci.high for ci in wilson])
    derived = slope_index_of_inequality(frame, count_col="count", value_type=2, repetitions=1000, seed=8)
    explicit = slope_index_of_inequality(
        frame, value_type=2, lower_cl_col="lower", upper_cl_col="upper", repetitions=1000, seed=8
    )
    assert derived.sii_ci(95) == pytest.approx(explicit.sii_ci(95), rel=1e-9)


def test_rate_standard_error_comes_from_byars_limits_on_the_count():
    # Byar's 95% limits for 10 events: 10(1 - 1/90 - z/(3 sqrt 10))^3 = 4.78745 and
    # 11(1 - 1/99 + z/(3 sqrt 11))^3 = 18.39146 (Breslow & Day), scaled onto each rate.
    frame = pd.DataFrame({"quantile": range(1, 6), "population": [1000.0] * 5,
                          "count": [10.0] * 5, "value": [50.0, 45.0, 40.0, 35.0, 30.0]})
    derived = slope_index_of_inequality(frame, count_col="count", value_type=1, repetitions=1000, seed=6)
    explicit = slope_index_of_inequality(
        frame.assign(lower=frame["value"] * 4.78745 / 10, upper=frame["value"] * 18.39146 / 10),
        value_type=1, lower_cl_col="lower", upper_cl_col="upper", repetitions=1000, seed=6,
    )
    assert derived.sii_ci(95) == pytest.approx(explicit.sii_ci(95), rel=1e-5)


# --------------------------------------------------------------------------- errors


ERROR_CASES = [
    ("value_type 5", {"se_col": "se", "value_type": 5}, r"value_type should be 0, 1 or 2, got 5"),
    ("value_type True", {"se_col": "se", "value_type": True}, r"value_type should be 0, 1 or 2"),
    ("no value or count", {"se_col": "se", "value_col": None}, r"value_col is required"),
    ("no se or limits", {}, r"either lower_cl_col and upper_cl_col, or se_col, is required"),
    ("one limit only", {"upper_cl_col": "se"}, r"lower_cl_col and upper_cl_col must be given together"),
    ("count for normal", {"se_col": "se", "count_col": "se"}, r"count_col can only be used with value_type 1"),
    ("multiplier text", {"se_col": "se", "multiplier": "x"}, r"multiplier should be a finite number"),
    ("too few repetitions", {"se_col": "se", "repetitions": 999}, r"repetitions must be 1000 or greater"),
    ("fractional repetitions", {"se_col": "se", "repetitions": 1500.5}, r"repetitions should be a whole number"),
    ("confidence 0.5", {"se_col": "se", "confidence": 0.5}, r"between 90 and 100 or between 0\.9 and 1, got 0\.5"),
    ("confidence 101", {"se_col": "se", "confidence": [95, 101]}, r"got 101"),
    ("confidence text", {"se_col": "se", "confidence": "95"}, r"confidence should be a number"),
    ("confidence 100", {"se_col": "se", "confidence": 100}, r"confidence 1 needs more than 1000 repetitions"),
    ("transform normal", {"lower_cl_col": "se", "upper_cl_col": "se", "transform": True},
     r"value_type should be 1 or 2 when transform is true"),
    ("transform with se", {"se_col": "se", "transform": True, "value_type": 1},
     r"se_col must be left out when transform is true"),
    ("rii not bool", {"se_col": "se", "rii": "yes"}, r"rii must be True or False"),
    ("unknown column", {"se_col": "standard_error"}, r"column\(s\) \['standard_error'\] not found in data"),
]


@pytest.mark.parametrize(("arguments", "pattern"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_invalid_arguments_raise_a_value_error_naming_them(arguments, pattern):
    with pytest.raises(ValueError, match=pattern):
        slope_index_of_inequality(linear_deciles(se=1.0), **{"repetitions": 1000, **arguments})


def broken(column: str, position: int, value) -> pd.DataFrame:
    frame = with_limits(linear_deciles(se=1.0)).astype({column: object if isinstance(value, str) else float})
    frame.loc[position, column] = value
    return frame


DATA_ERROR_CASES = [
    ("negative population", broken("population", 2, -5.0), {"se_col": "se"},
     r"population column 'population' has a zero, negative or missing population for quantile\(s\) \[3\]"),
    ("zero population", broken("population", 0, 0.0), {"se_col": "se"}, r"quantile\(s\) \[1\]"),
    ("missing population", broken("population", 9, np.nan), {"se_col": "se"}, r"quantile\(s\) \[10\]"),
    ("text population", broken("population", 1, "many"), {"se_col": "se"}, r"column 'population' is not numeric"),
    ("negative se", broken("se", 4, -1.0), {"se_col": "se"},
     r"se column 'se' has negative or missing standard errors for quantile\(s\) \[5\]"),
    ("missing limit", broken("upper", 3, np.nan), {"lower_cl_col": "lower", "upper_cl_col": "upper"},
     r"missing lower or upper confidence limits for quantile\(s\) \[4\]"),
    ("swapped limits", broken("lower", 6, 99.0), {"lower_cl_col": "lower", "upper_cl_col": "upper"},
     r"standard error could not be derived for quantile\(s\) \[7\]"),
    ("missing value", broken("value", 5, np.nan), {"se_col": "se"},
     r"value column 'value' has missing values for quantile\(s\) \[6\]"),
    ("duplicate quantile", broken("quantile", 1, 1.0), {"se_col": "se"}, r"repeats labels \[1\.0\]"),
    ("missing quantile label", broken("quantile", 1, np.nan), {"se_col": "se"}, r"has missing labels"),
    ("proportion above 1", linear_deciles(se=1.0), {"se_col": "se", "value_type": 2},
     r"holds proportions that are not all between 0 and 1"),
    ("negative rate", broken("value", 0, -3.0), {"se_col": "se", "value_type": 1},
     r"zero or negative rates for quantile\(s\) \[1\]"),
    ("four quantiles", linear_deciles(se=1.0).head(4), {"se_col": "se"},
     r"number of quantiles must be between 5 and 100, got 4"),
]


@pytest.mark.parametrize(("frame", "arguments", "pattern"), [c[1:] for c in DATA_ERROR_CASES],
                         ids=[c[0] for c in DATA_ERROR_CASES])
def test_invalid_data_raises_a_value_error_naming_the_column_and_quantile(frame, arguments, pattern):
    with pytest.raises(ValueError, match=pattern):
        slope_index_of_inequality(frame, repetitions=1000, **arguments)


def test_zero_count_used_for_a_proportion_is_rejected():
    frame = proportion_deciles()
    frame.loc[7, "count"] = 0
    with pytest.raises(ValueError, match=r"count column 'count' has a zero, negative or missing count for quantile\(s\) \[8\]"):
        slope_index_of_inequality(frame, value_col=None, count_col="count", value_type=2, repetitions=1000)


def test_more_than_ten_quantiles_warns_but_computes():
    frame = pd.DataFrame({"quantile": range(1, 13), "population": 50.0, "value": np.arange(12.0), "se": 0.1})
    with pytest.warns(SiiWarning, match="large number of quantiles"):
        result = slope_index_of_inequality(frame, se_col="se", repetitions=1000, seed=1)
    assert result.sii == pytest.approx(12.0)  # one unit per 1/12 of the population


# --------------------------------------------------------------------------- grouped


def test_by_group_returns_one_result_per_group_and_drops_incomplete_groups():
    steep = linear_deciles(slope=5.0, se=0.0).assign(area="A")
    flat = linear_deciles(slope=1.0, se=0.0).assign(area="B")
    partial = linear_deciles(slope=9.0, se=0.0).assign(area="C").iloc[1:]
    frame = pd.concat([flat, partial, steep], ignore_index=True)
    with pytest.warns(SiiWarning, match=r"some records have been removed .*\('C',\)"):
        results = slope_index_of_inequality_by_group(frame, ["area"], se_col="se", repetitions=1000, seed=1)
    assert list(results) == [("A",), ("B",)]
    assert results[("A",)].sii == pytest.approx(5.0)
    assert results[("B",)].sii == pytest.approx(1.0)


# --------------------------------------------------------------------------- quantile assignment


def test_equal_populations_split_into_equal_sized_quantiles_most_deprived_first():
    scores = pd.Series([10.0, 50.0, 20.0, 40.0, 30.0, 60.0, 70.0, 80.0, 90.0, 100.0], index=list("abcdefghij"))
    population = pd.Series(100.0, index=scores.index)
    quintile = assign_population_quantiles(scores, population, n=5)
    assert quintile.to_dict() == {"j": 1, "i": 1, "h": 2, "g": 2, "f": 3, "b": 3, "d": 4, "e": 4, "c": 5, "a": 5}
    assert quintile.name == "quantile"
    assert quintile.index.equals(scores.index)


def test_ranks_where_low_means_deprived_use_higher_is_more_deprived_false():
    ranks = pd.Series([1, 2, 3, 4], index=["w", "x", "y", "z"])
    population = pd.Series([10, 10, 10, 10], index=ranks.index)
    assert assign_population_quantiles(ranks, population, n=2, higher_is_more_deprived=False).tolist() == [1, 1, 2, 2]


def test_boundaries_follow_population_not_area_count():
    # One big deprived area (half the people) fills quantile 1 alone; midpoints 0.25, 0.6, 0.8, 0.95.
    scores = pd.Series([9.0, 3.0, 2.0, 1.0])
    population = pd.Series([500.0, 200.0, 200.0, 100.0])
    assert assign_population_quantiles(scores, population, n=2).tolist() == [1, 2, 2, 2]
    assert assign_population_quantiles(scores, population, n=4).tolist() == [2, 3, 4, 4]


def test_tied_values_share_a_quantile_whatever_their_order():
    scores = pd.Series([5.0, 4.0, 4.0, 3.0, 2.0, 1.0])
    population = pd.Series([10.0] * 6)
    forward = assign_population_quantiles(scores, population, n=3)
    backward = assign_population_quantiles(scores[::-1], population[::-1], n=3)
    assert forward.loc[1] == forward.loc[2]
    assert forward.sort_index().equals(backward.sort_index())


def test_decile_populations_are_within_one_area_of_a_tenth():
    population = pd.Series(np.arange(100, 200, dtype=float))
    scores = pd.Series(np.arange(100, dtype=float)[::-1].copy())
    decile = assign_population_quantiles(scores, population, n=10)
    totals = population.groupby(decile).sum()
    assert list(totals.index) == list(range(1, 11))
    assert (totals - population.sum() / 10).abs().max() <= population.max()


@pytest.mark.parametrize(
    ("values", "population", "n", "pattern"),
    [
        (pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0], index=[5, 6]), 2, r"same index"),
        (pd.Series([1.0, np.nan, 3.0]), pd.Series([1.0, 1.0, 1.0]), 2, r"values is missing for areas \[1\]"),
        (pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, -1.0, 1.0]), 2, r"population is missing or negative for areas \[1\]"),
        (pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 1.0, 1.0]), 5, r"3 areas, fewer than the 5 quantiles"),
        (pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 1.0, 1.0]), 1, r"n must be an integer of at least 2"),
        (pd.Series([1.0, 2.0, 3.0]), pd.Series([0.0, 0.0, 0.0]), 2, r"population sums to zero"),
        (pd.Series(["a", "b", "c"]), pd.Series([1.0, 1.0, 1.0]), 2, r"column 'values' is not numeric"),
    ],
)
def test_quantile_assignment_rejects_bad_input(values, population, n, pattern):
    with pytest.raises(ValueError, match=pattern):
        assign_population_quantiles(values, population, n=n)
