"""Map explorer: any indicator at any level, classified, selectable, shareable (URL) and exportable."""
import streamlit as st

from components.captions_view import map_headline
from components import store, user_upload_view
from components.change_trends import explorer_change
from components.downloads import export_buttons
from components.explorer_controls import (MAP_KEY, area_picker, classification_controls,
                                          indicator_picker, outline_toggle, period_picker, side_panel,
                                          take_map_click, user_data_choice)
from components.footer import source_line
from components.indicator_map import indicator_map, cached_national_breaks, number_format, cached_numbers_behind
from components.map import show_legend
from components.params import PARAMS
from components.postcode_search import attribution as postcode_attribution
from components.postcode_search import postcode_box, select_lsoa
from components.state import keep_url_state, write_url

# One row for the title, the change switch and the postcode box, so the map starts in the upper half of a
# 1400x900 screen under the controls and the map's headline sentence (answer first). The switch sits outside the
# fragment below: turning it on reruns the whole page, which is rare; the fragment reads its state.
title_col, change_col, find_col = st.columns([4, 3, 3], vertical_alignment="bottom")
title_col.title("Map explorer")
change_col.toggle("Map the change between two periods", key="explorer_change",
                  help="Any measure with two comparable periods (one definition) at this geography, mapped as the "
                       "change: purple better, orange worse, centred on no change.")
with find_col.expander("Find my area by postcode", expanded=bool(st.session_state.get("find_postcode"))):
    postcode_box("find_postcode", select_lsoa)
    st.caption(postcode_attribution())


@st.fragment
def explore() -> None:
    """Everything below the title, as a fragment: a change of indicator, period, classes, outline or area
    (or a click on the map) reruns only this part, not the app's frame (store check, sidebar, footer).
    A fragment run skips app.py, so it repeats the frame's two URL steps itself: keep, then write."""
    keep_url_state(PARAMS)
    level, committee = st.session_state["level"], st.session_state["committee"]
    stamp = store.built_at()
    levels = store.area_catalogue().levels
    if st.session_state.get("explorer_change"):
        explorer_change(level, committee, stamp)
        write_url(PARAMS)
        return
    user_indicator = user_data_choice(level)

    if user_indicator is not None:
        user_upload_view.show(user_indicator, committee)
    else:
        with st.container(border=True):
            pick, classify_col = st.columns([3, 2])
            with pick:
                indicator = indicator_picker(level)
                period = period_picker(indicator)
            with classify_col:
                has_national = cached_national_breaks(indicator.id, period, stamp) is not None
                leeds_value = store.comparator(indicator.id, period, "lad", stamp)
                scheme, k = classification_controls(indicator, has_national, leeds_value is not None)
                outline = outline_toggle()

        map_headline(indicator.id, level, period, scheme=scheme, k=k, committee=committee, outline=outline)
        map_col, side_col = st.columns([5, 2])
        with side_col:
            area = area_picker(level)
        with map_col:
            view = indicator_map(indicator.id, level, period, scheme=scheme, k=k, committee=committee, key=MAP_KEY,
                                 height=600, highlight_codes=[area] if area else None, outline_deprived=outline,
                                 on_select=take_map_click, show_legend=False)
            st.caption(source_line(indicator.edition(period).source, period))
        with side_col:
            show_legend(view.legend_html)
            if outline:
                st.caption(f"Black-on-white outlines: “Deprived {store.home_name()}”, LSOAs in England's most deprived 10% (IMD 2025).")
            if area:
                side_panel(area, level, view.table, indicator, period)
            else:
                st.caption("Click an area on the map, or pick one above, to see its key figures.")

        numbers = cached_numbers_behind(indicator_id=indicator.id, level=level, period=period, scheme=scheme, k=k,
                                 committee=committee, outline=outline, stamp=stamp)
        st.subheader("The numbers behind the map")
        if committee != "all":
            st.caption(f"{numbers.shown} of {levels[level].count(numbers.total)}, in the chosen community committee.")
        st.dataframe(numbers.arrow, hide_index=True, width="stretch",
                     column_config={indicator.short_label: st.column_config.NumberColumn(format=number_format(indicator))})
        export_buttons(indicator, level, period, committee, numbers.display, view, selected=area)

        with st.expander("About this indicator", expanded=False):
            derived = ("published for this geography" if level == indicator.native_level
                       else indicator.aggregation.describe(indicator.native_level))
            st.markdown(f"**{indicator.label}.** {indicator.definition}\n\n"
                        f"*Period:* {period}. *Values for {levels[level].label.lower()}:* {derived}.\n\n"
                        f"*Caveat:* {indicator.caveat}\n\n*Source:* {source_line(indicator.edition(period).source, period)}")
    write_url(PARAMS)


explore()
