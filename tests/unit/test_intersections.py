"""Unit tests for metrics.intersections on tiny, obviously fake frames."""

import numpy as np
import pandas as pd
import pytest

from metrics.intersections import (
    ThresholdRule,
    bivariate_classes,
    category_summary,
    combination_counts,
    correlation,
    intersection_categories,
    intersection_category,
    missing_scores,
    weak_flags,
)

PILLARS = ["Health", "Growth", "Carbon"]
EIGHT = ["None", "Health", "Growth", "Carbon", "Health + Growth", "Health + Carbon", "Growth + Carbon", "All three"]


def _flags_for_all_eight() -> pd.DataFrame:
    """One fake area per combination, in category order."""
    rows = [
        (False, False, False),
        (True, False, False),
        (False, True, False),
        (False, False, True),
        (True, True, False),
        (True, False, True),
        (False, True, True),
        (True, True, True),
    ]
    return pd.DataFrame(rows, columns=PILLARS, index=[f"A{i}" for i in range(8)])


# --- weak_flags --------------------------------------------------------------------------


def test_worst_share_respects_polarity():
    scores = pd.DataFrame(
        {"up": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10], "down": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]},
        index=list("abcdefghij"),
    )
    flags = weak_flags(
        scores,
        {"up": "higher_is_better", "down": "lower_is_better"},
        {"up": ThresholdRule.worst_share(0.2), "down": ThresholdRule.worst_share(0.2)},
    )
    assert list(flags.index[flags["up"]]) == ["a", "b"]
    assert list(flags.index[flags["down"]]) == ["i", "j"]
    assert flags.dtypes.eq(bool).all()


def test_value_equal_to_worst_share_cut_off_is_weak():
    # Non-missing values 2..10 (nine areas); lower is better, worst 25%:
    # cut-off = quantile(0.75) = 2 + 0.75 * 8 = 8, so the area with exactly 8 is included.
    scores = pd.DataFrame({"p": [10.0, 9, 8, 7, 6, 5, 4, 3, 2]}, index=list("abcdefghi"))
    flags = weak_flags(scores, {"p": "lower_is_better"}, {"p": ("worst_share", 0.25)})
    assert list(flags.index[flags["p"]]) == ["a", "b", "c"]


def test_ties_at_cut_off_are_all_weak():
    # Worst 20% of five areas, higher is better: cut-off = quantile(0.2) = 1 (two areas tie).
    scores = pd.DataFrame({"p": [1.0, 1.0, 3, 4, 5]}, index=list("abcde"))
    flags = weak_flags(scores, {"p": "higher_is_better"}, {"p": ThresholdRule.worst_share(0.2)})
    assert flags["p"].tolist() == [True, True, False, False, False]


def test_worse_than_reference_respects_polarity_and_includes_equal_values():
    scores = pd.DataFrame({"up": [70.0, 75, 80], "down": [70.0, 75, 80]}, index=list("abc"))
    flags = weak_flags(
        scores,
        {"up": "higher_is_better", "down": "lower_is_better"},
        {"up": ThresholdRule.worse_than(75), "down": ThresholdRule.worse_than(75)},
    )
    assert flags["up"].tolist() == [True, True, False]
    assert flags["down"].tolist() == [False, True, True]


def test_missing_scores_are_not_weak_and_do_not_move_the_cut_off():
    scores = pd.DataFrame({"p": [np.nan, 1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]}, index=list("zabcdefghij"))
    flags = weak_flags(scores, {"p": "higher_is_better"}, {"p": ThresholdRule.worst_share(0.2)})
    assert list(flags.index[flags["p"]]) == ["a", "b"]
    assert missing_scores(scores)["p"].tolist() == [True] + [False] * 10


def test_weak_flags_rejects_bad_inputs():
    scores = pd.DataFrame({"p": [1.0, 2.0]}, index=["a", "b"])
    with pytest.raises(ValueError, match="polarity"):
        weak_flags(scores, {}, {"p": ThresholdRule.worst_share(0.2)})
    with pytest.raises(ValueError, match="Polarity"):
        weak_flags(scores, {"p": "up"}, {"p": ThresholdRule.worst_share(0.2)})
    with pytest.raises(ValueError, match="rules"):
        weak_flags(scores, {"p": "higher_is_better"}, {})
    with pytest.raises(ValueError, match="between 0 and 1"):
        ThresholdRule.worst_share(1.0)
    with pytest.raises(ValueError, match="kind"):
        weak_flags(scores, {"p": "higher_is_better"}, {"p": ("best_share", 0.2)})


# --- categories --------------------------------------------------------------------------


