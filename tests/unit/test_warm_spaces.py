"""Warm spaces cleaning, hours parsing, search and escaping, on a small obviously fake file."""
from __future__ import annotations

import pandas as pd
import pytest

from data.errors import DataError
from data.pipeline.warm_spaces import clean_spaces, parse_hours, plain_text, read_spaces_file, website
from metrics.warm_spaces import list_table, point_rows, search_spaces

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
    assert len(search_spaces(spaces)) == 2
