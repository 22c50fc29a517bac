"""Warm spaces cleaning, hours parsing, search and escaping, on a small obviously fake file."""
from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd
import pytest

from data.settings import DataError
from data.pipeline.warm_spaces import clean_spaces, mark_duplicates, plain_text, read_spaces_file, website
from metrics.warm_spaces import (band_labels, demand_table, distance_band, latest_figure, list_table, nearest, open_at,
                                 parse_hours, point_rows, readings, residents_beyond, response_by_area, search_spaces)

WARDS = {"E05999901": "Fakeward North", "E05999902": "Fakeward South"}
HEADER = ("title,address,space_type,hours_text,opening_hours_osm,url,accessibility,description,source,"
          "snapshot_date,ward24_code,ward24_name,lon,lat\n")
ROWS = [
    # 1 good, with a line break, no-break spaces and Markdown/HTML in its text
    '"Test Hall <img src=x onerror=alert(1)> **bold**","1 Fake Street\nFaketown",Hall,"Monday: 9-5",'
    'Mo-Fr 09:00-17:00,https://example.invalid/hall,"Step\u00a0free",Tea,leeds_city_council,2025-12-05,E05999901,'
    'Fakeward North,-1.55,53.80',
    # 2 blank name
    '"",2 Fake Street,Cafe,,We 10:00-12:00,,,,warm_welcome,2025-12-05,E05999902,Fakeward South,-1.50,53.79',
    # 3 outside Leeds (London)
    'Test Cafe Far Away,3 Fake Street,Cafe,,,,,,warm_welcome,2025-12-05,E05999902,Fakeward South,-0.12,51.50',
    # 4 a ward code that is not one of ours
    'Test Church,4 Fake Street,Church,,,,,,warm_welcome,2025-12-05,E05000001,Elsewhere,-1.52,53.81',
    # 5 unknown directory and a date that is not a date
    'Test Library,5 Fake Street,Library,,,,,,somebody_else,5th December,E05999901,Fakeward North,-1.53,53.82',
    # 6 good, hours that do not parse, a url that is not a link
    'Test Pantry,6 Fake Street,,Second Tuesday only,,Www.example.invalid,,,warm_welcome,2025-12-05,E05999902,'
    'Fakeward South,-1.51,53.78',
    # 7 longitude is not a number
    'Test Club,7 Fake Street,Club,,,,,,warm_welcome,2025-12-05,E05999902,Fakeward South,west,53.78',
]


@pytest.fixture
def fake_file(tmp_path):
    path = tmp_path / "fake_spaces.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cleaned(fake_file):
    return clean_spaces(read_spaces_file(fake_file), WARDS)


def test_good_rows_kept_and_every_bad_row_reported_with_its_reason(cleaned):
    assert list(cleaned.spaces["row"]) == [1, 6]
    problems = dict(zip(cleaned.rejected["row"], cleaned.rejected["problem"]))
    assert sorted(problems) == [2, 3, 4, 5, 7]          # nothing dropped silently: 2 kept + 5 reported = 7 rows
    assert "title" in problems[2] and "blank" in problems[2]
    assert "outside the Leeds area" in problems[3]
    assert "not a Leeds ward" in problems[4]
    assert "snapshot_date" in problems[5]
    assert "lon" in problems[7]


def test_text_is_stored_plain_and_on_one_line(cleaned):
    first = cleaned.spaces.iloc[0]
    assert first["address"] == "1 Fake Street, Faketown"
    assert first["accessibility"] == "Step free"
    assert first["title"].startswith("Test Hall <img")      # stored as given: escaping is the viewer's job
    assert first["ward24_name"] == "Fakeward North"          # from the app's wards, not the file


def test_hours_parsed_where_they_can_be_and_flagged_where_not(cleaned):
    hall, pantry = cleaned.spaces.iloc[0], cleaned.spaces.iloc[1]
    assert hall["hours_parsed"] and hall["days_open"] == "Mo,Tu,We,Th,Fr" and hall["weekly_hours"] == 40
    assert not pantry["hours_parsed"] and pantry["days_open"] == "" and pd.isna(pantry["weekly_hours"])
    assert pantry["hours_text"] == "Second Tuesday only"


