"""Reruns cost a lookup, not a rebuild: a view another session has drawn builds no Altair chart again.

Caches are per process, so the first session warms them and a second, fresh session draws the same
view: it must still show its charts, and convert none (Altair's ``to_dict`` is the 20-100 ms per chart
that made Pillars, Inequalities, Profile and Compare cost 0.3-0.8 s a rerun; bench/pages.py --profile).
"""
from contextlib import ExitStack
from unittest import mock

import altair as alt
import pytest
from streamlit.testing.v1 import AppTest

from components import profile as components_profile
from data.settings import REPO_ROOT
from tests.app.vega_spec import encodings

VIEWS = {
    "pillars": ("app_pages/pillars.py", {"level": "ward24", "pillar_combo": "Zero Carbon"}),
    "inequalities": ("app_pages/inequalities.py", {"level": "ward24", "sii_indicator": "census_hh_deprived_1plus"}),
    "profile": ("app_pages/profile.py", {"profile_level": "ward24"}),
    "compare": ("app_pages/compare.py", {"compare_level": "ward24", "compare": "E05011384,E05011385"}),
}


def _render(page: str, state: dict) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at: AppTest) -> int:
    return len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart"))


@pytest.mark.parametrize("name", list(VIEWS))
def test_a_view_drawn_before_builds_no_chart(processed_store, name):
    page, state = VIEWS[name]
    _render(page, state)                                    # warms the shared caches
    with mock.patch.object(alt.TopLevelMixin, "to_dict", autospec=True, side_effect=alt.TopLevelMixin.to_dict) as to_dict:
        at = _render(page, state)
    assert _charts(at) > 0
    assert to_dict.call_count == 0, f"{name}: {to_dict.call_count} Altair conversions on a cached view"


# The profile's tabs: each draws through one of these; only the open tab's may run.
PROFILE_DRAWERS = {"spine": "components.profile.spine_chart", "table": "components.profile.spine_table",
                   "map": "components.profile.area_decile_map", "deprived": "components.profile.deprived_list",
                   "trends": "components.profile.trend_charts", "similar": "components.profile.similar_wards",
                   "wards": "components.compare.compare_view"}


def _profile_drawn(tab: str, level: str = "ward24") -> tuple[AppTest, set[str]]:
    import importlib
    mocks = {}
    with ExitStack() as stack:
        for name, target in PROFILE_DRAWERS.items():
            module, attr = target.rsplit(".", 1)
            mocks[name] = stack.enter_context(mock.patch(target, wraps=getattr(importlib.import_module(module), attr)))
        at = _render("app_pages/profile.py", {"profile_level": level, "profile_tab": tab})
    return at, {name for name, m in mocks.items() if m.called}


@pytest.mark.parametrize("tab", ["spine", "table", "map", "deprived", "trends", "similar"])
def test_profile_draws_only_the_open_tab(processed_store, tab):
    at, drawn = _profile_drawn(tab)
    assert drawn == {tab}
    open_tab = [t for t in at.tabs if t.children]
    assert [t.label for t in open_tab] == [components_profile.PROFILE_TABS[tab]]
    assert at.query_params.get("profile_tab", "spine") == tab             # the link reopens this tab


def test_profile_committee_wards_tab_and_fallback(processed_store):
    _, drawn = _profile_drawn("wards", level="committee")
    assert drawn == {"wards"}
    at, drawn = _profile_drawn("similar", level="lsoa21")                 # no similar wards for an LSOA
    assert drawn == {"spine"}
    assert "profile_tab" not in at.query_params


# A view another session has drawn: the change page's measures and the home page's committee view compute nothing
# again and convert no table (each was 30-60 ms of a rerun, bench/pages.py --profile); they draw the cached figures.
CHANGE_MEASURES = ["Energy and homes: Fuel poverty", "Monthly demand: Universal Credit by MSOA",
                   "Every measure: is Leeds getting better?"]
CHANGE_WORK = ["components.change_trends.leeds_changes", "components.change_trends.series_periods",
               "components.change_trends.area_change_sentence", "components.change_trends.rank_changes",
               "components.change_trends.summary_change_sentence", "components.trend_view.source_pairs",
               "components.trend_view.levels_of", "streamlit.dataframe_util.convert_pandas_df_to_arrow_bytes"]


def _render_counted(page: str, state: dict, targets: list[str]) -> tuple[AppTest, dict[str, int]]:
    """A fresh session's run of ``page`` (after its first run of the home page), counting calls of ``targets`` in it."""
    import importlib
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    with ExitStack() as stack:
        mocks = {target: stack.enter_context(mock.patch(target, wraps=getattr(importlib.import_module(module), attr)))
                 for target in targets for module, attr in [target.rsplit(".", 1)]}
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at, {target: m.call_count for target, m in mocks.items() if m.call_count}


@pytest.mark.parametrize("measure", CHANGE_MEASURES)
def test_a_change_measure_drawn_before_computes_nothing(processed_store, measure):
    state = {"level": "ward24", "change_measure": measure}
    first = _render("app_pages/change.py", state)                           # warms the shared caches
    at, called = _render_counted("app_pages/change.py", state, CHANGE_WORK)
    assert at.dataframe and [t.value.shape for t in at.dataframe] == [t.value.shape for t in first.dataframe]
    assert [m.value for m in at.markdown] == [m.value for m in first.markdown]   # same sentences, same figures
    assert not called, f"{measure}: recomputed on a cached view: {called}"


