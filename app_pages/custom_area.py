"""Custom area: build an area from Leeds neighbourhoods (LSOAs) and see its profile, shareable as a link."""
import streamlit as st

from components import custom_area as view
from components import store
from data.words import possessive

stamp = store.built_at()
st.title("Custom area")
st.caption(f"Build your own area from {possessive(store.home_name())} neighbourhoods (2021 LSOAs): click them on the map, pick them from the "
           "list, or paste or upload LSOA codes or postcodes. Name it, and its figures are combined from the LSOAs "
           "by each indicator's own rule. The link holds the area, so it can be shared.")
name = view.name_box()
codes = view.current_codes(stamp)
map_col, side_col = st.columns([3, 2])
with map_col:
    view.picking_map(codes, stamp)
with side_col:
    view.pick_list(codes, stamp)
    view.paste_and_upload()
if codes:
    # the answer (the area's sentence, then its profile) under the picking map, not above it: a sentence that
    # appears with the first neighbourhood would move the map under the reader's next click
    view.headline(name, stamp)
    view.profile(codes, name, stamp)
else:
    st.info("The area is empty: click neighbourhoods on the map, pick them from the list, or paste LSOA codes or "
            "postcodes.", icon=":material/draw:")
