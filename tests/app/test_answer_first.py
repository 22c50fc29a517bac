"""Answer first (issue 19, items 3 and 4): a map's plain-English headline, computed from the map's own figures,
stands above the map; a profile opens with its deprivation sentence under the area's name."""
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT
from data.words import ordinal

PAGES = {
    "app_pages/explorer.py": ({"level": "ward24", "indicator": "fuel_poverty"}, "Fuel poverty (2020): worst in "),
    "app_pages/social_progress.py": ({"level": "ward24"}, "SPI-method index (2025): worst in "),
    "app_pages/inequalities.py": ({"level": "ward24"}, "Life expectancy (women, 2016-20): worst in "),
}
CHARTS = ("arrow_vega_lite_chart", "vega_lite_chart", "deck_gl_json_chart", "dataframe")


def _open(page: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", list(PAGES))
def test_a_maps_headline_stands_above_it(processed_store, page):
    query, start = PAGES[page]
    at = _open(page, query)
    elements = list(at.main)
    headline = next(i for i, e in enumerate(elements)
                    if getattr(e, "type", "") == "markdown" and e.value.startswith("**" + start))
    first_map = next(i for i, e in enumerate(elements) if getattr(e, "type", "") == "deck_gl_json_chart")
    assert headline < first_map
    assert "wards" in elements[headline].value and elements[headline].value.endswith(".**")
    if page.endswith("inequalities.py"):     # one merged source line per section, the full lines one click away
        merged = [c.value for c in at.caption if c.value.startswith("Sources: ")]
        assert len(merged) == 4 and all("Open Government Licence" in m for m in merged)
        assert sum(e.label in ("Full sources", "Full source", "About this measure and full sources")
                   for e in at.expander) == 4


def test_a_ward_profile_opens_with_its_deprivation_sentence(processed_store):
    at = _open("app_pages/profile.py", {"area": "E05011394"})
    elements = [e for e in at.main if getattr(e, "type", "") in ("header", "markdown")]
    header = next(i for i, e in enumerate(elements) if e.type == "header" and e.value == "Gipton & Harehills")
    assert elements[header + 1].value.startswith("**Gipton & Harehills: ")
    assert "of its 17 neighbourhoods are in England's most deprived 10%" in elements[header + 1].value


def _answer_first(at: AppTest, headline_start: str, chart_type: tuple[str, ...], sections: int = 1) -> str:
    """The headline (bold markdown) stands above the first chart/map/table; each section has one merged source
    line and its method, caveats and full sources in an expander. Returns the headline."""
    elements = list(at.main)
    headline = next(i for i, e in enumerate(elements)
                    if getattr(e, "type", "") == "markdown" and e.value.startswith("**" + headline_start))
    first = next(i for i, e in enumerate(elements) if getattr(e, "type", "") in chart_type)
    assert headline < first
    merged = [c.value for c in at.caption if c.value.startswith("Sources: ")]
    assert len(merged) == sections and all("Open Government Licence" in m for m in merged), merged
    assert sum(e.label == "Method, caveats and full sources" for e in at.expander) == sections
    return elements[headline].value


def test_change_summary_answers_first(processed_store):
    at = _open("app_pages/change.py", {})
    text = _answer_first(at, "Leeds improved on ", ("dataframe",))
    table = at.dataframe[0].value
    judged = table[table["Judgement"] != "one period only"]
    assert f"improved on {(judged['Judgement'] == 'improved').sum()} of the {len(judged)} measures" in text
    assert f"worsened on {(judged['Judgement'] == 'worsened').sum()}" in text


def test_change_of_one_measure_answers_first(processed_store):
    at = _open("app_pages/change.py", {})
    at.selectbox(key="change_measure").set_value("Energy and homes: Fuel poverty").run()
    assert not at.exception
    _answer_first(at, "Fuel poverty in Leeds went from ", CHARTS, sections=2)
    area = next(e.value for e in at.markdown if e.value.startswith("**Fuel poverty, 2019 to 2022: improved in "))
    table = next(d.value for d in at.dataframe if "Judgement" in d.value.columns)
    assert f"improved in {(table['Judgement'] == 'improved').sum()} of the {table['Change'].notna().sum()} wards" in area


def test_cities_answers_first_with_leeds_rank_from_its_table(processed_store):
    at = _open("app_pages/cities.py", {"benchmark": "core"})
    text = _answer_first(at, "Children in relative poverty before housing costs", CHARTS, sections=5)
    table = at.dataframe[0].value.set_index("Area")
    national = next(c for c in table.columns if c.startswith("Rank of England's districts"))
    rank, n = int(table.loc["Leeds", national]), national.split("(of ")[1].rstrip(")")
    assert f"Leeds {table.loc['Leeds', 'Value']:g}" in text
    assert f"the {'' if rank == 1 else ordinal(rank) + ' '}highest of England's {n} districts" in text
    assert "of the 8 core cities" in text
    elements = list(at.main)
    chart = next(i for i, e in enumerate(elements) if getattr(e, "type", "") in ("arrow_vega_lite_chart", "vega_lite_chart"))
    assert chart < next(i for i, e in enumerate(elements) if getattr(e, "type", "") == "dataframe")


def test_data_sources_answer_first_with_counts_from_its_tables(processed_store):
    at = _open("app_pages/sources.py", {})
    elements = list(at.main)
    headline = next(i for i, e in enumerate(elements)
                    if getattr(e, "type", "") == "markdown" and e.value.startswith("**Every figure comes from "))
    assert headline < next(i for i, e in enumerate(elements) if getattr(e, "type", "") == "dataframe")
    files, indicators = at.dataframe[0].value, at.dataframe[1].value
    text = elements[headline].value
    assert f"from {len(files)} open data files from {files['Publisher'].nunique()} publishers" in text
    assert f"under {files['Licence'].nunique()} licence" in text
    said = next(e.value for e in at.markdown if e.value.startswith(f"**{len(indicators)} indicators: "))
    assert f"{(indicators['Better when'] == 'lower').sum()} are better when lower" in said
    assert any(e.label == "Method, caveats and full sources" for e in at.expander)


def test_change_in_deprivation_answers_first(processed_store):
    at = _open("app_pages/change.py", {})
    at.selectbox(key="change_measure").set_value("Deprivation: IMD 2019 → 2025").run()
    assert not at.exception
    text = _answer_first(at, "Between the 2019 and 2025 deprivation indices, ", ("deck_gl_json_chart", "dataframe"))
    shown = {m.label: m.value for m in at.metric}
    more, n = shown["Moved to a more deprived decile"].split(" of ")
    assert f", {more} of Leeds' {n} neighbourhoods moved into a more deprived tenth" in text
    assert f"{shown['Moved to a less deprived decile'].split(' of ')[0]} into a less deprived one" in text
    assert f"; {shown['Slipped back a national band']} slipped back" in text


def test_monthly_demand_answers_first(processed_store):
    at = _open("app_pages/change.py", {})
    at.selectbox(key="change_measure").set_value("Monthly demand: Universal Credit by MSOA").run()
    assert not at.exception
    text = _answer_first(at, "Households on UC, ", CHARTS, sections=2)
    top = next(d.value for d in at.dataframe if "Change (%)" in d.value.columns)
    assert f"the largest rise was in {top['MSOA'].iloc[0]} (+" in text and " of the 107 MSOAs " in text


def test_cities_deprivation_section_says_leeds_share_from_its_table(processed_store):
    at = _open("app_pages/cities.py", {"benchmark": "core"})
    table = next(d.value for d in at.dataframe if "10% 2025" in d.value.columns).set_index("Area")
    text = next(m.value for m in at.markdown if m.value.startswith("**Leeds: "))
    assert f"Leeds: {table.loc['Leeds', '10% 2025']:.1f}% of its neighbourhoods" in text
    assert f"({table.loc['Leeds', '10% 2019']:.1f}% in 2019)" in text and f"of the {len(table)} areas listed" in text


def _raw(processed_store, name: str, **kw) -> pd.DataFrame:
    return pd.read_parquet(processed_store / f"{name}.parquet", **kw)


def _store_series(processed_store, indicator: str, level: str, period: str) -> pd.Series:
    values = _raw(processed_store, "values")
    rows = values[(values["indicator_id"] == indicator) & (values["area_level"] == level) & (values["period"] == period)]
    return rows.set_index("area_code")["value"].astype(float)


def test_home_for_all_of_leeds_answers_first_with_figures_from_the_store(processed_store):
    at = _open("app_pages/overview.py", {"level": "ward24"})
    text = _answer_first(at, "Leeds: ", ("deck_gl_json_chart", "dataframe"))
    deciles = _store_series(processed_store, "imd_imd_decile", "lsoa21", "2025")
    lsoas = _raw(processed_store, "areas_lsoa21", columns=["code", "lad_code"])
    deciles = deciles.reindex(lsoas["code"])
    assert f"Leeds: {int((deciles == 1).sum())} of its {len(deciles)} neighbourhoods are in England's most deprived" in text
    share = _store_series(processed_store, "imd_imd_pct_most_deprived", "lad", "2025").iloc[0]
    assert f"home to {share:.1f}% of its residents" in text
    scores = _store_series(processed_store, "imd_imd_score", "ward24", "2025")
    names = _raw(processed_store, "areas_ward24", columns=["code", "name"]).set_index("code")["name"]
    worst = names[scores.idxmax()]
    map_line = next(e.value for e in at.markdown if e.value.startswith("**Average IMD score") or
                    e.value.startswith("**IMD"))
    assert f"worst in {worst} (" in map_line and f"of Leeds' {scores.notna().sum()} wards" in map_line


def test_warm_spaces_map_view_answers_first_with_counts_from_the_store(processed_store):
    at = _open("app_pages/warm_spaces.py", {})
    text = _answer_first(at, "All ", ("deck_gl_json_chart",))
    spaces = _raw(processed_store, "warm_spaces", columns=["ward24_name"])
    assert text == f"**All {len(spaces)} warm space listings shown, in {spaces['ward24_name'].nunique()} wards.**"


def test_warm_spaces_gap_view_answers_first_with_residents_from_the_store(processed_store):
    at = _open("app_pages/warm_spaces.py", {"ws_view": "gaps"})
    text = _answer_first(at, "", ("deck_gl_json_chart", "dataframe"))
    access = _raw(processed_store, "warm_space_access").set_index("lsoa21_code")["distance_m"]
    people = _raw(processed_store, "areas_lsoa21", columns=["code", "population"]).set_index("code")["population"]
    beyond = int(people[access.reindex(people.index) > 800].sum())
    assert text.startswith(f"**{beyond:,} of Leeds' {int(people.sum()):,} residents (")
    deciles = _store_series(processed_store, "imd_imd_decile", "lsoa21", "2025").reindex(people.index)
    deprived = int(people[(access.reindex(people.index) > 800) & (deciles == 1)].sum())
    assert f"; {deprived:,} of them in neighbourhoods among England's most deprived 10%" in text


def test_warm_spaces_dashboard_answers_first_with_spaces_per_resident_from_the_store(processed_store):
    at = _open("app_pages/warm_spaces.py", {"ws_view": "dashboard"})
    text = _answer_first(at, "Warm spaces per 1,000 residents: ", ("dataframe",))
    spaces = _raw(processed_store, "warm_spaces", columns=["ward24_code", "duplicate_of"])
    wards = _raw(processed_store, "areas_ward24", columns=["code", "name", "population"]).set_index("code")
    rate = spaces[spaces["duplicate_of"].isna()].groupby("ward24_code").size().reindex(wards.index).fillna(0) \
        / wards["population"] * 1000
    assert f"most in {wards.loc[rate.idxmax(), 'name']} ({rate.max():.2f})" in text
    assert f"of Leeds' {len(wards)} wards; {int((rate.round(2) == 0).sum())} ha" in text


def test_custom_area_answers_first_with_its_neighbourhoods_from_the_store(processed_store):
    from metrics.custom_area import encode_selection
    lsoas = _raw(processed_store, "areas_lsoa21", columns=["code", "ward24_code", "population"])
    gipton = lsoas[lsoas["ward24_code"] == "E05011394"]
    token = encode_selection(gipton["code"].tolist(), sorted(lsoas["code"].astype(str)))
    at = _open("app_pages/custom_area.py", {"custom": token, "custom_name": "Test area"})
    text = _answer_first(at, "Test area: ", ("metric",))         # above the area's figures; the picking map keeps its place
    deciles = _store_series(processed_store, "imd_imd_decile", "lsoa21", "2025").reindex(gipton["code"])
    assert text == (f"**Test area: {int((deciles == 1).sum())} of its {len(gipton)} neighbourhoods are in England's "
                    f"most deprived 10%; {int(gipton['population'].sum()):,} residents in 1 ward.**")


def test_warm_spaces_gap_headline_comes_before_its_caveats(processed_store):
    at = _open("app_pages/warm_spaces.py", {"ws_view": "gaps"})
    elements = [e for e in at.main if getattr(e, "type", "") in ("markdown", "alert", "warning")]
    first = next(i for i, e in enumerate(elements) if e.value.startswith("**") and " residents (" in e.value)
    caveat = next(i for i, e in enumerate(elements) if "as the crow flies" in e.value)
    assert first < caveat
