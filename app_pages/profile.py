"""Area profile: one page per place (or, in meeting mode, one projector view per ward)."""
import html

import streamlit as st

from components import meeting, store, user_upload_view
from components import profile as view
from components import captions_view, trend_view
from components.compare import compare_view
from components.postcode_search import attribution as postcode_attribution
from components.postcode_search import postcode_box, select_lsoa
from components.params import PARAMS
from components.state import bound_select, keep_url_state, synced, url_steps_enclosed, write_url
from data.catalogue import level_ids

stamp = store.built_at()
levels = store.area_catalogue().levels


def _level_changed() -> None:
    st.session_state["area"] = None


def _meeting_committee_changed() -> None:
    st.session_state["committee"] = st.session_state["_w_meeting_committee"]
    st.session_state["meeting_step"] = 0


@st.fragment
def profile_tabs(level: str, code: str, name: str, spine) -> None:
    """The tabs, drawing only the open one (st.tabs with state), in a fragment: a "Ward" change builds one
    view, not five, and switching tabs reruns this part alone. The open tab is URL state (profile_tab)."""
    keep_url_state(PARAMS)
    ids = view.tab_ids(level)
    if st.session_state.get("profile_tab") not in ids:
        st.session_state["profile_tab"] = ids[0]
    home = store.home(stamp)["name"]
    st.session_state["_w_profile_tab"] = view.tab_label(st.session_state["profile_tab"], home)
    tabs = dict(zip(ids, st.tabs([view.tab_label(t, home) for t in ids], key="_w_profile_tab", on_change=synced(
        "profile_tab", "_w_profile_tab", encode=view.tab_id))))
    opened = next(t for t, tab in tabs.items() if tab.open)
    with tabs[opened]:
        if opened == "spine":
            shown = view.spine_filter(spine, key="_profile_themes")
            view.spine_note(spine, level, view=(level, code, stamp))
            themes = tuple(st.session_state.get("_profile_themes") or ())
            view.spine_chart(shown, name, view=(level, code, themes))
        elif opened == "table":
            view.spine_table(spine, level)
        elif opened == "map":
            if level == "lad":
                st.info(f"For all of {store.home(stamp)['name']}, use the Deprivation map page; this tab maps a ward's, committee's or "
                        "MSOA's neighbourhoods.")
            else:
                view.area_decile_map(level, code, stamp, key="_profile_map")
        elif opened == "deprived":
            view.deprived_list(level, code, stamp)
        elif opened == "trends":
            st.subheader("Time series for this area")
            trend_view.area_trends(level, code, stamp)
            st.subheader("Deprivation, 2019 and 2025")
            view.trend_charts(level, code, stamp)
        elif opened == "wards":
            wards = store.areas("ward24", stamp)
            ward_codes = wards[wards["committee_code"] == code].sort_values("name")["code"].astype(str).tolist()
            compare_view("ward24", ward_codes, stamp, key="_committee_wards")
        elif opened == "similar":
            view.similar_wards(code, name, stamp)
    write_url(PARAMS)


@st.fragment
def profile_body() -> None:
    """The area picker and everything under it, as a fragment: a "Kind of area" or area change reruns only this
    part, not the app's frame (store check, sidebar, navigation, footer) or the search above it. A fragment run
    skips app.py, so it repeats the frame's two URL steps itself (keep, then write), as the explorer does."""
    keep_url_state(PARAMS)
    requested = st.session_state.get("area")
    found = view.level_of_code(requested, stamp)
    if requested and not found:
        kinds = "LSOA, MSOA, ward or committee" if store.home_is_leeds(stamp) else "LSOA, MSOA or ward"
        st.info(f"Ignored the area code '{str(requested)[:30]}' from the link: it is not a {store.home(stamp)['name']} "
                f"{kinds}.", icon=":material/link_off:")
    if found:
        st.session_state["profile_level"] = found
    c1, c2 = st.columns([1, 2])
    with c1:
        level = bound_select("Kind of area", level_ids(), "profile_level", format_func=lambda lv: levels[lv].label,
                                  on_change=_level_changed)
    names = view.cached_area_names(level, stamp)
    with c2:
        code = bound_select(f"{levels[level].short}", list(names), "area", format_func=names.get)
    name = names[code]

    headlines, spine = view.cached_profile(level, code, stamp)
    st.header(name)
    captions_view.deprivation_headline(level, code, name)
    caption = view.cached_area_caption(level, code, stamp)
    if caption:
        st.caption(caption)
    for sentence in view.cached_key_sentences(level, code, name, stamp):
        st.markdown(f"- {html.escape(sentence)}")
    view.headline_cards(headlines)
    user_upload_view.profile_panel(level, code, stamp)
    view.profile_pdf_button(level, code, name, stamp)

    with url_steps_enclosed():                  # this run keeps the URL state above and writes the link below
        profile_tabs(level, code, name, spine)
    write_url(PARAMS)


if meeting.is_on():
    own = store.area_catalogue().community_committees.committees if store.home_is_leeds(stamp) else []  # Leeds'
    committees = {"all": f"All of {store.home(stamp)['name']}"} | {c.code: c.name for c in own}
    if st.session_state.get("_w_meeting_committee") not in committees:
        st.session_state["_w_meeting_committee"] = st.session_state.get("committee", "all")
    chosen = st.selectbox("Committee", list(committees), format_func=committees.get, key="_w_meeting_committee",
                          on_change=_meeting_committee_changed, label_visibility="collapsed")
    level, code, name = meeting.stepper(meeting.meeting_views(chosen, stamp))
    view.meeting_slide(level, code, name, stamp)
else:
    view.print_css()
    st.title("Area profile")
    meeting.meeting_switch()
    view.place_search(stamp)
    with st.expander("Find my area by postcode", expanded=bool(st.session_state.get("find_postcode"))):
        postcode_box("find_postcode", select_lsoa)
        st.caption(postcode_attribution())
    st.page_link("app_pages/custom_area.py", label="Or build your own area from neighbourhoods (LSOAs)",
                 icon=":material/draw:")

    profile_body()
