"""The shared sidebar: geography level and community committee, the same on every page."""
from __future__ import annotations

import streamlit as st

from components import benchmark
from components.params import MAP_LEVELS
from components.committee import no_committees_sentence
from components.store import area_catalogue, built_at, home_is_leeds


def shared_sidebar() -> None:
    """Level and committee pickers bound to session state (their values drive every page)."""
    catalogue = area_catalogue()
    levels = catalogue.levels
    committees = {"all": "All of Leeds"} | {c.code: c.name for c in catalogue.community_committees.committees}
    with st.sidebar:
        st.selectbox("Geography", MAP_LEVELS, key="level", format_func=lambda lv: levels[lv].label,
                     help="Neighbourhoods (LSOAs, ~1,500 people), MSOAs (~7,500), wards or community committees.")
        if home_is_leeds(built_at()):
            st.selectbox("Community committee", list(committees), key="committee", format_func=committees.get,
                         help="Zoom to a committee's wards and dim the rest of Leeds. " + catalogue.community_committees.caveat)
        else:       # another district (BCA_DISTRICT): no committees; every page shows the whole district
            st.session_state["committee"] = "all"
            st.caption(no_committees_sentence())
        benchmark.picker()
