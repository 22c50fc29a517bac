"""Social progress: our open SPI-method index for LSOAs, MSOAs, wards and committees, with scorecards. The
page's interactive body is an st.fragment."""
import streamlit as st

from components.captions_view import map_headline
from components import social_progress as progress
from components import store
from components.downloads import csv_button
from components.footer import source_line
from components.indicator_map import indicator_map
from components.params import PARAMS
from components.state import bound_select, bound_widget, keep_url_state, write_url

VIEWS = {"map": "Map", "scorecard": "Scorecard", "sensitivity": "Sensitivity", "method": "Method",
         "official": "Official scores"}     # "official": the council's Leeds SPI file, Leeds only

st.title("Social progress: an open SPI-method index")
stamp = store.built_at()
home = store.home(stamp)["name"]            # the district the atlas is built for (Leeds by default)
st.caption(progress.intro_caption(home))
left_out = (store.manifest().get("left_out") or {}).get("families", {}).get("spi")
if left_out and not store.home_is_leeds(stamp):     # another district: the family could not be built there
    st.info(f"Not available for {home}: the open SPI-method index was not built for this district "
            f"({left_out})")
    st.stop()


@st.fragment
def progress_body() -> None:
    """The view picker and the chosen view as a fragment: a change of the page's own widgets (view, mapped score,
    area, weights, a click on the map) reruns only this part, not the app's frame (store check, sidebar, navigation,
    footer: ~20 ms of server time a change). A fragment run skips app.py, so it keeps and writes the link itself;
    the sidebar's level and committee rerun the whole page."""
    keep_url_state(PARAMS)
    level = st.session_state["level"]
    committee = st.session_state["committee"]
    registry = store.registry()
    level_label = store.area_catalogue().levels[level].label
    areas_text = progress.plural(level)

    views = list(VIEWS) if store.home_is_leeds(stamp) else [v for v in VIEWS if v != "official"]
    if st.session_state.get("spi_view") not in views:   # e.g. a Leeds link's ?spi_view=official
        st.session_state["spi_view"] = "map"
    view = bound_widget(st.radio, "View", views, state="spi_view", horizontal=True, format_func=VIEWS.get)
    if "official" not in views:
        st.caption(f"No *Official scores* view for {home}: the official Social Progress Index ward scores it compares "
                   "with are Leeds City Council's (official Leeds SPI).")

    if view == "map":
        measures = [i for i in registry.indicators if i.derived == "spi" and level in i.derived_levels]
        bound_widget(st.selectbox, "Mapped score", [i.id for i in measures], state="spi_measure",
                     format_func=lambda i: registry.get(i).short_label,
                     help="The index, one of its three dimensions or one of the measured components.")
        indicator = registry.get(st.session_state["spi_measure"])
        map_headline(indicator.id, level, progress.SPI_PERIOD, committee=committee)
        shown = indicator_map(indicator.id, level, progress.SPI_PERIOD, committee=committee, key="spi_map")
        if shown.selected:
            st.session_state["area"] = shown.selected
            st.button("Open the scorecard for the area you clicked", key="spi_open_scorecard",
                      on_click=lambda: st.session_state.update(spi_view="scorecard"))
        st.caption("Stored scores use principal-component weights. " + progress.sources_caption(
            progress.cached_spi_runs(level, stamp)["pca"].periods))
        st.subheader("The numbers behind the map")
        table = progress.cached_numbers_arrow(indicator_id=indicator.id, level=level, committee=committee, stamp=stamp)
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={indicator.short_label: st.column_config.NumberColumn(format="%.1f")})
        csv_button(indicator, level, progress.SPI_PERIOD, shown.table, f"{store.file_stem(stamp)}_{indicator.id}_{level}")
        with st.expander("About this score"):
            st.markdown(f"**{indicator.label}.** {indicator.definition}\n\n*Caveat:* {indicator.caveat}")

    elif view == "scorecard":
        names = progress.area_names(level, stamp)
        codes = sorted(names.index, key=lambda c: names[c])
        area = bound_select(f"Area ({level_label.lower()})", codes, "area", format_func=lambda c: f"{names[c]} ({c})")
        bound_widget(st.radio, "Weights within components", list(progress.WEIGHTINGS), state="spi_weighting", horizontal=True,
                 format_func=progress.WEIGHTINGS.get)
        st.subheader(f"Scorecard: {names[area]}")
        progress.scorecard_view(level, area, st.session_state["spi_weighting"], stamp)

    elif view == "sensitivity":
        st.markdown(f"How the ranks of {home} {areas_text} change if the indicators inside each component are weighted **equally** instead of by their "
                    "**first principal component** (the SPI method). Small moves mean the ranking does not hinge on the "
                    "weighting choice.")
        progress.sensitivity_view(level, stamp)

    elif view == "method":
        framework = progress.cached_spi_framework()
        st.markdown(
            "**What it is.** An index following the Social Progress Imperative method: each indicator is oriented so "
            "higher is better and standardised over the areas of the chosen level; within each component the "
            "indicators are weighted by the first principal component (equal weights as an option); the weighted "
            "score is placed on 0-100 between **dystopia** (worst plausible values, 0) and **utopia** (best plausible, "
            "100) and capped there; a dimension is the mean of its components and the index the mean of the three "
            "dimensions. Only outcomes are used — no spending, and no income or employment measures (SPI leaves "
            "economic indicators out, which is what lets a scorecard compare areas of similar income).\n\n"
            + progress.method_not_text(home) + " Each level is scored from its own indicator values, so ward "
            "scores come from ward figures, not from averaging neighbourhood scores; compare areas within one level.\n\n"
            "**Missing data.** Components with no suitable open indicator are shown as *not measured* and left out: "
            "their dimension averages the components that are measured, the same for every area. Where one area lacks "
            "an indicator value, that area has no score for the component and its dimension averages the components it "
            "has (listed below). Nothing is imputed.")
        st.markdown(progress.goalposts_sentence(home))
        st.subheader("Framework")
        st.dataframe(progress.framework_table(level, stamp), hide_index=True, width="stretch")
        st.subheader(f"Areas with gaps ({areas_text})")
        gaps = progress.gaps_table(level, stamp)
        if gaps.empty:
            st.markdown("Every area has every indicator.")
        else:
            st.dataframe(gaps, hide_index=True, width="stretch")
        with st.expander("Everything the computation reported"):
            st.markdown("\n".join(f"- {note}" for note in progress.run_notes(level, stamp)))
        with st.expander("Social progress over time: why there is no 2019 score to compare"):
            st.markdown(
                "A change in the index needs every component's indicators in two editions under the same definition, "
                "scored against the same utopia and dystopia. In the open data held, only **Advanced Education** (entry "
                "to higher education and adult skills) has both its indicators in IoD 2019 and IoD 2025. The others "
                "cannot be compared:\n"
                "- **2025 only** (not in IoD 2019's underlying indicators): patients per GP, violent crime and burglary "
                "rates, broadband speeds, the connectivity score, overcrowding by bedrooms (2019 counts rooms), and the "
                "children and young people score (IoD 2019 scores are not in the mirror, only ranks and deciles);\n"
                "- **changed definition**: mental health (IoD 2025) replaced mood and anxiety disorders (IoD 2019);\n"
                "- **2019 only** (not in IoD 2025's file): housing in poor condition, road traffic accidents, air "
                "quality.\n\n"
                "One component out of nine measured is not an index, so no score over time is shown. Single measures "
                "with a history are on the **Change over time** page.")
        st.caption(progress.sources_caption(progress.cached_spi_runs(level, stamp)["pca"].periods))

    else:
        st.markdown("The council's **Leeds SPI (official)** ward scores beside our open index (wards, PCA weights).")
        progress.official_view(stamp)
        st.caption(source_line("imd2025_lsoa21", progress.SPI_PERIOD))
    write_url(PARAMS)


progress_body()

with st.expander("About this index"):
    st.markdown(progress.about_text(home))
