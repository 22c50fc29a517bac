"""Unit tests for metrics.gaps on tiny, obviously fake frames."""

import math

import numpy as np
import pandas as pd
import pytest

from metrics.gaps import (
    compare_to_benchmark,
    gap_to_benchmark,
    population_quantile_groups,
    quantile_gap,
    range_gap,
    weighted_mean_with_se,
)


def test_compare_to_benchmark_labels():
    index = ["hi", "same", "lo", "edge", "no_ci"]
    value = pd.Series([82.0, 80.0, 77.0, 81.0, 80.0], index=index)
    lower = pd.Series([81.0, 79.0, 76.0, 80.0, np.nan], index=index)
    upper = pd.Series([83.0, 81.0, 78.0, 82.0, np.nan], index=index)
    labels = compare_to_benchmark(value, lower, upper, 80.0)
    assert labels.tolist() == [
        "Significantly higher",
        "Similar",
        "Significantly lower",
        "Similar",  # lower limit equal to the benchmark: interval contains it
        "Not compared",
    ]
    assert labels.cat.ordered


def test_compare_to_benchmark_per_area_benchmark_and_bad_ci():
    value = pd.Series([10.0, 10.0], index=["a", "b"])
    labels = compare_to_benchmark(value, value - 1, value + 1, pd.Series({"b": 12.0, "a": 8.0}))
    assert labels.tolist() == ["Significantly higher", "Significantly lower"]
    with pytest.raises(ValueError, match="lower is above upper"):
        compare_to_benchmark(value, value + 1, value - 1, 10.0)


def test_gap_to_benchmark_and_range_gap():
    values = pd.Series([78.5, 82.0, np.nan, 75.0], index=["a", "b", "c", "d"])
    assert gap_to_benchmark(values, 80.0).tolist()[:2] == [-1.5, 2.0]
    max_area, min_area, gap = range_gap(values)
    assert (max_area, min_area, gap) == ("b", "d", 7.0)
    with pytest.raises(ValueError, match="no non-missing"):
        range_gap(pd.Series([np.nan, np.nan]))


def test_population_groups_use_cumulative_population_mid_points():
    # Sorted most deprived first: a b c d e f; total 1000, five bands of 200 people.
    # Mid-points 75, 175, 300, 500, 650, 850 -> groups 1, 1, 2, 3, 4, 5.
    index = list("abcdef")
    population = pd.Series([150, 50, 200, 200, 100, 300], index=index)
    deprivation = pd.Series([60.0, 50, 40, 30, 20, 10], index=index)
    groups = population_quantile_groups(population, deprivation, n=5)
    assert groups.tolist() == [1, 1, 2, 3, 4, 5]


def test_population_group_boundary_mid_point_goes_to_less_deprived_group():
    # Total 400, two bands of 200; the middle area's mid-point is exactly 200.
    population = pd.Series([100, 200, 100], index=["a", "b", "c"])
    deprivation = pd.Series([3.0, 2.0, 1.0], index=["a", "b", "c"])
    assert population_quantile_groups(population, deprivation, n=2).tolist() == [1, 2, 2]


def test_quantile_gap_by_population_on_tiny_frame():
    index = list("abcdef")
    population = pd.Series([150, 50, 200, 200, 100, 300], index=index)
    deprivation = pd.Series([60.0, 50, 40, 30, 20, 10], index=index)
    values = pd.Series([70.0, 78, 75, 77, 80, 84], index=index)
    result = quantile_gap(values, population, deprivation, n=5)
    # Most deprived: (150*70 + 50*78) / 200 = 72; least deprived: f alone = 84.
    assert result["most_deprived_mean"] == pytest.approx(72.0)
    assert result["least_deprived_mean"] == pytest.approx(84.0)
    assert result["gap"] == pytest.approx(12.0)
    assert result["most_deprived_areas"] == 2
    assert result["least_deprived_population"] == 300
    assert result["excluded_areas"] == 0


def test_quantile_gap_rank_direction_and_missing_values():
    # Deprivation as a rank where 1 = most deprived; g has no value and is left out.
    index = list("abcdefg")
    population = pd.Series([150, 50, 200, 200, 100, 300, 999], index=index)
    rank = pd.Series([1.0, 2, 3, 4, 5, 6, 7], index=index)
    values = pd.Series([70.0, 78, 75, 77, 80, 84, np.nan], index=index)
    result = quantile_gap(values, population, rank, n=5, higher_is_more_deprived=False)
    assert result["gap"] == pytest.approx(12.0)
    assert result["excluded_areas"] == 1


def test_quantile_gap_raises_when_an_end_group_is_empty():
    population = pd.Series([900, 50, 50], index=["a", "b", "c"])
    deprivation = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    with pytest.raises(ValueError, match="fewer groups"):
        quantile_gap(pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"]), population, deprivation, n=5)


def test_weighted_mean_with_se_from_confidence_intervals():
    values = pd.Series([80.0, 82.0])
    weights = pd.Series([1.0, 3.0])
    lower = pd.Series([78.0, 81.0])
    upper = pd.Series([82.0, 83.0])
    result = weighted_mean_with_se(values, weights, lower, upper)
    se_a = 4.0 / (2 * 1.959964)
    se_b = 2.0 / (2 * 1.959964)
    expected_se = math.sqrt(0.25**2 * se_a**2 + 0.75**2 * se_b**2)
    assert result.value == pytest.approx(81.5)
    assert result.se == pytest.approx(expected_se)
    assert result.lower == pytest.approx(81.5 - 1.959964 * expected_se)
    assert result.upper == pytest.approx(81.5 + 1.959964 * expected_se)


def test_weighted_mean_rejects_missing_and_negative_weights():
    values = pd.Series([80.0, 82.0])
    with pytest.raises(ValueError, match="missing"):
        weighted_mean_with_se(values, pd.Series([1.0, 1.0]), pd.Series([79.0, np.nan]), values + 1)
    with pytest.raises(ValueError, match="negative"):
        weighted_mean_with_se(values, pd.Series([-1.0, 1.0]), values - 1, values + 1)
