"""Deprivation map: where Leeds' most deprived neighbourhoods are (IoD2025), by LSOA or larger area."""
import streamlit as st

from components import store
from components.downloads import csv_button
from components.footer import source_line
from components.indicator_map import indicator_map, table_for_display

st.title("Where deprivation is deepest in Leeds")
level = st.session_state["level"]
committee = st.session_state["committee"]
stamp = store.built_at()
levels = store.area_catalogue().levels

lsoa_deciles = store.indicator_table("imd_imd_decile", "lsoa21", "2025", stamp)
in_decile_1 = int((lsoa_deciles["value"] == 1).sum())
leeds_share = store.indicator_table("imd_imd_pct_most_deprived", "lad", "2025", stamp).iloc[0]
share, people = float(leeds_share["value"]), float(leeds_share["numerator"])
leeds_score = store.comparator("imd_imd_score", "2025", "lad", stamp)
england_score = store.comparator("imd_imd_score", "2025", "england", stamp)

c1, c2, c3 = st.columns(3)
c1.metric("Leeds neighbourhoods in England's most deprived 10%",
          f"{in_decile_1} of {len(lsoa_deciles)} ({100 * in_decile_1 / len(lsoa_deciles):.1f}%)",
          help="MHCLG's district measure: the share of a district's neighbourhoods (LSOAs) in England's most "
               "deprived 10% (IoD2025 district summaries).")
c2.metric("Leeds residents living in them", f"{share:.1f}% ({people:,.0f} people)",
          help="Our measure, not MHCLG's: the share of Census 2021 usual residents who live in those neighbourhoods.")
c3.metric("Average IMD score, Leeds (England)", f"{leeds_score:.1f} ({england_score:.1f})",
          help="Population-weighted average of LSOA scores (higher = more deprived), the MHCLG district method.")

if level == "lsoa21":
    indicator_id, scheme = "imd_imd_decile", "national"
    st.markdown("Each neighbourhood (LSOA) coloured by its **national IMD 2025 decile**: decile 1 is the most "
                "deprived 10% of England's 33,755 neighbourhoods.")
else:
    indicator_id, scheme = "imd_imd_score", "national"
    st.markdown(f"Each {levels[level].short.lower()} coloured by its **population-weighted average IMD 2025 score**, "
                "placed on the score ranges of England's neighbourhood deciles (an approximation: areas larger than "
                "an LSOA have no official decile).")

indicator = store.registry().get(indicator_id)
view = indicator_map(indicator_id, level, "2025", scheme=scheme, committee=committee, key="overview_map")
st.caption(source_line(indicator.latest.source, "2025"))

st.subheader("The numbers behind the map")
table = table_for_display(view.table, indicator.short_label, with_ci=False, indicator=indicator)
st.dataframe(table, hide_index=True, width="stretch",
             column_config={indicator.short_label: st.column_config.NumberColumn(format="%.1f")})
csv_button(indicator, level, "2025", view.table, f"leeds_{indicator_id}_{level}_2025")
with st.expander("About this indicator"):
    st.markdown(f"**{indicator.label}.** {indicator.definition}\n\n*Caveat:* {indicator.caveat}\n\n"
                f"*Larger areas:* {indicator.aggregation.describe(indicator.native_level)}.")