def test_only_http_addresses_become_links(cleaned):
    assert cleaned.spaces.iloc[0]["website"] == "https://example.invalid/hall"
    assert pd.isna(cleaned.spaces.iloc[1]["website"]) and cleaned.spaces.iloc[1]["url_text"] == "Www.example.invalid"
    assert website("javascript:alert(1)") is None and website("https://x.invalid/a b") is None


@pytest.mark.parametrize("osm, days, hours", [
    ("Mo-Fr 09:00-17:00", ("Mo", "Tu", "We", "Th", "Fr"), 40.0),
    ("Sa 10:00-13:00,14:00-16:00", ("Sa",), 5.0),
    ("Mo 10:00-12:00; Mo 11:00-13:00", ("Mo",), 3.0),           # overlapping spans counted once
    ("Su-Mo 10:00-11:00", ("Mo", "Su"), 2.0),                   # a range across the week's end
    ("Mo,We 09:30-11:00", ("Mo", "We"), 3.0),
])
def test_hours_that_parse(osm, days, hours):
    parsed = parse_hours(osm)
    assert parsed.parsed and parsed.days == days and parsed.weekly_hours == hours


@pytest.mark.parametrize("osm", ["", "PH off", "Mo 18:00-02:00", "Tu 12;45-14;00", "Mo 09:00-17:00; week 2",
                                 "Monday 9-5"])
def test_hours_that_do_not_parse(osm):
    parsed = parse_hours(osm)
    assert not parsed.parsed and parsed.days == () and parsed.weekly_hours is None


def test_plain_text_cuts_long_text_and_drops_control_characters():
    assert plain_text("a\x00b\tc", 100) == "ab c"
    assert plain_text("x" * 50, 10) == "x" * 9 + "…"
    assert plain_text(float("nan"), 10) == ""


