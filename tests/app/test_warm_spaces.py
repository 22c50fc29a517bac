"""The Warm spaces page (AppTest): map and list, search and filters, safe details, credits."""
from datetime import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT

PAGE = "app_pages/warm_spaces.py"


@pytest.fixture
def page(app):
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _list(at):
    return at.dataframe[0].value


def test_page_lists_every_space_over_fuel_poverty_with_its_credits(page):
    assert page.title[0].value == "Warm and welcome spaces"
    assert len(_list(page)) == 226
    assert page.selectbox(key="ws_need").value == "fuel_poverty"
    captions = " ".join(c.value for c in page.caption)
    assert "226 of 226 spaces" in captions
    assert "Open Government Licence v3.0" in captions and "Crown copyright" in captions
    assert "No licence is stated for this list" in captions
    assert "Department for Energy Security and Net Zero" in captions         # the need layer's own source
    assert "No licence is stated" in page.info[0].value


def test_search_and_filters_narrow_the_map_and_the_list(page):
    page.text_input(key="ws_query").input("LIBRARY").run()
    libraries = _list(page)
    assert 0 < len(libraries) < 226
    assert all("library" in " ".join(map(str, row)).lower() for row in libraries[["Name", "Type", "Address", "Ward"]].values)
    page.multiselect(key="ws_days").set_value(["Sa"]).run()
    saturday = _list(page)
    assert 0 < len(saturday) < len(libraries) and saturday["Open on (parsed)"].str.contains("Sat").all()
    assert f"{len(saturday)} of 226 spaces" in " ".join(c.value for c in page.caption)
    page.time_input(key="ws_at").set_value(time(10, 0)).run()
    at_ten = _list(page)
    assert 0 < len(at_ten) <= len(saturday) and not page.exception


def test_hostile_search_text_is_harmless(page):
    page.text_input(key="ws_query").input("<script>alert(1)</script> **x**").run()
    assert not page.exception and len(_list(page)) == 0
    assert "0 of 226 spaces" in " ".join(c.value for c in page.caption)


def test_details_of_a_chosen_space_are_escaped_plain_text(page):
    box = page.selectbox(key="ws_space")
    box.select_index(next(i for i, o in enumerate(box.options) if "Ardsley and Tingley Library" in o)).run()
    text = " ".join(m.value for m in page.markdown)
    assert "**Ardsley and Tingley Library**" in text
    assert "Opening hours as given: Monday\\: 10\\:00 \\- 13\\:00 \\& 14\\:00" in text   # punctuation escaped


def test_neighbourhood_level_and_another_need_measure(page):
    page.radio(key="ws_level").set_value("lsoa21").run()
    assert not page.exception
    page.selectbox(key="ws_need").set_value("imd_imd_score").run()
    assert not page.exception and len(_list(page)) == 226
    assert "by neighbourhoods (lsoas)" in " ".join(c.value for c in page.caption).lower()


def test_where_response_is_missing_maps_and_lists_every_lsoa(page):
    page.button_group(key="ws_view").set_value("gaps").run()
    assert not page.exception, [e.value for e in page.exception]
    assert "not walking or travel distances" in page.warning[0].value
    summary, gaps = page.dataframe[0].value, page.dataframe[1].value
    assert len(gaps) == 488 and gaps["Straight-line distance to the nearest space (m)"].is_monotonic_decreasing
    assert summary.iloc[0]["Residents"] == 811_915
    beyond = {m.label: m.value for m in page.metric}
    assert beyond["Residents whose LSOA point is over 800 m (straight line) from a space"] == \
        f"{summary.iloc[0]['Residents beyond 800 m']:,}"
    captions = " ".join(c.value for c in page.caption)
    assert "representative point" in captions and "14 listings merged, 212 spaces" in captions


