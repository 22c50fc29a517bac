"""Map explorer: any indicator at any level, classified, selectable, shareable (URL) and exportable."""
import streamlit as st

from components import store, upload_view
from components.downloads import export_buttons
from components.explorer_controls import (MAP_KEY, area_picker, classification_controls, indicator_picker,
                                          outline_toggle, period_picker, side_panel,
                                          take_map_click, user_data_choice)
from components.footer import source_line
from components.indicator_map import (indicator_map, legend_title, national_breaks_for, number_format,
                                      table_for_display)
from components.legend import legend
from data.query import comparator_value
from geo.choropleth import within_committee

st.title("Map explorer")
level, committee = st.session_state["level"], st.session_state["committee"]
stamp = store.built_at()
levels = store.area_catalogue().levels
user_indicator = user_data_choice(level)

if user_indicator is not None:
    upload_view.show(user_indicator, committee)
else:

    with st.container(border=True):
        pick, classify_col = st.columns([3, 2])
        with pick:
            indicator = indicator_picker(level)
            period = period_picker(indicator)
        with classify_col:
            has_national = national_breaks_for(indicator.id, period, stamp) is not None
            leeds_value = comparator_value(store.values(stamp), indicator.id, period, "lad")
            scheme, k = classification_controls(indicator, has_national, leeds_value is not None)
            outline = outline_toggle()

    table = store.indicator_table(indicator.id, level, period, stamp)
    map_col, side_col = st.columns([5, 2])
    with side_col:
        area = area_picker(table, level)
    with map_col:
        view = indicator_map(indicator.id, level, period, scheme=scheme, k=k, committee=committee, key=MAP_KEY,
                             height=600, highlight_codes=[area] if area else None, outline_deprived=outline,
                             on_select=take_map_click, show_legend=False)
        st.caption(source_line(indicator.edition(period).source, period))
    with side_col:
        legend(view.legend, legend_title(indicator, period, view.classed))
        if outline:
            st.caption("Black-on-white outlines: “Deprived Leeds”, LSOAs in England's most deprived 10% (IMD 2025).")
        if area:
            side_panel(area, level, view.table, indicator, period)
        else:
            st.caption("Click an area on the map, or pick one above, to see its key figures.")

    shown = within_committee(view.table, level, committee)
    st.subheader("The numbers behind the map")
    if committee != "all":
        st.caption(f"{len(shown)} of {len(view.table)} {levels[level].short}s, in the chosen community committee.")
    with_ci = bool(view.table["lower_ci"].notna().any())
    display = table_for_display(shown, indicator.short_label, with_ci=with_ci, with_decile=True)
    st.dataframe(display, hide_index=True, width="stretch",
                 column_config={indicator.short_label: st.column_config.NumberColumn(format=number_format(indicator))})
    export_buttons(indicator, level, period, committee, display, view)

    with st.expander("About this indicator", expanded=False):
        derived = ("published for this geography" if level == indicator.native_level
                   else indicator.aggregation.describe(indicator.native_level))
        st.markdown(f"**{indicator.label}.** {indicator.definition}\n\n"
                    f"*Period:* {period}. *Values for {levels[level].label.lower()}:* {derived}.\n\n"
                    f"*Caveat:* {indicator.caveat}\n\n*Source:* {source_line(indicator.edition(period).source, period)}")
