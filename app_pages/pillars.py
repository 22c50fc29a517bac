"""Pillars and intersections, one view at a time (issue 19: the page was ~6,600 px; each view now fits two screens).

Every view shows its answer first: a headline sentence computed from the data (metrics.captions), then the map
or chart, then the table; method, caveats and full sources one click away under one merged source line. Only
the chosen view (URL parameter ``pillar_view``) is computed and drawn. Each view is an st.fragment, as before: a
widget reruns its own view only; a fragment run skips app.py, so each keeps the URL state and writes the link
(components.state.keep_url_state, write_url)."""
import streamlit as st

from components import pillars as view
from components import store, trend_view
from components.footer import sources_and_method
from components.params import PARAMS, PILLAR_VIEWS
from components.state import bound_widget, keep_url_state, write_url
from data.registry import PILLARS
from metrics.pillars import BASES, IMD_DOMAINS, THRESHOLDS, short_pillar, threshold_label

DOMAIN_DEFAULTS = ["Health", "Income", "Living environment"]

st.title("The three pillars and where they meet")
level, level_note = view.pillar_level(st.session_state["level"])
if level_note:
    st.info(level_note)
committee = st.session_state["committee"]
committees = {c.code: c.name for c in store.area_catalogue().community_committees.committees}
chosen = bound_widget(st.segmented_control, "Show", list(PILLAR_VIEWS), format_func=PILLAR_VIEWS.get, state="pillar_view",
                      required=True)
for i, domain in enumerate(DOMAIN_DEFAULTS):      # the domain choices survive a visit to another view
    key = f"pillar_domain_{i}"
    st.session_state[key] = st.session_state.get(key, domain)


def _thresholds() -> tuple[str, ...]:
    return tuple(st.session_state[view.THRESHOLD_KEYS[p]] for p in PILLARS)


@st.fragment
def meet() -> None:
    """Where the pillars meet: headline, map with its legend and counts, the list of areas; thresholds one click away."""
    keep_url_state(PARAMS)
    basis, thresholds = st.session_state["pillar_basis"], _thresholds()
    scores, result = view.intersection_result(level, basis, thresholds)
    st.subheader(view.all_three_headline(level, basis, thresholds))
    pick, weak = st.columns([2, 3], vertical_alignment="bottom")
    selected = bound_widget(pick.selectbox, "Show the areas weak on", view.category_options(), state="pillar_combo",
                            help="These areas are outlined in black and white on the map and listed below it.")
    with weak.expander(view.threshold_summary(thresholds)):
        bound_widget(st.radio, "Judge each pillar by", list(BASES), format_func=BASES.get, state="pillar_basis", horizontal=True)
        for column, name in zip(st.columns(3), PILLARS):
            bound_widget(column.selectbox, f"{name}: weak means", list(THRESHOLDS), state=view.THRESHOLD_KEYS[name],
                         format_func=lambda t: threshold_label(t, store.home_name()))
    map_column, count_column = st.columns([3, 2])
    with map_column:
        view.intersection_map(level, basis, thresholds, committee, selected)
    with count_column:
        view.category_legend(level, basis, thresholds)
    listed = view.area_list(level, basis, thresholds, committee, selected)
    areas = view.with_user_data(listed, selected, level)
    view.show_area_list(areas, selected, level, committees.get(committee), key="pillar_list_download",
                        arrow=view.area_list_arrow(level, basis, thresholds, committee, selected) if areas is listed else None)
    chart_column, all_three_column = st.columns(2)
    with chart_column.expander("All eight groups: chart and table"):
        view.upset_chart(level, basis, thresholds)
        st.markdown(f"**Areas and residents in each group** (all of {store.home_name()})")
        view.category_counts(level, basis, thresholds)
    if selected != "All three":
        with all_three_column.expander("Areas weak on all three pillars", expanded=False):
            view.show_area_list(view.area_list(level, basis, thresholds, committee, "All three"), "All three", level,
                                committees.get(committee), key="pillar_all_three_download",
                                arrow=view.area_list_arrow(level, basis, thresholds, committee, "All three"))
    sources_and_method(view.intersection_sources(level, basis), [
        "Every area falls in exactly one of eight groups: weak on none, on one pillar, on a pair, or on all three.",
        view.threshold_note(scores, thresholds, basis), view.missing_note(result, level)])
    write_url(PARAMS)


