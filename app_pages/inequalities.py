"""Inequalities: the life-expectancy gap between the district's most and least deprived areas, and the SII for any indicator."""
import streamlit as st

from components.captions_view import map_headline
from components import inequalities as charts
from components import store
from components.footer import sources_and_method
from components.indicator_map import indicator_map
from components.params import PARAMS
from components.state import bound_widget, keep_url_state, write_url
from data.catalogue import level_ids, load_council_figures
from data.words import possessive
from metrics import inequalities as iv

SEXES = {"female": "Women", "male": "Men"}
LE_SOURCES = ("life_expectancy_msoa11", iv.LE_PERIOD)
IMD_SOURCES = ("imd2025_lsoa21", iv.DEPRIVATION_PERIOD)

st.title("Life expectancy gaps and inequality")
home, is_leeds = store.home_name(), store.home_is_leeds(store.built_at())
INTRO = (f"How much longer people live in the least deprived parts of {home} than in the most deprived, measured "
         "the way public health measures it: gaps with confidence intervals and the **Slope Index of Inequality** "
         "(SII), the measure the Public Health Outcomes Framework uses, computed the way UKHSA computes it (see "
         "*How these figures are made* at the end of the page).")
level = st.session_state["level"]
committee = st.session_state["committee"]
stamp = store.built_at()
registry = store.registry()
levels = store.area_catalogue().levels

bound_widget(st.radio, "Group areas into deprivation deciles", list(iv.GROUPINGS), state="sii_deciles", horizontal=True,
         format_func=lambda m: {"leeds": f"Within {home} (tenths of {possessive(home)} population)",
                                "national": "National (England's IMD deciles)"}[m],
         help=f"Within {home}: areas ranked by IMD 2025 score and cut into ten groups of equal {home} population. "
              + ("National: England's IMD 2025 LSOA deciles; Leeds has more people in the most deprived ones."
                 if is_leeds else "National: England's IMD 2025 LSOA deciles."))
mode = st.session_state["sii_deciles"]
le_views = {sex: charts.cached_sii_view(iv.LE_IDS[sex], "msoa", iv.LE_PERIOD, mode, stamp) for sex in SEXES}

st.header("The gap between the most and least deprived")
for column, (sex, view) in zip(st.columns(2), le_views.items()):
    with column:
        st.subheader(SEXES[sex])
        if view.error:
            st.warning(f"The SII cannot be computed: {view.error}")
            continue
        indicator = view.inputs.indicator
        st.markdown(f"#### {iv.life_expectancy_sentence(view.result, sex, indicator, home)}")
        st.markdown(iv.range_sentence(charts.cached_extreme_gaps(iv.LE_IDS[sex], "msoa", iv.LE_PERIOD, mode, stamp), sex,
                                      indicator, home))
        charts.show_chart_with_table(
            charts.cached_sii_spec(iv.LE_IDS[sex], "msoa", iv.LE_PERIOD, mode,
                                   f"Life expectancy by deprivation decile, {SEXES[sex].lower()} {iv.LE_PERIOD}", stamp),
            charts.cached_decile_table(iv.LE_IDS[sex], "msoa", iv.LE_PERIOD, mode, stamp),
            f"Dots: life expectancy of each decile (weighted mean of its MSOAs) with 95% CI bars, placed at the "
            f"mid-point of the decile's share of the population; orange line: the fitted slope. RII (ratio of the "
            f"least to the most deprived end) {view.result.rii:.3f} (95% CI {view.result.rii_ci(0.95)[0]:.3f} to "
            f"{view.result.rii_ci(0.95)[1]:.3f}).", key=f"ineq_sii_{sex}")
        england = charts.cached_england_sii(sex, stamp)
        if isinstance(england, str):
            st.info(f"England comparison not available: {england}")
        else:
            st.metric(f"England, {SEXES[sex].lower()}: SII computed from MSOAs", iv.sii_summary(england.result, indicator))
            st.caption(england.description)
first = next(iter(le_views.values()))
if first.left_out:
    st.info(first.left_out, icon=":material/info:")
