"""Warm spaces: the city's warm and welcome spaces over a chosen measure of need, searchable, with a list."""
import streamlit as st

from components import store
from components.footer import source_line, sources_and_method
from components.map import show_legend
from components.warm_spaces_map import draw, cached_gap_layer, cached_need_layer, cached_series_need_layer
from components.postcode_search import attribution as postcode_attribution
from components.postcode_search import postcode_box
from components.trend_view import cached_series_table
from data.safe_text import csv_safe, safe_text
from data.catalogue import load_warm_spaces_config
from geo.choropleth import default_scheme, schemes_for
from metrics.captions import warm_gap_sentence, warm_response_sentence, warm_spaces_sentence
from metrics.warm_spaces import (DAY_NAMES, DAYS, demand_table, gap_table, latest_figure, list_table, nearest_spaces,
                                 need_residents, with_coverage,
                                 recent_series, table_xlsx,
                                 readings, residents_beyond, response_by_area, search_spaces)

LEVELS = {"ward24": "Wards", "msoa": "Middle-layer areas (MSOAs)", "lsoa21": "Neighbourhoods (LSOAs)"}
DEFAULT_NEED = "fuel_poverty"

st.title("Warm and welcome spaces")
stamp = store.built_at()
if not store.home_is_leeds(stamp):      # BCA_DISTRICT: the list is Leeds City Council's
    st.info(f"Not available for {store.home_name()}: the warm and welcome spaces list is Leeds City Council's, and "
            "no list for this district is in the data folder.", icon=":material/info:")
    st.stop()
config = load_warm_spaces_config()
catalogue = store.sources()
spaces = store.table("warm_spaces", stamp)
rejected = store.table("warm_spaces_rejected", stamp)
st.markdown("Where Leeds' warm and welcome spaces are, over a measure of need you choose. Search the list by "
            "name, ward, type or the day a space is open; click a point, or pick a space below, for its details. "
            "The link in your browser's address bar reopens exactly this view, filters and search.")
st.info(config.caveat, icon=":material/info:")
SNAPSHOT = str(spaces["snapshot_date"].max())


def headline(sentence: str) -> None:
    """Answer first (issue 19): the view's sentence, computed from what it shows, in bold above its map or table."""
    st.markdown("**" + sentence.replace("*", "\\*") + "**")


VIEWS = {"map": "Map and list", "gaps": "Where response is missing", "dashboard": "Demand and response"}


def known_only(state_key: str, options, what: str) -> None:
    """Keep only the choices (from a link) that the widget offers, and say which were dropped."""
    chosen = list(st.session_state.get(state_key) or [])
    kept = [c for c in chosen if c in options]
    if kept != chosen:
        dropped = [c for c in chosen if c not in options]
        st.info(f"Ignored {len(dropped)} {what}{'s' if len(dropped) > 1 else ''} from the link that this list does "
                f"not have: {safe_text(', '.join(dropped[:3]), limit=60)}.", icon=":material/link_off:")
        st.session_state[state_key] = kept


