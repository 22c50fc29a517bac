"""Trend charts never draw a line across a series break (small fake rows; the chart spec is inspected)."""
import pandas as pd

from components.trend_view import chart_table, line_chart
from data.series import Break, ChangeRule, Part, Series, Trend


def fake_trend() -> Trend:
    part = Part(source="s", geography="area", code="c", areas={"X": "lad"}, period="p", period_format="year", value="v")
    return Trend(id="t", label="Fake", short_label="Fake", unit="%", format="{:.1f}", polarity="lower_is_better",
                 pillars=[], theme="x", change_rule=ChangeRule(method="none", text="fake rule"), caveat="fake",
                 series=[Series(id="old", label="Old def", definition="fake old", rate="published", parts=[part]),
                         Series(id="new", label="New def", definition="fake new", rate="published", parts=[part])],
                 breaks=[Break(before="old", after="new", kind="definition", reason="Fake reason.")])


def fake_rows() -> pd.DataFrame:
    rows = [("old", "2017", 1.0), ("old", "2018", 2.0), ("new", "2019", 5.0), ("new", "2020", 6.0)]
    return pd.DataFrame([{"series_id": s, "area_code": "X", "area_level": "lad", "period": p,
                          "period_start": pd.Timestamp(f"{p}-01-01"), "value": v, "lower_ci": None, "upper_ci": None}
                         for s, p, v in rows])


def test_lines_are_drawn_per_series_and_the_break_is_marked():
    spec = line_chart(fake_rows(), fake_trend(), {"X": "Leeds"}, "fake").to_dict()
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert line["encoding"]["detail"]["field"] == "segment"
    datasets = spec["datasets"].values()
    segments = {row["segment"] for rows in datasets for row in rows if "segment" in row}
    assert segments == {"old/0", "new/0"}
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert rule["mark"]["strokeDash"] == [6, 4]
    marks = [row for rows in datasets for row in rows if row.get("reason") == "Fake reason."]
    assert marks and "2018" < marks[0]["date"] < "2019"


def test_chart_table_keeps_each_period_under_its_own_definition():
    table = chart_table(fake_rows(), fake_trend(), {"X": "Leeds"})
    assert table["Definition"].tolist() == ["Old def", "Old def", "New def", "New def"]
    assert table["Period"].tolist() == ["2017", "2018", "2019", "2020"]
