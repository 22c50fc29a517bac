"""Page-to-page links: a link's own parameters always win over what the session chose before (issue 14, item 7).

AppTest cannot click an ``st.page_link``; ``follow`` does what the browser does on a click: it sets the link's
query string and switches to its page in the same session.
"""
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT
from data.store import read_areas

pytestmark = pytest.mark.data


def _page_file(url_path: str) -> str:
    return "app_pages/overview.py" if url_path in ("", "overview") else f"app_pages/{url_path.replace('-', '_')}.py"


def follow(at: AppTest, link) -> AppTest:
    """Click ``link`` (an AppTest PageLink): its query string becomes the URL, then its page runs."""
    at.query_params = dict(parse_qsl(link.proto.query_string))
    at.switch_page(_page_file(link.proto.page)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str, **query) -> AppTest:
    """Navigate within the session to ``page`` with ``query`` in the URL (as a page link would)."""
    at.query_params = {k: str(v) for k, v in query.items()}
    at.switch_page(_page_file(page)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _links(at: AppTest, starting: str) -> list:
    return [link for link in at.get("page_link") if link.proto.label.startswith(starting)]


@pytest.fixture(scope="module")
def names(processed_store) -> dict[str, dict[str, str]]:
    return {level: dict(zip(read_areas(processed_store, level)["code"].astype(str),
                            read_areas(processed_store, level)["display_name"].astype(str)))
            for level in ("lsoa21", "msoa", "ward24", "committee")}


@pytest.mark.parametrize("level", ["ward24", "lsoa21", "committee"])
def test_the_explorers_profile_link_opens_the_selected_area(app, names, level):
    # Not the first area of its level: the profile's picker falls back to the first one when it loses the code.
    code = sorted(names[level], key=names[level].get)[len(names[level]) // 2]
    goto(app, "explorer", level=level, area=code)
    [link] = _links(app, "Open the profile of")
    assert link.proto.label.endswith(names[level][code])
    follow(app, link)
    assert [h.value for h in app.header] == [names[level][code]]
    assert app.session_state["area"] == code


def test_a_links_area_wins_over_the_area_chosen_earlier(app, names):
    wards = sorted(names["ward24"], key=names["ward24"].get)
    first, second, third = wards[3], wards[10], wards[20]
    goto(app, "profile", area=first)
    assert [h.value for h in app.header] == [names["ward24"][first]]
    goto(app, "explorer", level="ward24", area=second)          # e.g. a link from a meeting pack
    assert names["ward24"][second] in [h.value for h in app.subheader]
    [link] = _links(app, "Open the profile of")
    follow(app, link)
    assert [h.value for h in app.header] == [names["ward24"][second]]
    goto(app, "social-progress", level="ward24", spi_view="scorecard", area=third)
    assert f"Scorecard: {names['ward24'][third]}" in [h.value for h in app.subheader]


def test_a_link_without_parameters_keeps_the_readers_choices(app, names):
    ward = sorted(names["ward24"], key=names["ward24"].get)[7]
    goto(app, "explorer", level="ward24", area=ward, indicator="fuel_poverty")
    goto(app, "profile")                                          # the navigation's plain link
    assert [h.value for h in app.header] == [names["ward24"][ward]]
    goto(app, "explorer")
    assert app.session_state["indicator"] == "fuel_poverty"
    assert names["ward24"][ward] in [h.value for h in app.subheader]
