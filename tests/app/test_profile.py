"""Area profile, compare, change over time and meeting mode, rendered with AppTest on the real store."""
import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT
from data.registry import load_registry
from data.store import read_areas, read_values
from metrics.change import imd_change, lookup_counts, slipped_back
from tests.app.html_table import table_frame

pytestmark = pytest.mark.data
WARD = "Gipton & Harehills"


def _app(processed_store, query=None, **state) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def ward_code(processed_store):
    wards = read_areas(processed_store, "ward24")
    return str(wards.set_index("name").loc[WARD, "code"])


@pytest.fixture(scope="module")
def exported(processed_store, tmp_path_factory):
    """The export CLI's ward table (one column per indicator id), as officers would get it."""
    out = tmp_path_factory.mktemp("export") / "wards.csv"
    subprocess.run([sys.executable, "-m", "data.export", "--level", "ward24", "--out", str(out)], cwd=REPO_ROOT,
                   check=True, capture_output=True)
    return pd.read_csv(out).set_index("name")


def test_profile_figures_match_the_export_cli(processed_store, ward_code, exported):
    at = _app(processed_store, area=ward_code, profile_tab="table")
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.header] == [WARD]
    shown = {m.label: m.value for m in at.metric}
    registry = load_registry()
    row = exported.loc[WARD]
    expected = {"Residents (Census 2021)": "population", "IMD 2025 score": "imd_imd_score",
                "Residents in England's most deprived 10%": "imd_imd_pct_most_deprived",
                "Life expectancy, women": "life_expectancy_female", "Life expectancy, men": "life_expectancy_male",
                "Fuel poverty": "fuel_poverty", "Household deprivation 1+": "census_hh_deprived_1plus",
                "Income %": "imd_income_score", "Employment %": "imd_employment_score"}
    for label, indicator_id in expected.items():
        assert shown[label] == registry.get(indicator_id).format_value(float(row[indicator_id])), label
    assert "approximation" in " ".join(c.value for c in at.caption)          # ward life expectancy is labelled
    table = next(d.value for d in at.dataframe if "Compared with Leeds" in d.value.columns)
    imd = table.set_index("Indicator").loc["IMD score"]
    assert imd["This area"] == registry.get("imd_imd_score").format_value(float(row["imd_imd_score"]))
    assert "no data" not in set(table["This area"])


def test_profile_lists_deprived_leeds_neighbourhoods(processed_store, ward_code):
    at = _app(processed_store, area=ward_code, profile_tab="deprived")
    at.switch_page("app_pages/profile.py").run()
    values = read_values(processed_store)
    lsoas = read_areas(processed_store, "lsoa21")
    members = set(lsoas.loc[lsoas["ward24_code"] == ward_code, "code"])
    deciles = values[(values["indicator_id"] == "imd_imd_decile") & (values["period"] == "2025")
                     & values["area_code"].isin(members)]
    table = next(d.value for d in at.dataframe if "LSOA code" in d.value.columns)
    assert set(table["LSOA code"]) == set(deciles.loc[deciles["value"] == 1, "area_code"])


def test_place_search_by_code_and_postcode(processed_store):
    at = _app(processed_store)
    at.switch_page("app_pages/profile.py").run()
    at.text_input[0].input("E01011433")
    next(b for b in at.button if b.label == "Search").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.header[0].value == "Leeds 053C (Gipton & Harehills)"
    at.text_input[0].input("LS9 7AB")
    next(b for b in at.button if b.label == "Search").click().run()
    assert any("Postcode search is not available" in w.value for w in at.warning)


def test_committee_profile_shows_its_wards_side_by_side(processed_store):
    at = _app(processed_store, area="inner-east", profile_tab="wards")
    at.switch_page("app_pages/profile.py").run()
    assert at.header[0].value == "Inner East"
    side = table_frame(next(m.value for m in at.markdown if "<table" in m.value))
    assert {"Burmantofts & Richmond Hill", "Gipton & Harehills", "Killingbeck & Seacroft"} <= set(side.columns)
    assert side.columns[-1] == "Leeds"                       # the comparator beside the wards


def test_compare_two_wards_with_leeds_reference_and_link(processed_store, ward_code):
    other = str(read_areas(processed_store, "ward24").set_index("name").loc["Roundhay", "code"])
    at = _app(processed_store, query={"compare": f"{ward_code},{other}"})
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = table_frame(next(m.value for m in at.markdown if "<table" in m.value))
    assert list(table.columns) == [WARD, "Roundhay", "Leeds"]      # the areas in link order, then the comparator
    overcrowding = table.loc[next(label for label in table.index if label.startswith("Overcrowding"))]
    assert overcrowding[WARD] != overcrowding["Roundhay"]
    assert all(cell.split(" | ")[1].split(" ·")[0] in {"better", "similar", "worse", "not compared"}
               for cell in table[[WARD, "Roundhay"]].to_numpy().ravel())   # every area cell says its call in words
    assert at.query_params["compare"] == f"{ward_code},{other}"


def test_compare_needs_two_areas(processed_store):
    at = _app(processed_store)
    at.switch_page("app_pages/compare.py").run()
    assert any("at least two" in i.value for i in at.info)


