"""metrics.benchmark on a tiny fake table (codes and values are obviously made up)."""
import pandas as pd

from metrics.benchmark import group_summary, summary_text

FAKE = pd.DataFrame({"area_code": ["X1", "X2", "X3", "X1", "X2"],
                     "indicator_id": ["a", "a", "a", "a", "b"],
                     "period": ["2020", "2020", "2020", "2019", "2020"],
                     "value": [1.0, 3.0, None, 100.0, 7.0]})


def test_mean_range_and_count_skip_missing_and_other_periods():
    out = group_summary(FAKE, ["X1", "X2", "X3"], {("a", "2020"), ("b", "2020")}).set_index("indicator_id")
    assert out.loc["a", ["mean", "low", "high", "n"]].tolist() == [2.0, 1.0, 3.0, 2]
    assert out.loc["b", "n"] == 1 and out.loc["b", "mean"] == 7.0


def test_no_group_or_no_figure_gives_an_empty_table():
    assert group_summary(FAKE, [], {("a", "2020")}).empty
    assert group_summary(FAKE, ["X1"], {("c", "2020")}).empty


def test_text_says_how_many_districts_had_a_figure():
    assert summary_text(2.0, 1.0, 3.0, 2, 3) == "2.0 (range 1.0–3.0; 2 of 3 districts)"
    assert summary_text(2.0, 1.0, 3.0, 3, 3) == "2.0 (range 1.0–3.0; 3 districts)"
