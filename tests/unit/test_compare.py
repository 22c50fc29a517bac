"""Compare areas (issue 19 item 5): the significance rule, the chart chosen by counts, readable colours."""
from __future__ import annotations

import math

import numpy as np
import pytest

from metrics import compare as cm
from metrics.spine import significance_colours

NAN = math.nan


@pytest.mark.parametrize("value, lower, upper, comp, c_lower, c_upper, polarity, call", [
    # a point comparator (no interval): Fingertips' rule, the area's interval against the value
    (12, 11, 13, 10, NAN, NAN, "lower_is_better", cm.WORSE),
    (12, 11, 13, 10, NAN, NAN, "higher_is_better", cm.BETTER),
    (12, 11, 13, 10, NAN, NAN, "neutral", cm.HIGHER),
    (8, 7, 9, 10, NAN, NAN, "lower_is_better", cm.BETTER),
    (8, 7, 9, 10, NAN, NAN, "higher_is_better", cm.WORSE),
    (8, 7, 9, 10, NAN, NAN, "neutral", cm.LOWER),
    (10.5, 10, 11, 10, NAN, NAN, "lower_is_better", cm.SIMILAR),      # a limit equal to the value: similar
    # an interval comparator: overlap is similar, touching too; apart is significant
    (12, 11, 13, 10, 9.5, 11.5, "lower_is_better", cm.SIMILAR),
    (12, 11, 13, 10, 9.5, 11.0, "lower_is_better", cm.SIMILAR),
    (12, 11, 13, 10, 9.5, 10.9, "lower_is_better", cm.WORSE),
    (8, 7, 9, 10, 9.1, 10.9, "higher_is_better", cm.WORSE),
    # only one comparator limit: treated as no interval (the value)
    (10.5, 10.2, 11, 10, 9, NAN, "lower_is_better", cm.WORSE),
    # anything missing: not compared
    (12, NAN, 13, 10, NAN, NAN, "lower_is_better", cm.NOT_COMPARED),
    (12, 11, NAN, 10, NAN, NAN, "lower_is_better", cm.NOT_COMPARED),
    (NAN, 11, 13, 10, NAN, NAN, "lower_is_better", cm.NOT_COMPARED),
    (12, 11, 13, NAN, 9, 11, "lower_is_better", cm.NOT_COMPARED),
])
def test_significance_rule(value, lower, upper, comp, c_lower, c_upper, polarity, call):
    assert cm.significance_calls([value], [lower], [upper], [comp], [c_lower], [c_upper], [polarity])[0] == call


def test_significance_rule_is_vectorised_row_by_row():
    calls = cm.significance_calls([12, 8, 10], [11, 7, NAN], [13, 9, NAN], [10, 10, 10], [NAN] * 3, [NAN] * 3,
                                  ["lower_is_better", "higher_is_better", "neutral"])
    assert list(calls) == [cm.WORSE, cm.WORSE, cm.NOT_COMPARED]


@pytest.mark.parametrize("areas, indicators, kind", [
    (2, 1, "ranked"), (6, 1, "ranked"), (6, 4, "ranked"), (4, 2, "ranked"),
    (2, 2, "spines"), (3, 12, "spines"), (2, 6, "spines"),
    (4, 5, "table"), (6, 12, "table"), (0, 3, "table"), (3, 0, "table"),
])
def test_chart_chosen_by_how_many_areas_and_indicators(areas, indicators, kind):
    choice = cm.choose_chart(areas, indicators)
    assert choice.kind == kind and choice.reason.endswith(".")


def test_every_call_colour_has_a_text_colour_with_at_least_4_5_to_1_contrast():
    for colour in significance_colours().values():
        assert cm.contrast_ratio(colour, cm.text_colour(colour)) >= 4.5, colour


def test_contrast_ratio_matches_wcag_examples():
    assert cm.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert cm.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_position_runs_from_worst_to_best():
    assert list(cm.position([10, 15, 20], 20, 10)) == [1.0, 0.5, 0.0]
    assert cm.position([5], 3, 3)[0] == 0.5 and np.isnan(cm.position([NAN], 1, 2)[0])
