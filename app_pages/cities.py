"""<home> among England's cities: the home district (Leeds unless BCA_DISTRICT) beside the core cities or its most
similar districts, England and the region."""
import streamlit as st

from components import benchmark
from components import cities_view as cv
from components import store
from components.charts import show_spec, vega_spec
from components.footer import source_line, sources_and_method
from components.map import MAP_CREDIT, legend
from components.params import PARAMS
from components.state import keep_url_state, write_url
from data.words import possessive
from metrics.captions import city_rank_sentence, deprived_share_sentence


def group_nouns(home: str) -> dict[str, str]:
    return {cv.CORE: "core cities", cv.SIMILAR: f"districts in {possessive(home)} similar-districts group"}


@st.cache_data(show_spinner=False, max_entries=64)
def cached_view(choice: str, dataset: str, indicator: str, stamp: str):
    """Table and chart spec of one indicator for one comparator group (shared by every session)."""
    group = cv.group_for(choice, benchmark.cities_config(stamp), store.table("cities_neighbours", stamp))
    rows = cv.one_indicator(store.table("cities_series", stamp), dataset, indicator)
    table, period = cv.latest_table(rows, benchmark.cities_config(stamp), group)
    unit = rows["measure"].iloc[0] if len(rows) else ""
    config = benchmark.cities_config(stamp)
    spec = vega_spec(cv.small_multiples(cv.chart_frame(rows, config, group), indicator, unit, config["home"]["name"],
                                        config["region"]["name"])) if len(rows) else None
    source = rows["source_org"].iloc[0] if len(rows) else ""
    home = benchmark.cities_config(stamp)["home"]["name"]
    sentence = city_rank_sentence(table, indicator=indicator, period=cv.period_label(period),
                                  group=group_nouns(home).get(choice, ""), home=home) if len(table) else ""
    return table, period, spec, source, sentence


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_options(stamp: str) -> dict:
    """Chooser label -> (dataset, indicator), once per store (shared, read-only)."""
    return cv.indicator_options(store.table("cities_series", stamp))


@st.cache_data(show_spinner=False, max_entries=4)
def cached_iod_views(stamp: str):
    """The File 10 table with its notes, the SII table, the maps' legend and display size (the same for every
    session; each was rebuilt on every rerun before)."""
    config = benchmark.cities_config(stamp)
    home, core = config["home"]["code"], list(config["core_cities"])
    file10 = store.table("cities_file10", stamp)
    le, maps = store.table("cities_le_sii", stamp), store.table("cities_map", stamp)
    return (cv.file10_view(file10, home, core), cv.file10_notes(file10, [home, *core]), int(file10["districts"].iloc[0]),
            cv.le_sii_view(le, home) if not le.empty else None,
            (cv.decile_legend(maps), cv.map_display(maps), [cv.map_caption(r) for r in maps.itertuples()],
             [cv.map_alt(r) for r in maps.itertuples()]) if not maps.empty else None)


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_map_pngs(stamp: str) -> list[bytes]:
    """The eight maps' PNG bytes, read once per store (shared, read-only)."""
    return store.table("cities_map", stamp)["png"].tolist()


@st.cache_data(show_spinner=False, max_entries=4)
def cached_deprivation(stamp: str):
    """The IoD 2019/2025 table and its sentence (the same for every session)."""
    home = benchmark.cities_config(stamp)["home"]
    table = cv.deprivation_view(store.table("cities_deprivation", stamp), home["code"])
    return table, deprived_share_sentence(table, home["name"])


stamp = store.built_at()
home, region = benchmark.cities_config(stamp)["home"]["name"], benchmark.cities_config(stamp)["region"]["name"]
st.title(f"{home} among England's cities")
choice = benchmark.current()
st.markdown(f"Compared with: **{cv.GROUP_LABELS[choice]}** (change it in the sidebar, “Compare {home} with”). "
            + (f"Choose core cities or similar districts to see {home} beside a group of districts."
               if choice == cv.ENGLAND else ""))


