"""The pure parts of the websocket bench (bench/ws_load.py, scenarios.py, pages.py, profile.py): the BackMsg it
sends, how it reads ForwardMsgs, the browser's cache expiry, byte accounting, scenarios, figures, profiles."""
from __future__ import annotations

import math
import threading
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import percentile
from bench.pages import PageRun, markdown_table, page_figures, ratio_table, round_order
from bench.profile import format_costs, is_project, parse_collapsed, rank, short_frame
from bench.scenarios import (SCENARIOS_PATH, Scenario, ScenarioError, load_scenarios, next_value,
                             parse_scenarios)
from bench.worktree import WorktreeError, resolve
from tests.conftest import run_alone
from bench.ws_load import (Event, MessageCache, Round, RunError, Session, indicator_in_query, log_problems,
                           parse_forward_msg, query_param, rerun_message, stream_url, summary)

ROOT = Path(__file__).resolve().parents[2]


# ---- figures ---------------------------------------------------------------------------------------------

def test_summary_median_p95_max():
    times = [float(t) for t in range(1, 21)]  # 1 .. 20 s
    figures = summary(times[::-1])
    assert figures == {"n": 20, "median": 10.5, "p95": 19.0, "max": 20.0}
    assert math.isnan(summary([])["p95"]) and summary([])["n"] == 0


def test_percentile_is_nearest_rank_and_order_free():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0.0) == 1.0 and percentile(values, 1.0) == 5.0
    assert percentile(values, 0.5) == 3.0
    assert percentile(list(range(100)), 0.95) == 94       # round(0.95 * 99) = 94
    assert percentile([7.0], 0.95) == 7.0


def test_stream_url_is_loopback_only():
    assert stream_url("http://127.0.0.1:8765") == "ws://127.0.0.1:8765/_stcore/stream"
    with pytest.raises(ValueError):
        stream_url("http://example.org:8501")


# ---- the BackMsg ------------------------------------------------------------------------------------------

def _back(payload: bytes) -> BackMsg:
    back = BackMsg()
    back.ParseFromString(payload)
    return back


def test_change_message_carries_widget_value_query_page_and_cache():
    state = _back(rerun_message("level=ward24&indicator=fuel_poverty", page_hash="abc", widget_id="$$ID-1-indicator",
                                value="Health: Life expectancy at birth: women", cached=("h1", "h2"))).rerun_script
    assert state.query_string == "level=ward24&indicator=fuel_poverty" and state.page_script_hash == "abc"
    assert [(w.id, w.WhichOneof("value"), w.string_value) for w in state.widget_states.widgets] == [
        ("$$ID-1-indicator", "string_value", "Health: Life expectancy at birth: women")]
    assert list(state.cached_message_hashes) == ["h1", "h2"]


def test_multiselect_and_segmented_control_send_a_list_of_option_texts():
    for kind in ("multiselect", "button_group"):
        widget = _back(rerun_message("", page_hash="p", widget_id="w", value=("Armley", "Alwoodley"),
                                     kind=kind)).rerun_script.widget_states.widgets[0]
        assert widget.WhichOneof("value") == "string_array_value"
        assert list(widget.string_array_value.data) == ["Armley", "Alwoodley"]
    radio = _back(rerun_message("", page_hash="p", widget_id="w", value=("Men",), kind="radio"))
    assert radio.rerun_script.widget_states.widgets[0].string_value == "Men"
    with pytest.raises(ValueError):
        rerun_message("", page_hash="p", widget_id="w", value=("a", "b"), kind="selectbox")


def test_change_of_a_widget_in_a_fragment_names_the_fragment_as_the_browser_does():
    assert _back(rerun_message("q", page_hash="abc", widget_id="w", value="x", fragment_id="frag-7")
                 ).rerun_script.fragment_id == "frag-7"
    assert _back(rerun_message("q", page_hash="abc", widget_id="w", value="x")).rerun_script.fragment_id == ""


def test_first_message_names_the_page_and_sends_no_widget():
    back = _back(rerun_message("level=ward24", page_name="explorer"))
    assert back.rerun_script.page_name == "explorer" and not back.rerun_script.page_script_hash
    assert len(back.rerun_script.widget_states.widgets) == 0