HOME_WORK = ["components.store.indicator_table", "components.headlines.table_for_display",
             "components.headlines.with_leeds_row", "streamlit.dataframe_util.convert_pandas_df_to_arrow_bytes"]


@pytest.mark.parametrize("committee", ["all", "inner-east"])
def test_the_home_page_drawn_before_reads_no_table_and_converts_none(processed_store, committee):
    state = {"level": "ward24", "committee": committee}
    first = _render("app_pages/overview.py", state)                         # warms the shared caches
    at, called = _render_counted("app_pages/overview.py", state, HOME_WORK)
    assert [t.value.shape for t in at.dataframe] == [t.value.shape for t in first.dataframe] and at.dataframe
    assert [m.value for m in at.metric] == [m.value for m in first.metric]  # the headline figures
    assert not called, f"{committee}: recomputed on a cached view: {called}"


def test_the_frame_builds_no_page_reads_no_file_and_unpickles_nothing_on_a_rerun(processed_store):
    """The frame (store check, navigation, sidebar, footer) runs on every full rerun of every page: its pages, style
    sheet, home district and footer lines are made once per process, not read, built or unpickled on each run."""
    import pickle

    from streamlit.navigation.page import StreamlitPage
    from pathlib import Path

    from components.styles import CSS_PATH

    _render("app_pages/accessibility.py", {})
    with mock.patch.object(StreamlitPage, "__init__", autospec=True, side_effect=StreamlitPage.__init__) as page, \
            mock.patch.object(Path, "read_text", autospec=True, side_effect=Path.read_text) as read, \
            mock.patch("pickle.loads", wraps=pickle.loads) as loads:
        at, called = _render_counted("app_pages/accessibility.py", {}, ["components.footer.sources"])
    assert at.title[0].value == "Accessibility statement" and at.caption   # the page and its footer are drawn
    assert page.call_count == 0, f"{page.call_count} st.Page objects built on a rerun"
    assert loads.call_count == 0, f"{loads.call_count} st.cache_data answers unpickled on a rerun"
    assert CSS_PATH not in [c.args[0] for c in read.call_args_list], "the style sheet was read again"
    assert not called, called


TABLE_VIEWS = {"social_progress": ("app_pages/social_progress.py", {"level": "ward24", "spi_measure": "spi_opportunity"},
                                   ["components.indicator_map.table_for_display"]),
               # issue 20 (p95): the list of areas (and of those weak on all three) and the map's legend, once per view
               "pillars": ("app_pages/pillars.py", {"level": "ward24", "pillar_combo": "Zero Carbon"},
                           ["metrics.pillars.pale_hex"])}


@pytest.mark.parametrize("name", list(TABLE_VIEWS))
def test_a_map_page_drawn_before_builds_and_converts_no_table(processed_store, name):
    page, state, work = TABLE_VIEWS[name]
    first = _render(page, state)
    at, called = _render_counted(page, state, work + ["streamlit.dataframe_util.convert_pandas_df_to_arrow_bytes"])
    assert at.dataframe and at.dataframe[0].value.equals(first.dataframe[0].value)
    assert not called, f"{name}: rebuilt on a cached view: {called}"


# Issue 20 (p95 at 25 sessions), the profile's "Ward" change: the spine chart and the URL steps.

def _y_sorts(node) -> list[list]:
    """Every rows' order list (``encoding.y.sort``) in a Vega-Lite spec, at any depth."""
    return [e["y"]["sort"] for e in encodings(node) if isinstance(e.get("y"), dict) and isinstance(e["y"].get("sort"), list)]


def test_the_profile_spine_sends_its_rows_order_once(processed_store):
    """The spine's rows axis (the list of every row, ~3 KB at ward level) is the layer's, shared by its 5-6 marks:
    each mark's copy made the spec ~18 KB, serialised, sent and parsed again on every change of area. Fails before
    (one list per mark)."""
    import json

    at = _render("app_pages/profile.py", {"profile_level": "ward24", "profile_tab": "spine"})
    charts = at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    sorts = _y_sorts(spec)
    assert len(sorts) == 1 and spec["encoding"]["y"]["field"] == "row", "one rows axis, on the layer"
    assert len(sorts[0]) > 20 and all(layer.get("encoding", {}).get("y") is None for layer in spec["layer"])
    assert len(charts[0].proto.spec) < 9_000, f"spine spec {len(charts[0].proto.spec)} characters"


class _CountingParams(dict):
    """The URL parameters, counting the walks over them (keep_url_state's values(), write_url's items())."""

    walks = {"values": 0, "items": 0}

    def values(self):
        self.walks["values"] += 1
        return super().values()

    def items(self):
        self.walks["items"] += 1
        return super().items()


def test_the_profile_keeps_and_writes_the_url_state_once_per_fragment_level(processed_store):
    """The tabs' fragment, called from the area's fragment, leaves the URL steps to it (its own were repeats over the
    ~47 keys on every "Ward" change); alone (a tab switch) it does both. A full run: the frame reads the link and
    keeps (2 walks) and writes (1), the area's fragment keeps (1) and writes (1). Fails before (4 and 3)."""
    from components import params as params_module

    at = _render("app_pages/profile.py", {"profile_level": "ward24", "profile_tab": "spine"})
    counting = _CountingParams(params_module.PARAMS)
    counting.walks.update(values=0, items=0)
    with mock.patch.object(params_module, "PARAMS", counting):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert counting.walks == {"values": 3, "items": 2}, counting.walks
    assert at.tabs and at.session_state["area"] and at.query_params.get("area") == at.session_state["area"]  # written