council = load_council_figures()["life_expectancy_gap"]
measures = ("The **Slope Index of Inequality** is the gap across the whole range of deprivation, estimated by the "
            "regression line through every decile; the **range** compares the most and least deprived tenth.")
if is_leeds:
    st.info(f"**Two measures, and the council's figure.** {measures} The council quotes {council.quote} "
            f"({council.source}). {council.relation}")
else:      # the council's quoted gap is a Leeds figure
    st.info(f"**Two measures.** {measures}")
suppressed = {SEXES[s]: iv.suppressed_count(v.inputs) for s, v in le_views.items()}
msoa_count = len(store.areas("msoa", stamp))
msoa_words = (f"{possessive(home)} {msoa_count} MSOAs" if len(first.inputs.frame) == msoa_count else
              f"the {len(first.inputs.frame)} of {possessive(home)} {msoa_count} MSOAs with a {iv.LE_PERIOD} life expectancy")
st.caption(f"Deprivation groups: {first.inputs.grouping_label}. Weights: {first.inputs.weight_label}. Life expectancy "
           f"is treated as {first.value_type_text}. The {len(first.inputs.frame)} MSOAs are grouped first; MSOAs ONS did not publish "
           f"(women {suppressed['Women']}, men {suppressed['Men']}) are left out of their decile's mean, not counted as zero. "
           f"Confidence limits: 100,000 simulations with a fixed seed. Life expectancy is 2016-20; the IMD is 2025.")
sources_and_method([LE_SOURCES, IMD_SOURCES], [INTRO], label="About this measure and full sources")

st.header("Life expectancy and deprivation, MSOA by MSOA")
for column, (sex, view) in zip(st.columns(2), le_views.items()):
    with column:
        st.markdown(f"**{SEXES[sex]}: life expectancy against IMD score**")
        charts.show_chart_with_table(
            charts.cached_scatter_spec(iv.LE_IDS[sex], mode, stamp),
            charts.cached_scatter_table(iv.LE_IDS[sex], mode, stamp),
            f"Each point is one of {msoa_words} (hover for its name); {suppressed[SEXES[sex]]} MSOAs not "
            f"published by ONS are listed in the table as suppressed.", key=f"ineq_scatter_{sex}")
sources_and_method([LE_SOURCES, IMD_SOURCES], label="Full sources")

st.header(f"Gaps to the {home} value")
sex = bound_widget(st.radio, "Sex", list(SEXES), state="le_sex", horizontal=True, format_func=SEXES.get)
indicator = registry.get(iv.LE_IDS[sex])
gap_level = level if level in ("msoa", "ward24", "committee") else "msoa"
if gap_level != level:
    st.info("Life expectancy is published for MSOAs, not LSOAs: showing MSOAs.")
if gap_level != "msoa":
    st.warning(f"{levels[gap_level].label} values are **approximations**: person-years-weighted means of MSOA "
               f"values. {registry.coverage.sentence}")
gap_view = charts.cached_gap_view(indicator.id, gap_level, iv.LE_PERIOD, stamp)
leeds_value, extremes, counts = gap_view.leeds_value, gap_view.extremes, gap_view.counts
if leeds_value is None:     # the coverage rule left the district's own value blank: nothing to centre gaps on
    st.info(iv.no_district_value_sentence(home, gap_view.coverage, registry.coverage.min_share))
else:
    map_headline(indicator.id, gap_level, iv.LE_PERIOD, scheme="diverging", committee=committee)
    view = indicator_map(indicator.id, gap_level, iv.LE_PERIOD, scheme="diverging", committee=committee, key="ineq_gap_map")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{home}, {SEXES[sex].lower()} (approximation)", indicator.format_value(leeds_value),
              help=f"Person-years-weighted mean of the published MSOA values; not an official {home} figure.")
    c2.metric("Range, highest to lowest area", indicator.format_value(extremes["range"]),
              help=f"Highest: {extremes['highest']} ({extremes['highest_value']:.1f}); "
                   f"lowest: {extremes['lowest']} ({extremes['lowest_value']:.1f}).")
    c3.metric(f"Significantly lower / higher than {home}",
              f"{counts['Significantly lower']} / {counts['Significantly higher']}",
              help=f"The area's 95% confidence interval lies wholly below / above the {home} value (Fingertips convention).")
    st.markdown(f"Highest: **{extremes['highest']}** ({extremes['highest_value']:.1f} years); lowest: "
                f"**{extremes['lowest']}** ({extremes['lowest_value']:.1f} years).")
    charts.show_table(gap_view.table)
