"""Unit tests for metrics.suppression on tiny, obviously fake counts."""

import numpy as np
import pandas as pd
import pytest

from metrics.suppression import SuppressionResult, suppress_rates, suppress_small_counts


def _reasons(result: SuppressionResult) -> list[str | None]:
    return [None if pd.isna(r) else str(r) for r in result.reason]


def test_primary_suppresses_one_to_four_but_not_zero_or_five():
    counts = pd.Series([0, 1, 4, 5, 12], index=list("abcde"))
    result = suppress_small_counts(counts, protect_whole_table=False)
    assert result.mask.tolist() == [False, True, True, False, False]
    assert result.published.tolist() == [0, "[c]", "[c]", 5, 12]
    assert result.published.dtype == object
    assert _reasons(result) == [None, "primary", "primary", None, None]
    assert result.values.isna().tolist() == [False, True, True, False, False]
    assert result.values.dtype == "Int64"


def test_zeros_suppressed_only_when_asked():
    counts = pd.Series([0, 7, 9], index=list("abc"))
    kept = suppress_small_counts(counts, protect_whole_table=False)
    hidden = suppress_small_counts(counts, suppress_zeros=True, protect_whole_table=False)
    assert kept.mask.tolist() == [False, False, False]
    assert hidden.mask.tolist() == [True, False, False]


def test_secondary_hides_next_smallest_in_group_with_single_suppression():
    # Ward W1 has one small cell (3): the next smallest in W1 (10) is also hidden so the ward
    # total cannot give the 3 away. W2 has two small cells already and needs nothing more.
    counts = pd.Series([3, 10, 20, 2, 4, 40], index=list("abcdef"))
    wards = pd.Series(["W1", "W1", "W1", "W2", "W2", "W2"], index=list("abcdef"))
    result = suppress_small_counts(counts, groups=wards, protect_whole_table=False)
    assert result.mask.tolist() == [True, True, False, True, True, False]
    assert _reasons(result) == ["primary", "secondary", None, "primary", "primary", None]
    assert result.published.tolist() == ["[c]", "[c]", 20, "[c]", "[c]", 40]


def test_secondary_skips_zeros_and_reports_groups_it_cannot_protect():
    counts = pd.Series([3, 0, 8, 2, 0], index=list("abcde"))
    wards = pd.Series(["W1", "W1", "W1", "W2", "W2"], index=list("abcde"))
    result = suppress_small_counts(counts, groups=wards, protect_whole_table=False)
    # W1: the 0 is skipped, the 8 is hidden. W2: only a zero remains, so W2 is unprotected.
    assert result.mask.tolist() == [True, False, True, True, False]
    assert result.unprotected_groups == ("W2",)


def test_whole_table_secondary_suppression():
    counts = pd.Series([50, 3, 9, 7], index=list("abcd"))
    result = suppress_small_counts(counts)
    assert result.mask.tolist() == [False, True, False, True]
    assert _reasons(result) == [None, "primary", None, "secondary"]
    untouched = suppress_small_counts(counts, protect_whole_table=False)
    assert int(untouched.mask.sum()) == 1


def test_whole_table_step_can_trigger_group_step():
    # The table-level secondary cell lands in W2, leaving W2 with one hidden cell, which must
    # then hide the next smallest cell in W2.
    counts = pd.Series([30, 31, 6, 8, 3], index=list("abcde"))
    groups = pd.Series(["W1", "W1", "W2", "W2", "W3"], index=list("abcde"))
    result = suppress_small_counts(counts, groups=groups)
    # e (3) primary; W3 has no partner -> unprotected; table has one hidden -> hide c (6, W2);
    # W2 now has one hidden -> hide d (8). W3's total is e itself, and the table total minus W1 and W2
    # gives it again, so both totals must stay unpublished (the LP step finds the second one).
    assert result.mask.tolist() == [False, False, True, True, True]
    assert result.unprotected_groups == ("W3", "(whole table)")


def test_suppression_rejects_bad_counts():
    with pytest.raises(ValueError, match="missing"):
        suppress_small_counts(pd.Series([1.0, np.nan]))
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_small_counts(pd.Series([1.5, 2.0]))
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_small_counts(pd.Series([-1, 2]))
    with pytest.raises(ValueError, match="groups"):
        suppress_small_counts(pd.Series([1, 2], index=["a", "b"]), groups=pd.Series(["W"], index=["a"]))


def test_rates_hidden_where_numerator_hidden():
    numerators = pd.Series([3, 20, 40], index=list("abc"))
    denominators = pd.Series([100, 400, 1000], index=list("abc"))
    result = suppress_rates(numerators, denominators, multiplier=1000)
    # a is primary; whole-table secondary hides the next smallest numerator, b.
    assert result.published.tolist() == ["[c]", "[c]", 40.0]
    assert np.isnan(result.values["a"]) and np.isnan(result.values["b"])
    assert result.values["c"] == pytest.approx(40.0)


def test_rates_reject_zero_denominators():
    with pytest.raises(ValueError, match="denominators"):
        suppress_rates(pd.Series([10, 20]), pd.Series([0, 5]))
