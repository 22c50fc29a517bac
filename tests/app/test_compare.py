"""The Compare page (AppTest, issue 19 item 5): the table with the comparator and calls in words and colour, a
key, the chart chosen by how many areas and indicators, every mark labelled, and the link."""
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from components.compare import call_colours
from data.settings import REPO_ROOT
from metrics import compare as cm
from tests.app.vega_spec import encodings

pytestmark = pytest.mark.data
PAGE = "app_pages/compare.py"
WARDS = ["E05011384", "E05011385", "E05011386", "E05011387", "E05011388"]


def _open(state: dict) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "<table" in m.value)


def _spec(at: AppTest) -> dict:
    charts = at.get("vega_lite_chart")
    return json.loads(charts[0].proto.spec) if charts else {}


def _marks(spec: dict) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            mark = node.get("mark")
            if mark:
                found.append(mark if isinstance(mark, str) else mark.get("type"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    return found


def test_two_wards_table_key_and_a_spine_per_area(processed_store):
    at = _open({"compare_level": "ward24", "compare": ",".join(WARDS[:2])})
    table = _table(at)
    assert table.count("<tr>") == 1 + 6               # header + the Health and Wellbeing KPIs
    assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
    words = re.findall(r'font-size:\.8rem">(better|similar|worse|higher|lower|not compared)', table)
    assert len(words) == 2 * 6                         # every area cell says its call in words
    key = next(m.value for m in at.markdown if "Key to the compare table" in m.value)
    assert all(call in key for call in cm.CALLS) and "Leeds" in key
    assert "one spine per area" in " ".join(c.value for c in at.caption)
    spec = _spec(at)
    assert spec["facet"]["column"]["field"] == "area"       # each panel names its area: no hover needed
    assert "text" in _marks(spec)                          # every dot carries its value and call as text


def test_one_indicator_gives_ranked_dots_with_a_labelled_comparator_line(processed_store):
    at = _open({"compare_level": "ward24", "compare": ",".join(WARDS), "compare_ind": ["life_expectancy_female"],
                "compare_with": "inner-east"})
    assert "ranked" in " ".join(c.value for c in at.caption)
    spec = _spec(at)
    marks = _marks(spec)
    assert "rule" in marks and "text" in marks                    # the comparator's line and its label
    y_fields = {e["y"]["field"] for e in encodings(spec) if "field" in e.get("y", {})}
    assert y_fields == {"row"}                       # each dot's row is labelled "area: value, call" on the axis
    texts = json.dumps(spec)
    assert "Inner East committee" in texts
    table = _table(at)
    assert "Inner East committee" in table and table.count("<tr>") == 2
    link = {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert link["compare_with"] == "inner-east" and link["compare_ind"] == "life_expectancy_female"
    again = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    again.query_params.update(link)
    again.run()
    again.switch_page(PAGE).run()
    assert not again.exception and _table(again) == table


def test_many_areas_and_indicators_make_the_table_the_chart(processed_store):
    at = _open({"compare_level": "ward24", "compare": ",".join(WARDS)})
    assert "the coloured table above is the chart" in " ".join(c.value for c in at.caption)
    assert not at.get("vega_lite_chart")
    table = _table(at)
    for colour in call_colours().values():
        background = f"background:{colour};color:{cm.text_colour(colour)}"
        assert background in table or colour not in table      # every coloured cell carries its readable text colour


def test_hostile_compare_links_are_ignored_with_a_notice(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"compare_with": "[x](//ev.il)", "compare_ind": "imd_imd_score,<b>", "compare": WARDS[0]})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "compare\\_with" in notices or "compare_with" in notices
    assert at.session_state["compare_with"] == "leeds" and at.session_state["compare_ind"] == []


def test_the_comparison_is_said_in_one_sentence_above_the_table(processed_store):
    """Answer first (issue 19, item 3): the sentence names the worst and best of the wards shown, recomputed from
    values.parquet with plain pandas, and counts the 'worse' / 'better' calls the table says in words."""
    import pandas as pd

    at = _open({"compare_level": "ward24", "compare": ",".join(WARDS), "compare_ind": ["life_expectancy_female"],
                "compare_with": "leeds"})
    elements = [e for e in at.main if getattr(e, "type", "") == "markdown"]
    sentence = next(i for i, e in enumerate(elements) if e.value.startswith("**Life expectancy"))
    assert sentence < next(i for i, e in enumerate(elements) if "<table" in e.value)
    text = elements[sentence].value
    values = pd.read_parquet(processed_store / "values.parquet")
    rows = values[(values["indicator_id"] == "life_expectancy_female") & (values["area_level"] == "ward24")]
    rows = rows[rows["period"] == max(rows["period"].astype(str))]
    mine = rows[rows["area_code"].isin(WARDS)].dropna(subset=["value"])
    names = pd.read_parquet(processed_store / "areas_ward24.parquet").set_index("code")["name"]
    lowest = mine.assign(name=mine["area_code"].map(names)).sort_values(["value", "name"]).iloc[0]["name"]
    assert f"worst in {lowest} (" in text and f"of the {len(mine)} areas with a figure" in text
    words = re.findall(r'font-size:\.8rem">(better|similar|worse|higher|lower|not compared)', _table(at))
    assert f"; {words.count('worse')} " in text and f"and {words.count('better')} better" in text