st.subheader("Most against least deprived fifth and tenth")
le_view = le_views[sex]
charts.show_table(charts.cached_extreme_gaps_table(iv.LE_IDS[sex], mode, stamp))
st.caption(f"MSOAs grouped into {le_view.inputs.grouping_label}; each group's value is the weighted mean of its "
           f"MSOAs' life expectancy ({le_view.inputs.weight_label}).")
sources_and_method([LE_SOURCES], label="Full source")

@st.fragment
def other_indicators() -> None:
    """The SII of any indicator, as a fragment: picking one reruns this section only (it keeps and writes
    its own URL key, as the explorer does)."""
    keep_url_state(PARAMS)
    st.header("The same measure for other indicators")
    sii_level = level if level in iv.SII_LEVELS else "ward24"
    if sii_level != level:
        st.info("Ten community committees are too few for deprivation deciles: showing wards.")
    candidates = iv.sii_candidates(registry.indicators, sii_level, level_ids())
    ids = [i.id for i in candidates]
    if st.session_state.get("sii_indicator") not in ids:
        st.session_state["sii_indicator"] = ids[0]
    chosen = registry.get(bound_widget(st.selectbox, "Indicator", ids, state="sii_indicator",
                                       format_func=lambda i: registry.get(i).label,
                                       help="Rates, shares and scores with a value for each area. IMD scores are left "
                                            "out (they define the deciles); no child-poverty rate is in the open data."))
    period = chosen.latest.period
    other = charts.cached_sii_view(chosen.id, sii_level, period, mode, stamp)
    if other.error:
        st.warning(f"The SII of {chosen.label} cannot be computed at {levels[sii_level].label.lower()} level: {other.error}")
    else:
        st.markdown(f"#### {iv.indicator_sentence(other.result, other.inputs, home)}")
        charts.show_chart_with_table(
            charts.cached_sii_spec(chosen.id, sii_level, period, mode, f"{chosen.short_label} by deprivation decile ({period})",
                                   stamp), charts.cached_decile_table(chosen.id, sii_level, period, mode, stamp),
            f"{levels[sii_level].label}, {other.inputs.grouping_label}. Treated as {other.value_type_text}. "
            f"Weights: {other.inputs.weight_label}.", key="ineq_sii_other")
    sources_and_method([(chosen.latest.source, period), IMD_SOURCES], label="Full sources")
    write_url(PARAMS)


other_indicators()

with st.expander("How these figures are made"):
    st.markdown(
        "- **Slope Index of Inequality.** Areas are put into ten deprivation groups; each group's value is plotted "
        "at the mid-point of its share of the population (0 = most deprived end, 1 = least deprived); a "
        "population-weighted straight line is fitted; the SII is the difference between its two ends. Its 95% "
        "confidence interval comes from 100,000 simulations of the group values within their own confidence "
        "intervals. This is the method of UKHSA's `phe_sii()` (ported in `metrics/sii.py` and checked against its "
        "test suite).\n"
        "- **RII** is the ratio of the two ends of the line.\n"
        "- **Life expectancy deciles** are built from MSOAs (about 8,000 people each), not LSOAs: ONS publishes "
        "small-area life expectancy only for MSOAs. MSOA-based SIIs are smaller than the official LSOA-based "
        f"OHID figures, because averaging over bigger areas flattens the extremes, so compare the {home} and England "
        "figures here with each other, not with PHOF.\n"
        f"- **Gaps** follow the Fingertips convention: an area is significantly higher or lower than {home} only "
        f"when its 95% confidence interval excludes the {home} value.\n"
        f"- *{registry.get(iv.LE_IDS['female']).caveat}*")