# ---- reading ForwardMsgs ----------------------------------------------------------------------------------

def _serialized(build) -> bytes:
    msg = ForwardMsg()
    build(msg)
    return msg.SerializeToString()


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY, fragments: tuple[str, ...] | None = ()) -> bytes:
    def build(m):
        m.script_finished = status
        if fragments is not None:
            m.metadata.run.script_run_id = "run-1"
            m.metadata.run.fragment_ids[:] = list(fragments)
    return _serialized(build)


def _selectbox(label="Indicator", options=("A", "B", "C"), *, id_="w1", raw=None, default=None, hash_="",
               fragment="", filler=0) -> bytes:
    def build(m):
        box = m.delta.new_element.selectbox
        box.id, box.label = id_, label
        box.options[:] = list(options)
        box.help = "x" * filler
        if raw is not None:
            box.raw_value, box.set_value = raw, True
        if default is not None:
            box.default = default
        if hash_:
            m.hash, m.metadata.cacheable = hash_, True
        m.delta.fragment_id = fragment
    return _serialized(build)


def _big(hash_: str, size: int = 5000, fragment: str = "") -> bytes:
    def build(m):
        m.delta.new_element.markdown.body = "x" * size
        m.hash, m.metadata.cacheable = hash_, True
        m.delta.fragment_id = fragment
    return _serialized(build)


def _ref(hash_: str) -> bytes:
    def build(m):
        m.ref_hash = hash_
        m.metadata.cacheable = True
    return _serialized(build)


def _query(q: str) -> bytes:
    return _serialized(lambda m: setattr(m.page_info_changed, "query_string", q))


def _page(h: str) -> bytes:
    return _serialized(lambda m: setattr(m.navigation, "page_script_hash", h))


def _new_session(max_age: int = 2) -> bytes:
    return _serialized(lambda m: setattr(m.new_session.config, "max_cached_message_age", max_age))


def test_parse_script_finished_with_and_without_run_identity():
    assert parse_forward_msg(_finished()) == Event("finished", "FINISHED_SUCCESSFULLY", run=())
    assert parse_forward_msg(_finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, ("f1",))).run == ("f1",)
    assert parse_forward_msg(_finished(fragments=None)).run is None
    assert parse_forward_msg(_finished(ForwardMsg.FINISHED_WITH_COMPILE_ERROR)).value == "FINISHED_WITH_COMPILE_ERROR"


def test_parse_query_exception_page_ref_new_session():
    assert parse_forward_msg(_query("indicator=fuel_poverty&period=2020")) == \
        Event("query", "indicator=fuel_poverty&period=2020")

    def exception(m):
        m.delta.new_element.exception.type = "KeyError"
        m.delta.new_element.exception.message = "'fuel_poverty'"
    parsed = parse_forward_msg(_serialized(exception))
    assert (parsed.kind, parsed.value) == ("exception", "KeyError: 'fuel_poverty'")
    assert parse_forward_msg(_ref("h9")) == Event("ref", "h9", element="ref")
    assert parse_forward_msg(_page("p1")) == Event("page", "p1")
    assert parse_forward_msg(_serialized(lambda m: setattr(m.page_not_found, "page_name", "x"))).kind == "not_found"
    assert parse_forward_msg(_new_session(3)) == Event("new_session", "3")
    big = parse_forward_msg(_big("h1", fragment="f1"))
    assert (big.kind, big.hash, big.fragment, big.element) == ("other", "h1", "f1", "markdown")


def test_parse_widgets_value_set_by_the_script_or_default_and_fragment():
    forced = parse_forward_msg(_selectbox(raw="B", hash_="h9", fragment="frag-7"))
    assert forced.kind == "widget" and forced.hash == "h9"
    assert (forced.widget.id, forced.widget.label, forced.widget.options) == ("w1", "Indicator", ("A", "B", "C"))
    assert forced.widget.value == ("B",) and forced.widget.forced and forced.widget.fragment == "frag-7"
    default = parse_forward_msg(_selectbox(default=2)).widget
    assert default.value == ("C",) and not default.forced and default.fragment == ""

    def multiselect(m):
        box = m.delta.new_element.multiselect
        box.id, box.label = "m1", "Wards to compare"
        box.options[:] = ["Armley", "Alwoodley", "Adel"]
        box.raw_values[:] = ["Adel", "Armley"]
        box.set_value = True
    multi = parse_forward_msg(_serialized(multiselect)).widget
    assert (multi.kind, multi.value) == ("multiselect", ("Adel", "Armley"))

    def segmented(m):
        group = m.delta.new_element.button_group
        group.id, group.label = "b1", "Pillar"
        for text in ("All", "Health"):
            group.options.add().content = text
        group.default[:] = [1]
    seg = parse_forward_msg(_serialized(segmented)).widget
    assert (seg.kind, seg.options, seg.value) == ("button_group", ("All", "Health"), ("Health",))


