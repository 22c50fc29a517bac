"""Time series on the page: cached reads of the store's series table, line charts with breaks, change maps.

Charts draw one line per series (``detail=segment``), so a line can never cross a definition break; the
break itself is a dashed rule with its reason in the tooltip and in the caption beside the chart.
"""
from __future__ import annotations

from functools import lru_cache

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from components import store
from components.charts import show_spec, table_arrow, vega_spec
from components.footer import source_line
from components.map import deck_template, legend_markup, show_legend, show_map, with_selection
from data.query import select
from data.registry import unit_after
from data.series import ChangeRule, Part, Series, SeriesCatalogue, Trend, load_series_catalogue
from geo.classify import diverging_classes
from geo.choropleth import features, view_for_bounds
from geo.palettes import categorical_colours, class_colours, hex_to_rgba, legend_rows, no_data_colour
from metrics.trends import Rule, area_trend_rows, break_marks, change_table, kpi_history, line_segments

COMPARATORS = {"lad": "the home district", "region": "its region", "england": "England"}   # series levels
ENGLAND_CODE = "E92000001"
ROLE_COLOURS = {"lad": "#0072b2", "england": "#000000", "region": "#e69f00"}
ROLE_SHAPES = {"lad": "circle", "england": "square", "region": "triangle-up"}
OTHER_SHAPES = ["diamond", "cross", "triangle-down", "triangle-right", "triangle-left", "stroke"]
SMALL_LEVELS = ("lsoa21", "msoa", "ward24", "committee")
CHANGE_TOOLTIP = "<b>{name}</b><br/>{change_text}"


REGISTRY_PREFIX = "reg__"
"""Measure ids starting with this name a registry indicator with two comparable editions (IoD 2019 and 2025)."""


def comparator_codes(stamp: str) -> dict[str, str]:
    """Code -> name of the comparator lines: the store's home district (Leeds unless built for another), its region
    and England."""
    home = store.home(stamp)
    return {home["code"]: home["name"], home["region_code"]: home["region_name"], ENGLAND_CODE: "England"}


def comparator_styles(stamp: str) -> tuple[dict[str, str], dict[str, str]]:
    """Name -> colour and name -> marker shape of the comparator lines (the same roles whatever the district)."""
    home = store.home(stamp)
    roles = {home["name"]: "lad", home["region_name"]: "region", "England": "england"}
    return ({n: ROLE_COLOURS[r] for n, r in roles.items()}, {n: ROLE_SHAPES[r] for n, r in roles.items()})


def district_series_note(home: str, shown: int, total: int) -> str:
    """Why another district's change page lists fewer measures than Leeds'."""
    return (f"For {home} the atlas follows the {shown} of its {total} measures published per district (ONS Explore "
            "Local Statistics, DESNZ fuel poverty, DWP children in low-income families), with England and its region "
            "beside them. The others, and every ward and neighbourhood series, are built from small-area files the "
            "atlas reads for Leeds only (most hold only Leeds' areas: Universal Credit by MSOA, house prices and the "
            f"claimant count by ward, fuel poverty by LSOA), so they are not shown for {home}.")


def rule_text(trend: Trend, home: str) -> str:
    """A trend's change rule as written in series.yaml, where "Leeds" names the district level: the home district's
    name for another district (the same rule is applied to its figure)."""
    return trend.change_rule.text if home == "Leeds" else trend.change_rule.text.replace("Leeds", home)


def catalogue() -> SeriesCatalogue:
    return load_series_catalogue()


def measure(measure_id: str) -> Trend:
    """A trend of series.yaml, or a registry indicator with several editions seen as a one-series trend."""
    if measure_id.startswith(REGISTRY_PREFIX):
        return _cached_registry_trend(measure_id[len(REGISTRY_PREFIX):])
    return catalogue().get(measure_id)


@lru_cache(maxsize=128)
def _cached_registry_trend(indicator_id: str) -> Trend:
    ind = store.registry().get(indicator_id)
    mid = REGISTRY_PREFIX + ind.id
    part = Part(source=ind.latest.source, geography="lsoa21", code="code", period="period", period_format="year",
                value="value")
    rule = ChangeRule(method="none", text="The Indices of Deprivation publish no interval: every move between the two "
                      "editions is shown as better or worse. Editions are compared by decile, percentile or share in "
                      "England's most deprived 10%, never by score or rank.")
    return Trend(id=mid, label=ind.label, short_label=ind.short_label, unit=ind.unit, format=ind.format,
                 polarity=ind.polarity, pillars=ind.pillars, theme=ind.theme, indicator=ind.id, change_rule=rule,
                 caveat=ind.caveat, series=[Series(id=mid, definition=ind.definition, rate="published", parts=[part])])


