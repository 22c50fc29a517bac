"""Spine chart geometry on tiny made-up frames: orientation by polarity, marks, and dot colours."""
import numpy as np
import pandas as pd
import pytest

from geo.palettes import load_palettes
from metrics.spine import (BETTER, BY_QUINTILE, BY_SIGNIFICANCE, HIGHER, LOWER, SIMILAR_LABEL, WORSE, comparison_counts,
                           quintile_worst_first, significance_colours, spine_row, spine_table)

VALUES = np.array([10.0, 20.0, 30.0, 40.0, 50.0])


def test_worse_is_always_left_whatever_the_polarity():
    low_better = spine_row(VALUES, 10.0, np.nan, np.nan, 30.0, None, "lower_is_better")
    high_better = spine_row(VALUES, 10.0, np.nan, np.nan, 30.0, None, "higher_is_better")
    assert low_better["pos_value"] == 1.0            # the lowest value is the best: right-hand end
    assert high_better["pos_value"] == 0.0           # the lowest value is the worst: left-hand end
    assert low_better["left_value"] == 50.0 and high_better["left_value"] == 10.0


def test_leeds_england_and_middle_half_marks():
    row = spine_row(VALUES, 40.0, np.nan, np.nan, 30.0, 70.0, "higher_is_better")
    assert row["pos_leeds"] == pytest.approx(0.5)
    assert row["pos_q1"] == pytest.approx(0.25) and row["pos_q3"] == pytest.approx(0.75)
    assert row["england_outside"] is True and row["pos_england"] == pytest.approx(1.05)   # clipped to the edge
    inside = spine_row(VALUES, 40.0, np.nan, np.nan, 30.0, 20.0, "higher_is_better")
    assert inside["england_outside"] is False and inside["pos_england"] == pytest.approx(0.25)


@pytest.mark.parametrize("polarity, lower, upper, expected", [
    ("lower_is_better", 32.0, 38.0, WORSE),        # CI above Leeds (30) and higher is worse
    ("higher_is_better", 32.0, 38.0, BETTER),      # CI above Leeds and higher is better
    ("higher_is_better", 22.0, 28.0, WORSE),       # CI below Leeds
    ("lower_is_better", 25.0, 35.0, SIMILAR_LABEL),  # CI contains Leeds
    ("neutral", 32.0, 38.0, HIGHER),               # no judgement for neutral indicators
])
def test_colour_by_significance_when_a_ci_exists(polarity, lower, upper, expected):
    row = spine_row(VALUES, 35.0, lower, upper, 30.0, None, polarity)
    assert row["method"] == BY_SIGNIFICANCE
    assert row["comparison"] == expected
    assert row["colour"] == significance_colours()[expected]


def test_better_and_worse_colours_are_the_diverging_ends():
    book = load_palettes()
    assert significance_colours()[BETTER] == book.diverging[5][0]
    assert significance_colours()[WORSE] == book.diverging[5][-1]


def test_colour_by_fifth_without_a_ci_worst_is_darkest():
    worst = spine_row(VALUES, 50.0, np.nan, np.nan, 30.0, None, "lower_is_better")
    best = spine_row(VALUES, 10.0, np.nan, np.nan, 30.0, None, "lower_is_better")
    assert worst["method"] == BY_QUINTILE and worst["quintile"] == 1 and worst["rank"] == 1
    assert best["quintile"] == 5 and best["rank"] == 5
    assert worst["colour"] == load_palettes().sequential[5][-1]      # darkest = worse
    assert best["colour"] == load_palettes().sequential[5][0]


def test_tied_values_take_the_middle_fifth_not_the_worst():
    values = np.array([5.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    rank, fifth = quintile_worst_first(values, 0.0, "lower_is_better")
    assert rank == 3            # shared rank number as rank_worst_first(method="min")
    assert fifth == 3           # mid-rank 6.5 of 10: floor(5 * 5.5 / 10) + 1, not the worst fifth


def test_spine_table_skips_indicators_without_a_value_for_the_area():
    frame = pd.DataFrame({
        "indicator_id": ["a", "a", "a", "b", "b"],
        "area_code": ["X", "Y", "Z", "X", "Y"],
        "value": [1.0, 2.0, 3.0, np.nan, 4.0],
        "lower_ci": [0.5, np.nan, np.nan, np.nan, np.nan],
        "upper_ci": [1.5, np.nan, np.nan, np.nan, np.nan],
    })
    table = spine_table(frame, "X", {"a": "lower_is_better", "b": "higher_is_better"}, {"a": 2.0, "b": 4.0}, {})
    assert table["indicator_id"].tolist() == ["a"]
    assert table.loc[0, "pos_value"] == 1.0 and table.loc[0, "comparison"] == BETTER
    assert comparison_counts(table) == {BETTER: 1, SIMILAR_LABEL: 0, WORSE: 0, HIGHER: 0, LOWER: 0}
