"""Unit tests for metrics.gaps on tiny, obviously fake frames."""

import math

import numpy as np
import pandas as pd
import pytest

from metrics.gaps import (
    compare_to_benchmark,
    gap_to_benchmark,
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