def test_change_counts_split_merged_and_slipped_back(processed_store):
    at = _app(processed_store)
    at.switch_page("app_pages/change.py").run()
    at.selectbox(key="change_measure").set_value("Deprivation: IMD 2019 → 2025").run()
    assert not at.exception, [e.value for e in at.exception]
    lsoas = pd.DataFrame(read_areas(processed_store, "lsoa21").drop(columns="geometry"))
    counts = lookup_counts(lsoas)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Split / merged since 2011"] == f"{counts['S']} / {counts['M']}"
    expected = slipped_back(imd_change(read_values(processed_store), lsoas))
    assert shown["Slipped back a national band"] == str(len(expected))
    slipped_table = next(d.value for d in at.dataframe if "Band 2025" in d.value.columns)
    assert slipped_table["LSOA code"].tolist() == expected["code"].tolist()


def _meeting_css_shown(at: AppTest) -> bool:
    return any('[data-testid="stSidebar"]' in m.value and "display: none" in m.value for m in at.markdown)


def test_meeting_url_parameter_hides_the_controls_and_can_be_left(processed_store):
    at = _app(processed_store, query={"meeting": "1"})
    assert at.session_state["meeting"] == "1"
    assert _meeting_css_shown(at)                                   # the frame (app.py) injects the CSS
    at.button(key="_meeting_exit").click().run()
    assert at.session_state["meeting"] == "0"
    assert not _meeting_css_shown(at)


def test_meeting_mode_steps_through_a_committee(processed_store):
    at = _app(processed_store, query={"meeting": "1", "committee": "inner-east"})
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Inner East community committee"
    at.button(key="_meeting_next").click().run()
    assert at.title[0].value == "Burmantofts & Richmond Hill"
    assert at.session_state["meeting_step"] == 1
    assert any(m.value.startswith("**Burmantofts &amp; Richmond Hill has an IMD 2025 score of") for m in at.markdown)
    at.button(key="_meeting_prev").click().run()
    at.button(key="_meeting_prev").click().run()
    assert at.title[0].value == "Killingbeck & Seacroft"          # wraps round to the last ward
    assert not at.exception, [e.value for e in at.exception]


def test_meeting_step_from_the_url(processed_store):
    at = _app(processed_store, query={"meeting": "1", "committee": "inner-east", "meeting_step": "2"})
    at.switch_page("app_pages/profile.py").run()
    assert at.title[0].value == "Gipton & Harehills"


def test_meeting_switch_turns_it_on(processed_store):
    at = _app(processed_store)
    at.switch_page("app_pages/profile.py").run()
    at.toggle(key="_meeting_toggle").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["meeting"] == "1"
    assert at.title[0].value == "Leeds"                            # committee "all": Leeds first, then every ward


def test_unknown_area_in_a_link_gets_a_notice(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["area"] = "E05999999"
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Ignored the area code 'E05999999'" in i.value for i in at.info)


def test_worst_ranks_sentence_skips_indicators_without_variation(processed_store):
    """Core homelessness is the same in every Leeds LSOA (LA-level model): never a 'worst rank'."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["profile_level"] = "ward24"
    at.session_state["area"] = "E05012841"          # Adel & Wharfedale
    at.switch_page("app_pages/profile.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "Adel & Wharfedale" in " ".join(h.value for h in at.header)
    assert "Core homelessness" not in text.split("Where it ranks worst")[-1][:400]


def test_compare_link_with_an_unknown_code_keeps_the_rest_and_says_so(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["compare_level"] = "ward24"
    at.session_state["compare"] = "E05011397,E05011393,E05011414"      # the middle one is not a Leeds ward
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Ignored 1 area code from the link" in i.value and "E05011393" in i.value for i in at.info)
    assert at.session_state["compare"] == "E05011397,E05011414"


def test_ward_profile_lists_the_wards_most_like_it_with_links_method_and_sources(processed_store, ward_code):
    from urllib.parse import parse_qsl

    from metrics.similar_areas import load_config, similar_areas
    from tests.app.test_links import follow

    at = _app(processed_store, area=ward_code, profile_tab="similar")
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Wards most like {WARD}" in [s.value for s in at.subheader]
    wards = read_areas(processed_store, "ward24")
    expected = similar_areas(read_values(processed_store), load_config(), ward_code,
                             dict(zip(wards["code"].astype(str), wards["name"].astype(str))))
    links = [link for link in at.get("page_link") if " — distance " in link.proto.label]
    assert [link.proto.label for link in links] == [f"{r.name} — distance {r.distance:.2f}" for r in expected.itertuples()]
    assert [dict(parse_qsl(link.proto.query_string))["area"] for link in links] == expected["area_code"].tolist()
    captions = " ".join(c.value for c in at.caption)
    assert "Euclidean" in captions and "z-score" in captions
    assert "Income % (2025)" in captions and "Fuel poverty (2020)" in captions
    assert "Source: Department for Energy Security and Net Zero" in captions          # fuel poverty's source
    assert "Source: Office for National Statistics" in captions                        # the census indicators
    follow(at, links[0])
    assert [h.value for h in at.header] == [expected["name"].iloc[0]]