def test_query_param_and_log_problems():
    assert indicator_in_query("level=msoa&indicator=life_expectancy_male&period=2019") == "life_expectancy_male"
    assert indicator_in_query("period=2025") is None
    assert query_param("compare=E1,E2&level=ward24", "compare") == "E1,E2"
    log = "  You can now view your Streamlit app\nTraceback (most recent call last):\nValueError: bad\nok"
    assert log_problems(log) == ["Traceback (most recent call last):", "ValueError: bad"]


# ---- the browser's message cache --------------------------------------------------------------------------

def test_cache_expires_messages_unused_for_more_than_max_age_runs():
    cache: MessageCache[str] = MessageCache()
    cache.receive("deck", "payload")                # arrives during run 1
    cache.finish_run(2)                             # end of run 1 (used in it)
    cache.finish_run(2)                             # run 2: not used, age 2: kept
    assert cache.hashes() == ("deck",)
    cache.finish_run(2)                             # run 3: not used again, age 3 > 2: expired
    assert cache.hashes() == ()
    assert cache.reference("deck") is None          # a reference now would be a miss


def test_cache_use_by_reference_or_resend_resets_the_age():
    cache: MessageCache[str] = MessageCache()
    cache.receive("a", "A")
    cache.receive("b", "B")
    cache.receive("c", "C")
    cache.finish_run(2)                             # end of run 1, which brought all three
    cache.finish_run(2)                             # run 2: none used, age 2: kept
    assert cache.reference("a") == "A"              # run 3 refers to a ...
    cache.receive("b", "B again")                   # ... and sends b in full again (the first payload is kept)
    cache.finish_run(2)                             # end of run 3: c unused for 2 runs, expired
    assert set(cache.hashes()) == {"a", "b"}
    cache.finish_run(2)                             # run 4 unused: kept
    assert set(cache.hashes()) == {"a", "b"} and cache.reference("a") == "A"   # run 5 refers to a
    cache.finish_run(2)                             # end of run 5: b unused for 2 runs, expired
    assert cache.hashes() == ("a",)


def test_fragment_run_ages_only_its_own_fragment_entries():
    cache: MessageCache[str] = MessageCache()
    cache.receive("frame", "sidebar")               # full run element
    cache.receive("in-frag", "map", fragment="f1")
    cache.receive("other-frag", "chart", fragment="f2")
    for _ in range(3):
        cache.finish_run(2, ("f1",))                # three fragment runs of f1 that use nothing
    assert set(cache.hashes()) == {"frame", "other-frag"}
    cache.finish_run(2, ())                         # a full run ages everything
    assert cache.hashes() == ()


def test_max_age_zero_keeps_only_what_the_last_run_used():
    cache: MessageCache[str] = MessageCache()
    cache.receive("a", "A")
    cache.finish_run(0)
    assert cache.hashes() == ()


# ---- a session against a scripted server: byte accounting, refs, expiry, checks ---------------------------

class ScriptedSocket:
    """Plays back one list of frames per message the session sends, and keeps what it sent."""

    def __init__(self, runs: list[list[bytes]]) -> None:
        self.runs, self.sent, self.queue = list(runs), [], []

    async def send(self, payload: bytes) -> None:
        self.sent.append(_back(payload))
        self.queue = list(self.runs.pop(0))

    async def recv(self) -> bytes:
        return self.queue.pop(0)


def _scenario(**kw) -> Scenario:
    base = dict(name="t", page="p", query="level=ward24", kind="selectbox", label="Indicator",
                cycle=(("A",), ("B",), ("C",)), url_param="indicator")
    return Scenario(**{**base, **kw})


