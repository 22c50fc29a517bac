"""metrics.trends: changes within one series only, judged by the trend's stated rule (small fake fixtures)."""
import pandas as pd
import pytest

from metrics.trends import (FELL, IMPROVED, NO_CLEAR, NOISE, NOT_TESTED, ROSE, WORSENED, BreakError, Rule,
                            change_table, default_pair, judge, line_segments, percent_change, series_of_trend,
                            series_periods, summarise)


def fake_table() -> pd.DataFrame:
    """Two series of one made-up trend with a break between 2018 and 2019; obviously fake values."""
    rows = []
    for series, periods in (("old_def", ["2017", "2018"]), ("new_def", ["2019", "2020", "2021"])):
        for i, period in enumerate(periods):
            for code, base in (("A", 10.0), ("B", 20.0)):
                rows.append({"trend_id": "t", "series_id": series, "area_level": "ward24", "area_code": code,
                             "period": period, "period_start": pd.Timestamp(f"{period}-01-01"),
                             "value": base + i * (1 if code == "A" else -3), "lower_ci": None, "upper_ci": None})
    return pd.DataFrame(rows)


def test_periods_and_series_in_time_order():
    table = fake_table().sample(frac=1, random_state=1)
    assert series_periods(table, "new_def") == ["2019", "2020", "2021"]
    assert series_of_trend(table, "t") == ["old_def", "new_def"]


def test_change_never_spans_a_break():
    with pytest.raises(BreakError, match="cannot span a break"):
        change_table(fake_table(), "new_def", "ward24", "2018", "2021", "lower_is_better", Rule("threshold", 1.0))


def test_change_table_judges_by_polarity_and_threshold():
    out = change_table(fake_table(), "new_def", "ward24", "2019", "2021", "lower_is_better",
                       Rule("threshold", min_change=1.5)).set_index("area_code")
    assert out.loc["A", "change"] == 2 and out.loc["A", "judgement"] == WORSENED
    assert out.loc["B", "change"] == -6 and out.loc["B", "judgement"] == IMPROVED
    assert summarise(out.reset_index())[IMPROVED] == 1


def test_threshold_below_rule_is_no_clear_change():
    assert judge(10, 10.9, "higher_is_better", Rule("threshold", min_change=1.0), "lad") == NO_CLEAR
    assert judge(10, 11.0, "higher_is_better", Rule("threshold", min_change=1.0), "lad") == IMPROVED
    assert judge(100, 104, "lower_is_better", Rule("threshold", min_relative=0.05), "lad") == NO_CLEAR
    assert judge(100, 106, "lower_is_better", Rule("threshold", min_relative=0.05), "lad") == WORSENED


def test_ci_overlap_rule():
    rule = Rule("ci_overlap")
    assert judge(60, 63, "higher_is_better", rule, "lad", (59, 61), (62, 64)) == IMPROVED
    assert judge(60, 63, "higher_is_better", rule, "lad", (58, 62.5), (62, 64)) == NO_CLEAR
    assert judge(60, 63, "higher_is_better", rule, "lad", None, None) == NOT_TESTED


def test_modelled_small_areas_are_within_the_noise():
    rule = Rule("modelled", min_change=1.0, noise_levels=("lsoa21", "msoa"))
    assert judge(10, 20, "lower_is_better", rule, "lsoa21") == NOISE
    assert judge(10, 12, "lower_is_better", rule, "ward24") == WORSENED


def test_neutral_measures_rise_and_fall_not_better_or_worse():
    rule = Rule("threshold", min_relative=0.05)
    assert judge(100, 120, "neutral", rule, "lad") == ROSE
    assert judge(100, 80, "neutral", rule, "lad") == FELL


def test_missing_value_is_no_clear_change():
    assert judge(float("nan"), 3, "lower_is_better", Rule("threshold", 1.0), "lad") == NO_CLEAR


def test_default_pair_monthly_compares_the_same_month_a_year_earlier():
    months = ["2021-11", "2022-06", "2022-11", "2023-11"]
    assert default_pair(months) == ("2022-11", "2023-11")
    assert default_pair(["2023-10", "2023-11"]) == ("2023-10", "2023-11")
    assert default_pair(["2019", "2020", "2022"]) == ("2019", "2022")
    assert default_pair(["2022"]) is None


def test_line_segments_keep_series_apart():
    rows = fake_table()
    seg = line_segments(rows[rows["area_code"] == "A"])
    assert list(seg["segment"].unique()) == ["old_def/0", "new_def/0"]
    assert seg["period_start"].is_monotonic_increasing


def test_percent_change():
    assert percent_change(50, 60) == pytest.approx(20)
    assert percent_change(0, 5) != percent_change(0, 5)   # NaN


