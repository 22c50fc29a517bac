"""Deprivation map: where Leeds' most deprived neighbourhoods are (IoD2025), by LSOA or larger area."""
import streamlit as st

from components import benchmark, store
from components.committee import committee_home, committee_picker, pack_button, wards_section
from components.downloads import csv_button
from components.captions_view import map_headline
from components.footer import source_line, sources_and_method
from components.headlines import cached_home_table, headlines
from components.indicator_map import indicator_map
from components.postcode_search import attribution as postcode_attribution
from components.postcode_search import links_for, postcode_box, select_lsoa
from metrics.captions import home_sentence

level = st.session_state["level"]
committee = st.session_state["committee"]
stamp = store.built_at()
levels = store.area_catalogue().levels
figures = headlines(committee, stamp)
in_leeds = committee == "all"       # the whole home district (Leeds, or BCA_DISTRICT's) rather than a committee
if in_leeds:
    st.title(f"Where deprivation is deepest in {figures.place}")
    st.markdown("**" + home_sentence(figures.place, figures.in_decile_1, figures.neighbourhoods, figures.share,
                                     figures.people).replace("*", "\\*") + "**")
else:
    st.title(f"{figures.place} community committee")
    st.caption(f"The home page for the {figures.place} community committee: its wards against Leeds, what changed, "
               "where needs overlap and its warm spaces. Choose “All of Leeds” below for the whole city.")
picker, pack = st.columns([3, 2], vertical_alignment="bottom")
with picker:
    committee_picker()
if not in_leeds:
    with pack:
        pack_button(committee, figures.place, stamp)
with st.expander("Find my area by postcode", expanded=bool(st.session_state.get("find_postcode"))):
    links_for(postcode_box("find_postcode", select_lsoa))
    st.caption(postcode_attribution())

c1, c2, c3 = st.columns(3)
c1.metric(f"{figures.place} neighbourhoods in England's most deprived 10%",
          f"{figures.in_decile_1} of {figures.neighbourhoods} ({100 * figures.in_decile_1 / figures.neighbourhoods:.1f}%)",
          help="MHCLG's district measure: the share of a district's neighbourhoods (LSOAs) in England's most "
               "deprived 10% (IoD2025 district summaries)." if in_leeds else
               "Its neighbourhoods (LSOAs) in England's most deprived 10% (IoD2025 decile 1), of all its LSOAs.")
c2.metric(f"{figures.place} residents living in them" + ("" if in_leeds else f" (Leeds {figures.leeds_share:.1f}%)"),
          f"{figures.share:.1f}% ({figures.people:,.0f} people)",
          help="Our measure, not MHCLG's: the share of Census 2021 usual residents who live in those neighbourhoods.")
c3.metric(f"Average IMD score, {figures.place} (" + ("England" if in_leeds else "Leeds") + ")",
          f"{figures.score:.1f} ({figures.england_score if in_leeds else figures.leeds_score:.1f})",
          help="Population-weighted average of LSOA scores (higher = more deprived), the MHCLG district method.")
if sentence := benchmark.headline_sentence("imd_imd_score", "2025", "Average IMD score", figures.leeds_score, stamp):
    st.caption(sentence)

if not in_leeds:
    wards_section(committee, figures.place, stamp)
    st.subheader(f"Where deprivation is deepest in {figures.place}")

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
if in_leeds and level != "lsoa21":  # answer first (issue 19): the map's figures in one plain sentence above it
    map_headline(indicator_id, level, "2025", scheme=scheme)    # (by LSOA: deciles tie, the title's count says it)
view = indicator_map(indicator_id, level, "2025", scheme=scheme, committee=committee, key="overview_map")
if not in_leeds:
    st.caption(source_line(indicator.latest.source, "2025"))

if not in_leeds:
    committee_home(committee, figures.place, stamp)

st.subheader("The numbers behind the map")
numbers = cached_home_table(indicator_id=indicator_id, level=level, scheme=scheme, committee=committee, stamp=stamp)
if not in_leeds:
    st.caption(f"The {numbers.count} areas of {figures.place}, with their rank within Leeds (1 = worst); "
               "Leeds first for comparison.")
st.dataframe(numbers.arrow, hide_index=True, width="stretch",
             column_config={indicator.short_label: st.column_config.NumberColumn(format="%.1f")})
csv_button(indicator, level, "2025", numbers.rows, f"{store.file_stem(stamp)}_{indicator_id}_{level}_{committee}_2025")
about = (f"**{indicator.label}.** {indicator.definition}\n\n*Caveat:* {indicator.caveat}\n\n"
         f"*Larger areas:* {indicator.aggregation.describe(indicator.native_level)}.")
if in_leeds:                # one merged source line; method, caveats and full sources one click away
    sources_and_method([(indicator.latest.source, "2025")], [about])
else:
    with st.expander("About this indicator"):
        st.markdown(about)
