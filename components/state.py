"""Session-state keys, declared once with their defaults, and their two-way sync with the URL.

A shared link must reopen exactly the same view, so every view-defining widget writes its value into
the query string; unknown or malformed parameters are ignored with a short notice, never an error.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import time
import re

import streamlit as st
from streamlit.errors import StreamlitWidgetAlreadyInstantiatedError

from data.safe_text import plain


MAX_VALUE_LENGTH = 100          # longer than any code, id or label a link carries


@dataclass(frozen=True)
class Param:
    """One URL parameter: its session key, default and validator (returns the clean value or None).

    ``max_length`` bounds the raw value before it is parsed (a few parameters, like a meeting deck, carry more
    than a code); ``why``, when given, says in one plain sentence why a value was refused (its notice)."""

    key: str
    default: object
    parse: Callable[[str], object | None]
    max_length: int = MAX_VALUE_LENGTH
    why: Callable[[str], str] | None = None
    encode: Callable[[object], str] = field(default=str)   # the value as the link writes it (parse's inverse)


MAX_PARAMS = 60                 # more than the app has; a link with more is not one the app wrote
MAX_NOTICES = 5
_ASCII_DIGITS = re.compile(r"[0-9]{1,3}")
_CODE = re.compile(r"[A-Za-z0-9-]{1,30}")


def choice(options: Callable[[], list[str]]) -> Callable[[str], str | None]:
    """A value from a known list (compared exactly; over-long values are not looked up)."""
    return lambda raw: raw if len(raw) <= MAX_VALUE_LENGTH and raw in options() else None


def int_in(low: int, high: int) -> Callable[[str], int | None]:
    """A whole number written in ASCII digits (not "²", "٣" or "1_0", which Python's int() would take or
    choke on) within [low, high]."""
    def parse(raw: str) -> int | None:
        if not _ASCII_DIGITS.fullmatch(raw):
            return None
        value = int(raw)
        return value if low <= value <= high else None
    return parse


def code_like(known: Callable[[str], bool] = lambda code: True) -> Callable[[str], str | None]:
    """An area code: ASCII letters, digits and hyphens, at most 30, and accepted by ``known``."""
    return lambda raw: raw if _CODE.fullmatch(raw) and known(raw) else None


def code_list(known: Callable[[str], bool] = lambda code: True, most: int = 6) -> Callable[[str], str | None]:
    """Up to ``most`` comma-separated area codes (empty allowed), each as :func:`code_like`."""
    one = code_like(known)
    return lambda raw: raw if raw == "" or (raw.count(",") < most and all(one(p) for p in raw.split(","))) else None


def choice_list(options: Callable[[], list[str]], most: int) -> Callable[[str], list[str] | None]:
    """Up to ``most`` comma-separated values, each from a known list, none twice (empty: none chosen)."""
    def parse(raw: str) -> list[str] | None:
        if raw == "":
            return []
        parts = raw.split(",")
        known = options()
        ok = len(parts) <= most and len(set(parts)) == len(parts) and all(p in known for p in parts)
        return parts if ok else None
    return parse


def words_list(most: int, longest: int) -> Callable[[str], list[str] | None]:
    """Up to ``most`` comma-separated labels (letters, digits, spaces and & ' / . ( ) -), each at most
    ``longest`` characters: values the page then checks against its own options (e.g. types of a stored list)."""
    label = re.compile(rf"[A-Za-z0-9 &'/.()\-]{{1,{longest}}}")
    def parse(raw: str) -> list[str] | None:
        if raw == "":
            return []
        parts = raw.split(",")
        ok = len(parts) <= most and len(set(parts)) == len(parts) and all(label.fullmatch(p) for p in parts)
        return parts if ok else None
    return parse


def codes(known: Callable[[str], bool], most: int) -> Callable[[str], list[str] | None]:
    """Up to ``most`` comma-separated codes (as :func:`code_like`), none twice, as a list."""
    one = code_like(known)
    def parse(raw: str) -> list[str] | None:
        if raw == "":
            return []
        parts = raw.split(",")
        return parts if len(parts) <= most and len(set(parts)) == len(parts) and all(one(p) for p in parts) else None
    return parse


_TEXT = re.compile(r"[^\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]*")


def search_text(longest: int) -> Callable[[str], str | None]:
    """Search words as typed: at most ``longest`` characters, no control, bidi or invisible characters (a
    link must not hide text from its reader); shown only inside a text box, never as Markdown."""
    return lambda raw: raw if len(raw) <= longest and _TEXT.fullmatch(raw) else None


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def clock(raw: str) -> time | None:
    """A time of day written HH:MM (24-hour, ASCII digits)."""
    match = _CLOCK.fullmatch(raw)
    return time(int(match[1]), int(match[2])) if match else None


def clock_text(value: object) -> str:
    return value.strftime("%H:%M") if isinstance(value, time) else str(value)


def parse_params(raw: Mapping[str, str], params: Mapping[str, Param]) -> tuple[dict, list[str]]:
    """Pure: clean values for known, valid parameters and a notice for each one ignored.

    Notices quote names and values as plain text (data.safe_text.plain); the page escapes them once when
    it shows them, so a parameter named like a Markdown link shows as text, never as a link.
    """
    clean, ignored = {}, []
    for position, (name, value) in enumerate(raw.items()):
        if position >= MAX_PARAMS:
            ignored.append(f"Ignored {len(raw) - MAX_PARAMS} more link parameters (a link has at most {MAX_PARAMS}).")
            break
        param = params.get(name)
        if param is None:
            ignored.append(f"Ignored unknown link parameter '{plain(name, 30)}'.")
            continue
        text = str(value)
        parsed = param.parse(text) if len(text) <= param.max_length else None
        if parsed is None and param.why is not None:
            ignored.append(f"Ignored link parameter '{name}': {plain(param.why(text), 200)}")
        elif parsed is None:
            ignored.append(f"Ignored link parameter '{name}': '{plain(text, 30)}' is not a valid value.")
        else:
            clean[param.key] = parsed
    notices = ignored[:MAX_NOTICES]
    if len(ignored) > MAX_NOTICES:
        notices.append(f"Ignored {len(ignored) - MAX_NOTICES} more link parameters that were not valid.")
    return clean, notices


def init_from_url(params: Mapping[str, Param]) -> list[str]:
    """Seed session state from the URL on the first run, and again whenever the URL is not the one this
    session last wrote: a link (``st.page_link`` with query parameters, the browser's back button) then
    carries the reader's intent, so its own parameters win over stale choices; keys it does not name keep
    their values. Runs whose URL is the session's own keep the reader's choices."""
    raw = {name: str(value) for name, value in st.query_params.items()}
    first = not st.session_state.get("_url_loaded")
    if first or (raw and raw != st.session_state.get("_url_written")):
        clean, notices = parse_params(raw, params)
        for param in params.values():
            if param.key in clean:
                st.session_state[param.key] = clean[param.key]
            else:
                st.session_state.setdefault(param.key, param.default)
        st.session_state["_url_loaded"] = True
        st.session_state["_url_notices"] = notices
        st.session_state["_url_written"] = raw
    else:
        for param in params.values():
            st.session_state.setdefault(param.key, param.default)
    return st.session_state.get("_url_notices", [])


def synced(state_key: str, widget_key: str, then=None, encode=lambda value: value):
    """A widget callback copying the reader's choice into ``state_key`` before the next run reads it.

    Without it the next run would find the old ``state_key`` and put it back into the widget, undoing
    the choice (AppTest, which sets state directly, would not notice; a browser does).
    """
    def sync() -> None:
        st.session_state[state_key] = encode(st.session_state[widget_key])
        if then is not None:
            then()
    return sync


WIDGET_PREFIX = "_w_"
_STORED = object()


def bound(state_key: str, then=None, encode=lambda value: value, value=_STORED) -> dict:
    """``key`` and ``on_change`` for a widget showing the URL-bound choice ``state_key``, which the widget does not own.

    The choice lives under ``state_key``, a plain session key: keep_url_state re-stores it on every run and page
    switches keep it. The widget has its own key (``_w_<state_key>``) and a callback that copies the reader's pick
    into the choice. Its key is written only when it does not show the choice already (first draw, a link,
    back/forward, a page switch, a choice the page corrected): Streamlit sends a widget's value with it whenever its
    key was written in that run, so a picker rewritten on every run went out whole (a 10 KB list of options) with
    every change; left alone it is byte-identical from run to run and goes as a cached reference (config.toml,
    ``minCachedMessageSize``). ``value`` is what the widget shows when that is not the stored choice as it is
    (e.g. a toggle's True for "1"). Only for a widget key that one page alone draws: a same-keyed widget of another
    page has another id, which would start at its default while the old one still holds the value (bound_select)."""
    widget_key = WIDGET_PREFIX + state_key
    shown = st.session_state.get(state_key) if value is _STORED else value
    if widget_key not in st.session_state or st.session_state[widget_key] != shown:
        st.session_state[widget_key] = shown
    return {"key": widget_key, "on_change": synced(state_key, widget_key, then, encode)}


def bound_widget(widget, *args, state: str, then=None, encode=lambda value: value, value=_STORED, **kwargs):
    """Draw ``widget`` bound to the URL-bound choice ``state`` (see :func:`bound`) and return its value, which is
    stored as the choice too: a stored value that is not an option (an old link) is what Streamlit replaces by the
    first option, and the page must then read the option shown, not the old value."""
    shown = widget(*args, **bound(state, then, encode, value), **kwargs)
    st.session_state[state] = encode(shown)
    return shown


def bound_select(label: str, options: list, state_key: str, widget=st.selectbox, on_change=None, **kwargs):
    """A widget whose value lives in ``state_key`` (URL-bound) and survives page switches."""
    widget_key = f"{WIDGET_PREFIX}{state_key}"
    current = st.session_state.get(state_key)
    if current not in options:
        current = options[0] if options else None
    # Always (re)write the widget's value: a same-keyed widget of another page (e.g. the explorer's area picker
    # before the profile's) may still hold it, and a new widget would not take that stale value but its default.
    # (:func:`bound`, which writes only a changed value, is for a widget key that one page alone draws.)
    st.session_state[widget_key] = current
    value = widget(label, options, key=widget_key, on_change=synced(state_key, widget_key, on_change), **kwargs)
    st.session_state[state_key] = value
    return value


_ENCLOSED: ContextVar[bool] = ContextVar("url_steps_enclosed", default=False)


def keep_url_state(params: Mapping[str, Param]) -> None:
    """Re-store every URL-bound key: at the start of each full run (app.py) and at the top of every st.fragment.

    Streamlit drops a widget's value once the widget is no longer drawn, which would reset the choice and drop it
    from the link; a value written through the Session State API during the last run survives that clean-up.
    A choice whose session key is its widget's key (the SII indicator, the sidebar's level; the explorer's controls
    use :func:`bound` instead, so that a change does not re-send them) is kept under the widget's id, and on a page switch Streamlit removes the values of widgets the browser
    no longer shows before the new page runs. So the run just before a page switch must have re-stored every such
    choice, and that run may be a fragment's (which skips app.py): a fragment that re-stored only its own keys let
    the explorer's indicator fall out of the link at the next page switch (issues 19/20). Every fragment therefore
    calls this with all the keys, the same way. A key whose widget this run has already drawn (the sidebar, or a
    page's control above a fragment, on a full run) holds the reader's choice already and may not be written.
    Inside :func:`url_steps_enclosed` the enclosing run has done this already: nothing to do.
    """
    if _ENCLOSED.get():
        return
    for param in params.values():
        if param.key in st.session_state:
            try:
                st.session_state[param.key] = st.session_state[param.key]
            except StreamlitWidgetAlreadyInstantiatedError:    # drawn earlier in this run: its value is current
                pass


@contextmanager
def url_steps_enclosed() -> Iterator[None]:
    """Around a nested fragment's call from a run that keeps the URL state before it and writes the link after it
    (an enclosing fragment): inside, :func:`keep_url_state` and :func:`write_url` return at once, as the nested
    fragment's own two steps would only repeat the enclosing run's (~47 keys each). When the nested fragment reruns
    alone, it is outside this block and does both. Context variables are per thread, and each session's script runs
    in its own thread."""
    token = _ENCLOSED.set(True)
    try:
        yield
    finally:
        _ENCLOSED.reset(token)


def write_url(params: Mapping[str, Param]) -> None:
    """Mirror the current state into the query string (defaults are left out to keep links short).

    A value the link would refuse (e.g. this session's uploaded data, which a link cannot carry) is
    left out too, so a shared link never produces an "ignored parameter" notice for its recipient. Inside
    :func:`url_steps_enclosed` the enclosing run writes the link after: nothing to do.
    """
    if _ENCLOSED.get():
        return
    wanted = {}
    for name, param in params.items():
        value = st.session_state.get(param.key, param.default)
        if value != param.default and value is not None:
            text = param.encode(value)
            if len(text) <= param.max_length and param.parse(text) is not None:
                wanted[name] = text
    current = {name: str(value) for name, value in st.query_params.items()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    st.session_state["_url_written"] = wanted