@st.fragment
def indicator_section(choice: str, stamp: str) -> None:
    """The chosen series beside the group: a fragment, so choosing another indicator reruns only this section
    (the IoD tables, the SII table and the maps below are not redrawn or resent). Its runs skip app.py, so it
    keeps every URL-bound choice and writes the link itself, as every fragment does."""
    keep_url_state(PARAMS)
    options = cached_options(stamp)
    default = benchmark.cities_config(stamp)["default_indicator"]
    labels = list(options)
    first = next((i for i, k in enumerate(labels) if options[k] == (default["dataset"], default["indicator"])), 0)
    label = st.selectbox("Indicator (type to search)", labels, index=first, key="cities_indicator")
    dataset, indicator = options[label]
    table, period, spec, source, sentence = cached_view(choice, dataset, indicator, stamp)
    st.subheader(f"{indicator}: {home} beside other places")
    if table.empty:
        st.info(f"{home} has no value for this indicator in the ONS series.")
    else:
        st.markdown(f"**{sentence}**")
    if spec is not None:
        show_spec(spec, width="content")
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")
        sources_and_method([("ons_local_statistics_lad", cv.period_label(period))], [
            "Rank 1 = the highest value, which may be better or worse depending on the measure. Districts without a "
            "published value for this period are not ranked.",
            f"Chart: each point is one published period. {home} in red, England (blue) and {region} "
            "(green) dashed in every panel where ONS publishes them. A line stops where the period length changes or "
            "a period is missing: values either side of a break are not joined."], note=f"Original publisher: {source}.")
    write_url(PARAMS)


indicator_section(choice, stamp)

st.subheader("Deprivation across each city: IoD 2025 district summaries")
file10_table, file10_notes, n_districts, le_table, map_parts = cached_iod_views(stamp)
st.dataframe(file10_table, hide_index=True, width="stretch")
iod = {s: store.sources().sources[s].edition for s in ("imd2025_lad_summaries", "imd2019_lsoa11", "imd2025_lsoa21")}
sources_and_method([("imd2025_lad_summaries", f"{iod['imd2025_lad_summaries']}, districts 2024"),
                    ("imd2025_lsoa21", "2025"), ("imd2025_indicators_lsoa21", "2025"),
                    ("population_census2021", "2021")], [
    f"Each cell: the measure (rank of England's {n_districts} districts in brackets; 1 = most deprived, or for the "
    "scales the most people). Shares and extent are fractions (0.17 = 17%); average rank and local concentration "
    f"rank the most deprived LSOA highest ({store.sources().sources['imd2025_lsoa21'].edition}: 33,755).",
    "Recomputed here by MHCLG's method from the LSOA files: average score and average rank are population-weighted "
    "means of the LSOAs' scores and ranks; the share counts LSOAs in England's most deprived 10%; extent weights the "
    "population in the most deprived 10% of LSOAs by 1 and in the 11th to 30th percentiles from 0.95 down to 0.05; "
    "local concentration is the population-weighted average rank of the most deprived LSOAs holding 10% of the "
    "district's population; the income and employment scales add up File 8's domain numerators.",
    "**Why the two rows differ a little:** MHCLG weight by File 7's population denominators (mid-2022), which are not "
    "in this atlas's data, so the population-weighted measures use Census 2021 usual residents instead; File 8's "
    "numerators are published rounded to 5 and blank for a few LSOAs. The last column is the largest gap between "
    f"published and recomputed over all {n_districts} districts (a data test checks every district against it).",
    *file10_notes],
    full=[cv.iod_source(store.sources(), "imd2025_lad_summaries", "districts 2024"),
          source_line("imd2025_lsoa21", "2025"), source_line("imd2025_indicators_lsoa21", "2025"),
          source_line("population_census2021", "2021")])

st.subheader("Life expectancy gap within each city: slope index of inequality")
if le_table is None:
    st.info("The life-expectancy figures were not built for this store.")