def test_file_level_problems_stop_with_one_sentence(tmp_path):
    missing = tmp_path / "no_lat.csv"
    missing.write_text("title,source,snapshot_date,ward24_code,lon\nTest,warm_welcome,2025-12-05,E05999901,-1.5\n")
    with pytest.raises(DataError, match="required column.*lat"):
        read_spaces_file(missing)
    empty = tmp_path / "empty.csv"
    empty.write_text(HEADER)
    with pytest.raises(DataError, match="no rows"):
        read_spaces_file(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "Caf\xe9,,,,,,,,warm_welcome,2025-12-05,E05999901,,-1.5,53.8\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        read_spaces_file(latin)
    with pytest.raises(DataError, match="missing"):
        read_spaces_file(tmp_path / "nowhere.csv")


def test_tooltip_and_list_text_stay_plain(cleaned):
    """Plain text: Streamlit escapes tooltip values itself (tests/browser/test_warm_spaces_browser.py shows '&')."""
    rows = point_rows(cleaned.spaces)
    assert rows[0]["name"] == "Test Hall <img src=x onerror=alert(1)> **bold**"
    assert rows[1]["value_text"] == "Warm space · Second Tuesday only"
    assert rows[0]["position"] == [-1.55, 53.8]
    table = list_table(cleaned.spaces)
    assert table.loc[table["Name"].str.startswith("Test Pantry"), "Open on (parsed)"].item().startswith("Not parsed")
    assert table.loc[table["Name"].str.startswith("Test Hall"), "Open on (parsed)"].item() == "Mon, Tue, Wed, Thu, Fri"


def test_search_by_words_ward_type_and_day(cleaned):
    spaces = cleaned.spaces
    assert list(search_spaces(spaces, "  TEST   pantry ")["row"]) == [6]
    assert list(search_spaces(spaces, "fakeward south")["row"]) == [6]    # the ward name is searched too
    assert search_spaces(spaces, "<script>").empty
    assert list(search_spaces(spaces, wards=["Fakeward North"])["row"]) == [1]
    assert list(search_spaces(spaces, types=["Hall"])["row"]) == [1]
    assert list(search_spaces(spaces, days=["Mo", "Fr"])["row"]) == [1]    # unparsed hours never match a day
    assert search_spaces(spaces, days=["Sa"]).empty
    assert list(search_spaces(spaces, at=time(16, 30))["row"]) == [1]                # Mo-Fr 09:00-17:00
    assert search_spaces(spaces, at=time(17, 0)).empty                              # closing time is closed
    assert list(search_spaces(spaces, days=["Fr"], at=time(9, 0))["row"]) == [1]
    assert search_spaces(spaces, days=["Fr", "Sa"], at=time(9, 0)).empty
    assert len(search_spaces(spaces)) == 2


def test_open_at_needs_every_chosen_day():
    hours = parse_hours("Mo 09:00-12:00; We 11:00-13:00")
    assert open_at(hours, [], time(11, 30)) and open_at(hours, ["Mo", "We"], time(11, 30))
    assert not open_at(hours, ["Mo", "We"], time(12, 30)) and not open_at(parse_hours(""), [], time(10, 0))


# ---------------------------------------------------------------- M2: duplicates, distances, demand and response
def _placed(rows):
    frame = pd.DataFrame(rows, columns=["space_id", "title", "source", "easting", "northing"])
    return frame.assign(ward24_code="E05999901", hours_parsed=True, weekly_hours=2.0)


def test_duplicates_merge_only_near_and_alike_across_directories():
    spaces = _placed([
        ("ws1", "Test Methodist Church", "leeds_city_council", 0, 0),
        ("ws2", "Test Methodist Warm Welcome", "warm_welcome", 60, 0),     # near, shares "test"/"methodist"
        ("ws3", "Welcome Warm Space", "warm_welcome", 10, 0),              # near, but only common words
        ("ws4", "Test Methodist Church", "warm_welcome", 150, 0),          # alike, but 150 m away
        ("ws5", "The Welcome", "leeds_city_council", 1000, 0),
        ("ws6", "the welcome!", "warm_welcome", 1020, 0),                  # only common words, same name
        ("ws7", "Test Methodist Church", "leeds_city_council", -5, 0),     # same directory: never merged
    ])
    marked = mark_duplicates(spaces).set_index("space_id")["duplicate_of"]
    assert marked.to_dict() == {"ws1": None, "ws2": "ws1", "ws3": None, "ws4": None, "ws5": None, "ws6": "ws5",
                                "ws7": None}


def test_nearest_distance_in_metres_on_a_hand_made_grid():
    index, metres = nearest(np.array([0.0, 300.0, 1000.0]), np.array([0.0, 400.0, 1900.0]),
                            np.array([0.0, 1000.0]), np.array([0.0, 2000.0]))
    assert list(index) == [0, 0, 1] and list(metres) == [0.0, 500.0, 100.0]


def test_distance_bands_and_residents_beyond():
    assert list(distance_band(pd.Series([0, 800, 801, 1500, 1501]), [800, 1500])) == [0, 0, 1, 1, 2]
    assert band_labels([800, 1500]) == ["Up to 800 m", "800 m to 1.5 km", "Over 1.5 km"]
    gaps = pd.DataFrame({"Straight-line distance to the nearest space (m)": [100, 900, 2000],
                         "Residents (Census 2021)": [10, 20, 40]})
    table = residents_beyond(gaps, [800, 1500], {"Deprived": pd.Series([False, True, True])}).set_index("Neighbourhoods")
    assert table.loc["All LSOAs", "Residents beyond 800 m"] == 60 and table.loc["All LSOAs", "Residents beyond 1,500 m"] == 40
    assert table.loc["Deprived", "LSOAs"] == 2 and table.loc["Deprived", "Residents beyond 1,500 m"] == 40


def test_response_counts_each_space_once_per_ward_and_committee():
    spaces = _placed([("ws1", "A", "leeds_city_council", 0, 0), ("ws2", "A", "warm_welcome", 0, 0),
                      ("ws3", "B", "leeds_city_council", 0, 0)]).assign(duplicate_of=[None, "ws1", None],
                                                                        ward24_code=["W1", "W1", "W2"])
    wards = pd.DataFrame({"code": ["W1", "W2", "W3"], "name": ["One", "Two", "Three"], "population": [1000, 2000, 500]})
    by_ward = response_by_area(spaces, wards).set_index("code")
    assert by_ward["spaces"].to_dict() == {"W1": 1, "W2": 1, "W3": 0}
    assert by_ward.loc["W2", "spaces_per_1000"] == 0.5 and by_ward.loc["W1", "weekly_hours"] == 2.0
    committees = pd.DataFrame({"code": ["C1"], "name": ["Cee"], "population": [3500]})
    assert response_by_area(spaces, committees, {"W1": "C1", "W2": "C1", "W3": "C1"})["spaces"].item() == 2


def test_latest_figure_and_twelve_months_before():
    months = pd.to_datetime(["2022-11-01", "2023-10-01", "2023-11-01"])
    series = pd.DataFrame({"trend_id": "uc", "area_level": "ward24", "area_code": "W1", "period": ["2022-11", "2023-10", "2023-11"],
                           "period_start": months, "value": [100.0, 110.0, 120.0], "source": "fake_source",
                           "provisional": [False, False, True]})
    now = latest_figure(series, "uc", "ward24", "UC")
    before = latest_figure(series, "uc", "ward24", "UC", months_before=12)
    assert (now.period, now.values["W1"], now.provisional) == ("2023-11", 120.0, True)
    assert (before.period, before.values["W1"]) == ("2022-11", 100.0)
    assert latest_figure(series, "uc", "committee", "UC") is None
    response = pd.DataFrame({"code": ["W1"], "name": ["One"], "population": [1000], "spaces": [1],
                             "spaces_per_1000": [1.0], "weekly_hours": [2.0], "hours_not_parsed": [0]})
    table = demand_table(response, [], now, before)
    assert table["UC households, % change 2022-11 to 2023-11"].item() == 20.0
    assert "UC households (2023-11, provisional)" in table.columns


def test_one_plain_english_reading_per_area_with_ranks():
    table = pd.DataFrame({"Area": ["North", "South"], "Warm spaces": [3, 1], "Spaces per 1,000 residents": [0.3, 0.1],
                          "UC households, % change 2022-11 to 2023-11": [12.5, -2.0],
                          "Households in fuel poverty, % (LILEE) (2022)": [11.0, 21.0]})
    assert readings(table) == [
        "North: 3 warm spaces, 0.30 per 1,000 residents (1st most of 2); households on Universal Credit up 12.5% "
        "(2022-11 to 2023-11); fuel poverty 11.0% (2nd highest of 2).",
        "South: 1 warm space, 0.10 per 1,000 residents (2nd most of 2); households on Universal Credit down 2.0% "
        "(2022-11 to 2023-11); fuel poverty 21.0% (1st highest of 2)."]


def test_recent_series_gives_each_area_its_last_months_oldest_first():
    from metrics.warm_spaces import recent_series
    starts = pd.date_range("2023-01-01", periods=5, freq="MS")
    series = pd.DataFrame({"trend_id": "uc", "area_level": "ward24", "area_code": ["A"] * 5 + ["B"] * 5,
                           "period_start": list(starts) * 2, "period": [d.strftime("%Y-%m") for d in starts] * 2,
                           "value": [1.0, 2, 3, 4, 5, 10, 20, None, 40, 50]})
    lists, span = recent_series(series.sample(frac=1, random_state=1), "uc", "ward24", months=3)
    assert lists == {"A": [3.0, 4.0, 5.0], "B": [None, 40.0, 50.0]} and span == "2023-03 to 2023-05"
    assert recent_series(series, "uc", "msoa") == ({}, "")


def test_table_xlsx_has_the_figures_and_a_sources_sheet_and_runs_no_formula():
    from io import BytesIO

    import openpyxl

    from metrics.warm_spaces import table_xlsx
    table = pd.DataFrame({"Area": ["=HYPERLINK(\"http://x\")", "Armley"], "UC households (2023-11)": [120.0, -5.0]})
    book = openpyxl.load_workbook(BytesIO(table_xlsx(table, "Demand and response", ["Source: DWP (2023-11)."])))
    sheet = book["Demand and response"]
    assert [c.value for c in sheet[1]] == ["Area", "UC households (2023-11)"]
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert sheet["B3"].value == -5
    assert book["Sources"]["A2"].value == "Source: DWP (2023-11)."
