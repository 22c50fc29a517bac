"""Meeting mode: a projector-friendly view that hides the controls and steps through places.

One switch (or ``?meeting=1`` in the link) turns it on. The sidebar, header and toolbar are hidden
with CSS, type and the map are enlarged, and the profile page shows one place per step with
Previous / Next buttons and a short headline sentence. ``meeting_step`` in the link reopens the
same step, so a chair can share exactly what is on the screen.
"""
from __future__ import annotations

import html

import streamlit as st

from components import store

MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="collapsedControl"], [data-testid="stSidebarNav"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important;}
html, body, [data-testid="stAppViewContainer"] {font-size: 22px !important; color: #111111;}
.block-container, [data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1rem 2.5rem !important;}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.35rem !important;
  line-height: 1.45 !important;}
h1 {font-size: 3rem !important;} h2 {font-size: 2.3rem !important;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {font-size: 3.2rem !important; color: #111111 !important;
  font-weight: 700 !important;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {font-size: 1.3rem !important; color: #222222 !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: 1.05rem !important;
  color: #333333 !important;}
.stButton button {font-size: 1.4rem !important; padding: .6rem 1.6rem !important; min-height: 3.2rem;}
</style>
"""


def is_on() -> bool:
    return st.session_state.get("meeting") == "1"


def _set(value: str) -> None:
    st.session_state["meeting"] = value
    st.session_state["meeting_step"] = 0 if value == "1" else st.session_state.get("meeting_step", 0)


def apply_meeting_mode(exit_button: bool = True) -> None:
    """Called by app.py on every run: in meeting mode, inject the CSS and offer a way out (Esc, as presenters
    expect; a page that draws its own exit, like the meeting deck, passes ``exit_button=False``)."""
    if not is_on():
        return
    st.markdown(MEETING_CSS, unsafe_allow_html=True)
    if exit_button:
        exit_control()


def exit_control(label: str = "Exit meeting mode", **kwargs) -> None:
    """The 'Exit meeting mode' button; the Esc key presses it."""
    st.button(label, key="_meeting_exit", on_click=_set, args=("0",), icon=":material/close:",
              shortcut="Esc", **kwargs)


def meeting_switch() -> None:
    """The one switch that turns meeting mode on (shown on the profile page)."""
    st.toggle("Meeting mode", value=False, key="_meeting_toggle", on_change=_set, args=("1",),
              help="Hides the controls, enlarges type and the map, and steps through a committee's wards. "
                   "Links with ?meeting=1 open in meeting mode.")


def meeting_views(committee: str, stamp: str) -> list[tuple[str, str, str]]:
    """(level, code, name) per step: the committee (or the home district) first, then its wards by name."""
    wards = store.areas("ward24", stamp)
    if committee == "all":
        home = store.home(stamp)
        first = ("lad", home["code"], home["name"])
        chosen = wards
    else:
        committees = store.areas("committee", stamp)
        name = str(committees.loc[committees["code"] == committee, "name"].iloc[0])
        first = ("committee", committee, f"{name} community committee")
        chosen = wards[wards["committee_code"] == committee]
    ordered = chosen.sort_values("name")
    return [first] + [("ward24", str(c), str(n)) for c, n in zip(ordered["code"], ordered["name"])]


def _step(delta: int, total: int) -> None:
    st.session_state["meeting_step"] = (int(st.session_state.get("meeting_step", 0)) + delta) % total


KEYS_HIDDEN_CSS = "<style>.st-key-_meeting_keys {display: none !important;}</style>"


def step_controls(labels: list[str], noun: str = "Step", with_exit: bool = False) -> int:
    """Previous / Next buttons and '<noun> i of n: label'; returns the index to show.

    The arrow keys press Previous / Next, and Page Up / Page Down (what presenter remotes send) press two
    hidden twins of them; with ``with_exit`` the row ends with 'Exit meeting mode' (Esc)."""
    total = len(labels)
    step = int(st.session_state.get("meeting_step", 0) or 0)
    if not 0 <= step < total:
        step = 0
        st.session_state["meeting_step"] = 0
    cols = st.columns([1, 3, 1, 1] if with_exit else [1, 3, 1], vertical_alignment="center")
    cols[0].button("◀ Previous", key="_meeting_prev", on_click=_step, args=(-1, total), width="stretch",
                   shortcut="Left", help="Left arrow or Page Up")
    cols[1].markdown(f"<p class='meeting-counter' style='text-align:center;margin:0'>{noun} {step + 1} of {total}: "
                     f"<strong>{html.escape(labels[step])}</strong></p>", unsafe_allow_html=True)
    cols[2].button("Next ▶", key="_meeting_next", on_click=_step, args=(1, total), width="stretch", type="primary",
                   shortcut="Right", help="Right arrow or Page Down")
    if with_exit:
        with cols[3]:
            exit_control("Exit", width="stretch", help="Esc leaves the presentation")
    with st.container(key="_meeting_keys"):
        st.html(KEYS_HIDDEN_CSS)
        st.button("Previous (Page Up)", key="_meeting_pgup", on_click=_step, args=(-1, total), shortcut="PageUp")
        st.button("Next (Page Down)", key="_meeting_pgdn", on_click=_step, args=(1, total), shortcut="PageDown")
    return step


def stepper(views: list[tuple[str, str, str]]) -> tuple[str, str, str]:
    """Previous / Next buttons and 'step i of n'; returns the view to show."""
    return views[step_controls([name for _, _, name in views])]
