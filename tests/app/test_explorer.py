"""AppTest of the map explorer: every control, the selection side panel, shareable URLs, malformed links.

AppTest runs a switched-to page without the app.py frame (it uses Streamlit's pages/ folder mode), so
the sidebar's level and committee are set in session state before each run, as the sidebar would.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.data

APP = str(Path(__file__).resolve().parents[2] / "app.py")
EXPLORER = "app_pages/explorer.py"


def _markdown(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _table(at):
    """The accessible table beside the map (the last dataframe on the page)."""
    return at.dataframe[-1].value


def _run(at, level: str = "ward24", committee: str = "all") -> AppTest:
    at.session_state["level"] = level
    at.session_state["committee"] = committee
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def explorer(processed_store):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(EXPLORER)
    return _run(at)


def test_default_view_table_legend_and_context(explorer):
    at = explorer
    table = _table(at)
    assert len(table) == 33 and list(table.columns[:5]) == ["Area", "Code", "IMD score", "Rank (1 = worst)", "Class"]
    assert table["Rank (1 = worst)"].iloc[0] == 1
    legend = _markdown(at)
    assert "Quantiles" in legend and "No data (0)" in legend and 'aria-label="Map legend"' in legend
    assert "population-weighted mean of LSOA values" in legend          # how ward values were derived
    assert any("Source: Ministry of Housing" in c.value for c in at.caption)
    assert [b.label for b in at.get("download_button")] == ["Table (CSV)", "Layer (GeoJSON)", "Layer (GeoPackage)",
                                                            "Map image (PNG, A4)"]


def test_controls_drive_table_and_legend(explorer):
    at = explorer
    _run(at, level="lsoa21")
    assert len(_table(at)) == 488
    at.selectbox(key="_w_indicator").set_value("fuel_poverty")
    _run(at, level="lsoa21")
    assert "Fuel poverty" in _table(at).columns
    at.selectbox(key="_w_scheme").set_value("natural_breaks")
    at.slider(key="_w_classes").set_value(7)
    _run(at, level="lsoa21")
    legend = next(m.value for m in at.markdown if "Map legend" in str(m.value))
    assert "Natural breaks" in legend and legend.count("<li") == 8      # 7 classes + No data
    assert _table(at)["Class"].nunique() <= 8
    _run(at, level="ward24", committee="inner-east")
    table = _table(at)                                                   # Leeds first, then the committee's wards
    assert table["Area"].iloc[0].startswith("Leeds")
    assert sorted(table["Area"].iloc[1:]) == ["Burmantofts & Richmond Hill", "Gipton & Harehills", "Killingbeck & Seacroft"]


def test_period_and_decile_scheme(explorer):
    at = _run(explorer, level="lsoa21")       # published deciles exist for LSOAs only
    at.selectbox(key="_w_indicator").set_value("imd_imd_decile")
    _run(at, level="lsoa21")
    assert at.session_state["scheme"] == "national"
    assert "Decile 1 (most deprived 10%)" in set(_table(at)["Class"])
    latest = _table(at).set_index("Code").iloc[:, 1]
    at.radio(key="_w_period").set_value("2019")
    _run(at, level="lsoa21")
    older = _table(at).set_index("Code")[latest.name]
    assert at.session_state["period"] == "2019"
    assert (latest.reindex(older.index) != older).any()                # a different edition is shown


def test_unavailable_indicators_listed_with_reason(explorer):
    at = explorer
    _run(at, level="lsoa21")
    expander = [e for e in at.expander if e.label.startswith("Not available for LSOAs")]
    assert expander and "cannot be split into smaller areas" in _markdown(at)


def test_selection_shows_side_panel(explorer):
    at = explorer
    code = _table(at)["Code"].iloc[0]
    name = _table(at)["Area"].iloc[0]
    at.session_state["area"] = code
    _run(at)
    assert any(h.value == name for h in at.subheader)
    figures = next(m.value for m in at.markdown if "bca-key-figures" in m.value)   # a wrapping HTML table
    assert [h.strip("<>/th") for h in re.findall(r"<th>[^<]*</th>", figures)] == ["Measure", "Here", "Leeds", "England"]
    first_row = re.findall(r"<td>([^<]*)</td>", figures)[:4]
    assert first_row[0] == "IMD score (2025)" and first_row[2] == "24.1"   # the Leeds IMD score, from values.parquet
    [link] = [link for link in at.get("page_link") if link.proto.label.startswith("Open the profile")]
    assert "profile" in str(link.proto.page) and f"area={code}" in link.proto.query_string


def test_url_with_every_parameter_reproduces_the_view(processed_store):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"level": "msoa", "committee": "inner-south", "indicator": "fuel_poverty",
                            "period": "2020", "scheme": "equal_interval", "classes": "4",
                            "area": "E02002420", "outline": "1"})
    at.run()
    assert not at.info, [i.value for i in at.info]
    level, committee = at.session_state["level"], at.session_state["committee"]
    at.switch_page(EXPLORER)
    _run(at, level=level, committee=committee)
    state = {k: at.session_state[k] for k in ("indicator", "period", "scheme", "classes", "area", "outline_deprived")}
    assert (level, committee) == ("msoa", "inner-south")
    assert state == {"indicator": "fuel_poverty", "period": "2020", "scheme": "equal_interval", "classes": 4,
                     "area": "E02002420", "outline_deprived": "1"}
    assert "Equal intervals" in _markdown(at) and at.toggle(key="_w_outline_deprived").value is True
    assert at.selectbox(key="_w_area").value == "E02002420"
    assert 0 < len(_table(at)) < 107                                   # filtered to the committee
    assert dict(at.query_params)["indicator"] in ("fuel_poverty", ["fuel_poverty"])


def test_malformed_parameters_give_notice_and_default_view(processed_store):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"indicator": "<script>alert(1)</script>", "level": "planet", "classes": "999"})
    at.run()
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "indicator" in notices and "level" in notices and "classes" in notices
    assert "<script>" not in _markdown(at)
    level, committee = at.selectbox(key="level").value, at.selectbox(key="committee").value   # the sidebar
    assert (level, committee) == ("ward24", "all")
    at.switch_page(EXPLORER)
    _run(at, level=level, committee=committee)
    assert (at.session_state["indicator"], at.session_state["classes"]) == ("imd_imd_score", 5)
    assert len(_table(at)) == 33