def test_demand_and_response_per_ward_and_committee_with_sources_and_periods(page):
    page.button_group(key="ws_view").set_value("dashboard").run()
    assert not page.exception, [e.value for e in page.exception]
    wards = page.dataframe[0].value
    assert len(wards) == 33 and wards["Warm spaces"].sum() == 212
    assert any(c.startswith("UC households (2023-11") for c in wards.columns)
    assert "UC households, change 2022-11 to 2023-11" in wards.columns
    assert "Households in fuel poverty, % (LILEE) (2022)" in wards.columns
    captions = " ".join(c.value for c in page.caption)
    assert "Department for Work and Pensions" in captions and "(2023-11)" in captions and "(2022)" in captions
    page.radio(key="ws_dash_level").set_value("committee").run()
    committees = page.dataframe[0].value
    assert len(committees) == 10 and committees["Warm spaces"].sum() == 212
    assert not any(c.startswith("Claimants") for c in committees.columns)


def test_each_committee_gets_a_one_line_reading(page):
    page.button_group(key="ws_view").set_value("dashboard").run()
    page.radio(key="ws_dash_level").set_value("committee").run()
    text = " ".join(m.value for m in page.markdown)
    assert text.count("highest of 10") == 10 and "Inner East\\: " in text



def _reopen(link: dict):
    fresh = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    fresh.query_params.update(link)
    fresh.run()
    fresh.switch_page(PAGE).run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert all("Ignored" not in i.value for i in fresh.info)
    return fresh


def _link(at) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}



def test_a_link_reopens_exactly_the_same_view_filters_search_and_space(page, processed_store):
    """Every widget of the map view goes into the address bar; a new session opening that link shows the
    same widgets, the same spaces and the same space's details."""
    page.radio(key="ws_level").set_value("lsoa21").run()
    page.selectbox(key="ws_need").set_value("imd_imd_score").run()
    page.text_input(key="ws_query").set_value("church").run()
    page.multiselect(key="ws_days").set_value(["Su"]).run()
    page.time_input(key="ws_at").set_value(time(11, 0)).run()
    stored = pd.read_parquet(processed_store / "warm_spaces.parquet")
    code = dict(zip(stored["ward24_name"], stored["ward24_code"]))[_list(page).iloc[0]["Ward"]]
    page.multiselect(key="ws_wards").set_value([code]).run()
    space = page.selectbox(key="ws_space").options[0]
    page.selectbox(key="ws_space").select(space).run()
    listed = _list(page)
    details = [m.value for m in page.markdown if m.value.startswith("**")]
    before = next(c.value for c in page.caption if " of 226 spaces" in c.value)
    link = _link(page)
    assert {"ws_level": "lsoa21", "ws_need": "imd_imd_score", "ws_q": "church", "ws_days": "Su", "ws_at": "11:00",
            "ws_wards": code}.items() <= link.items() and link["ws_space"].startswith("ws")
    fresh = _reopen(link)
    assert fresh.radio(key="ws_level").value == "lsoa21" and fresh.selectbox(key="ws_need").value == "imd_imd_score"
    assert fresh.text_input(key="ws_query").value == "church" and fresh.multiselect(key="ws_days").value == ["Su"]
    assert fresh.time_input(key="ws_at").value == time(11, 0) and fresh.multiselect(key="ws_wards").value == [code]
    assert next(c.value for c in fresh.caption if " of 226 spaces" in c.value) == before
    assert _list(fresh).equals(listed)
    assert [m.value for m in fresh.markdown if m.value.startswith("**")] == details and details


def test_a_link_reopens_the_dashboard_by_committee(page):
    page.button_group(key="ws_view").set_value("dashboard").run()
    page.radio(key="ws_dash_level").set_value("committee").run()
    link = _link(page)
    assert link["ws_view"] == "dashboard" and link["ws_areas"] == "committee"
    fresh = _reopen(link)
    assert fresh.radio(key="ws_dash_level").value == "committee"
    assert len(fresh.dataframe[0].value) == 10


def test_dashboard_has_uc_sparklines_and_an_excel_download(page):
    page.button_group(key="ws_view").set_value("dashboard").run()
    table = page.dataframe[0].value
    trend = next(c for c in table.columns if c.startswith("UC households, monthly "))
    assert table[trend].map(len).eq(24).all()
    labels = [b.label for b in page.get("download_button")]
    assert any("Excel" in label for label in labels), labels