def registry_measures() -> list[str]:
    """Registry indicators with two or more editions: the IoD measures built to be compared across editions."""
    return [REGISTRY_PREFIX + i.id for i in store.registry().indicators if len(i.editions) > 1 and not i.derived]


@st.cache_resource(show_spinner=False)
def cached_series_table(stamp: str) -> pd.DataFrame:
    """The store's series table with plain string keys (shared read-only across sessions)."""
    table = store.series(stamp).copy()
    for column in ("trend_id", "series_id", "area_level", "period", "source"):
        table[column] = table[column].astype(str)
    return table


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_trend_rows(trend_id: str, stamp: str) -> pd.DataFrame:
    """Rows of one trend, or of a registry indicator's editions in the same shape (shared read-only)."""
    if trend_id.startswith(REGISTRY_PREFIX):
        return _registry_rows(trend_id, stamp)
    table = cached_series_table(stamp)
    return table[table["trend_id"] == trend_id].reset_index(drop=True)


def _registry_rows(measure_id: str, stamp: str) -> pd.DataFrame:
    indicator = store.registry().get(measure_id[len(REGISTRY_PREFIX):])
    values = store.values(stamp)
    rows = select(values, indicator.id, period=list(indicator.periods))
    periods = rows["period"].astype(str)
    out = pd.DataFrame({
        "trend_id": measure_id, "series_id": measure_id, "area_level": rows["area_level"].astype(str),
        "area_code": rows["area_code"].astype(str), "period": periods,
        "period_start": pd.to_datetime(periods.str[:4] + "-01-01"), "value": rows["value"],
        "lower_ci": rows["lower_ci"], "upper_ci": rows["upper_ci"], "numerator": rows["numerator"],
        "denominator": rows["denominator"], "coverage": rows["coverage"], "status": "", "provisional": False,
        "converted": [indicator.edition(p).source.endswith("lsoa11") for p in periods],
        "source": [indicator.edition(p).source for p in periods]})
    return out.reset_index(drop=True)


def levels_of(trend_id: str, stamp: str) -> list[str]:
    """Small-area levels (LSOA to committee) at which a trend has values, finest first."""
    present = set(cached_trend_rows(trend_id, stamp)["area_level"])
    return [level for level in SMALL_LEVELS if level in present]


def series_label(trend: Trend, series_id: str) -> str:
    series = trend.get_series(series_id)
    return series.label or trend.short_label