def test_all_eight_categories_are_reachable_and_ordered():
    categories = intersection_category(_flags_for_all_eight())
    assert categories.tolist() == EIGHT
    assert list(categories.cat.categories) == EIGHT
    assert categories.cat.ordered
    assert intersection_categories(PILLARS) == EIGHT


def test_categories_from_weak_flags_end_to_end():
    scores = pd.DataFrame(
        {"Health": [1.0, 9, 9, 1], "Growth": [9.0, 1, 9, 1], "Carbon": [5.0, 5, 5, 5]},
        index=["a", "b", "c", "d"],
    )
    flags = weak_flags(
        scores,
        dict.fromkeys(PILLARS, "higher_is_better"),
        dict.fromkeys(PILLARS, ThresholdRule.worse_than(3)),
    )
    assert intersection_category(flags).tolist() == ["Health", "Growth", "None", "Health + Growth"]


def test_intersection_category_needs_three_boolean_pillars():
    with pytest.raises(ValueError, match="three"):
        intersection_category(pd.DataFrame({"a": [True], "b": [False]}))
    with pytest.raises(ValueError, match="boolean"):
        intersection_category(pd.DataFrame({"a": [1], "b": [0], "c": [1]}))


def test_category_summary_keeps_all_eight_with_zero_rows():
    flags = _flags_for_all_eight().iloc[[0, 0, 7]]
    flags.index = ["a", "b", "c"]
    categories = intersection_category(flags)
    summary = category_summary(categories, pd.Series({"a": 100, "b": 300, "c": 600}))
    assert list(summary.index) == EIGHT
    assert summary["areas"].tolist() == [2, 0, 0, 0, 0, 0, 0, 1]
    assert summary["population"].tolist() == [400, 0, 0, 0, 0, 0, 0, 600]
    assert summary.loc["All three", "population_share"] == pytest.approx(0.6)


def test_category_summary_rejects_missing_population():
    categories = intersection_category(_flags_for_all_eight())
    with pytest.raises(ValueError, match="population"):
        category_summary(categories, pd.Series({"A0": 1}))


def test_combination_counts_sorted_descending_with_pillar_membership():
    flags = _flags_for_all_eight().iloc[[0, 4, 4, 4, 7, 7]]
    flags.index = list("abcdef")
    table = combination_counts(flags)
    assert table["combination"].tolist()[:3] == ["Health + Growth", "All three", "None"]
    assert table["areas"].tolist() == [3, 2, 1, 0, 0, 0, 0, 0]
    top = table.iloc[0]
    assert (bool(top["Health"]), bool(top["Growth"]), bool(top["Carbon"])) == (True, True, False)
    # Zero-count ties keep the category order.
    assert table["combination"].tolist()[3:] == ["Health", "Growth", "Carbon", "Health + Carbon", "Growth + Carbon"]


# --- bivariate and correlation -----------------------------------------------------------


def test_bivariate_classes_tertiles_with_missing_values():
    index = list("abcdefghij")
    x = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, np.nan], index=index)
    y = pd.Series([9.0, 8, 7, 6, 5, 4, 3, 2, 1, 5], index=index)
    classes = bivariate_classes(x, y)
    assert classes.iloc[:9].tolist() == ["x1-y3"] * 3 + ["x2-y2"] * 3 + ["x3-y1"] * 3
    assert pd.isna(classes["j"])
    assert len(classes.cat.categories) == 9
    assert classes.cat.categories[0] == "x1-y1" and classes.cat.categories[-1] == "x3-y3"


def test_bivariate_value_on_a_break_goes_to_lower_class():
    # Breaks of 0, 3, 6, 9 at 1/3 and 2/3 are exactly 3 and 6.
    x = pd.Series([0.0, 3, 6, 9], index=list("abcd"))
    classes = bivariate_classes(x, x)
    assert classes.tolist() == ["x1-y1", "x1-y1", "x2-y2", "x3-y3"]


def test_correlation_ignores_incomplete_pairs():
    x = pd.Series([1.0, 2, 3, 4, np.nan], index=list("abcde"))
    y = pd.Series([1.0, 4, 9, 16, 100], index=list("abcde"))
    result = correlation(x, y)
    assert result.n == 4
    assert result.spearman_rho == pytest.approx(1.0)
    assert result.pearson_r == pytest.approx(np.corrcoef([1, 2, 3, 4], [1, 4, 9, 16])[0, 1])
    assert result.pearson_r < 1.0


def test_correlation_too_few_pairs_is_nan_and_mismatched_areas_raise():
    pearson, spearman, n = correlation(pd.Series([1.0, 2]), pd.Series([2.0, 1]))
    assert np.isnan(pearson) and np.isnan(spearman) and n == 2
    with pytest.raises(ValueError, match="same areas"):
        correlation(pd.Series([1.0], index=["a"]), pd.Series([1.0], index=["b"]))
