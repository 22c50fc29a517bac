"""Change over time page (AppTest on the real store): every measure, one definition at a time, monthly demand."""
import csv

from data.settings import data_dir

PAGE = "app_pages/change.py"


def _open(app, measure=None):
    app.switch_page(PAGE).run()
    if measure:
        app.selectbox(key="change_measure").set_value(measure).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_summary_lists_every_measure_with_leeds_judgement(app):
    from data.series import load_series_catalogue

    _open(app)
    table = app.dataframe[0].value
    assert len(table) == len(load_series_catalogue().trends)
    rows = table.set_index("Measure")
    # Greenhouse-gas emissions per person, Leeds, first and last year, straight from the raw ONS file.
    raw = {r["period"][:4]: float(r["observation"]) for r in csv.DictReader(open(
        data_dir() / "timeseries/ons_explore_local_statistics_core_cities.csv", encoding="utf-8"))
        if r["dataset"] == "greenhouse-gas-emissions" and r["area_code"] == "E08000035"}
    first, last = min(raw), max(raw)
    assert (rows.loc["GHG per person", "From"], rows.loc["GHG per person", "To"]) == (first, last)
    expected = ("improved" if raw[last] <= raw[first] * 0.95 else "worsened" if raw[last] >= raw[first] * 1.05
                else "no clear change")                       # the trend's stated rule: 5% of the earlier value
    assert rows.loc["GHG per person", "Judgement"] == expected
    assert rows.loc["Fuel poverty", "From"] == "2019"            # the current definition only (LILEE), never 2011
    assert {m.label for m in app.metric} >= {"Improved", "Worsened", "No clear change"}


def test_fuel_poverty_offers_periods_of_one_definition_and_marks_the_break(app):
    _open(app, "Energy and homes: Fuel poverty")
    definition = app.radio(key="change_series_fuel_poverty")
    assert definition.value == "fuel_poverty_lilee"
    slider = app.select_slider(key="change_periods_fuel_poverty_fuel_poverty_lilee_ward24")
    assert list(slider.options) == ["2019", "2020", "2021", "2022"]
    captions = " ".join(c.value for c in app.caption)
    assert "Definition changed" in captions and "not joined across it" in captions
    assert "Department for Energy Security and Net Zero" in captions
    definition.set_value("fuel_poverty_lihc").run()
    slider = app.select_slider(key="change_periods_fuel_poverty_fuel_poverty_lihc_ward24")
    assert list(slider.options) == [str(y) for y in range(2012, 2019)]
    table = next(d.value for d in app.dataframe if "Judgement" in d.value.columns)
    assert len(table) == 33 and {"2012", "2018"} <= set(table.columns)


def test_lsoa_fuel_poverty_changes_are_within_the_noise(app):
    _open(app, "Energy and homes: Fuel poverty")
    app.radio(key="change_level_fuel_poverty").set_value("lsoa21").run()
    shown = {m.label: m.value for m in app.metric}
    assert shown == {"Within the noise": "488 of 488"}


def test_derived_rate_names_its_denominator_and_la_only_measure_says_so(app):
    _open(app, "Poverty and income: UC households per 100")
    assert any("Households, Census 2021" in i.value and "derived" in i.value for i in app.info)
    _open(app, "Environment: GHG per person")
    assert any("local authorities only" in i.value for i in app.info)
    assert any("Yorkshire and The Humber" in c.value or "Source:" in c.value for c in app.caption)