def _session(runs: list[list[bytes]], **kw) -> tuple[Session, ScriptedSocket]:
    session = Session("http://127.0.0.1:1", _scenario(**kw))
    session.ws = ScriptedSocket(runs)
    return session, session.ws


def test_bytes_count_every_frame_and_references_replace_cached_elements():
    first = [_new_session(), _page("p1"), _big("deck", 5000), _selectbox(raw="A", hash_="w-A"),
             _query("indicator=a"), _finished()]
    change = [_new_session(), _page("p1"), _ref("deck"), _selectbox(raw="B", hash_="w-B"), _query("indicator=b"),
              _finished()]
    session, ws = _session([first, change])
    opened = run_alone(session._run(rerun_message(session.query, page_name="p")))
    assert opened.bytes == sum(len(f) for f in first) and opened.bytes > 5000
    assert opened.by_element["markdown"] == len(first[2]) and not opened.fragment_run
    figures, position = run_alone(session.change(0))        # position 0 is "A", shown already: "B" is chosen
    assert position == 2
    assert figures.bytes == sum(len(f) for f in change) < 1000
    sent = ws.sent[-1].rerun_script
    assert set(sent.cached_message_hashes) == {"deck", "w-A"}
    assert [w.string_value for w in sent.widget_states.widgets] == ["B"] and sent.page_script_hash == "p1"
    assert session.value == ("B",) and session.query == "indicator=b"


def test_an_expired_element_is_not_offered_back_so_the_server_resends_it():
    runs = [[_big("deck"), _selectbox(raw="A", hash_="w-A"), _query("indicator=a"), _finished()]]
    for letter in "BCA":                             # three changes that do not draw the deck
        runs.append([_selectbox(raw=letter, hash_=f"w-{letter}"), _query(f"indicator={letter.lower()}"), _finished()])
    session, ws = _session(runs)
    run_alone(session._run(rerun_message(session.query, page_name="p")))
    position = 0
    for _ in range(3):
        _, position = run_alone(session.change(position))
    offered = [set(m.rerun_script.cached_message_hashes) for m in ws.sent[1:]]
    assert "deck" in offered[0] and "deck" in offered[1] and "deck" not in offered[2]
    assert "deck" not in session.cache.hashes()


def test_a_reference_to_an_expired_message_is_an_error_not_a_silent_hit():
    session, _ = _session([[_ref("gone"), _finished()]])
    with pytest.raises(RunError, match="expired"):
        run_alone(session._run(rerun_message("q", page_name="p")))


def test_fragment_run_is_reported_and_the_change_names_the_widgets_fragment():
    first = [_selectbox(raw="A", fragment="f1"), _query("indicator=a"), _finished()]
    change = [_selectbox(raw="B", fragment="f1"), _query("indicator=b"),
              _finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, ("f1",))]
    session, ws = _session([first, change])
    run_alone(session._run(rerun_message(session.query, page_name="p")))
    figures, _ = run_alone(session.change(1))
    assert figures.fragment_run and ws.sent[-1].rerun_script.fragment_id == "f1"


def test_a_change_that_leaves_the_url_parameter_alone_is_an_error():
    first = [_selectbox(raw="A"), _query("indicator=a"), _finished()]
    session, _ = _session([first, [_selectbox(raw="B"), _query("indicator=a"), _finished()]])
    run_alone(session._run(rerun_message(session.query, page_name="p")))
    with pytest.raises(RunError, match="URL parameter 'indicator'"):
        run_alone(session.change(1))


def test_an_option_the_widget_does_not_offer_and_two_widgets_with_one_label_are_errors():
    session, _ = _session([[_selectbox(raw="A", options=("A", "C")), _finished()]])
    run_alone(session._run(rerun_message(session.query, page_name="p")))
    with pytest.raises(RunError, match="'B' is not an option"):
        run_alone(session.change(1))
    session, _ = _session([[_selectbox(id_="w1"), _selectbox(id_="w2"), _finished()]])
    with pytest.raises(RunError, match="two selectboxes labelled 'Indicator'"):
        run_alone(session._run(rerun_message(session.query, page_name="p")))


