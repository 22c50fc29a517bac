"""The Warm spaces page (AppTest): map and list, search and filters, safe details, credits."""
import pytest

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