def test_monthly_demand_shows_the_latest_leeds_total_and_where_it_rose(app):
    total = 0.0
    with open(data_dir() / "timeseries/households_on_universal_credit_msoa11_monthly_2015-08_2023-11_leeds.csv",
              encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["month"] == "2023-11":
                total += float(row["households_on_universal_credit"])
    _open(app, "Monthly demand: Universal Credit by MSOA")
    shown = {m.label: m.value for m in app.metric}
    assert shown["Leeds households on UC, 2023-11"] == f"{total:,.0f} households"
    top = next(d.value for d in app.dataframe if "Change (%)" in d.value.columns)
    assert len(top) == 10 and top["Change"].is_monotonic_decreasing
    snapshot = next(d.value for d in app.dataframe if "Ward" in d.value.columns and "2023-10 (%)" in d.value.columns)
    assert len(snapshot) == 33                                   # the four-month claimant snapshot, by ward


def test_committee_filter_narrows_the_area_list(app):
    _open(app, "Housing: Median house price")
    assert len(next(d.value for d in app.dataframe if "Judgement" in d.value.columns)) == 33
    app.selectbox(key="committee").set_value("inner-east").run()
    assert not app.exception, [e.value for e in app.exception]
    narrowed = next(d.value for d in app.dataframe if "Judgement" in d.value.columns)
    assert 0 < len(narrowed) < 33 and set(narrowed["Committee"]) == {"Inner East"}


def test_explorer_maps_the_change_within_one_definition(app):
    app.switch_page("app_pages/explorer.py").run()
    app.toggle(key="explorer_change").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="explorer_change_measure").value == "fuel_poverty"
    slider = app.select_slider(key="explorer_change_periods_fuel_poverty_fuel_poverty_lilee_ward24")
    assert list(slider.options) == ["2019", "2020", "2021", "2022"]       # one definition's periods only
    legend = next(m.value for m in app.markdown if "Map legend" in m.value)
    assert "Change 2019 → 2022" in legend and "points" in legend
    assert any("Map: Source: Office for National Statistics" in c.value for c in app.caption)
    app.radio(key="explorer_change_series_fuel_poverty").set_value("fuel_poverty_lihc").run()
    slider = app.select_slider(key="explorer_change_periods_fuel_poverty_fuel_poverty_lihc_ward24")
    assert "2019" not in slider.options and slider.value == ("2012", "2018")


def test_explorer_change_mode_offers_iod_editions_for_neighbourhoods(app):
    app.session_state["level"] = "lsoa21"
    app.switch_page("app_pages/explorer.py").run()
    app.toggle(key="explorer_change").set_value(True).run()
    app.selectbox(key="explorer_change_measure").set_value("reg__imd_imd_decile").run()
    assert not app.exception, [e.value for e in app.exception]
    table = app.dataframe[0].value
    assert len(table) == 488 and {"2019", "2025"} <= set(table.columns)
    moved = (table["2025"] - table["2019"]).fillna(0)
    assert (table["Change"].fillna(0) == moved).all()


def test_profile_lists_every_time_series_for_a_ward_with_its_current_definition(app):
    from data.series import load_series_catalogue

    app.session_state["profile_tab"] = "trends"             # only the open tab is drawn
    app.switch_page("app_pages/profile.py").run()
    assert not app.exception, [e.value for e in app.exception]
    table = next(d.value for d in app.dataframe if "Measure" in d.value.columns and "values" in d.value.columns)
    ward_trends = [t.short_label for t in load_series_catalogue().trends if t.id in (
        "fuel_poverty", "children_low_income", "house_price_median", "claimant_rate_ward")]
    assert set(ward_trends) <= set(table["Measure"])
    fuel = table.set_index("Measure").loc["Fuel poverty"]
    assert len(fuel["values"]) == 4 and fuel["From"] == "2019"       # LILEE only: never joined to LIHC


def test_pillar_kpis_show_their_history_against_england_and_the_region(app):
    app.session_state["pillar_view"] = "kpis"              # issue 19: the KPIs are one view of the page
    app.switch_page("app_pages/pillars.py").run()
    app.segmented_control(key="_w_pillar_kpi_pillar").set_value("Zero Carbon").run()
    assert not app.exception, [e.value for e in app.exception]
    table = next(d.value for d in app.dataframe if "Yorkshire and The Humber" in d.value.columns)
    lead = table.iloc[0]
    assert lead["KPI"] == "Lead: GHG per person" and (lead["From"], lead["To"]) == ("2005", "2023")
    assert lead["Leeds"].startswith("↓") and lead["England"] != "not published"
    assert len(lead["values"]) == 19
    fuel = table.set_index("KPI").loc["Supporting: Fuel poverty"]
    assert fuel["From"] == "2019"                                          # the current definition only


def test_social_progress_page_says_why_there_is_no_score_over_time(app):
    app.switch_page("app_pages/social_progress.py").run()
    app.radio(key="_w_spi_view").set_value("method").run()
    assert not app.exception, [e.value for e in app.exception]
    text = " ".join(m.value for m in app.markdown)
    assert "only **Advanced Education**" in text and "changed definition" in text
