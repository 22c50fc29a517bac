"""The benchmark choice on every page that sets a Leeds figure beside a comparator (issue 17 item 3): from the
URL (?benchmark=), from the sidebar, and the group's column with the sentence that says it is district figures."""
import pytest

from components.benchmark import column_name

CORE, SIMILAR = column_name("core"), column_name("similar")


def _captions(at):
    return " ".join(c.value for c in at.caption)


def _with_column(at, name):
    return next((d.value for d in at.dataframe if name in d.value.columns), None)


def test_profile_from_the_url_shows_the_core_cities_column_and_says_district_figures(app):
    app.query_params["benchmark"] = "core"
    app.query_params["profile_level"] = "ward24"
    app.switch_page("app_pages/profile.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.radio(key="benchmark").value == "core"
    charts = app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")
    assert any('"diamond"' in c.proto.spec for c in charts), "the spine marks the group's average"
    app.session_state["profile_tab"] = "table"
    app.run()
    table = _with_column(app, CORE)
    assert table is not None, "the spine table has the core cities column"
    imd = table[table["Indicator"].str.contains("IMD") & table["Indicator"].str.contains("score", case=False)]
    assert imd[CORE].str.contains(r"\(range [\d.]+–[\d.]+; 7 districts\)").all() and len(imd)
    assert "Core cities: district figures; no ward comparator" in _captions(app)
    assert (table[CORE] == "no district figure").any()       # Leeds-only sources (e.g. MSOA files) have none


def test_sidebar_change_to_similar_districts_on_the_pillars_kpis(app):
    app.query_params["pillar_view"] = "kpis"
    app.switch_page("app_pages/pillars.py").run()
    assert not app.exception and _with_column(app, SIMILAR) is None
    app.radio(key="benchmark").set_value("similar").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params.get("benchmark") in ("similar", ["similar"])
    table = _with_column(app, SIMILAR)
    assert table is not None and table[SIMILAR].str.contains("10 districts").any()
    assert "Similar districts: district figures" in _captions(app) and "Salford" in _captions(app)


def test_home_headline_sentence_and_england_leaves_pages_as_they_were(app):
    app.radio(key="benchmark").set_value("core").run()
    assert not app.exception
    sentence = next(c.value for c in app.caption if c.value.startswith("Average IMD score, 2025: Leeds"))
    assert "core cities (the seven other core cities, district figures) average" in sentence
    app.radio(key="benchmark").set_value("england").run()
    assert not any(c.value.startswith("Average IMD score, 2025: Leeds") for c in app.caption)
    app.switch_page("app_pages/profile.py").run()
    assert not app.exception and _with_column(app, CORE) is None
    charts = app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")
    assert charts and not any('"diamond"' in c.proto.spec for c in charts)


def test_change_page_summary_has_the_groups_then_and_now_where_ons_publishes_districts(app):
    app.query_params["benchmark"] = "core"
    app.switch_page("app_pages/change.py").run()
    assert not app.exception, [e.value for e in app.exception]
    column = "Core cities then → now (average)"
    table = _with_column(app, column).set_index("Measure")
    assert table.loc["Employment rate", column].endswith("(7 of 7 districts)") and "→" in table.loc["Employment rate", column]
    assert table.loc["Fuel poverty", column] == "no district series"    # the Leeds series is not an ONS district series
    assert "Core cities: district figures." in _captions(app)