def source_pairs(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """(source id, periods covered) for every source the rows come from, for footer.merged_source_line."""
    pairs = []
    for source_id, group in rows.groupby("source", sort=False):
        order = group.drop_duplicates("period").sort_values("period_start")["period"]
        pairs.append((str(source_id), order.iloc[0] if len(order) == 1 else f"{order.iloc[0]} to {order.iloc[-1]}"))
    return pairs


def sources_caption(trend: Trend, rows: pd.DataFrame) -> str:
    """'Source: ...' for every source the rows come from, with the periods they cover."""
    return " ".join(dict.fromkeys(source_line(s, span) for s, span in source_pairs(rows)))


def line_chart(rows: pd.DataFrame, trend: Trend, names: dict[str, str], title: str,
               styles: tuple[dict[str, str], dict[str, str]] = ({}, {})) -> alt.Chart:
    """One line per area and series (never across a break), markers by shape, 95% intervals as bars. ``styles``:
    the comparators' fixed colours and shapes by name (``comparator_styles``); other areas take the palette's."""
    data = line_segments(rows[rows["value"].notna()]).assign(
        area=lambda f: f["area_code"].map(names).fillna(f["area_code"]),
        series=lambda f: f["series_id"].map(lambda s: series_label(trend, s)),
        shown=lambda f: f["value"].map(trend.format_value))
    areas = list(dict.fromkeys(data["area"]))
    line_colours, line_shapes = styles
    others = [a for a in areas if a not in line_colours]
    taken = {line_colours[a] for a in areas if a in line_colours}
    palette = [c for c in categorical_colours() if c not in taken and c != "#f0e442"]   # yellow: too pale on white
    colours = [line_colours.get(a) or palette[others.index(a) % len(palette)] for a in areas]
    shapes = [line_shapes.get(a) or OTHER_SHAPES[others.index(a) % len(OTHER_SHAPES)] for a in areas]
    span_years = (data["period_start"].max() - data["period_start"].min()).days / 365.25 if len(data) else 0
    x = alt.X("period_start:T", title="Period", axis=alt.Axis(format="%Y", tickCount="year") if span_years >= 3
                                                  else alt.Axis(format="%b %Y"))
    y = alt.Y("value:Q", title=f"{trend.short_label} ({trend.unit})", scale=alt.Scale(zero=False))
    colour = alt.Color("area:N", title="Area", scale=alt.Scale(domain=areas, range=colours))
    shape = alt.Shape("area:N", title="Area", scale=alt.Scale(domain=areas, range=shapes))
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("shown:N", title=trend.short_label), alt.Tooltip("series:N", title="Definition")]
    lines = alt.Chart(data).mark_line(strokeWidth=2).encode(x=x, y=y, color=colour, detail="segment:N")
    points = alt.Chart(data).mark_point(filled=True, size=60).encode(x=x, y=y, color=colour, shape=shape,
                                                                      tooltip=tooltip)
    layers = [lines, points]
    ci = data[data["lower_ci"].notna() & data["upper_ci"].notna()]
    if not ci.empty:
        layers.insert(0, alt.Chart(ci).mark_rule(opacity=0.45, strokeWidth=3).encode(
            x=x, y="lower_ci:Q", y2="upper_ci:Q", color=colour))
    marks = break_marks(rows, trend.breaks)
    if not marks.empty:
        layers.append(alt.Chart(marks).mark_rule(strokeDash=[6, 4], color="#555555", strokeWidth=2).encode(
            x="date:T", tooltip=[alt.Tooltip("label:N", title="Break"), alt.Tooltip("reason:N", title="Why")]))
        layers.append(alt.Chart(marks).mark_text(align="left", dx=4, dy=-6, color="#333333", fontSize=12).encode(
            x="date:T", y=alt.value(8), text="label:N"))
    return alt.layer(*layers).properties(title=title, height=320)


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_line_spec(rows: pd.DataFrame, trend_key: str, _trend: Trend, names: tuple, title: str, stamp: str) -> dict:
    """``line_chart`` as a finished spec, keyed by the rows' content and the trend's repr (building and
    validating the chart on every run was most of a rerun)."""
    return vega_spec(line_chart(rows, _trend, dict(names), title, comparator_styles(stamp)))


def chart_table(rows: pd.DataFrame, trend: Trend, names: dict[str, str]) -> pd.DataFrame:
    """The chart's numbers as a table (its text alternative): one row per period, one column per area."""
    data = rows.assign(area=rows["area_code"].map(names).fillna(rows["area_code"]),
                       Definition=rows["series_id"].map(lambda s: series_label(trend, s)))
    wide = data.pivot_table(index=["period_start", "period", "Definition"], columns="area", values="value",
                            aggfunc="first", observed=True)
    wide = wide.reset_index().sort_values("period_start").drop(columns="period_start").rename(columns={"period": "Period"})
    wide.columns.name = None
    return wide


def show_chart(rows: pd.DataFrame, trend: Trend, names: dict[str, str], title: str, view: tuple | None = None) -> None:
    """Chart, its break notes, its table alternative and its sources.

    ``view`` names what the rows are (e.g. the trend, level, area and store): the chart, notes, table and sources
    are then made once per view and shared, instead of hashing the rows, pivoting the table and grouping the
    sources on every run (~40 % of a change page "Measure" change, bench/pages.py --profile)."""
    if view is not None:
        parts = _cached_chart_of_view(view, repr(trend), title, rows, trend, tuple(names.items()))
    else:
        parts = _chart_parts(rows, trend, names, title)
    if parts is None:
        st.info("No values to chart for this selection.")
        return
    spec, notes, table, sources = parts
    show_spec(spec, width="stretch")
    for note in notes:
        st.caption(note)
    with st.expander("Table of the chart", expanded=False):
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format=_num_format(trend))
                                    for c in table.column_names if c not in ("Period", "Definition")})
    st.caption(sources)


