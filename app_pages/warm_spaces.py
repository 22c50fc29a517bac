"""Warm spaces: the city's warm and welcome spaces over a chosen measure of need, searchable, with a list."""
import streamlit as st

from data.safe_text import csv_safe
from components import store
from components.footer import source_line
from components.legend import show_legend
from components.warm_spaces_map import draw, need_layer
from data.safe_text import safe_text
from data.pipeline.warm_spaces import load_config
from geo.choropleth import default_scheme, schemes_for
from metrics.warm_spaces import DAY_NAMES, DAYS, list_table, search_spaces

LEVELS = {"ward24": "Wards", "lsoa21": "Neighbourhoods (LSOAs)"}
DEFAULT_NEED = "fuel_poverty"

st.title("Warm and welcome spaces")
stamp = store.built_at()
config = load_config()
catalogue = store.sources()
spaces = store.table("warm_spaces", stamp)
rejected = store.table("warm_spaces_rejected", stamp)
st.markdown("Where Leeds' warm and welcome spaces are, over a measure of need you choose. Search the list by "
            "name, ward, type or the day a space is open; click a point, or pick a space below, for its details.")
st.info(config.caveat, icon=":material/info:")

with st.container(border=True):
    level_col, need_col = st.columns([1, 3])
    level = level_col.radio("Areas", list(LEVELS), format_func=LEVELS.get, key="ws_level")
    available, _ = store.indicators_at(level)
    labels = {i.id: f"{i.theme}: {i.label}" for i in sorted(available, key=lambda i: (i.theme, i.label))}
    if st.session_state.get("ws_need") not in labels:
        st.session_state["ws_need"] = DEFAULT_NEED if DEFAULT_NEED in labels else next(iter(labels))
    need_id = need_col.selectbox("Measure of need under the points (type to search)", list(labels),
                                 format_func=labels.get, key="ws_need")
    search_col, ward_col, type_col, day_col = st.columns([3, 2, 2, 2])
    query = search_col.text_input("Search by name, address, type or ward", key="ws_query", max_chars=80)
    wards = ward_col.multiselect("Wards", sorted(spaces["ward24_name"].unique()), key="ws_wards")
    types = type_col.multiselect("Type of space", sorted(t for t in spaces["space_type"].dropna().unique() if t),
                                 key="ws_types")
    days = day_col.multiselect("Open on", DAYS, format_func=DAY_NAMES.get, key="ws_days",
                               help="By the parsed opening hours; spaces whose hours could not be parsed are left "
                                    "out when a day is chosen (their hours as given are in the list).")

indicator = store.registry().get(need_id)
period = indicator.latest.period
scheme = default_scheme(indicator, "quantiles", schemes_for(indicator, False, False))
layer = need_layer(indicator_id=need_id, level=level, period=period, scheme=scheme, k=5,
                   committee=st.session_state.get("committee", "all"), stamp=stamp)
shown = search_spaces(spaces, query, wards, types, days)

map_col, side_col = st.columns([5, 2])
with map_col:
    st.caption(f"{len(shown)} of {len(spaces)} spaces shown as cyan points, over {indicator.label} ({period}) "
               f"by {LEVELS[level].lower()}.")
    draw(layer, shown, key="ws_map", select_key="ws_space",
         alt=f"Map of {len(shown)} warm spaces over {indicator.label} ({period}) by "
             f"{LEVELS[level].lower()}. The same spaces are in the list below the map.")
    st.caption(source_line(indicator.latest.source, period))
    st.caption(f"Points: {catalogue.attribution_text('warm_spaces')}")
with side_col:
    show_legend(layer.legend_html)
    names = dict(zip(shown["space_id"], shown["title"] + " (" + shown["ward24_name"] + ")"))
    if st.session_state.get("ws_space") not in names:
        st.session_state.pop("ws_space", None)
    chosen = st.selectbox("Details of a space (type to search)", list(names), key="ws_space", index=None,
                          format_func=lambda sid: names.get(sid, sid), placeholder="Choose a space…")
    if chosen:
        row = spaces.set_index("space_id").loc[chosen]
        lines = [f"**{safe_text(row['title'], limit=200)}**", safe_text(row["space_type"] or "Warm space", limit=100),
                 f"Ward: {safe_text(row['ward24_name'], limit=100)}",
                 f"Address: {safe_text(row['address'], limit=300)}",
                 f"Opening hours as given: {safe_text(row['hours_text'] or 'not given', limit=400)}"]
        if not row["hours_parsed"]:
            lines.append("The opening hours could not be read as days and times; check with the space.")
        if row["accessibility"]:
            lines.append(f"Accessibility: {safe_text(row['accessibility'], limit=400)}")
        if row["description"]:
            lines.append(f"Offers: {safe_text(row['description'], limit=600)}")
        lines.append(f"Listed by: {safe_text(row['source_label'], limit=100)}, {safe_text(row['snapshot_date'], limit=20)}")
        st.markdown("  \n".join(lines))
        if isinstance(row["website"], str) and row["website"]:
            st.link_button("Open its web site", row["website"])
        elif row["url_text"]:
            st.caption(f"Web address as given (not a complete link): {safe_text(row['url_text'], limit=120)}")

st.subheader("The list")
table = list_table(shown)
st.dataframe(table, hide_index=True, width="stretch",
             column_config={"Website": st.column_config.LinkColumn("Website"),
                            "Hours a week (parsed)": st.column_config.NumberColumn(format="%.1f")})
st.download_button("Download this list (CSV)", csv_safe(table).to_csv(index=False).encode("utf-8"),
                   file_name="leeds_warm_spaces.csv", mime="text/csv")
unparsed = int((~spaces["hours_parsed"]).sum())
st.caption(f"Opening hours could not be read as days and times for {unparsed} of {len(spaces)} spaces; the list "
           "shows every space's hours as the space gave them.")
with st.expander(f"Rows of the file that could not be used ({len(rejected)})"):
    if rejected.empty:
        st.write(f"All {len(spaces)} rows of the file passed the checks (name, directory, date, ward and position "
                 "inside Leeds).")
    else:
        st.dataframe(rejected.rename(columns={"row": "Row", "title": "Name", "problem": "Problem"}),
                     hide_index=True, width="stretch")
