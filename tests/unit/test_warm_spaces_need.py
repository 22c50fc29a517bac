"""Need layers from series and the dashboard's hours and coverage of need, on tiny obviously fake frames."""
import numpy as np
import pandas as pd
import pytest

from metrics.warm_spaces import (COVERAGE, demand_table, need_residents, readings, response_by_area, series_need,
                                 with_coverage)


def _series():
    starts = pd.to_datetime(["2023-10-01", "2023-11-01", "2023-11-01", "2023-11-01"])
    return pd.DataFrame({"trend_id": ["uc", "uc", "uc", "other"], "area_level": "msoa",
                         "area_code": ["M1", "M1", "M2", "M3"], "period": ["2023-10", "2023-11", "2023-11", "2023-11"],
                         "period_start": starts, "value": [5.0, 6.0, np.nan, 9.0], "source": "fake_source",
                         "provisional": [False, True, True, False]})


def test_series_need_takes_the_latest_period_and_leaves_gaps_blank():
    need = series_need(_series(), "uc", ["M1", "M2", "M3"], "Fake per 100", "rate (fake)")
    assert need.period == "2023-11" and need.provisional and need.sources == ("fake_source",)
    assert need.values["M1"] == 6.0 and need.values[["M2", "M3"]].isna().all()   # never filled in
    assert need.missing == ["M2", "M3"]
    assert "2 of 3 MSOAs have no figure for 2023-11" in need.note() and "a rate (fake)" in need.note()
    assert need.title == "Fake per 100 (2023-11, provisional; rate, by MSOA)"


def test_series_need_says_when_no_period_is_stored():
    need = series_need(_series(), "absent", ["M1"], "Fake count", "count")
    assert need.period is None and need.values.isna().all()
    assert "no period of this series is in the store" in need.note()


def _spaces():
    return pd.DataFrame({"space_id": ["a", "b", "c", "d", "e"], "ward24_code": ["W1", "W1", "W1", "W2", "W2"],
                         "duplicate_of": [None, None, None, None, "d"],
                         "hours_parsed": [True, False, True, True, True],
                         "weekly_hours": [10.0, np.nan, 2.5, 4.0, 99.0]})


def test_hours_add_parsed_spaces_only_and_count_the_rest_and_coverage_per_need():
    wards = pd.DataFrame({"code": ["W1", "W2", "W3"], "name": ["One", "Two", "Three"], "population": [2000, 1000, 500]})
    lsoas = pd.DataFrame({"code": ["L1", "L2", "L3", "L4"], "ward24_code": ["W1", "W1", "W2", "W3"],
                          "population": [500, 300, 800, 400]})
    decile = pd.Series({"L1": 1, "L2": 2, "L3": 5, "L4": 3})
    in_need = need_residents(lsoas, decile, [1, 2])
    assert in_need.to_dict() == {"W1": 800}
    out = with_coverage(response_by_area(_spaces(), wards), in_need).set_index("code")
    assert out.loc["W1", "weekly_hours"] == 12.5 and out.loc["W1", "hours_not_parsed"] == 1
    assert out.loc["W2", "weekly_hours"] == 4.0            # the duplicate's hours are not counted twice
    assert out.loc["W1", "hours_per_1000"] == pytest.approx(6.25)
    assert out.loc["W1", "hours_per_1000_need"] == pytest.approx(12.5 / 800 * 1000)
    assert np.isnan(out.loc["W2", "hours_per_1000_need"]) and out.loc["W2", "need_residents"] == 0
    committees = pd.DataFrame({"code": ["C1"], "name": ["Cee"], "population": [3500]})
    by_committee = with_coverage(response_by_area(_spaces(), committees, {"W1": "C1", "W2": "C1", "W3": "C1"}),
                                 need_residents(lsoas, decile, [1, 2], {"W1": "C1", "W2": "C1", "W3": "C1"}))
    assert by_committee[["weekly_hours", "hours_not_parsed", "need_residents"]].iloc[0].tolist() == [16.5, 1, 800]


def test_hours_and_coverage_reach_the_table_and_the_reading():
    wards = pd.DataFrame({"code": ["W1", "W2"], "name": ["One", "Two"], "population": [2000, 1000]})
    lsoas = pd.DataFrame({"code": ["L1"], "ward24_code": ["W1"], "population": [500]})
    response = with_coverage(response_by_area(_spaces(), wards), need_residents(lsoas, pd.Series({"L1": 1}), [1, 2]))
    table = demand_table(response, [], None, None, "the fake most deprived")
    assert table[f"{COVERAGE} the fake most deprived"].tolist()[0] == 25.0
    assert table["Residents in the fake most deprived"].tolist() == [500, 0]
    one, two = readings(table)
    assert "12.5 opening hours a week, 1 space with unparsed hours left out" in one
    assert "25.0 hours a week per 1,000 residents in the fake most deprived (1st most of 1)" in one
    assert "4.0 opening hours a week;" in two and "no residents in the fake most deprived" in two