def _chart_parts(rows: pd.DataFrame, trend: Trend, names: dict[str, str], title: str
                 ) -> tuple[dict, list[str], pa.Table, str] | None:
    """The chart's spec, break notes, table (converted to Arrow once: a collapsed expander is still sent) and
    sources."""
    if rows["value"].notna().sum() == 0:
        return None
    spec = _cached_line_spec(rows, repr(trend), trend, tuple(names.items()), title, store.built_at())
    notes = [f"Dashed line — {mark.label.lower()}: {mark.reason} The lines are not joined across it."
             for mark in break_marks(rows, trend.breaks).itertuples()]
    return spec, notes, table_arrow(chart_table(rows, trend, names)), sources_caption(trend, rows)


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_chart_of_view(view: tuple, trend_key: str, title: str, _rows: pd.DataFrame, _trend: Trend, _names: tuple
                          ) -> tuple[dict, list[str], pa.Table, str] | None:
    """One view's chart parts, shared read-only (``view`` and the trend's repr name the rows, which are not hashed)."""
    return _chart_parts(_rows, _trend, dict(_names), title)


def _num_format(trend: Trend) -> str:
    return "%.0f" if trend.format in ("{:,.0f}", "£{:,.0f}") else "%.2f" if "2f" in trend.format else "%.1f"


@st.cache_data(show_spinner=False, max_entries=128)
def cached_area_changes(trend_id: str, series_id: str, level: str, start: str, end: str, stamp: str) -> pd.DataFrame:
    """Per area of a level: names, committee, both values, change and judgement (one series only)."""
    trend = measure(trend_id)
    changes = change_table(cached_trend_rows(trend_id, stamp), series_id, level, start, end, trend.polarity,
                           Rule.of(trend.change_rule))
    areas = pd.DataFrame(store.areas(level, stamp).drop(columns="geometry"))
    keep = [c for c in ("code", "display_name", "name", "committee_name") if c in areas.columns]
    out = areas[keep].merge(changes, left_on="code", right_on="area_code", how="left")
    if "committee_name" not in out.columns:
        out["committee_name"] = out["name"]
    return out


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_change_payload(trend_id: str, series_id: str, level: str, start: str, end: str, committee: str, stamp: str):
    """Deck template and legend rows for a change map (diverging, centred on no change)."""
    trend = measure(trend_id)
    changes = cached_area_changes(trend_id, series_id, level, start, end, stamp)
    layer = store.areas(level, stamp)[["code", "geometry"]].merge(changes, on="code", how="left")
    classed = diverging_classes(layer["change"], 0.0, k=5)
    colours = class_colours(classed.n_classes, trend.polarity, palette="diverging")
    dim = (layer["committee_name"] != committee_label(committee)) if committee != "all" else pd.Series(False, index=layer.index)
    layer["fill"] = [hex_to_rgba(no_data_colour() if k < 0 else colours[int(k)], 70 if d else 235)
                     for k, d in zip(classed.class_of.to_numpy(), dim)]
    layer["name"] = layer["display_name"].fillna(layer["code"])
    layer["change_text"] = [change_text(trend, r.value_start, r.value_end, r.change, r.judgement, start, end)
                            for r in layer.itertuples()]
    area_features = features(layer, ["code", "name", "fill", "change_text"])
    # Dark outlines on every area (wards over LSOAs and MSOAs): the near-white "no change" class must not melt
    # into the page.
    outline = features(store.areas("ward24" if level in ("lsoa21", "msoa") else level, stamp), ["code"])
    focus = layer if committee == "all" else layer[~dim.to_numpy()]
    template = deck_template(area_features, outline, [], view_for_bounds(tuple(focus.total_bounds)), CHANGE_TOOLTIP)
    rows = legend_rows(classed, colours, "points" if trend.unit == "%" else unit_after(trend.unit).strip(),
                       "{:+,.0f}" if ",.0f" in trend.format else "{:+.2f}" if ".2f" in trend.format else "{:+.1f}")
    return template, rows


def change_text(trend: Trend, a, b, change, judgement, start: str, end: str) -> str:
    if pd.isna(a) or pd.isna(b):
        return f"no value for {start} or {end}"
    return (f"{trend.format_value(a)} ({start}) → {trend.format_value(b)} ({end}); change {signed(trend, change)}: "
            f"{judgement}")


def signed(trend: Trend, change: float) -> str:
    if pd.isna(change):
        return "–"
    text = f"{trend.format.format(abs(change))} percentage points" if trend.unit == "%" else trend.format_value(abs(change))
    return ("+" if change > 0 else "−" if change < 0 else "±") + text


def committee_label(code: str) -> str:
    return next((c.name for c in store.area_catalogue().community_committees.committees if c.code == code), code)