def map_and_list() -> None:
    """Item 1: the points over a chosen need layer, the filters, a space's details and the list."""
    with st.container(border=True):
        level_col, need_col = st.columns([1, 3])
        level = level_col.radio("Areas", list(LEVELS), format_func=LEVELS.get, key="ws_level")
        available, _ = store.indicators_at(level)
        labels = {i.id: f"{i.theme}: {i.label}" for i in sorted(available, key=lambda i: (i.theme, i.label))}
        if level == "msoa":     # needs DWP publishes for MSOAs only, from the time series (data/warm_spaces.yaml)
            labels = {key: f"Demand (DWP, MSOAs): {spec['label']} ({spec['kind'].split(' (')[0]})"
                      for key, spec in config.need_series.items()} | labels
        if st.session_state.get("ws_need") not in labels:
            st.session_state["ws_need"] = DEFAULT_NEED if DEFAULT_NEED in labels else next(iter(labels))
        need_id = need_col.selectbox("Measure of need under the points (type to search)", list(labels),
                                     format_func=labels.get, key="ws_need")
        search_col, ward_col, type_col, day_col, time_col = st.columns([3, 2, 2, 2, 2])
        query = search_col.text_input("Search by name, address, type or ward", key="ws_query", max_chars=80)
        ward_names = dict(sorted(zip(spaces["ward24_code"], spaces["ward24_name"]), key=lambda kv: kv[1]))
        known_only("ws_wards", ward_names, "ward code")
        ward_codes = ward_col.multiselect("Wards", list(ward_names), key="ws_wards", format_func=ward_names.get,
                                          max_selections=10)
        wards = [ward_names[c] for c in ward_codes]
        type_options = sorted(t for t in spaces["space_type"].dropna().unique() if t)
        known_only("ws_types", type_options, "type of space")
        types = type_col.multiselect("Type of space", type_options, key="ws_types", max_selections=6)
        days = day_col.multiselect("Open on", DAYS, format_func=DAY_NAMES.get, key="ws_days",
                                   help="By the parsed opening hours; spaces whose hours could not be parsed are left "
                                        "out when a day is chosen (their hours as given are in the list).")
        at = time_col.time_input("Open at", value=None, key="ws_at", step=1800,
                                 help="By the parsed opening hours, on the days chosen (or on any day). Spaces whose "
                                      "hours could not be parsed are left out; their hours as given are in the list.")

    if need_id in config.need_series:
        layer, need = cached_series_need_layer(need_id, "quantiles", 5, stamp)
        need_label, period = need.label, need.period or "no period in the store"
        sources = [(source_id, period) for source_id in need.sources]
        st.caption(need.note() + " DWP counts for 2011 MSOAs, which match Leeds' 2021 MSOAs; classes by quantiles, "
                   "as for the other measures.")
    else:
        indicator = store.registry().get(need_id)
        need_label, period = indicator.label, indicator.latest.period
        scheme = default_scheme(indicator, "quantiles", schemes_for(indicator, False, False))
        layer = cached_need_layer(indicator_id=need_id, level=level, period=period, scheme=scheme, k=5,
                                  committee=st.session_state.get("committee", "all"), stamp=stamp)
        sources = [(indicator.latest.source, period)]
    shown = search_spaces(spaces, query, wards, types, days, at)
    headline(warm_spaces_sentence(shown, len(spaces)))

    map_col, side_col = st.columns([5, 2])
    with map_col:
        st.caption(f"{len(shown)} of {len(spaces)} spaces shown as cyan points, over {need_label} ({period}) "
                   f"by {LEVELS[level][0].lower() + LEVELS[level][1:]}.")
        draw(layer, shown, key="ws_map", select_key="ws_space",
             alt=f"Map of {len(shown)} warm spaces over {need_label} ({period}) by "
                 f"{LEVELS[level][0].lower() + LEVELS[level][1:]}. The same spaces are in the list below the map.")
        sources_and_method(sources + [("warm_spaces", SNAPSHOT)],
                           [f"Points: {catalogue.attribution_text('warm_spaces')}", config.caveat])
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