def _pillar_picker() -> str:
    return bound_widget(st.segmented_control, "Pillar", list(PILLARS), state="pillar_kpi_pillar", required=True)


@st.fragment
def pillar_map() -> None:
    """One pillar's composite: headline, map, the numbers behind it."""
    keep_url_state(PARAMS)
    pillar = _pillar_picker()
    st.subheader(view.composite_headline(pillar, level, committee))
    view.composite_map(pillar, level, committee)
    sources_and_method(view.kpi_sources(pillar, level), view.composite_method(pillar, level))
    write_url(PARAMS)


@st.fragment
def kpis() -> None:
    """One pillar's KPIs: headline (the home district against England), one small chart per KPI, the KPI table; history a click away."""
    keep_url_state(PARAMS)
    pillar = _pillar_picker()
    kpi_set = view.kpi_set(pillar, level)
    st.subheader(kpi_set.headline)
    view.small_multiples(pillar, level, committee)
    view.kpi_table(kpi_set)
    home = store.home(store.built_at())
    with st.expander(f"{pillar}: KPIs with their history ({home['name']}, England, {home['region_name']})"):
        trend_view.pillar_history(pillar, store.built_at())
    sources_and_method(kpi_set.sources, [f"**Proxy KPI set.** {store.registry().pillar_kpis[pillar].note}",
                                         *kpi_set.notes])
    write_url(PARAMS)


@st.fragment
def domains() -> None:
    """Where deprivation domains meet (national deciles, LSOAs)."""
    keep_url_state(PARAMS)
    chosen_domains = [st.session_state[f"pillar_domain_{i}"] for i in range(3)]
    max_decile = st.session_state["pillar_imd_decile"]
    distinct = len(set(chosen_domains)) == 3
    if distinct:
        st.subheader(view.domain_headline(chosen_domains, max_decile))
    columns = st.columns(4)
    for i in range(3):
        columns[i].selectbox(f"Domain {i + 1}", list(IMD_DOMAINS), key=f"pillar_domain_{i}")
    bound_widget(columns[3].selectbox, "In England's most deprived", [1, 2, 3], state="pillar_imd_decile",
                 format_func=lambda d: f"{d * 10}%")
    if distinct:
        view.domain_intersections(chosen_domains, max_decile)
    else:
        st.warning("Choose three different domains.")
    sources_and_method(view.DOMAIN_SOURCES, view.DOMAIN_METHOD)
    write_url(PARAMS)


@st.fragment
def two_measures() -> None:
    """Two measures on one map (bivariate): headline, map with its square legend; correlation and method a click away."""
    keep_url_state(PARAMS)
    options = view.bivariate_options(level)
    for key, default in (("bivar_x", "imd_income_score"), ("bivar_y", "fuel_poverty")):
        if st.session_state.get(key) not in options:
            st.session_state[key] = default
    x_id, y_id = st.session_state["bivar_x"], st.session_state["bivar_y"]
    bv = view.bivariate_view(x_id, y_id, level, committee) if x_id != y_id else None
    if bv is not None:
        st.subheader(bv.headline)
    labels = view.bivariate_labels(options)
    x_column, y_column = st.columns(2)
    bound_widget(x_column.selectbox, "Across (red)", options, state="bivar_x", format_func=labels.get)
    bound_widget(y_column.selectbox, "Up (blue)", options, state="bivar_y", format_func=labels.get)
    if bv is None:
        st.warning("Choose two different measures.")
    else:
        view.bivariate_map(bv, level)
        sources_and_method(bv.sources, bv.method)
    write_url(PARAMS)


{"meet": meet, "map": pillar_map, "kpis": kpis, "domains": domains, "two": two_measures}[chosen]()

with st.expander("About this page: the three pillars and their proxy KPIs"):
    st.markdown(view.about_text(store.home_name()))
    st.caption(f"Pillars: {', '.join(short_pillar(p) for p in PILLARS)} are short names for the three pillars.")
