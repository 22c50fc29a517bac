"""The URL-state rule for fragments (components.state.keep_url_state), issues 19/20.

A fragment run skips app.py, so each st.fragment of a page starts by re-storing every URL-bound choice, the same
call everywhere: a fragment that re-stored only its own keys let a choice made on another page (the explorer's
indicator) fall out of the link at the next page switch. The browser test
tests/browser/test_widgets_stick.py::test_choices_survive_switching_pages drives the real thing (one session through
every page with a fragment); these checks are fast: the source rule (AST) and the function's two cases (AppTest).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _is_fragment(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fragment"


def _first_call(function: ast.FunctionDef) -> str:
    body = function.body[1:] if ast.get_docstring(function) else function.body
    first = body[0] if body else None
    return ast.unparse(first.value) if isinstance(first, ast.Expr) and isinstance(first.value, ast.Call) else ""


def _fragments() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted([*(ROOT / "app_pages").glob("*.py"), *(ROOT / "components").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(_is_fragment(d) for d in node.decorator_list):
                found.append((path.relative_to(ROOT).as_posix(), node))
    return found


def test_every_fragment_that_draws_starts_by_keeping_every_url_choice():
    fragments = _fragments()
    assert len(fragments) >= 10, [f"{p}:{f.name}" for p, f in fragments]      # the rule is looking at real code
    drawing = [(path, f) for path, f in fragments if len(f.body) > 1 or not ast.get_docstring(f)]
    offenders = [f"{path}:{f.name} starts with {_first_call(f)!r}" for path, f in drawing
                 if _first_call(f) != "keep_url_state(PARAMS)"]
    assert offenders == []


def test_no_page_keeps_only_some_keys():
    """One rule, no per-page key lists (65eca7a's SIDEBAR_KEYS in the profile page, the explorer's WIDGET_KEYS)."""
    for path in sorted((ROOT / "app_pages").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "keep_url_state(PARAMS, " not in text and "SIDEBAR_KEYS" not in text, path.name


def _script() -> None:
    """A frame and a fragment in one run: the sidebar-like widget is drawn before the fragment keeps."""
    import streamlit as st

    from components.state import Param, keep_url_state

    params = {"level": Param("level", "a", lambda raw: raw), "indicator": Param("indicator", "x", lambda raw: raw)}
    for param in params.values():
        st.session_state.setdefault(param.key, param.default)
    keep_url_state(params)                    # the frame: before any widget
    st.selectbox("Level", ["a", "b"], key="level")

    @st.fragment
    def part() -> None:
        keep_url_state(params)                # after the level widget: must not raise, must keep the rest
        st.session_state["kept_in_fragment"] = st.session_state["indicator"]
        st.selectbox("Indicator", ["x", "y"], key="indicator")

    part()


def test_keep_url_state_skips_a_widget_this_run_has_drawn_and_keeps_the_others():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["indicator"] = "y"
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="level").value == "a"
    assert at.session_state["kept_in_fragment"] == "y" and at.selectbox(key="indicator").value == "y"
    at.selectbox(key="level").set_value("b").run()
    assert not at.exception, at.exception
    assert at.session_state["level"] == "b" and at.session_state["indicator"] == "y"


def _bound_script() -> None:
    """A URL-bound choice shown by a widget with its own key (components.state.bound), re-stored every run."""
    import streamlit as st

    from components.state import Param, bound, keep_url_state

    params = {"indicator": Param("indicator", "x", lambda raw: raw)}
    st.session_state.setdefault("indicator", "x")
    keep_url_state(params)
    if st.session_state.get("page_sets"):                    # the page corrects the choice (e.g. not at this level)
        st.session_state["indicator"] = st.session_state.pop("page_sets")
    st.selectbox("Indicator", ["x", "y", "z"], **bound("indicator"))


def test_a_bound_widget_is_sent_without_its_value_when_the_reader_changed_it():
    """The reader's change reaches the choice, and the widget goes out exactly as on the run before (no value in it,
    so the browser's cache can send it as a reference); a change made by the page is sent with the widget. Fails
    when the widget's key is the choice's (keep_url_state writes it every run, and every run sends the value)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_bound_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    picker = at.selectbox(key="_w_indicator")
    assert picker.value == "x" and picker.proto.set_value            # first draw: the browser is told the value
    picker.set_value("y").run()
    assert at.session_state["indicator"] == "y"
    first = at.selectbox(key="_w_indicator").proto
    assert not first.set_value
    at.selectbox(key="_w_indicator").set_value("z").run()
    assert at.session_state["indicator"] == "z"
    assert at.selectbox(key="_w_indicator").proto.SerializeToString() == first.SerializeToString()
    at.session_state["page_sets"] = "x"
    at.run()
    assert at.session_state["indicator"] == "x"
    shown = at.selectbox(key="_w_indicator")
    assert shown.value == "x" and shown.proto.set_value and shown.proto.raw_value == "x"
