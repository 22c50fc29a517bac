"""The Warm spaces page (AppTest): DWP need layers by MSOA (widget and link) and the dashboard's hours and
coverage of need (table, one-line readings, CSV)."""
import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT

PAGE = "app_pages/warm_spaces.py"
COVERAGE = "Coverage of need: weekly opening hours per 1,000 residents in England's most deprived 20% (IMD 2025)"


@pytest.fixture
def page(app):
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_uc_need_layer_by_msoa_via_the_widget_names_period_source_and_kind(page):
    page.radio(key="ws_level").set_value("msoa").run()
    assert not page.exception, [e.value for e in page.exception]
    assert "Demand (DWP, MSOAs): Households on Universal Credit per 100 households (rate)" in \
        page.selectbox(key="ws_need").options
    page.selectbox(key="ws_need").set_value("dwp_uc_per_100").run()
    assert not page.exception, [e.value for e in page.exception]
    captions = _captions(page)
    assert "Households on Universal Credit per 100 households, 2023-11 (provisional): a rate" in captions
    assert "All 107 MSOAs have a figure for 2023-11" in captions
    assert "Department for Work and Pensions" in captions and "by middle-layer areas (msoas)" in captions.lower()
    legend = " ".join(m.value for m in page.markdown if "Map legend" in m.value)
    assert "Households on Universal Credit per 100 households (2023-11, provisional; rate, by MSOA)" in legend
    assert len(page.dataframe[0].value) == 226
    assert dict(page.query_params)["ws_need"] in ("dwp_uc_per_100", ["dwp_uc_per_100"])


def test_children_count_layer_opens_from_a_link_labelled_as_a_count(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"ws_level": "msoa", "ws_need": "dwp_children"})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="ws_need").value == "dwp_children"
    captions = _captions(at)
    assert "Children in relative low-income families, 2021/22 (provisional): a count" in captions
    legend = " ".join(m.value for m in at.markdown if "Map legend" in m.value)
    assert "(2021/22, provisional; count, by MSOA)" in legend


def test_dashboard_has_hours_coverage_readings_and_csv(page):
    page.button_group(key="ws_view").set_value("dashboard").run()
    assert not page.exception, [e.value for e in page.exception]
    wards = page.dataframe[0].value
    for column in ("Weekly opening hours (parsed)", "Spaces whose hours did not parse (left out of the hours)",
                   "Weekly opening hours per 1,000 residents", COVERAGE):
        assert column in wards.columns, column
    assert wards["Residents in England's most deprived 20% (IMD 2025)"].gt(0).any()
    assert wards.loc[wards["Residents in England's most deprived 20% (IMD 2025)"] == 0, COVERAGE].isna().all()
    assert "Coverage of need = the weekly opening hours" in _captions(page)
    page.radio(key="ws_dash_level").set_value("committee").run()
    committees = page.dataframe[0].value
    assert committees["Weekly opening hours (parsed)"].sum() == pytest.approx(wards["Weekly opening hours (parsed)"].sum(), abs=0.5)
    text = " ".join(m.value for m in page.markdown)
    assert text.count("opening hours a week") == 10 and text.count("most deprived 20") >= 10, text[:2000]
    csv = next(b for b in page.get("download_button") if "CSV" in b.label)
    assert csv is not None and COVERAGE in committees.columns