def where_missing() -> None:
    """Item 2: each LSOA's straight-line distance to the nearest space, mapped and listed, against need."""
    access = store.table("warm_space_access", stamp)
    lsoas = store.areas("lsoa21", stamp)
    bands = config.access["bands_metres"]
    imd = store.indicator_table("imd_imd_decile", "lsoa21", "2025", stamp).set_index("code")["value"]
    fuel = store.indicator_table("fuel_poverty", "lsoa21", "2020", stamp).set_index("code")["value"]
    gaps = gap_table(access, lsoas, spaces, {"IMD 2025 national decile (1 = most deprived)": imd,
                                            "Households in fuel poverty, % (2020, LILEE)": fuel})
    codes = gaps["Code"]
    top_fifth = fuel >= fuel.quantile(0.8)
    summary = residents_beyond(gaps, bands, {
        "England's most deprived 10% (IMD 2025 decile 1)": codes.map(imd).eq(1),
        "Most fuel-poor fifth of Leeds LSOAs (2020)": codes.map(top_fifth).fillna(False).astype(bool)})
    headline(warm_gap_sentence(summary, bands[0]))
    st.warning(config.access["caveat"], icon=":material/straighten:")
    st.caption(f"Each LSOA's point: {config.access['point']}. Duplicate listings are counted once: "
               f"{config.dedupe['rule']} ({int(spaces['duplicate_of'].notna().sum())} listings merged, "
               f"{int(spaces['duplicate_of'].isna().sum())} spaces).")
    c1, c2 = st.columns(2)
    for col, band in zip((c1, c2), bands):
        row = summary.iloc[0]
        col.metric(f"Residents whose LSOA point is over {band:,} m (straight line) from a space",
                   f"{row[f'Residents beyond {band:,} m']:,}",
                   help=f"{row[f'LSOAs beyond {band:,} m']} of {row['LSOAs']} LSOAs; Census 2021 usual residents.")
    st.dataframe(summary, hide_index=True, width="stretch")
    layer = cached_gap_layer(stamp)
    map_col, side_col = st.columns([5, 2])
    with map_col:
        draw(layer, spaces[spaces["duplicate_of"].isna()], key="ws_gap_map", select_key="ws_space",
             alt="Map of Leeds LSOAs coloured by straight-line distance to the nearest warm space, with the spaces "
                 "as points. The same figures are in the table below.")
        sources_and_method([("population_census2021", "2021"), ("warm_spaces", SNAPSHOT), ("imd2025_lsoa21", "2025"),
                            ("fuel_poverty_2020", "2020")],
                           ["LSOA boundaries and Census 2021 residents: Office for National Statistics (2021).",
                            config.access["caveat"]])
    with side_col:
        show_legend(layer.legend_html)
    st.subheader("Gap areas, farthest first")
    st.dataframe(gaps, hide_index=True, width="stretch",
                 column_config={"Straight-line distance to the nearest space (m)": st.column_config.NumberColumn(format="%d")})
    st.download_button("Download the gap list (CSV)", csv_safe(gaps).to_csv(index=False).encode("utf-8"),
                       file_name="leeds_warm_space_gaps_lsoa.csv", mime="text/csv")