def test_an_exception_on_the_page_or_another_page_fails_the_run():
    def exception(m):
        m.delta.new_element.exception.type = "KeyError"
    session, _ = _session([[_serialized(exception), _finished()]])
    with pytest.raises(RunError, match="exception shown"):
        run_alone(session._run(rerun_message("q", page_name="p")))
    session, _ = _session([[_page("p1"), _finished()], [_page("p2"), _finished()]])
    run_alone(session._run(rerun_message("q", page_name="p")))
    with pytest.raises(RunError, match="another page"):
        run_alone(session._run(rerun_message("q", page_hash="p1")))


# ---- scenarios --------------------------------------------------------------------------------------------

def test_the_shipped_scenarios_cover_every_page_and_parse():
    scenarios = load_scenarios(SCENARIOS_PATH)
    pages = {s.page for s in scenarios.values()}
    app_paths = {"", "explorer", "inequalities", "social-progress", "pillars", "profile", "compare", "change",
                 "upload", "sources", "accessibility"}
    assert app_paths <= pages
    assert scenarios["explorer"].query == "level=ward24" and scenarios["explorer_lsoa"].query == "level=lsoa21"
    assert scenarios["compare"].kind == "multiselect" and all(len(v) == 2 for v in scenarios["compare"].cycle)
    assert all(len(set(s.cycle)) >= 2 for s in scenarios.values() if s.kind != "button")
    assert scenarios["meeting_deck"].kind == "button" and scenarios["meeting_deck"].url_param == "meeting_step"


def test_a_button_scenario_presses_its_own_label_and_must_change_the_link():
    text = """
next:
  page: deck
  query: meeting=1
  widget: {kind: button, label: "Next ▶"}
  url_param: meeting_step
  cycle: ["Next ▶"]
"""
    assert parse_scenarios(text)["next"].cycle == (("Next ▶",),)
    with pytest.raises(ScenarioError, match="lists its label"):
        parse_scenarios(text.replace('cycle: ["Next ▶"]', 'cycle: ["Previous"]'))
    with pytest.raises(ScenarioError, match="needs url_param"):
        parse_scenarios(text.replace("  url_param: meeting_step\n", ""))
    press = BackMsg()
    press.ParseFromString(rerun_message("meeting=1", page_hash="h", widget_id="w", value=("Next ▶",), kind="button"))
    [state] = press.rerun_script.widget_states.widgets
    assert state.id == "w" and state.trigger_value is True


def test_scenario_parsing_reads_values_per_kind():
    parsed = parse_scenarios("""
a:
  page: explorer
  query: level=ward24
  widget: {kind: selectbox, label: Indicator}
  url_param: indicator
  cycle: [One, Two]
b:
  page: ""
  widget: {kind: multiselect, label: Wards to compare}
  cycle: [[X, Y], Z]
""")
    assert list(parsed) == ["a", "b"]
    assert parsed["a"].cycle == (("One",), ("Two",)) and parsed["a"].url_param == "indicator"
    assert parsed["b"].cycle == (("X", "Y"), ("Z",)) and parsed["b"].page == "" and parsed["b"].query == ""


@pytest.mark.parametrize("text, message", [
    ("a: {page: x, widget: {kind: slider, label: L}, cycle: [1, 2]}", "kind 'slider'"),
    ("a: {page: x, widget: {kind: selectbox, label: L}, cycle: [One]}", "at least two"),
    ("a: {page: x, widget: {kind: selectbox, label: L}, cycle: [One, One]}", "at least two"),
    ("a: {page: x, widget: {kind: selectbox, label: L}, cycle: [[A, B], C]}", "one option's text"),
    ("a: {page: x, widget: {kind: selectbox, label: L}, cycle: [A, B], colour: red}", "unknown key"),
    ("a: {page: x, cycle: [A, B]}", "missing widget"),
    ("a: {page: /x, widget: {kind: selectbox, label: L}, cycle: [A, B]}", "without slash"),
    ("a: {page: x, query: '?a=1', widget: {kind: selectbox, label: L}, cycle: [A, B]}", "without '?'"),
    ("a: [", "not valid YAML"),
    ("", "expected a mapping"),
])
def test_scenario_errors_say_what_is_wrong(text, message):
    with pytest.raises(ScenarioError, match=message):
        parse_scenarios(text)


