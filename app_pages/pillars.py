"""Pillars and intersections: proxy KPI sets, pillar composites, where weak pillars meet, bivariate map.

Each numbered section is an st.fragment, as the explorer's body: a widget reruns its own section only
(the page's cost was a full run per click). A fragment run skips app.py, so each keeps and writes its
own URL keys itself."""
import streamlit as st

from components import pillars as view
from components import store, trend_view
from components.params import PARAMS
from components.state import keep_url_state, write_url
from data.registry import PILLARS
from metrics.pillars import BASES, IMD_DOMAINS, THRESHOLDS, short_pillar

st.title("The three pillars and where they meet")
st.markdown("Leeds' Best City Ambition says the biggest problems sit where **Health and Wellbeing**, **Inclusive "
            "Growth** and **Zero Carbon** overlap. This page finds those places. The KPIs are **proxies** chosen "
            "from open data, standing in for the council's own Best City KPIs.")
level, level_note = view.pillar_level(st.session_state["level"])
if level_note:
    st.info(level_note)
committee = st.session_state["committee"]
committees = {c.code: c.name for c in store.area_catalogue().community_committees.committees}


@st.fragment
def kpis() -> None:
    """Section 1 (a fragment: its pillar picker reruns only this section; URL kept and written here)."""
    keep_url_state(PARAMS, keys=("pillar_kpi_pillar",))
    st.header("1. The KPIs of each pillar")
    pillar = st.segmented_control("Pillar", list(PILLARS), key="pillar_kpi_pillar", required=True)
    view.kpi_set(pillar, level)
    with st.expander(f"{pillar}: KPIs with their history (Leeds, England, Yorkshire and The Humber)", expanded=True):
        trend_view.pillar_history(pillar, store.built_at())
    view.small_multiples(pillar, level, committee)
    st.subheader(f"{pillar} composite")
    view.composite_map(pillar, level, committee)
    write_url(PARAMS)


kpis()


@st.fragment
def intersections() -> None:
    """Section 2 (a fragment: thresholds and the combination rerun only this section)."""
    keep_url_state(PARAMS, keys=("pillar_basis", *view.THRESHOLD_KEYS.values(), "pillar_combo"))
    st.header("2. Where the pillars meet")
    st.markdown("Choose when an area counts as **weak** on each pillar. Every area then falls in exactly one of eight "
                "groups: weak on none, on one pillar, on a pair, or on all three.")
    basis = st.radio("Judge each pillar by", list(BASES), format_func=BASES.get, key="pillar_basis", horizontal=True)
    columns = st.columns(3)
    for column, name in zip(columns, PILLARS):
        column.selectbox(f"{name}: weak means", list(THRESHOLDS), key=view.THRESHOLD_KEYS[name],
                         format_func=lambda t: THRESHOLDS[t][0])
    thresholds = tuple(st.session_state[view.THRESHOLD_KEYS[p]] for p in PILLARS)
    scores, result = view.intersection_result(level, basis, thresholds)
    st.markdown(view.threshold_note(scores, thresholds, basis))
    view.all_three_callout(result, level)
    selected = st.selectbox("Show the areas weak on", view.category_options(), key="pillar_combo",
                            help="These areas are outlined in black and white on the map and listed below it.")
    map_column, count_column = st.columns([3, 2])
    with map_column:
        view.intersection_map(level, basis, thresholds, committee, selected)
    with count_column:
        st.markdown("**Areas and residents in each group** (all of Leeds)")
        view.category_counts(result, level)
    view.upset_chart(level, basis, thresholds)
    areas = view.with_user_data(view.area_list(level, basis, thresholds, committee, selected), selected, level)
    view.show_area_list(areas, selected, level, committees.get(committee), key="pillar_list_download")
    if selected != "All three":
        with st.expander("Areas weak on all three pillars", expanded=False):
            view.show_area_list(view.area_list(level, basis, thresholds, committee, "All three"), "All three", level,
                                committees.get(committee), key="pillar_all_three_download")
    write_url(PARAMS)


intersections()


@st.fragment
def domains() -> None:
    """Section 3 (a fragment)."""
    keep_url_state(PARAMS, keys=("pillar_imd_decile",))
    st.header("3. Where deprivation domains meet")
    domain_columns = st.columns(4)
    domains = [domain_columns[i].selectbox(f"Domain {i + 1}", list(IMD_DOMAINS), index=list(IMD_DOMAINS).index(d),
                                           key=f"pillar_domain_{i}")
               for i, d in enumerate(["Health", "Income", "Living environment"])]
    max_decile = domain_columns[3].selectbox("In England's most deprived", [1, 2, 3], key="pillar_imd_decile",
                                             format_func=lambda d: f"{d * 10}%")
    if len(set(domains)) < 3:
        st.warning("Choose three different domains.")
    else:
        view.domain_intersections(domains, max_decile)
    write_url(PARAMS)


domains()


@st.fragment
def bivariate() -> None:
    """Section 4 (a fragment)."""
    keep_url_state(PARAMS, keys=("bivar_x", "bivar_y"))
    st.header("4. Two measures on one map")
    options = view.bivariate_options(level)
    for key, default in (("bivar_x", "imd_income_score"), ("bivar_y", "fuel_poverty")):
        if st.session_state.get(key) not in options:
            st.session_state[key] = default
    labels = view.bivariate_labels(options)
    x_column, y_column = st.columns(2)
    x_id = x_column.selectbox("Across (red)", options, key="bivar_x", format_func=labels.get)
    y_id = y_column.selectbox("Up (blue)", options, key="bivar_y", format_func=labels.get)
    if x_id == y_id:
        st.warning("Choose two different measures.")
    else:
        view.bivariate_map(x_id, y_id, level, committee)
    write_url(PARAMS)


bivariate()

st.caption(f"Pillars: {', '.join(short_pillar(p) for p in PILLARS)} are short names for the three pillars.")