def demand_and_response() -> None:
    """Item 3: demand (Universal Credit, fuel poverty, children in low income families, claimants) beside
    response (spaces, per 1,000 residents, weekly hours) per ward or committee, each figure with its period."""
    level = st.radio("Areas", ["ward24", "committee"], key="ws_dash_level", horizontal=True,
                     format_func={"ward24": "Wards", "committee": "Community committees"}.get)
    areas = store.areas(level, stamp)
    ward_committee = dict(zip(store.areas("ward24", stamp)["code"], store.areas("ward24", stamp)["committee_code"]))
    coverage = config.coverage
    deciles = store.indicator_table(coverage["indicator"], "lsoa21", coverage["period"], stamp).set_index("code")["value"]
    in_need = need_residents(store.areas("lsoa21", stamp), deciles, coverage["deciles"],
                             ward_committee if level == "committee" else None)
    response = with_coverage(response_by_area(spaces, areas, ward_committee if level == "committee" else None), in_need)
    series = cached_series_table(stamp)
    uc_now = latest_figure(series, "universal_credit_households", level, "UC households")
    uc_before = latest_figure(series, "universal_credit_households", level, "UC households", months_before=12)
    figures = [f for f in (
        latest_figure(series, "universal_credit_per_100_households", level, "UC households per 100 households (derived)"),
        latest_figure(series, "fuel_poverty", level, "Households in fuel poverty, % (LILEE)"),
        latest_figure(series, "children_low_income", level, "Children in relative low income families", decimals=0),
        latest_figure(series, "claimant_rate_ward", level, "Claimants, % of residents 16-64"),
    ) if f is not None]
    table = demand_table(response, figures, uc_now, uc_before, coverage["group"])
    headline(warm_response_sentence(table, {"ward24": ("ward", "wards"),
                                            "committee": ("community committee", "community committees")}[level]))
    if level == "committee":
        st.markdown("**Each committee in one line**\n\n" + "\n".join(f"- {safe_text(line, limit=None)}"
                                                                     for line in readings(table)))
    trend, span = recent_series(series, "universal_credit_households", level)
    shown = table
    columns = {}
    if trend:
        trend_column = f"UC households, monthly {span}"
        shown = table.assign(**{trend_column: table["Code"].map(trend)})
        columns[trend_column] = st.column_config.LineChartColumn(
            trend_column, help="Universal Credit households each month (DWP), oldest on the left; the figures are "
                               "in the UC columns and in the Change over time page.")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=columns)
    unparsed = int(response["hours_not_parsed"].sum())
    st.caption(f"Weekly opening hours add up each space's parsed hours; {unparsed} of {int(response['spaces'].sum())} "
               f"spaces' hours did not parse and are left out of the hours (each area's count is in the table). "
               f"{coverage['text']}")
    lines = [f"Warm spaces: {catalogue.attribution_text('warm_spaces')} Duplicate listings counted once. "
             f"Residents: Census 2021 (ONS).",
             f"Coverage of need: {coverage['text']} {source_line('imd2025_lsoa21', coverage['period'])}"]
    for figure in [f for f in (uc_now, uc_before) if f is not None] + figures:
        for source_id in figure.sources:
            lines.append(f"{figure.label} ({figure.period}): {source_line(source_id, figure.period)}")
    if level == "committee":
        lines.append("Claimants by ward are published for wards only; no committee figure is shown.")
    lines.append("Universal Credit and children in low income families are DWP counts for MSOAs, added up to "
                 "wards and committees by best fit (LSOAs are not nested in wards: approximations). UC per 100 "
                 "households is derived by the atlas with Census 2021 households as denominator, not a DWP figure.")
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button("Download this table (CSV)", lambda: csv_safe(table).to_csv(index=False).encode("utf-8"),
                            file_name=f"leeds_warm_spaces_demand_response_{level}.csv", mime="text/csv")
    xlsx_col.download_button("Download this table (Excel, with its sources)",
                             lambda: table_xlsx(table, "Demand and response", list(dict.fromkeys(lines))),
                             file_name=f"leeds_warm_spaces_demand_response_{level}.xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    pairs = [("warm_spaces", SNAPSHOT), ("population_census2021", "2021"), ("imd2025_lsoa21", coverage["period"])]
    pairs += [(source_id, figure.period) for figure in [f for f in (uc_now, uc_before) if f is not None] + figures
              for source_id in figure.sources]
    sources_and_method(pairs, full=list(dict.fromkeys(lines)))


def near_a_postcode() -> None:
    """Item 4: the spaces nearest a Leeds postcode, by straight line from the postcode's centre."""
    with st.expander("Warm spaces near a postcode", expanded=bool(st.session_state.get("find_postcode"))):
        result = postcode_box("find_postcode")
        if result is not None and result.kind == "leeds":
            nearby = nearest_spaces(spaces[spaces["duplicate_of"].isna()], result.easting, result.northing, 5)
            st.dataframe(nearby, hide_index=True, width="stretch")
            st.caption("Straight-line distances from the postcode's centre, not walking distances.")
        st.caption(postcode_attribution())


near_a_postcode()
if st.session_state.get("ws_view") not in VIEWS:
    st.session_state["ws_view"] = "map"
view = st.segmented_control("View", list(VIEWS), key="ws_view", format_func=VIEWS.get) or "map"
{"map": map_and_list, "gaps": where_missing, "dashboard": demand_and_response}[view]()
