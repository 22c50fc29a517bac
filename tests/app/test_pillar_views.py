"""Pillars page, one view at a time (issue 19, item 4): the view comes from the link and survives reruns, only
the chosen view is drawn, and each shows its answer first (a headline sentence before its map or chart) with one
merged source line and the method one click away."""
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from components.params import PILLAR_VIEWS
from data.settings import REPO_ROOT

# maps and charts each view draws (the other views' are not computed at all)
DRAWN = {"meet": (1, 1), "map": (1, 0), "kpis": (0, 5), "domains": (0, 0), "two": (1, 0)}


def _open(query: dict) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params.update(query)
    at.run()
    at.switch_page("app_pages/pillars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _kinds(at: AppTest) -> list[str]:
    return [getattr(e, "type", type(e).__name__) for e in at.main]


@pytest.mark.parametrize("name", list(PILLAR_VIEWS))
def test_each_view_from_the_link_shows_its_answer_first(processed_store, name):
    at = _open({"level": "ward24", "pillar_view": name})
    assert at.session_state["pillar_view"] == name
    assert at.segmented_control(key="_w_pillar_view").value == name
    kinds = _kinds(at)
    maps, charts = kinds.count("deck_gl_json_chart"), kinds.count("arrow_vega_lite_chart") + kinds.count("vega_lite_chart")
    assert maps == DRAWN[name][0] and charts >= DRAWN[name][1] and (charts == 0) == (DRAWN[name][1] == 0), \
        (name, maps, charts)
    headline = kinds.index("subheader")
    drawn = [i for i, k in enumerate(kinds) if k in ("deck_gl_json_chart", "arrow_vega_lite_chart", "dataframe")]
    assert drawn and headline < min(drawn), kinds
    assert at.subheader[0].value.endswith(".") and any(ch.isdigit() for ch in at.subheader[0].value)
    assert sum(c.value.startswith("Sources: ") for c in at.caption) == 1
    assert any(e.label.startswith("Method, caveats and full sources") for e in at.expander)
    assert ("pillar_view" in at.query_params) == (name != "meet")
    if name != "meet":
        assert name in str(at.query_params["pillar_view"])


def test_the_chosen_view_survives_reruns_and_goes_into_the_link(processed_store):
    at = _open({"level": "ward24"})
    assert at.session_state["pillar_view"] == "meet"
    at.segmented_control(key="_w_pillar_view").set_value("domains").run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["pillar_view"] == "domains"
    assert "deprived 10% on all three of Health, Income and Living environment" in at.subheader[0].value
    assert "domains" in str(at.query_params.get("pillar_view"))
    assert not [e for e in _kinds(at) if e == "deck_gl_json_chart"]


def test_a_hostile_view_in_the_link_gets_a_sentence_and_the_default_view(processed_store):
    at = _open({"pillar_view": "<script>alert(1)</script>"})
    assert at.session_state["pillar_view"] == "meet"
    notices = [html.unescape(re.sub(r"\\(.)", r"\1", i.value)) for i in at.info]    # as Markdown shows them
    assert any("Ignored link parameter 'pillar_view'" in n and "is not a valid value" in n for n in notices), notices
    assert "weak on all three pillars" in at.subheader[0].value
