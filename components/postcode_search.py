"""The "find my area" postcode box, offline: the postcode is looked up in the store's copy of the ONS
Postcode Directory (data/postcodes.yaml), never sent anywhere.

Pages pass what a Leeds postcode should do (``apply``: e.g. select its LSOA); it runs in the text box's
callback, before the page is drawn, so it may set the state of widgets the page draws later.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components import store
from data.catalogue import load_postcode_config
from data.safe_text import safe_text
from metrics.postcodes import MAX_INPUT, PostcodeResult, classify, tidy


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_leeds(stamp: str):
    """Leeds postcodes indexed by postcode (about 31,000 rows; shared, read-only)."""
    return store.table("postcodes_leeds", stamp).set_index("postcode", drop=False)


def find(raw: str, stamp: str) -> PostcodeResult:
    """Classify what the reader typed: Leeds (with its areas), elsewhere (with its district), unknown or malformed."""
    compact = tidy(raw)
    leeds_row = other_row = None
    if compact is not None:
        leeds = _cached_leeds(stamp)
        if compact in leeds.index:
            leeds_row = leeds.loc[compact].to_dict()
        else:
            rows = store.rows("postcodes_other", "postcode", compact)
            other_row = rows.iloc[0].to_dict() if len(rows) else None
    return classify(raw, leeds_row, other_row, store.home(stamp)["name"])


def postcode_box(key: str, apply: Callable[[PostcodeResult], None] | None = None) -> PostcodeResult | None:
    """The box and its one-sentence answer; returns the last result (None before the first search)."""
    result_key = f"{key}_result"

    def submitted() -> None:
        result = find(st.session_state.get(key, ""), store.built_at())
        st.session_state[result_key] = result
        if result.kind == "leeds" and apply is not None:
            apply(result)

    st.text_input("Find my area: type a postcode", key=key, max_chars=MAX_INPUT, on_change=submitted,
                  placeholder="e.g. LS1 1UR",
                  help="Looked up in a copy of the ONS Postcode Directory kept with the atlas: nothing you type "
                       "leaves this server.")
    result = st.session_state.get(result_key)
    if isinstance(result, PostcodeResult):
        message = safe_text(result.sentence, limit=None)
        if result.kind == "leeds":
            st.success(message, icon=":material/location_on:")
        else:
            st.warning(message, icon=":material/search_off:")
    return result


def attribution() -> str:
    """The ONSPD attribution (ONS, OS, Royal Mail, GeoPlace) to show wherever the search is."""
    return load_postcode_config().attribution


def select_lsoa(result: PostcodeResult) -> None:
    """``apply`` for the map pages: show LSOAs and select the postcode's LSOA (explorer, profile, home)."""
    st.session_state["level"] = "lsoa21"
    st.session_state["area"] = result.lsoa21_code
    st.session_state["profile_level"] = "lsoa21"


def links_for(result: PostcodeResult | None) -> None:
    """After a Leeds result: links to the LSOA's profile and to the explorer, where it is selected."""
    if isinstance(result, PostcodeResult) and result.kind == "leeds":
        c1, c2 = st.columns(2)
        c1.page_link("app_pages/profile.py", label="Open its area profile", icon=":material/location_city:")
        c2.page_link("app_pages/explorer.py", label="Show it on the map explorer", icon=":material/layers:")