def test_next_value_skips_the_option_already_shown():
    cycle = (("A",), ("B",), ("C",))
    assert next_value(cycle, 0, None) == (("A",), 1)
    assert next_value(cycle, 0, ("A",)) == (("B",), 2)
    assert next_value(cycle, 2, ("C",)) == (("A",), 4)          # wraps around
    assert next_value(cycle, 4, ("A",)) == (("B",), 5)          # position 4 = "B", not shown: taken


# ---- page figures and tables ------------------------------------------------------------------------------

def _round(n, reruns, rerun_bytes, cpu, fragment_runs=0, errors=(), first=(0.5,), first_bytes=(9000,),
           rerun_wire=None):
    r = Round(n, first=list(first), first_bytes=list(first_bytes), reruns=list(reruns),
              rerun_bytes=list(rerun_bytes), first_wire=[b // 4 for b in first_bytes],
              rerun_wire=list(rerun_wire if rerun_wire is not None else [b // 4 for b in rerun_bytes]),
              compressed=len(first), fragment_runs=fragment_runs, errors=list(errors),
              rss_before=300, rss_open=310, rss_peak=320 + n, change_cpu_s=cpu, wall_s=10, other_cpu_s=5)
    r.by_element.update({"deck_gl_json_chart": 900, "markdown": 100})
    return r


def test_page_figures_pool_rounds_per_n_and_take_bytes_from_n1():
    run = PageRun(rounds={1: [_round(1, [0.1, 0.3], [2048, 4096], 0.2), _round(1, [0.2], [1024], 0.1)],
                          10: [_round(10, [1.0] * 19 + [3.0], [99 * 1024] * 20, 4.0, errors=["change: x"])]},
                  rss_after=333, warm_first_s=2.0)
    f = page_figures(run)
    assert f["n"][1]["median_ms"] == pytest.approx(200) and f["n"][1]["cpu_ms"] == pytest.approx(100)
    assert f["n"][10]["p95_ms"] == pytest.approx(1000) and f["n"][10]["errors"] == 1
    assert f["kb_change"] == pytest.approx(2.0) and f["kb_change_max"] == pytest.approx(4.0)  # N = 1 rounds only
    assert f["kb_first"] == pytest.approx(9000 / 1024) and f["run"] == "full"
    assert f["rss_after"] == 333 and f["rss_peak"] == 330 and f["cold_first_ms"] == 2000
    assert f["elements"] == {"deck_gl_json_chart": 0.9, "markdown": 0.1} and f["errors"] == ["change: x"]
    assert f["n"][1]["others_cores"] == pytest.approx(0.5)


def test_run_kind_says_whether_changes_reran_a_fragment():
    assert page_figures(PageRun(rounds={1: [_round(1, [0.1, 0.1], [1, 1], 0, fragment_runs=2)]}))["run"] == "fragment"
    assert page_figures(PageRun(rounds={1: [_round(1, [0.1, 0.1], [1, 1], 0, fragment_runs=1)]}))["run"] == "mixed"


def test_tables_show_each_n_and_ratios_against_the_reference():
    this = {"pillars": page_figures(PageRun(rounds={1: [_round(1, [0.1], [2048], 0.05)],
                                                    25: [_round(25, [1.0], [2048], 1.0)]}, rss_after=400))}
    ref = {"pillars": page_figures(PageRun(rounds={1: [_round(1, [0.4], [4096], 0.1)],
                                                   25: [_round(25, [4.0], [4096], 4.0)]}, rss_after=400))}
    table = markdown_table(this, [1, 25])
    assert table[0].startswith("| page | rerun | N=1 ms (median) | CPU ms per rerun | N=25 median / p95 ms |")
    assert table[2].startswith("| pillars | full | 100 | 50 | 1,000 / 1,000 | 2 | 0.5 | 9 (2) | 400 / 345 | 0 |")
    ratios = ratio_table(this, ref, [1, 25])
    assert ratios[2] == "| pillars | 0.25 | 0.50 | 0.25 | 0.50 | 0.50 |"


def test_rounds_alternate_which_server_goes_first():
    assert round_order(["this", "ref"], 0) == ["this", "ref"]
    assert round_order(["this", "ref"], 1) == ["ref", "this"]
    assert round_order(["this"], 1) == ["this"]


# ---- profiles ---------------------------------------------------------------------------------------------

RUNNER = ("Thread.run (/usr/lib/python3.11/threading.py:971);"
          "ScriptRunner._run_script (/x/site-packages/streamlit/runtime/scriptrunner/script_runner.py:600);"
          f"<module> ({ROOT}/app.py:1);Page.run (/x/site-packages/streamlit/navigation/page.py:540);"
          f"<module> ({ROOT}/app_pages/pillars.py:1)")


def test_rank_project_functions_and_the_library_calls_they_make():
    text = "\n".join([
        f"thread (1): ScriptRunner.scriptThread;{RUNNER};small_multiples ({ROOT}/components/pillar_view.py:90);"
        "wrapped_func (/x/site-packages/streamlit/runtime/metrics_util.py:400);"
        "altair_chart (/x/site-packages/streamlit/elements/vega_charts.py:2237);"
        "to_dict (/x/site-packages/altair/utils/schemapi.py:1167) 60",
        f"thread (1): ScriptRunner.scriptThread;{RUNNER};area_list ({ROOT}/components/pillar_view.py:298);"
        "astype (/x/site-packages/pandas/core/generic.py:6591) 30",
        f"thread (1): ScriptRunner.scriptThread;{RUNNER} 10",
        "thread (2): MainThread;_run_once (/usr/lib/python3.11/asyncio/base_events.py:1900) 500",
        "not a stack line",
    ])
    stacks = parse_collapsed(text)
    assert len(stacks) == 4 and stacks[0][0] == "ScriptRunner.scriptThread" and stacks[0][2] == 60
    total, project = rank(stacks, "project")
    assert total == 100                                         # the main thread's samples are not script time
    assert [(c.frame, c.inclusive) for c in project] == [
        ("<module> (app_pages/pillars.py:1)", 100), ("small_multiples (components/pillar_view.py:90)", 60),
        ("area_list (components/pillar_view.py:298)", 30)]
    _, calls = rank(stacks, "calls")                            # the metrics wrapper is seen through
    assert [(c.frame, c.inclusive) for c in calls] == [
        ("altair_chart (streamlit/elements/vega_charts.py:2237)", 60), ("astype (pandas/core/generic.py:6591)", 30)]
    _, everything = rank(stacks, "all")
    assert not any("app.py" in c.frame or "script_runner" in c.frame for c in everything)
    assert ("to_dict (altair/utils/schemapi.py:1167)", 60, 60) in [(c.frame, c.inclusive, c.own) for c in everything]
    rows = format_costs(total, project, rate_hz=100, reruns=5)
    assert rows[3] == "| 2 | `small_multiples (components/pillar_view.py:90)` | 60% | 120 | 0 |"


def test_frames_are_shortened_and_project_code_is_told_from_libraries():
    assert short_frame("f (/a/lib/python3.11/site-packages/pandas/core/frame.py:4)") == "f (pandas/core/frame.py:4)"
    assert short_frame(f"g ({ROOT}/metrics/sii.py:10)") == "g (metrics/sii.py:10)"
    assert short_frame("h (/usr/lib/python3.11/json/__init__.py:183)") == "h (stdlib/json/__init__.py:183)"
    assert is_project(f"g ({ROOT}/metrics/sii.py:10)") and not is_project(f"<module> ({ROOT}/app.py:1)")
    assert not is_project("f (/a/site-packages/pandas/core/frame.py:4)")


# ---- the reference checkout ------------------------------------------------------------------------------

def test_a_revision_is_resolved_or_refused_before_any_checkout():
    assert len(resolve("HEAD")) == 40
    with pytest.raises(WorktreeError):
        resolve("no-such-revision-for-the-bench")


def test_free_port_stays_in_the_given_range_and_never_repeats(monkeypatch):
    from bench.server import PORTS_ENV, free_port

    monkeypatch.setenv(PORTS_ENV, "9090-9099")
    ports = [free_port() for _ in range(3)]
    assert len(set(ports)) == 3 and all(9090 <= p <= 9099 for p in ports)
