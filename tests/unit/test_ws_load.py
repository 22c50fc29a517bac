"""The pure parts of bench/ws_load.py: figures, the BackMsg it sends, how it reads ForwardMsgs."""
from __future__ import annotations

import math

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.ws_load import (PICKER, Event, indicator_in_query, log_problems, parse_forward_msg, rerun_message,
                           stream_url, summary)


def test_summary_median_p95_max():
    times = [float(t) for t in range(1, 21)]  # 1 .. 20 s
    figures = summary(times[::-1])
    assert figures == {"n": 20, "median": 10.5, "p95": 19.0, "max": 20.0}
    assert math.isnan(summary([])["p95"]) and summary([])["n"] == 0


def test_stream_url_is_loopback_only():
    assert stream_url("http://127.0.0.1:8765") == "ws://127.0.0.1:8765/_stcore/stream"
    with pytest.raises(ValueError):
        stream_url("http://example.org:8501")


def test_change_message_carries_widget_value_query_page_and_cache():
    back = BackMsg()
    back.ParseFromString(rerun_message("level=ward24&indicator=fuel_poverty", page_hash="abc",
                                       widget_id="$$ID-1-indicator", value="Health: Life expectancy at birth: women",
                                       cached=("h1", "h2")))
    state = back.rerun_script
    assert back.WhichOneof("type") == "rerun_script"
    assert state.query_string == "level=ward24&indicator=fuel_poverty" and state.page_script_hash == "abc"
    assert [(w.id, w.WhichOneof("value"), w.string_value) for w in state.widget_states.widgets] == [
        ("$$ID-1-indicator", "string_value", "Health: Life expectancy at birth: women")]
    assert list(state.cached_message_hashes) == ["h1", "h2"]


def test_change_of_a_widget_in_a_fragment_names_the_fragment_as_the_browser_does():
    back = BackMsg()
    back.ParseFromString(rerun_message("indicator=fuel_poverty", page_hash="abc", widget_id="$$ID-1-indicator",
                                       value="Housing: Fuel poverty", fragment_id="frag-7"))
    assert back.rerun_script.fragment_id == "frag-7"
    back.ParseFromString(rerun_message("indicator=fuel_poverty", page_hash="abc", widget_id="$$ID-1-indicator",
                                       value="Housing: Fuel poverty"))
    assert back.rerun_script.fragment_id == ""                  # outside a fragment: a full run


def test_first_message_names_the_page_and_sends_no_widget():
    back = BackMsg()
    back.ParseFromString(rerun_message("level=ward24", page_name="explorer"))
    assert back.rerun_script.page_name == "explorer" and not back.rerun_script.page_script_hash
    assert len(back.rerun_script.widget_states.widgets) == 0


def _serialized(build) -> bytes:
    msg = ForwardMsg()
    build(msg)
    return msg.SerializeToString()


def test_parse_script_finished_query_and_exception():
    assert parse_forward_msg(_serialized(lambda m: setattr(m, "script_finished", ForwardMsg.FINISHED_SUCCESSFULLY))) \
        == Event("finished", "FINISHED_SUCCESSFULLY")
    assert parse_forward_msg(_serialized(lambda m: setattr(m, "script_finished",
                                                           ForwardMsg.FINISHED_WITH_COMPILE_ERROR))).value \
        == "FINISHED_WITH_COMPILE_ERROR"
    query = parse_forward_msg(_serialized(lambda m: setattr(m.page_info_changed, "query_string",
                                                            "indicator=fuel_poverty&period=2020")))
    assert query == Event("query", "indicator=fuel_poverty&period=2020")

    def exception(m):
        m.delta.new_element.exception.type = "KeyError"
        m.delta.new_element.exception.message = "'fuel_poverty'"
    assert parse_forward_msg(_serialized(exception)) == Event("exception", "KeyError: 'fuel_poverty'")


def test_parse_picker_ref_and_page():
    def picker(m):
        m.delta.new_element.selectbox.id = "$$ID-9-indicator"
        m.delta.new_element.selectbox.label = PICKER
        m.delta.new_element.selectbox.options[:] = ["A: a", "B: b"]
        m.hash, m.metadata.cacheable = "h9", True
    assert parse_forward_msg(_serialized(picker)) == Event("picker", "$$ID-9-indicator", ("A: a", "B: b"), hash="h9")

    def picker_in_fragment(m):
        picker(m)
        m.delta.fragment_id = "frag-7"
    assert parse_forward_msg(_serialized(picker_in_fragment)).fragment == "frag-7"
    assert parse_forward_msg(_serialized(picker)).fragment == ""

    def other_selectbox(m):
        m.delta.new_element.selectbox.label = "Classes by"
    assert parse_forward_msg(_serialized(other_selectbox)).kind == "other"
    assert parse_forward_msg(_serialized(lambda m: setattr(m, "ref_hash", "h9"))) == Event("ref", "h9")
    page = parse_forward_msg(_serialized(lambda m: setattr(m.navigation, "page_script_hash", "p1")))
    assert page == Event("page", "p1")
    assert parse_forward_msg(_serialized(lambda m: setattr(m.page_not_found, "page_name", "x"))).kind == "not_found"


def test_indicator_in_query_and_log_problems():
    assert indicator_in_query("level=msoa&indicator=life_expectancy_male&period=2019") == "life_expectancy_male"
    assert indicator_in_query("period=2025") is None
    log = "  You can now view your Streamlit app\nTraceback (most recent call last):\nValueError: bad\nok"
    assert log_problems(log) == ["Traceback (most recent call last):", "ValueError: bad"]