def change_map(trend: Trend, series_id: str, level: str, start: str, end: str, committee: str, stamp: str) -> None:
    """The change between two periods of one series as a map, with its legend beside it."""
    template, rows = _cached_change_payload(trend.id, series_id, level, start, end, committee, stamp)
    map_col, legend_col = st.columns([4, 1])
    with map_col:
        show_map(with_selection(template, [], CHANGE_TOOLTIP), key=f"_trend_map_{trend.id}",
                 alt=f"Map of the change in {trend.short_label} from {start} to {end}; the same figures are in the "
                     f"table below.", height=480)
    with legend_col:
        side = "purple = better, orange = worse" if trend.polarity != "neutral" else "purple = fell, orange = rose"
        show_legend(legend_markup(rows, f"Change {start} → {end} ({side}; the middle class straddles no change)"))


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_area_trends(level: str, code: str, stamp: str) -> pd.DataFrame:
    rows = area_trend_rows(cached_series_table(stamp), catalogue(), level, code)
    if rows.empty:
        return rows
    table = cached_series_table(stamp)
    publishers = []
    for trend_id, series_id in zip(rows["trend_id"], rows["series_id"]):
        used = table[(table["series_id"] == series_id) & (table["area_level"] == level)]["source"].unique()
        publishers.append("; ".join(dict.fromkeys(store.sources().sources[s].publisher for s in used)))
    rows["Source"] = publishers
    rows["Change"] = [signed(catalogue().get(t), c) for t, c in zip(rows["trend_id"], rows["change"])]
    return rows.rename(columns={"Leeds": f"{store.home(stamp)['name']} judgement"})


def area_trends(level: str, code: str, stamp: str) -> None:
    """Every time series with values for this area: a sparkline of its current definition and its change."""
    rows = _cached_area_trends(level, code, stamp)
    if rows.empty:
        st.info("No time series is published for this kind of area.")
        return
    home = store.home(stamp)["name"]
    columns = ["Measure", "values", "From", "To", "Latest", "Change", "Judgement", f"{home} judgement", "Source"]
    st.dataframe(rows[columns], hide_index=True, width="stretch",
                 column_config={"values": st.column_config.LineChartColumn(
                     "Trend (current definition)", help="Every period of the measure's current definition; "
                     "earlier definitions are not joined on. Open the Change over time page for the full chart.")})
    st.caption("Trend: the line of this area's values over the periods of the measure's current definition (a break "
               "in definition starts a new line). Judgement: this area's change from the first to the latest period "
               "by the measure's stated rule (see the Change over time page); "
               f"{home} judgement: {home}'s judgement over the same periods. " + " ".join(dict.fromkeys(store.sources().attribution_text(s) for s in
                                                    cached_series_table(stamp)["source"].unique())))


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_kpi_history(pillar: str, stamp: str) -> pd.DataFrame:
    home = store.home(stamp)
    return kpi_history(cached_series_table(stamp), catalogue(), pillar, home["name"], home["region_name"])


def pillar_history(pillar: str, stamp: str) -> None:
    """The pillar's KPIs with history: the home district's line, and its direction of travel beside England's and
    its region's."""
    history = catalogue().pillar_history.get(pillar)
    if history is None:
        st.info(f"No KPI with a history is listed for {pillar} (data/series.yaml, pillar_history).")
        return
    table = _cached_kpi_history(pillar, stamp)
    home, region = store.home(stamp)["name"], store.home(stamp)["region_name"]
    st.markdown(f"**Proxy KPIs with a history, {home} against England and {region}.** {history.note}")
    st.dataframe(table.reindex(columns=["KPI", "values", "From", "To", f"{home} now", home, "England", region, "Why"]),
                 hide_index=True, width="stretch",
                 column_config={"values": st.column_config.LineChartColumn(f"{home} over time (current definition)")})
    used = cached_series_table(stamp)
    used = used[used["trend_id"].isin(table["trend_id"]) & used["area_level"].isin(COMPARATORS)]
    st.caption("↑/↓: the value rose or fell between the two periods; the word says whether that is better, worse or "
               "no clear change by the measure's stated rule (measures in cash terms only rise or fall). “Not "
               "published”: no comparator figure for those periods. " +
               " ".join(dict.fromkeys(source_line(s, f"{g['period'].min()} to {g['period'].max()}")
                                      for s, g in used.groupby("source"))))
