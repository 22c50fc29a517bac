"""Change over time: is the home district (Leeds by default) getting better? Every measure with a time series, and
IMD 2019 -> 2025."""
import streamlit as st

from components import store
from components import trend_view as tv
from components.change_imd import imd_section
from components.change_trends import demand_section, summary_section, trend_section
from components.params import PARAMS
from components.state import keep_url_state, write_url

IMD, DEMAND = "Deprivation: IMD 2019 → 2025", "Monthly demand: Universal Credit by MSOA"
SUMMARY = f"Every measure: is {store.home_name()} getting better?"

st.title("Change over time")


@st.fragment
def change_body() -> None:
    """The measure picker and its section, as a fragment: a "Measure" change (or a widget of a section) reruns only
    this part, not the app's frame (store check, sidebar, navigation, footer). A fragment run skips app.py, so it
    writes the link itself (the maps' warm spaces switch is in it); the sidebar's choices rerun the whole page."""
    keep_url_state(PARAMS)
    stamp = store.built_at()
    trends = {f"{t.theme}: {t.short_label}": t for t in tv.catalogue().trends}
    is_leeds = store.home_is_leeds(stamp)
    if not is_leeds:        # BCA_DISTRICT: only the measures published per district have a series for it
        present = set(tv.cached_series_table(stamp)["trend_id"])
        trends = {label: t for label, t in trends.items() if t.id in present}
        st.info(tv.district_series_note(store.home_name(), len(trends), len(tv.catalogue().trends)),
                icon=":material/info:")
    choice = st.selectbox("Measure", [SUMMARY, IMD, *([DEMAND] if is_leeds else []), *sorted(trends)],
                          key="change_measure",
                          help="Each measure is compared only within one definition: where a definition changed, the "
                               "periods either side are shown apart and no change is computed across the break.")
    committee = st.session_state.get("committee", "all")
    if tv.cached_series_table(stamp).empty and choice != IMD:     # a store built before district series existed
        st.info(f"Not available for {store.home_name()}: this store holds no time series; rebuild it "
                "(python -m data.build). “Deprivation: IMD 2019 → 2025” is available.", icon=":material/info:")
    elif choice == SUMMARY:
        summary_section(stamp)
    elif choice == IMD:
        imd_section()
    elif choice == DEMAND:
        demand_section(stamp, committee)
    else:
        trend_section(trends[choice], committee, stamp)
    write_url(PARAMS)


change_body()
