"""Cities pipeline and view on small, obviously fake fixtures: breaks, bands, slip test, neighbours, chart rows."""
import pandas as pd
import pytest

from components import cities_view as cv
from data.pipeline.cities import _segments, band_counts, neighbours_table, slip_test

CONFIG = {"home": {"code": "L", "name": "Leeds"}, "region": {"code": "R", "name": "Yorkshire and The Humber"},
          "england": {"code": "E", "name": "England"}, "core_cities": {"A": "Alpha"},
          "neighbours": {"k": 2, "variables": [{"dataset": "d", "indicator": "i", "period": "p"},
                                              {"dataset": "d", "indicator": "j", "period": "p"}]}}


def test_a_gap_or_a_new_period_length_starts_a_new_line():
    starts = pd.to_datetime(["2015-01-01", "2016-01-01", "2017-01-01", "2020-01-01", "2021-01-01", "2022-01-01"])
    frame = pd.DataFrame({"dataset": "d", "indicator": "i", "area_code": "L", "period_start": starts,
                          "duration": ["P1Y"] * 5 + ["P3Y"]})
    assert list(_segments(frame)) == [0, 0, 0, 1, 1, 2]


def test_bands_use_the_floor_of_the_share_of_england():
    ranks = pd.Series([1, 2, 3, 10, 11, 50])
    out = band_counts(ranks, pd.Series(["X"] * 6), [0.10, 0.01], total=100).set_index("area_code")
    assert out.loc["X", "lsoas"] == 6 and out.loc["X", "in_10pct"] == 4 and out.loc["X", "in_1pct"] == 1


def test_slip_test_counts_only_unchanged_lsoas_from_the_3_but_not_1_percent():
    imd19 = pd.DataFrame({"lsoa11_code": [f"a{i}" for i in range(100)], "imd_rank": range(1, 101)})
    imd25 = pd.DataFrame({"lsoa21_code": [f"b{i}" for i in range(100)], "imd_rank": [100 - i for i in range(100)]})
    imd25.loc[2, "imd_rank"], imd25.loc[99, "imd_rank"] = 1, 77            # b2 is now the most deprived
    lookup = pd.DataFrame({"lsoa11_code": ["a0", "a1", "a2"], "lsoa21_code": ["b0", "b1", "b2"],
                           "change_code": ["U", "S", "U"]})
    result = slip_test(imd19, imd25, lookup, pd.Series("X", index=imd19["lsoa11_code"]), [0.10, 0.03, 0.01])
    assert result == {"X": (1, 1)}        # a0 was already in the 1%; a1 split; a2 (rank 3) slipped to rank 1


def test_neighbours_are_ranked_by_standardised_distance_and_drop_incomplete_districts():
    rows = [("L", "i", 10.0), ("L", "j", 100.0), ("A", "i", 11.0), ("A", "j", 300.0), ("B", "i", 20.0),
            ("B", "j", 110.0), ("C", "i", 10.5), ("C", "j", 120.0), ("D", "i", 12.0)]
    series = pd.DataFrame([{"dataset": "d", "indicator": i, "area_code": c, "area_name": c, "area_level": "district",
                            "period": "p", "observation": v} for c, i, v in rows])
    out = neighbours_table(series, CONFIG)
    assert list(out["area_code"]) == ["L", "C", "B", "A"] and out.attrs["left_out"] == 1
    assert out["distance"].iloc[0] == 0 and out["distance"].is_monotonic_increasing
    assert neighbours_table(series.sample(frac=1, random_state=1), CONFIG)["distance"].tolist() == \
        pytest.approx(out["distance"].tolist())


def test_chart_rows_repeat_england_and_the_region_in_every_panel_and_keep_runs_apart():
    rows = pd.DataFrame({"area_code": ["L", "L", "A", "E", "R"], "area_name": ["Leeds", "Leeds", "Alpha", "England", "Y"],
                         "segment": [0, 1, 0, 0, 0], "observation": [1.0, 2, 3, 4, 5], "period": ["2020"] * 5,
                         "period_start": pd.to_datetime(["2020-01-01"] * 5)})
    frame = cv.chart_frame(rows, CONFIG, cv.Group("core", {"A": "Alpha"}))
    assert set(frame[frame["panel"] == "Alpha"]["line"]) == {"This district", "England", "Yorkshire and The Humber"}
    assert frame[frame["line"] == "Leeds"]["run"].nunique() == 2
