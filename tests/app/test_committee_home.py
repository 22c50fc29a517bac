"""The committee home (issue 19 item 2): choosing a committee by link or with the large picker makes the home
page about it; its ward rows show the figures recomputed from the store by independent pandas code
(tests/data/test_committee_data.py); All of Leeds brings the Leeds home page back."""
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT
from tests.app.html_table import table_frame
from data.store import read_areas
from tests.data.test_committee_data import expected_ward_figures

pytestmark = pytest.mark.data
PICKER = "Choose a community committee (or All of Leeds)"
JARGON = re.compile(r"z-score|domain score|\bIoD\b|UpSet", re.IGNORECASE)


@pytest.fixture(scope="module")
def inner_east(processed_store):
    """One session opened by a link to the Inner East committee (shared by the read-only checks below)."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params["committee"] = "inner-east"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ward_table(at) -> pd.DataFrame:
    """The wards-against-Leeds table as shown: measures as rows, areas as columns."""
    markup = next(m.value for m in at.markdown if "bca-committee-wards" in m.value)
    return table_frame(markup)


def test_a_link_opens_the_committee_home_with_its_sections(inner_east):
    at = inner_east
    assert at.title[0].value == "Inner East community committee"
    heads = [s.value for s in at.subheader]
    for wanted in ("Inner East's wards against Leeds", "What changed in Inner East", "Where Inner East's needs overlap",
                   "Warm spaces in Inner East"):
        assert wanted in heads
    picker = next(s for s in at.selectbox if s.label == PICKER)
    assert picker.value == "inner-east"
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Download the Inner East committee pack (PDF, 4 pages)") for label in labels), labels


def test_ward_rows_show_the_independently_recomputed_figures_and_judgements(inner_east, processed_store):
    table = _ward_table(inner_east)
    wards = read_areas(processed_store, "ward24")
    names = sorted(wards.loc[wards["committee_code"] == "inner-east", "name"])
    assert table.columns.tolist() == ["Inner East (committee)", *names, "Leeds"]
    expected = expected_ward_figures(processed_store, "inner-east")
    from data.registry import load_registry
    from metrics.committee import load_config
    registry = load_registry()
    row_of = {m.id: f"{m.label} ({registry.get(m.id).latest.period})" for m in load_config().measures}
    assert table.index.tolist() == list(row_of.values())
    for row in expected.itertuples():
        cell = table.loc[row_of[row.indicator_id], row.name]
        if row.judgement == "no figure":
            assert cell == "no figure"
            continue
        figure, _, words = cell.partition(" | ")
        assert figure == registry.get(row.indicator_id).format_value(row.value), (row.name, row.indicator_id)
        assert words == {"worse": "worse than Leeds", "better": "better than Leeds", "similar": "similar to Leeds",
                         "": ""}[row.judgement], (row.name, row.indicator_id, cell)


def test_the_page_says_how_significance_is_judged_and_what_cannot_be_shown(inner_east):
    text = " ".join(c.value for c in inner_east.caption) + " ".join(m.value for m in inner_east.markdown)
    assert "95% confidence interval" in text and "Fingertips" in text
    assert "shaded orange" in text and "the words in the cell say the same" in text
    assert "no figure is held for Gipton & Harehills" in text          # life expectancy, women: not published
    assert "straight line" in text and "Source:" in text


def test_no_unexplained_jargon_on_the_committee_home(inner_east):
    at = inner_east
    texts = ([t.value for t in at.title] + [s.value for s in at.subheader] + [m.value for m in at.markdown]
             + [c.value for c in at.caption] + [m.label for m in at.metric] + _ward_table(at).index.tolist())
    offenders = [t for t in texts if JARGON.search(t)]
    assert not offenders, offenders


def test_the_large_picker_chooses_a_committee_and_all_of_leeds_returns_home(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    assert at.title[0].value == "Where deprivation is deepest in Leeds"
    picker = next(s for s in at.selectbox if s.label == PICKER)
    picker.set_value("outer-south").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Outer South community committee"
    assert at.session_state["committee"] == "outer-south" and at.query_params["committee"] in ("outer-south", ["outer-south"])
    assert next(s for s in at.selectbox if s.label == "Community committee").value == "outer-south"   # sidebar agrees
    next(s for s in at.selectbox if s.label == PICKER).set_value("all").run()
    assert at.title[0].value == "Where deprivation is deepest in Leeds"
    assert "committee" not in at.query_params
    assert "Outer South's wards against Leeds" not in [s.value for s in at.subheader]


def test_a_committee_drawn_before_recomputes_nothing_and_never_builds_the_pack_on_a_rerun(inner_east):
    """Another session's view of the same committee is a lookup (every figure and view cached with the store stamp),
    and the pack PDF is made only when its button is pressed, never on a run of the page."""
    from contextlib import ExitStack
    from unittest import mock

    from metrics import committee as cm
    names = ["ward_rows", "ward_table", "ward_sentences", "committee_changes", "deprivation_change",
             "committee_intersections", "warm_space_coverage", "intersection_sentence", "warm_space_sentences"]
    with ExitStack() as stack:
        spies = {n: stack.enter_context(mock.patch.object(cm, n, wraps=getattr(cm, n))) for n in names}
        pdf = stack.enter_context(mock.patch("components.committee.committee_pack_pdf"))
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
        at.query_params["committee"] = "inner-east"
        at.run()
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Inner East community committee"
    assert {n: s.call_count for n, s in spies.items() if s.call_count} == {}
    assert pdf.call_count == 0
