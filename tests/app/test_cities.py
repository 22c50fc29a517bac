"""The cities page (AppTest): Leeds beside the core cities or similar districts, IoD bands, neighbours."""
import pytest

PAGE = "app_pages/cities.py"


@pytest.fixture
def page(app):
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _captions(at):
    """Captions and the method paragraphs in each section's 'Method, caveats and full sources' expander."""
    return " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])


def test_england_by_default_then_the_core_cities_from_the_sidebar(page):
    assert page.title[0].value == "Leeds among England's cities"
    assert page.radio(key="benchmark").value == "england"
    alone = page.dataframe[0].value
    assert list(alone["Area"]) == ["Leeds", "Yorkshire and The Humber", "England"]
    assert not any(c.startswith("Rank in group") for c in alone.columns)
    page.radio(key="benchmark").set_value("core").run()
    assert not page.exception and page.query_params.get("benchmark") in ("core", ["core"])
    assert page.selectbox(key="cities_indicator").value.startswith("Children in relative poverty before housing costs")
    table = page.dataframe[0].value
    assert list(table["Area"])[-2:] == ["Yorkshire and The Humber", "England"]
    cities = table.iloc[:-2]
    assert set(cities["Area"]) == {"Leeds", "Birmingham", "Bristol, City of", "Liverpool", "Manchester",
                                   "Newcastle upon Tyne", "Nottingham", "Sheffield"}
    assert sorted(cities["Rank in group (of 8)"]) == sorted(cities["Value"].rank(ascending=False, method="min").astype(int))
    assert table["Period"].nunique() == 1 and table["Source"].str.contains("ONS Explore Local Statistics").all()
    assert table.set_index("Area").loc["England", "Source"].startswith("not published")   # ONS gives no England row
    assert "Source:" in _captions(page) and "from 2024-04-01" in _captions(page)
    assert page.get("arrow_vega_lite_chart") or page.get("vega_lite_chart"), "the small multiples chart is drawn"


def test_similar_districts_replace_the_core_cities(page):
    page.radio(key="benchmark").set_value("similar").run()
    assert not page.exception and page.query_params.get("benchmark") in ("similar", ["similar"])
    table = page.dataframe[0].value
    assert "Salford" in set(table["Area"]) and "Birmingham" not in set(table["Area"])
    assert "Rank in group (of 11)" in table.columns


def test_another_indicator_and_the_deprivation_and_neighbour_tables(page):
    page.radio(key="benchmark").set_value("core").run()
    box = page.selectbox(key="cities_indicator")
    box.select_index(next(i for i, o in enumerate(box.options) if o.startswith("Claimant Count"))).run()
    assert not page.exception
    assert page.dataframe[0].value["Area"].iloc[0] in {"Leeds", "Birmingham", "Bristol, City of", "Liverpool",
                                                      "Manchester", "Newcastle upon Tyne", "Nottingham", "Sheffield"}
    file10 = page.dataframe[1].value.set_index(["Measure (rank of England's districts)", "Figures"])
    assert list(file10.columns)[0] == "Leeds" and len(file10.columns) == 9
    assert file10.loc[("IMD average score", "published (MHCLG File 10)"), "Leeds"] == "24.11 (86)"   # as published
    deprivation = page.dataframe[3].value.set_index("Area")
    assert deprivation.index[0] == "Leeds"
    assert file10.loc[("Income scale (people)", "published (MHCLG File 10)"), "Leeds"] == "201,408 (3)"
    assert len(deprivation) == 10 and deprivation.loc["England", "10% 2025"] == pytest.approx(10.0, abs=0.05)
    assert deprivation.loc["Leeds", "LSOAs 2019 / 2025"] == "482 / 488"
    assert "different neighbourhoods" in _captions(page)
    assert "(IoD2019, 2011 LSOAs)" in _captions(page) and "converted" not in _captions(page)
    neighbours = page.dataframe[4].value
    assert neighbours["District"].iloc[0] == "Leeds" and neighbours["Distance"].iloc[0] == 0
    assert neighbours["Distance"].is_monotonic_increasing and len(neighbours) == 11
    assert "Euclidean distance" in _captions(page)


def test_a_link_to_similar_districts_opens_them(app):
    app.query_params["benchmark"] = "similar"
    app.switch_page(PAGE).run()
    assert not app.exception and app.radio(key="benchmark").value == "similar"
    assert "Salford" in set(app.dataframe[0].value["Area"])


def test_file_10_recomputed_life_expectancy_sii_and_the_city_maps(page):
    """Published and recomputed File 10 rows side by side with the largest gap over all districts; each city's
    life-expectancy SII with limits and the MSOAs left out; eight maps with alt text, one scale, credited."""
    file10 = page.dataframe[1].value.set_index(["Measure (rank of England's districts)", "Figures"])
    ours = file10.loc[("IMD average score", "recomputed here from File 7")]
    assert ours["Leeds"].startswith("24.1") and ours["Leeds"].endswith(")")
    assert float(ours["Largest gap, all districts"]) > 0
    assert file10.loc[("IMD average score", "published (MHCLG File 10)"), "Largest gap, all districts"] == ""
    text = _captions(page)
    assert "Census 2021 usual residents instead" in text and "not in this atlas's data" in text
    assert "Employment scale (people): recomputed without 1 LSOA in Leeds, 1 LSOA in Manchester" in text
    le = page.dataframe[2].value.set_index("Area")
    assert le.index[0] == "Leeds" and len(le) == 8
    assert le.loc["Manchester", "MSOAs with no 2016-20 figure"] == 4
    assert (le["Period"] == "2016-20").all() and le["Source"].str.startswith("ONS life expectancy").all()
    low, high = le.loc["Leeds", "Women: SII, years (95% CI)"].split("(")[1].rstrip(")").split(" to ")
    assert float(low) < float(le.loc["Leeds", "Women: SII, years (95% CI)"].split()[0]) < float(high)
    assert "phe_sii" in text and "Source: Office for National Statistics" in text
    images = page.get("image")[0].proto.imgs
    assert len(images) == 8 and all(i.alt.startswith("Map of ") and "national IMD 2025 decile" in i.alt for i in images)
    assert images[0].alt.startswith("Map of Leeds' 488 neighbourhoods") and "84 of them are in decile 1" in images[0].alt
    assert "Open Government Licence" in text and "same scale" in text