else:
    st.dataframe(le_table, hide_index=True, width="stretch")
    sources_and_method([("life_expectancy_msoa11", str(le_table["Period"].iloc[0])), ("imd2025_lsoa21", "2025"),
                        ("population_census2021", "2021")], [
        "The slope index of inequality (SII) is the gap in life expectancy at birth, in years, between the most and "
        "the least deprived ends of each city, from a line fitted across ten deprivation groups (UKHSA's method, "
        "PHEindicatormethods phe_sii; 95% limits by simulation). The same method as the Inequalities page: each "
        "city's MSOAs are put into deciles of its own population (ONS person-years 2016-20) ranked by their "
        "population-weighted IMD 2025 score; each decile's value is the person-years-weighted mean of its MSOAs.",
        "MSOAs left out, said in the table: *not published* = ONS did not publish the MSOA's life expectancy for that "
        "sex (the MSOA still counts in its decile's population); *no 2016-20 figure* = the city's 2021 MSOA is new or "
        "its code changed in 2021, so the 2011-MSOA figures cannot be placed on it. The SII is for the MSOAs used."])

st.subheader("Each city's neighbourhoods by national IMD 2025 decile")
if map_parts is None:
    st.info("The city maps were not built for this store.")
else:
    decile_rows, (shown, km_per_100), captions, alts = map_parts
    st.image(cached_map_pngs(stamp), caption=captions, alt=alts, width=shown)
    legend(decile_rows, "National IMD 2025 decile (LSOAs in these maps)")
    st.caption(f"{MAP_CREDIT} Every map is drawn at the same scale (100 pixels = {km_per_100:.1f} km as shown) "
               "and on one colour scale: England's deciles, so the cities' colours compare directly. "
               + source_line("imd2025_lsoa21", "2025"))

st.subheader("Neighbourhoods in England's most deprived 10%, 3% and 1%: IoD 2019 and IoD 2025")
deprivation, deprivation_sentence = cached_deprivation(stamp)
st.markdown(f"**{deprivation_sentence}**")
st.dataframe(deprivation, hide_index=True, width="stretch")
sources_and_method([("imd2019_lsoa11", f"{iod['imd2019_lsoa11']}, 2011 LSOAs"),
                    ("imd2025_lsoa21", f"{iod['imd2025_lsoa21']}, 2021 LSOAs")], [
    "Share of each area's LSOAs ranked in England's most deprived 10%, 3% or 1% on the Index of Multiple "
    "Deprivation (rank ≤ 10%, 3% or 1% of England's LSOAs in that edition).",
    "The two editions are on different neighbourhoods: IoD 2019 ranks 32,844 LSOAs (2011 boundaries), IoD 2025 "
    "ranks 33,755 LSOAs (2021 boundaries). Each share is of the area's own LSOAs in that edition, against England's "
    "ranking in that edition, so the shares compare *relative position*; they do not show that deprivation rose or "
    "fell, and a different count of LSOAs is partly a boundary change. The last column is the council's slip test: "
    "of the LSOAs in England's 3% (but not 1%) most deprived in 2019 whose boundaries did not change in 2021 "
    "(ONS lookup change code U), how many are in the 1% in 2025."],
    full=[cv.iod_source(store.sources(), "imd2019_lsoa11", "2011 LSOAs"),
          cv.iod_source(store.sources(), "imd2025_lsoa21", "2021 LSOAs")])

k = int(benchmark.cities_config(stamp)["neighbours"]["k"])
st.subheader(f"Similar districts: the {k} districts most like {home}")
neighbours = store.table("cities_neighbours", stamp)
st.dataframe(cv.neighbour_view(neighbours, benchmark.cities_config(stamp), k), hide_index=True, width="stretch")
sources_and_method([("ons_local_statistics_lad", "periods as in the column headings")], [
    f"Method: {benchmark.cities_config(stamp)['neighbours']['method']} {len(neighbours) - 1} districts compared. "
    "Each series' original publisher as named in ONS Explore Local Statistics. Configured in data/cities.yaml."])