def test_catalogue_refuses_a_derived_rate_without_its_denominator_and_a_break_to_nowhere():
    from pydantic import ValidationError

    from data.series import Series, Trend

    part = {"source": "s", "geography": "msoa", "code": "c", "period": "p", "period_format": "month", "count": "n",
            "denominator_from": "census2021_households"}
    with pytest.raises(ValidationError, match="must name its denominator"):
        Series(id="x", definition="fake", rate="derived", parts=[part])
    with pytest.raises(ValidationError, match="must say rate: derived"):
        Series(id="x", definition="fake", rate="count", parts=[part])
    good = Series(id="x", definition="fake", rate="derived", denominator_label="Households, Census 2021", parts=[part])
    with pytest.raises(ValidationError, match="unknown series"):
        Trend(id="t", label="T", short_label="T", unit="%", format="{:.1f}", polarity="neutral", pillars=[], theme="x",
              change_rule={"method": "none", "text": "fake"}, caveat="fake", series=[good],
              breaks=[{"before": "x", "after": "y", "kind": "definition", "reason": "fake"}])


def test_period_labels():
    from data.series import period_label

    assert period_label("2014/15", "financial_year")[0] == "2014/15"
    assert period_label("2011-01-01/P3Y", "iso_interval")[0] == "2011-2013"
    assert period_label("2021-04-01/P1Y", "iso_interval")[0] == "2021/22"
    assert period_label("2005-01-01/P1Y", "iso_interval")[0] == "2005"
    assert period_label("2023-03-01", "quarter_end")[0] == "year to Mar 2023"


def test_break_marks_fall_between_the_two_series():
    from data.series import Break
    from metrics.trends import break_marks

    marks = break_marks(fake_table(), [Break(before="old_def", after="new_def", kind="definition", reason="fake")])
    assert len(marks) == 1
    assert pd.Timestamp("2018-01-01") < marks.loc[0, "date"] < pd.Timestamp("2019-01-01")


def test_leeds_changes_give_one_change_per_series_never_across():
    from types import SimpleNamespace

    from metrics.trends import leeds_changes

    trend = SimpleNamespace(id="t", polarity="lower_is_better",
                            change_rule=SimpleNamespace(method="threshold", min_change=1.0, min_relative=None,
                                                        noise_levels=[]))
    out = leeds_changes(fake_table(), trend, "ward24", "A")
    assert [(c["series_id"], c["start"], c["end"]) for c in out] == [("old_def", "2017", "2018"),
                                                                     ("new_def", "2019", "2021")]
    assert out[1]["change"] == 2 and out[1]["judgement"] == WORSENED


def test_rank_changes_puts_the_most_improved_first():
    from metrics.trends import rank_changes

    changes = pd.DataFrame({"area_code": ["a", "b", "c"], "change": [1.0, -2.0, float("nan")]})
    assert rank_changes(changes, "lower_is_better")["area_code"].tolist() == ["b", "a", "c"]
    assert rank_changes(changes, "higher_is_better")["area_code"].tolist() == ["a", "b", "c"]
    assert rank_changes(changes, "neutral")["area_code"].tolist() == ["a", "b", "c"]


def test_area_trend_rows_use_the_latest_series_only():
    from types import SimpleNamespace

    from metrics.trends import area_trend_rows

    rule = SimpleNamespace(method="threshold", min_change=1.0, min_relative=None, noise_levels=[])
    trend = SimpleNamespace(id="t", short_label="T", polarity="lower_is_better", change_rule=rule,
                            format_value=lambda v: f"{v:.1f}")
    rows = area_trend_rows(fake_table(), SimpleNamespace(trends=[trend]), "ward24", "A")
    row = rows.iloc[0]
    assert row["series_id"] == "new_def" and row["values"] == [10.0, 11.0, 12.0]   # never the old definition's values
    assert (row["From"], row["To"], row["Judgement"]) == ("2019", "2021", WORSENED)


def test_glance_shows_direction_without_colour():
    from metrics.trends import glance

    assert glance(-2.0, IMPROVED) == "↓ improved"
    assert glance(3.0, ROSE) == "↑ rose"
    assert glance(float("nan"), NO_CLEAR) == NO_CLEAR


def test_line_segments_break_at_missing_months():
    months = ["2022-10", "2022-11", "2022-12", "2023-11"]        # January to October 2023 missing
    rows = pd.DataFrame({"area_code": "A", "series_id": "s", "period": months,
                         "period_start": pd.to_datetime([m + "-01" for m in months]), "value": [1.0, 2, 3, 4]})
    segments = line_segments(rows)["segment"].tolist()
    assert segments[:3] == ["s/0"] * 3 and segments[3] == "s/1"
