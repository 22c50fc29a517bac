"""The social progress page: scorecard, sensitivity, method, official-score and map views (AppTest)."""
import pandas as pd
import pytest

from data.store import read_areas

pytestmark = pytest.mark.data
PAGE = "app_pages/social_progress.py"


def _open(app, view: str, **state):
    for key, value in state.items():
        app.session_state[key] = value
    app.session_state["spi_view"] = view
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _text(app) -> str:
    return " ".join(str(m.value) for m in app.markdown) + " " + " ".join(str(c.value) for c in app.caption)


def test_scorecard_for_a_ward_shows_index_components_and_peer_verdicts(app, processed_store):
    wards = read_areas(processed_store, "ward24")
    code = wards.loc[wards["name"] == "Armley", "code"].iloc[0]
    _open(app, "scorecard", level="ward24", area=code)
    assert app.subheader[0].value == "Scorecard: Armley"
    metrics = {m.label: m.value for m in app.metric}
    assert 0 <= float(metrics["SPI-method index (0-100)"]) <= 100
    assert metrics["Rank among Leeds wards"].endswith("of 33")
    table = app.dataframe[0].value
    assert list(table["Level"].unique()) == ["Index", "Dimension", "Component", "Indicator"]
    assert (table["Verdict"] == "Not measured").sum() == 3            # water, personal rights, inclusiveness
    assert {"Strength", "Weakness"} & set(table["Verdict"])
    assert "income deprivation score" in _text(app) and "median absolute deviation" in _text(app)
    assert "Peers: " in _text(app)


def test_scorecard_switches_to_equal_weights_and_lsoa_level(app):
    _open(app, "scorecard", level="lsoa21", spi_weighting="equal")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Rank among Leeds neighbourhoods (LSOAs)"].endswith("of 488")
    assert "equal weights" in _text(app)


def test_sensitivity_lists_every_ward_with_both_ranks(app):
    _open(app, "sensitivity", level="ward24")
    table = app.dataframe[0].value
    assert len(table) == 33
    assert {"Rank (PCA)", "Rank (equal)", "Places gained with equal weights"} <= set(table.columns)
    gained = (table["Rank (PCA)"].astype(float) - table["Rank (equal)"].astype(float))
    assert (gained == table["Places gained with equal weights"].astype(float)).all()
    metrics = {m.label: m.value for m in app.metric}
    assert -1 <= float(metrics["Rank correlation (PCA v equal)"]) <= 1
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


def test_method_lists_missing_components_with_reasons(app):
    _open(app, "method", level="ward24")
    framework = app.dataframe[0].value
    missing = framework[framework["Indicator"] == "Not measured"]
    assert set(missing["Component"]) == {"Water and Sanitation", "Personal Rights", "Inclusiveness"}
    assert missing["Reason"].str.len().gt(20).all()
    assert "not the council's official Leeds SPI" in _text(app)


def test_official_scores_say_how_to_load_when_absent(app, tmp_path, monkeypatch):
    monkeypatch.setattr("components.social_progress.official_path", lambda: tmp_path / "leeds_spi_official_wards.csv")
    _open(app, "official")
    assert "not loaded" in app.info[0].value and "ward24_code" in app.info[0].value


def test_official_scores_shown_beside_ours_when_present(app, processed_store, tmp_path, monkeypatch):
    codes = read_areas(processed_store, "ward24")["code"].astype(str).tolist()
    fake = pd.DataFrame({"ward24_code": codes, "year": 2024, "spi": [float(40 + i % 30) for i in range(33)],
                         "basic_human_needs": 50.0 + pd.Series(range(33)), "foundations_of_wellbeing": 60.0,
                         "opportunity": 55.0})
    path = tmp_path / "leeds_spi_official_wards.csv"
    fake.to_csv(path, index=False)
    monkeypatch.setattr("components.social_progress.official_path", lambda: path)
    _open(app, "official")
    table = app.dataframe[0].value
    assert len(table) == 33 and "Index: Leeds SPI (official)" in table.columns
    labels = [m.label for m in app.metric]
    assert "Correlation: Index" in labels


def test_map_view_offers_the_index_and_components(app):
    _open(app, "map", level="ward24")
    options = app.selectbox(key="_w_spi_measure").options
    assert "SPI-method index" in options and "SPI: Shelter (housing)" in options
    assert len(app.dataframe[0].value) == 33
