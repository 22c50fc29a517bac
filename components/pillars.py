"""Rendering for the Pillars page: KPI small multiples, composite map, intersection map with UpSet chart
and area list, IMD-domain intersections and the bivariate map. Numbers come from metrics.pillars.
"""
from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from data.safe_text import csv_safe
from dataclasses import dataclass

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from components import benchmark, store
from components.charts import show_spec, table_arrow, vega_spec
from components.footer import source_line
from components.indicator_map import cached_map_payload, committee_name, indicator_map, map_view
from components.map import GeometryRef, OutlineRef, deck_template, show_legend, show_map, table_tooltip, with_selection
from components.user_upload_view import current_indicator
from data.registry import PILLARS
from data.safe_text import safe_text
from data.user_upload import LEVEL_LABELS
from data.words import count, possessive
from geo.choropleth import dimmed_outside, within_committee
from geo.choropleth import features, geometry_url, representative_points
from geo.palettes import class_colours, contrast_ratio, hex_to_rgba, no_data_colour, text_colour_for
from metrics import captions
from metrics import pillars as pv
from metrics.intersections import ALL_THREE, intersection_categories
from metrics.user_upload import overlap_sentence, worst_share_flags, worst_word

PILLAR_LEVELS = ("lsoa21", "msoa", "ward24")
THRESHOLD_KEYS = {"Health and Wellbeing": "pillar_thr_health", "Inclusive Growth": "pillar_thr_growth",
                  "Zero Carbon": "pillar_thr_carbon"}
INTERSECTION_TOOLTIP = "<b>{name}</b><br/>{category}<br/>{scores_text}<br/>{context_text}"
BIVARIATE_TOOLTIP = "<b>{name}</b><br/>{x_text}<br/>{y_text}<br/>{class_text}"
DIM_ALPHA = 40
USER_MEASURE = "your_data"          # the bivariate pickers' option for this session's upload


def pillar_level(level: str) -> tuple[str, str | None]:
    """The level the pillar view uses, and a note when the sidebar's level is not supported."""
    if level in PILLAR_LEVELS:
        return level, None
    return "ward24", ("Pillar composites are computed for neighbourhoods (LSOAs), MSOAs and wards, not for community "
                      "committees, so this page shows wards.")


def level_nouns(level: str) -> tuple[str, str]:
    """Plain nouns for a level in headline sentences: LSOAs are 'neighbourhoods' to a reader."""
    return {"lsoa21": ("neighbourhood", "neighbourhoods"), "msoa": ("MSOA", "MSOAs"), "ward24": ("ward", "wards")}[level]


def level_label(level: str, plural: bool = True) -> str:
    return {"lsoa21": "LSOAs", "msoa": "MSOAs", "ward24": "wards"}[level] if plural else \
        {"lsoa21": "LSOA", "msoa": "MSOA", "ward24": "ward"}[level]


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_area_table(level: str, stamp: str) -> pd.DataFrame:
    """Areas of a level without geometry (shared, read-only)."""
    return pd.DataFrame(store.areas(level, stamp).drop(columns="geometry"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_scores(level: str, basis: str, stamp: str) -> pv.PillarScores:
    return pv.pillar_scores(store.values(stamp), _cached_area_table(level, stamp), store.registry(), level, basis)


def _population(level: str, stamp: str) -> pd.Series:
    areas = _cached_area_table(level, stamp)
    return pd.Series(areas["population"].to_numpy(dtype=float), index=areas["code"].astype(str).to_numpy())


# --- KPI sets, small multiples and composite -------------------------------------------------


@dataclass(frozen=True)
class KpiSet:
    """A pillar's KPI table at a level, with what the page says around it (shared, read-only)."""

    table: pa.Table                      # converted to Arrow once
    headline: str                        # metrics.captions.kpi_sentence
    notes: list[str]                     # KPIs left out at this level
    sources: list[tuple[str, str]]       # (source id, period) of each KPI


def kpi_set(pillar: str, level: str) -> KpiSet:
    return _cached_kpi_set(pillar=pillar, level=level, stamp=store.built_at(), choice=benchmark.current())


def kpi_table(kpis: KpiSet) -> None:
    """The pillar's KPI table (rationale, Leeds vs England and the chosen benchmark group)."""
    st.dataframe(kpis.table, hide_index=True, width="stretch")
    if benchmark.current() != benchmark.ENGLAND:
        st.caption(benchmark.note("lad", store.built_at()))


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_kpi_set(*, pillar: str, level: str, stamp: str, choice: str) -> KpiSet:
    """The KPI table (as Arrow, converted once), its headline, the left-out notes and the sources, per view and
    benchmark."""
    overview = pv.kpi_overview(store.values(stamp), store.registry(), pillar, level)
    home = store.home_name()                      # the district the atlas is built for (Leeds by default)
    table = overview.assign(
        KPI=overview["role"] + ": " + overview["label"],
        **{home: overview["leeds_text"], "England": overview["england_text"],
           f"{home} vs England": overview["leeds_vs_england"].replace("", "no comparison")},
        Period=overview["period"], Why=overview["rationale"],
        **{"Used at this level": overview["available"].map({True: "yes", False: "no"})},
    )[["KPI", "Period", home, "England", f"{home} vs England", "Used at this level", "Why"]]
    table = benchmark.add_column(table, overview["indicator_id"], overview["period"], stamp, after="England", choice=choice)
    notes = [f"{row.label} is left out at {level_label(level, plural=False)} level: {row.left_out_reason}"
             for row in overview[~overview["available"]].itertuples()]
    sources = list(dict.fromkeys(zip(overview["source"], overview["period"])))
    return KpiSet(pa.Table.from_pandas(table, preserve_index=False), captions.kpi_sentence(overview, pillar, home), notes,
                  sources)


def small_multiples(pillar: str, level: str, committee: str) -> None:
    """One ranked-bar chart per KPI (worst on the left), with the home district's and England's lines."""
    specs = _cached_small_multiple_specs(pillar=pillar, level=level, committee=committee, stamp=store.built_at())
    if not specs:
        st.warning("None of this pillar's KPIs has values at this level.")
        return
    st.caption(small_multiples_key(level, store.home_name()))
    for start in range(0, len(specs), 3):
        columns = st.columns(3)
        for column, spec in zip(columns, specs[start:start + 3]):
            with column:
                show_spec(spec, width="stretch")


def small_multiples_key(level: str, home: str = "Leeds") -> str:
    """How to read the small multiples, in one line beside them."""
    return (f"Each bar is one {level_label(level, plural=False)}, ranked worst (left) to best. Dark purple: worse than the "
            f"{home} value; pink: better. Solid line: {home}; dashed line: England. Where values sit close together "
            "(life expectancy), dots on a scale that does not start at zero show the differences.")


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_small_multiple_specs(*, pillar: str, level: str, committee: str, stamp: str) -> list[dict]:
    """The small multiples' finished specs, per view (keyword-only: cheaper for Streamlit to hash)."""
    registry = store.registry()
    areas = _cached_area_table(level, stamp)
    data = pv.small_multiples(store.values(stamp), areas, registry, pillar, level)
    if data.empty:
        return []
    if committee != "all" and "committee_code" in areas:
        inside = set(areas.loc[areas["committee_code"] == committee, "code"].astype(str))
        data = data.assign(in_committee=data["code"].isin(inside))
    else:
        data = data.assign(in_committee=True)
    dark, light = bar_colours()
    home = store.home_name()
    return [vega_spec(_ranked_bars(frame, level, dark, light, home))
            for _, frame in data.groupby("indicator_id", sort=False)]


def bar_colours() -> tuple[str, str]:
    """'Worse' and 'better' colours: the darkest class, and the lightest class still at 3:1 against the white
    page (WCAG 1.4.11; the palest class was 1.05:1, so 'better' bars vanished)."""
    ramp = class_colours(7, "lower_is_better")
    return ramp[-1], next(c for c in ramp if contrast_ratio(c, "#ffffff") >= 3.0)


def dots_not_bars(values: pd.Series) -> bool:
    """True when bars from zero would look alike (all values well above zero and close together, e.g. life
    expectancy 75-88 years): the chart then shows dots on a scale that starts near the lowest value."""
    values = values.dropna()
    return bool(len(values)) and values.min() > 0 and values.min() / values.max() > 0.6


def _ranked_bars(frame: pd.DataFrame, level: str, dark: str, light: str, home: str = "Leeds") -> alt.LayerChart:
    frame = frame.sort_values("rank").assign(position=lambda f: range(1, len(f) + 1))
    frame = frame.assign(compared=frame["vs_leeds"].replace({"": "no value", "same": f"same as {home}"}))
    title = textwrap.wrap(str(frame["label"].iloc[0]), 34)     # wrapped, never cut, in a third of the page
    dots = dots_not_bars(frame["value"])
    chart = alt.Chart(frame).mark_circle(size=40, opacity=1) if dots else alt.Chart(frame).mark_bar()
    bars = chart.encode(
        x=alt.X("position:O", axis=None, title=None),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=not dots)),
        color=alt.Color("compared:N", scale=alt.Scale(domain=["worse", "better", f"same as {home}", "no value"],
                                                      range=[dark, light, "#7f7f7f", no_data_colour()]),
                        legend=None),
        opacity=alt.condition("datum.in_committee", alt.value(1.0), alt.value(0.25)),
    tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("value_text:N", title="Value"),
                 alt.Tooltip("rank:Q", title="Rank (1 = worst)"), alt.Tooltip("vs_leeds:N", title=f"vs {home}"),
                 alt.Tooltip("vs_england:N", title="vs England")],
    )
    layers = [bars]
    leeds = frame["leeds"].iloc[0]
    england = frame["england"].iloc[0]
    if pd.notna(leeds):
        layers.append(alt.Chart(pd.DataFrame({"y": [leeds]})).mark_rule(color="#000000", strokeWidth=2).encode(y="y:Q"))
    if pd.notna(england):
        layers.append(alt.Chart(pd.DataFrame({"y": [england]})).mark_rule(color="#0072b2", strokeWidth=2,
                                                                          strokeDash=[6, 4]).encode(y="y:Q"))
    subtitle = textwrap.wrap("Dots: the scale does not start at zero.", 34) if dots else alt.Undefined
    return alt.layer(*layers).properties(title=alt.TitleParams(title, fontSize=15, subtitle=subtitle), height=200)


def about_text(home: str = "Leeds") -> str:
    """*About this page*: the pillars are Leeds' Best City Ambition's, applied to the home district."""
    if home == "Leeds":
        return ("Leeds' Best City Ambition says the biggest problems sit where **Health and Wellbeing**, **Inclusive "
                "Growth** and **Zero Carbon** overlap. This page finds those places. The KPIs are **proxies** chosen "
                "from open data, standing in for the council's own Best City KPIs.")
    return ("Leeds City Council's Best City Ambition says the biggest problems sit where **Health and Wellbeing**, "
            f"**Inclusive Growth** and **Zero Carbon** overlap. This page looks for those places in {home}. The KPIs "
            "are **proxies** chosen from open data, standing in for Leeds City Council's own Best City KPIs.")


def composite_headline(pillar: str, level: str, committee: str) -> str:
    """The composite map's headline: where the pillar is weakest and strongest (from the map's own cached table)."""
    table = cached_map_payload(indicator_id=pv.composite_id(pillar), level=level, period=pv.COMPOSITE_PERIOD,
                               scheme="quantiles", k=5, committee=committee, outline=False, stamp=store.built_at()).table
    shown = within_committee(table, level, committee)
    used, _ = pv.kpis_at_level(store.registry(), pillar, level)
    where = possessive(store.home_name()) if committee == "all" else f"{committee_name(committee)}'s"
    return captions.extremes_sentence(shown, measure=f"{pillar} (the average of its {len(used)} KPIs)",
                                      polarity="higher_is_better", nouns=level_nouns(level), where=where,
                                      name_col="display_name")


def composite_map(pillar: str, level: str, committee: str) -> None:
    """The pillar composite as a choropleth (the generic indicator map), its legend and the numbers beside it."""
    indicator = store.registry().get(pv.composite_id(pillar))
    map_column, table_column = st.columns([3, 2])
    with map_column:
        view = indicator_map(indicator.id, level, pv.COMPOSITE_PERIOD, scheme="quantiles", k=5, committee=committee,
                             key=f"pillar_composite_map_{pv.short_pillar(pillar)}", height=500, show_legend=False)
    with table_column:
        show_legend(view.legend_html)
        score = f"Score (0 = {store.home_name()} average)"
        table = view.table[["display_name", "value", "rank"]].rename(columns={
            "display_name": "Area", "value": score, "rank": "Rank (1 = worst)"})
        st.dataframe(table.sort_values("Rank (1 = worst)"), hide_index=True, width="stretch", height=320,
                     column_config={score: st.column_config.NumberColumn(format="%+.2f")})


def composite_method(pillar: str, level: str) -> list[str]:
    """How the composite is made, in plain words (the technical terms explained where they appear)."""
    registry = store.registry()
    indicator = registry.get(pv.composite_id(pillar))
    used, left_out = pv.kpis_at_level(registry, pillar, level)
    names = ", ".join(registry.get(k).short_label for k in used)
    missing = (" Left out at this level: " + ", ".join(registry.get(k).short_label for k in left_out) + ".") \
        if left_out else ""
    home = store.home_name()
    return [f"{indicator.short_label}: the average of {len(used)} KPIs ({names}), each first put on a common "
            f"scale, how far an area sits above or below the average of {possessive(home)} {level_label(level)} in standard "
            f"deviations (a 'z-score'), turned so that higher = better; 0 = the average {home} "
            f"{level_label(level, plural=False)}.{missing} {indicator.caveat}"]


def kpi_sources(pillar: str, level: str) -> list[tuple[str, str]]:
    return kpi_set(pillar, level).sources


# --- intersections ------------------------------------------------------------------------


def intersection_result(level: str, basis: str, thresholds: tuple[str, ...]) -> tuple[pv.PillarScores, pv.Intersections]:
    """Scores and intersections for the chosen level, basis and thresholds (per pillar, in PILLARS order)."""
    stamp = store.built_at()
    return _cached_scores(level, basis, stamp), _cached_intersections(level=level, basis=basis, thresholds=tuple(thresholds),
                                                        stamp=stamp)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_intersections(*, level: str, basis: str, thresholds: tuple[str, ...], stamp: str) -> pv.Intersections:
    """Shared per (level, basis, thresholds): the same for every session, and read-only."""
    scores = _cached_scores(level, basis, stamp)
    rules = {p: pv.threshold_rule(t, scores.leeds[p]) for p, t in zip(PILLARS, thresholds)}
    return pv.intersections(scores.scores, scores.polarity, rules, _population(level, stamp))


def threshold_summary(thresholds: tuple[str, ...]) -> str:
    """The thresholds expander's label: what counts as weak now, in a few words."""
    words = [pv.threshold_label(t, store.home_name()).lower() for t in thresholds]
    if len(set(words)) == 1:
        return f"Change what counts as weak (now: {words[0]} on each pillar)"
    return "Change what counts as weak (now: " + "; ".join(f"{pv.short_pillar(p)} {w}" for p, w in zip(PILLARS, words)) + ")"


def threshold_note(scores: pv.PillarScores, thresholds: tuple[str, ...], basis: str) -> str:
    registry = store.registry()
    parts = []
    for pillar, choice in zip(PILLARS, thresholds):
        indicator = registry.get(scores.indicator_ids[pillar])
        text = pv.threshold_label(choice, store.home_name()).lower()
        if choice == "leeds":
            text += f" ({indicator.format_value(scores.leeds[pillar])})"
        parts.append(f"**{pillar}**: {text} on {indicator.short_label}")
    home = store.home_name()
    leeds_note = (f" The {home} value of a composite is {possessive(home)} own KPI values placed on the same z-score scale."
                  if basis == "composite" and "leeds" in thresholds else "")
    return "Weak means — " + "; ".join(parts) + "." + leeds_note + " " + pv.TIE_RULE


@dataclass(frozen=True)
class IntersectionDeck:
    """The intersection map of one view (shared, read-only)."""
    url_template: str   # polygons and the outline from the level's geometry file: colours and outline by position
    url_tooltip: str    # its tooltip: each area's group, scores and context line by position (map.table_tooltip)
    template: str       # the same map with its polygons inline (the warm spaces layer draws over it)


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_intersection_template(level: str, basis: str, thresholds: tuple[str, ...], committee: str, selected: str,
                           stamp: str) -> IntersectionDeck:
    """Deck JSON for the intersection map, cached per view; the chosen combination gets a black-on-white outline.

    Geometry once (issue 20.2): the deck drawn sends the areas' colours, the outline and the tooltip's values
    by position, and the browser draws the polygons from the level's file; a change of the chosen combination
    was ~60 KB of inline polygons per change at ward level.
    (The outline reuses map.deck_template's casing layer: the cyan selection line would be confused with
    the sky-blue category.)"""
    scores, result = intersection_result(level, basis, thresholds)
    registry = store.registry()
    layer = store.areas(level, stamp)
    colours = pv.category_colours()
    table = _cached_area_table(level, stamp)
    category = result.categories.reindex(table["code"].astype(str)).astype(str).to_numpy()
    dimmed = dimmed_outside(table, level, committee).to_numpy()
    fills = [hex_to_rgba(colours[c], DIM_ALPHA if d else pv.category_alpha(c)) for c, d in zip(category, dimmed)]
    score_text = []
    for code in table["code"].astype(str):
        bits = []
        for pillar in PILLARS:
            indicator = registry.get(scores.indicator_ids[pillar])
            value = scores.scores.loc[code, pillar]
            flag = " (weak)" if result.flags.loc[code, pillar] else ""
            bits.append(f"{pv.short_pillar(pillar)}: {indicator.format_value(None if pd.isna(value) else float(value))}{flag}")
        score_text.append("<br/>".join(bits))
    context = ("Ward: " + table.get("ward24_name", pd.Series("", index=table.index)).fillna("").astype(str)) \
        if level != "ward24" else ("Committee: " + table["committee_name"].fillna("").astype(str))
    props = pd.DataFrame({"code": table["code"].astype(str), "name": table["display_name"].astype(str),
                          "category": [html.escape(c) for c in category], "fill": fills, "scores_text": score_text,
                          "context_text": context.to_numpy()})
    merged = layer[["code", "geometry"]].merge(props, on="code")
    area_features = features(merged, ["code", "name", "category", "fill", "scores_text", "context_text"])
    wards = store.areas("ward24", stamp)
    labels = representative_points(wards).to_dict("records") \
        if level == "ward24" else []
    chosen = set(result.categories.index[result.categories.astype(str) == selected])
    outline = [{"type": "Feature", "geometry": f["geometry"], "properties": {"code": f["code"]}}
               for f in area_features if f["code"] in chosen]
    view = map_view(level, committee, stamp)
    template = deck_template(area_features, None if level == "ward24" else features(wards, ["code"]), labels,
                             view, INTERSECTION_TOOLTIP, outline or None)
    in_file_order = props.set_index("code").reindex(layer["code"].astype(str))
    no_data = tuple(hex_to_rgba(no_data_colour(), 255))
    file_fills = tuple(tuple(f) if isinstance(f, list) else no_data for f in in_file_order["fill"])
    url = geometry_url(level, stamp)
    outline_ref = OutlineRef(url, tuple(c in chosen for c in in_file_order.index)) if outline else None
    url_template = deck_template(GeometryRef(url, file_fills), None if level == "ward24" else geometry_url("ward24", stamp),
                                 labels, view, INTERSECTION_TOOLTIP, outline_ref)
    url_tooltip = table_tooltip(INTERSECTION_TOOLTIP, {field: in_file_order[field].fillna("").tolist()
                                                       for field in ("category", "scores_text", "context_text")})
    return IntersectionDeck(url_template, url_tooltip, template)


def intersection_map(level: str, basis: str, thresholds: tuple[str, ...], committee: str, selected: str) -> None:
    """Every area coloured by the combination of pillars it is weak on; the chosen combination outlined."""
    stamp = store.built_at()
    drawn = _cached_intersection_template(level, basis, thresholds, committee, selected, stamp)
    deck = with_selection(drawn.url_template, [], drawn.url_tooltip, inline=(drawn.template, INTERSECTION_TOOLTIP))
    show_map(deck, key="pillar_intersection_map",
             alt=f"Map of {store.home_name()} {level_label(level)} coloured by which pillars each is weak on. "
                 "The same counts are in the table beside the map.", height=380)


def category_legend(level: str, basis: str, thresholds: tuple[str, ...]) -> None:
    """The map's legend with each group's areas and residents (markup built once per view, shared)."""
    st.markdown(_cached_legend_markup(level=level, basis=basis, thresholds=tuple(thresholds), stamp=store.built_at(),
                                      home=store.home_name()), unsafe_allow_html=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_legend_markup(*, level: str, basis: str, thresholds: tuple[str, ...], stamp: str, home: str) -> str:
    result = _cached_intersections(level=level, basis=basis, thresholds=thresholds, stamp=stamp)
    colours = pv.category_colours()
    items = []
    for category, row in result.summary.iterrows():
        swatch = pv.pale_hex(colours[str(category)], pv.category_alpha(str(category)))
        items.append(f'<li style="display:flex;align-items:center;gap:.5rem;margin:.1rem 0">'
                     f'<span aria-hidden="true" style="display:inline-block;width:1.4rem;height:1rem;'
                     f'background:{swatch};border:1px solid #555"></span>'
                     f'<span>{html.escape(str(category))}: {count(int(row["areas"]), "area")}, '
                     f'{count(int(round(float(row["population"]))), "resident")}</span></li>')
    return ('<div role="group" aria-label="Map legend"><strong>Weak on (areas and residents, all of '
            f'{html.escape(home)})</strong>'
            f'<ul style="list-style:none;padding-left:0;margin:.25rem 0">{"".join(items)}</ul></div>')


def category_table(result: pv.Intersections) -> pd.DataFrame:
    """Counts and population per category, for display."""
    summary = result.summary.reset_index()
    return pd.DataFrame({"Weak on": summary["category"].astype(str), "Areas": summary["areas"],
                         "People": summary["population"].round().astype("int64"),
                         "% of people": (summary["population_share"] * 100).round(1)})


def category_counts(level: str, basis: str, thresholds: tuple[str, ...]) -> None:
    st.dataframe(_cached_category_arrow(level=level, basis=basis, thresholds=tuple(thresholds), stamp=store.built_at()),
                 hide_index=True, width="stretch",
                 column_config={"People": st.column_config.NumberColumn(format="localized")})


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_category_arrow(*, level: str, basis: str, thresholds: tuple[str, ...], stamp: str) -> pa.Table:
    """The per-group counts as Arrow, converted once per view."""
    result = _cached_intersections(level=level, basis=basis, thresholds=thresholds, stamp=stamp)
    return pa.Table.from_pandas(category_table(result), preserve_index=False)


def missing_note(result: pv.Intersections, level: str) -> str:
    """A sentence for the method when some areas lack a pillar score ('' when none do)."""
    missing = int(result.missing.sum())
    return (f"{missing} {level_label(level)} lack a score on at least one pillar and are counted as not weak on it."
            if missing else "")


def intersection_sources(level: str, basis: str) -> list[tuple[str, str]]:
    """Every KPI source behind the three pillars' scores, and the population the shares are of."""
    return _cached_intersection_sources(level=level, basis=basis, stamp=store.built_at())


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_intersection_sources(*, level: str, basis: str, stamp: str) -> list[tuple[str, str]]:
    registry = store.registry()
    pairs = []
    for pillar in PILLARS:
        ids = pv.kpis_at_level(registry, pillar, level)[0] if basis == "composite" else \
            [_cached_scores(level, basis, stamp).indicator_ids[pillar]]
        for kpi in ids:
            indicator = registry.get(kpi)
            if not indicator.derived:
                pairs.append((indicator.latest.source, indicator.latest.period))
    return pairs + [("population_census2021", "2021")]


def upset_chart(level: str, basis: str, thresholds: tuple[str, ...]) -> None:
    """UpSet-style chart: areas per combination (bars) over a dot matrix naming the pillars in it."""
    spec = _cached_upset_spec(level=level, basis=basis, thresholds=tuple(thresholds), stamp=store.built_at())
    st.markdown("**Combinations of weak pillars**: each bar counts the areas weak on one combination, and the dots "
                "below it show which pillars that combination contains (a layout known as an UpSet chart)")
    show_spec(spec, width="content")


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_upset_spec(*, level: str, basis: str, thresholds: tuple[str, ...], stamp: str) -> dict:
    result = _cached_intersections(level=level, basis=basis, thresholds=thresholds, stamp=stamp)
    colours = {c: pv.pale_hex(h, pv.category_alpha(c)) for c, h in pv.category_colours().items()}
    combos = result.combinations.assign(combination=lambda f: f["combination"].astype(str))
    order = list(combos["combination"])
    bars = alt.Chart(combos).mark_bar().encode(
        x=alt.X("combination:N", sort=order, axis=None),
        y=alt.Y("areas:Q", title="Areas"),
        color=alt.Color("combination:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        legend=None),
        stroke=alt.value("#555555"),
        tooltip=[alt.Tooltip("combination:N", title="Weak on"), alt.Tooltip("areas:Q", title="Areas"),
                 alt.Tooltip("population:Q", title="Population", format=",.0f")],
    ).properties(height=220, width=640)
    text = bars.mark_text(dy=-8, fontSize=14).encode(text="areas:Q", color=alt.value("#1a1a1a"))
    dots = combos.melt(id_vars=["combination"], value_vars=list(PILLARS), var_name="pillar", value_name="member")
    matrix = alt.Chart(dots).mark_circle(size=180).encode(
        x=alt.X("combination:N", sort=order, axis=alt.Axis(labels=False, ticks=False, title=None)),
        y=alt.Y("pillar:N", sort=list(PILLARS), title=None, axis=alt.Axis(labelFontSize=13, labelLimit=220)),
        color=alt.condition("datum.member", alt.value("#1a1a1a"), alt.value("#d9d9d9")),
        tooltip=[alt.Tooltip("combination:N", title="Weak on")],
    ).properties(height=110, width=640)
    return vega_spec(alt.vconcat(bars + text, matrix, spacing=4))


def area_list(level: str, basis: str, thresholds: tuple[str, ...], committee: str, category: str) -> pd.DataFrame:
    """Areas in the chosen combination (inside the committee when one is chosen), worst composite first
    (shared and read-only: copy before changing it)."""
    return _cached_area_list(level=level, basis=basis, thresholds=tuple(thresholds), committee=committee,
                      category=category, stamp=store.built_at())


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_area_list(*, level: str, basis: str, thresholds: tuple[str, ...], committee: str, category: str,
               stamp: str) -> pd.DataFrame:
    scores, result = intersection_result(level, basis, thresholds)
    areas = _cached_area_table(level, stamp)
    if committee != "all" and "committee_code" in areas:
        areas = areas[areas["committee_code"] == committee]
    codes = areas["code"].astype(str)
    subset = pv.Intersections(result.flags.loc[codes], result.categories.loc[codes], result.summary,
                              result.combinations, result.missing.loc[codes])
    table = pv.area_list(areas, subset, scores.scores.loc[codes], category)
    registry = store.registry()
    return table.rename(columns={p: f"{pv.short_pillar(p)}: {registry.get(scores.indicator_ids[p]).short_label}"
                                 for p in PILLARS})


def area_list_arrow(level: str, basis: str, thresholds: tuple[str, ...], committee: str, category: str) -> pa.Table:
    """``area_list`` converted to Arrow once per view (st.dataframe converts a DataFrame on every draw)."""
    return _cached_area_list_arrow(level=level, basis=basis, thresholds=tuple(thresholds), committee=committee,
                                   category=category, stamp=store.built_at())


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_area_list_arrow(*, level: str, basis: str, thresholds: tuple[str, ...], committee: str, category: str,
                            stamp: str) -> pa.Table:
    return table_arrow(_cached_area_list(level=level, basis=basis, thresholds=thresholds, committee=committee,
                                         category=category, stamp=stamp))


def with_user_data(table: pd.DataFrame, category: str, level: str) -> pd.DataFrame:
    """The area list with this session's uploaded figures beside it (same level only), and how many of the
    listed areas are also in the worst fifth on the upload."""
    user = current_indicator()
    if user is None:
        return table
    if user.level != level:
        st.caption(f"Your uploaded data ({safe_text(user.label)}) is by {LEVEL_LABELS[user.level]}; choose that "
                   "geography in the sidebar to set it beside these areas.")
        return table
    codes = user.table["code"].astype(str).to_numpy()
    flags = worst_share_flags(pd.Series(user.table["value"].to_numpy(dtype=float), index=codes), user.polarity)
    shown = pd.Series(user.table["shown"].astype(str).to_numpy(), index=codes)
    listed = table["Code"].astype(str)
    if table.empty:
        return table
    st.markdown(safe_text(overlap_sentence(flags, listed.tolist(), user.label, category, level_label(level),
                                           user.polarity, home=store.home_name()), limit=400))
    which = worst_word(user.polarity)
    position = list(table.columns).index("Population") + 1 if "Population" in table else len(table.columns)
    out = table.copy()
    out.insert(position, f"Your data: {user.label}", listed.map(shown).fillna("no data").to_numpy())
    out.insert(position + 1, f"In the {which} 20% of your data",
               listed.map(flags).map({True: "Yes", False: "No"}).fillna("—").to_numpy())
    return out


def show_area_list(table: pd.DataFrame, category: str, level: str, committee_name: str | None, key: str,
                   arrow: pa.Table | None = None) -> None:
    """The list of areas, its count and its CSV; ``arrow`` is the same table already converted (area_list_arrow)."""
    where = f" in {committee_name}" if committee_name else ""
    st.markdown(f"**{len(table)} {level_label(level)}{where} weak on: {category}**")
    if table.empty:
        st.info("No area falls in this combination with these thresholds.")
        return
    number_format = {c: st.column_config.NumberColumn(format="%.2f") for c in table.columns
                     if c.split(":")[0] in {pv.short_pillar(p) for p in PILLARS}}
    number_format["Population"] = st.column_config.NumberColumn(format="localized")
    st.dataframe(table if arrow is None else arrow, hide_index=True, width="stretch", column_config=number_format,
                 height=min(300, 38 + 35 * len(table)))
    st.download_button(f"Download these {len(table)} areas (CSV)", lambda: csv_safe(table).to_csv(index=False).encode("utf-8"),
                       file_name=f"{store.file_stem(store.built_at())}_pillars_{category.lower().replace(' + ', '_').replace(' ', '_')}_{level}.csv",
                       mime="text/csv", key=key)


def all_three_headline(level: str, basis: str, thresholds: tuple[str, ...]) -> str:
    """'3 wards, home to ... people (...% of Leeds' residents), are weak on all three pillars: A, B and C.'"""
    return _cached_all_three_headline(level=level, basis=basis, thresholds=tuple(thresholds), stamp=store.built_at())


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_all_three_headline(*, level: str, basis: str, thresholds: tuple[str, ...], stamp: str) -> str:
    result = _cached_intersections(level=level, basis=basis, thresholds=thresholds, stamp=stamp)
    codes = result.categories.index[result.categories.astype(str) == ALL_THREE]
    table = _cached_area_table(level, stamp)
    names = pd.Series(table["display_name"].astype(str).to_numpy(), index=table["code"].astype(str).to_numpy())
    return captions.all_three_sentence(result.summary, names.reindex(codes).astype(str).tolist(), level_nouns(level),
                                       home=store.home_name())


# --- IMD domains --------------------------------------------------------------------------


def domain_headline(domains: list[str], max_decile: int) -> str:
    """Neighbourhoods in England's most deprived tenth(s) on all three chosen domains, in one sentence."""
    summary = _cached_domain_tables(domains=tuple(domains), max_decile=max_decile, stamp=store.built_at())[2]
    return captions.domains_sentence(summary, domains, max_decile, store.home_name())


def domain_intersections(domains: list[str], max_decile: int) -> None:
    """Counts per combination of IMD domains (national deciles at LSOA) and the pairwise overlaps."""
    table, overlaps, _ = _cached_domain_tables(domains=tuple(domains), max_decile=max_decile, stamp=store.built_at())
    share = "10%" if max_decile == 1 else f"{max_decile * 10}%"
    c1, c2 = st.columns([3, 2])
    with c1:
        st.markdown(f"Neighbourhoods (LSOAs) in **England's most deprived {share}** (national decile "
                    f"{'1' if max_decile == 1 else f'1 to {max_decile}'}) on each domain:")
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"People": st.column_config.NumberColumn(format="localized")})
    with c2:
        st.markdown("**In both** (whatever the third domain):")
        st.dataframe(overlaps, hide_index=True, width="stretch")


DOMAIN_SOURCES = [("imd2025_lsoa21", pv.IMD_PERIOD), ("population_census2021", "2021")]
DOMAIN_METHOD = ["Each neighbourhood (an LSOA, about 1,500 residents) has a national decile on each of the seven "
                 "deprivation domains of the English Indices of Deprivation 2025: 1 = England's most deprived 10% of "
                 "its 33,755 LSOAs. Deciles exist only for LSOAs. Population: Census 2021 usual residents."]


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_domain_tables(*, domains: tuple[str, ...], max_decile: int, stamp: str) -> tuple[pa.Table, pa.Table,
                                                                                              pd.DataFrame]:
    """The two domain tables (shared; Arrow, converted once) and the category summary, per choice of domains and
    decile."""
    lsoas = _cached_area_table("lsoa21", stamp)
    result = pv.domain_intersections(store.values(stamp), lsoas, list(domains), max_decile)
    overlaps = pv.pair_overlaps(result.flags, _population("lsoa21", stamp))
    overlaps = overlaps.rename(columns={"pair": "Domains", "areas": "LSOAs", "population": "Population"}) \
        .astype({"Population": "int64"})
    return (pa.Table.from_pandas(category_table(result), preserve_index=False),
            pa.Table.from_pandas(overlaps, preserve_index=False), result.summary)


# --- bivariate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """One measure of the bivariate map: a registry indicator or this session's uploaded data."""

    short_label: str
    label: str
    polarity: str
    format_value: Callable[[float | None], str]
    note: str
    source: tuple[str, str] | None = None      # (source id, period) of a registry indicator that is not derived


def _registry_axis(indicator_id: str) -> Axis:
    indicator = store.registry().get(indicator_id)
    note = ("computed from the pillar's proxy KPIs (see above)." if indicator.derived
            else source_line(indicator.latest.source, indicator.latest.period))
    source = None if indicator.derived else (indicator.latest.source, indicator.latest.period)
    return Axis(indicator.short_label, indicator.label, indicator.polarity, indicator.format_value, note, source)


def _user_axis(user) -> Axis:
    return Axis(f"Your data: {user.label}", f"your uploaded data, {user.label}", user.polarity, user.format_value,
                "uploaded in this session only (not saved or shared); hidden small counts are left out.")


def _bivariate_deck(result: pv.Bivariate, x_axis: Axis, y_axis: Axis, level: str, committee: str, stamp: str) -> str:
    """Deck JSON of the bivariate map (every label escaped: an upload's label is the user's text)."""
    frame = result.table
    table = _cached_area_table(level, stamp)
    dimmed = dimmed_outside(table, level, committee).to_numpy()
    fills = [hex_to_rgba(c if c else no_data_colour(), DIM_ALPHA if d else 235) for c, d in zip(frame["colour"], dimmed)]
    props = pd.DataFrame({
        "code": frame["code"], "name": frame["area"], "fill": fills,
        "x_text": [html.escape(f"{x_axis.short_label}: {x_axis.format_value(None if pd.isna(v) else float(v))}") for v in frame["x"]],
        "y_text": [html.escape(f"{y_axis.short_label}: {y_axis.format_value(None if pd.isna(v) else float(v))}") for v in frame["y"]],
        "class_text": [f"Third {int(a)} of 3 across, {int(b)} of 3 up (3 = worse)" if pd.notna(a) and pd.notna(b)
                       else "No data" for a, b in zip(frame["x_class"], frame["y_class"])],
    })
    layer = store.areas(level, stamp)
    merged = layer[["code", "geometry"]].merge(props, on="code")
    area_features = features(merged, ["code", "name", "fill", "x_text", "y_text", "class_text"])
    wards = store.areas("ward24", stamp)
    labels = representative_points(wards).to_dict("records") if level == "ward24" else []
    return deck_template(area_features, None if level == "ward24" else features(wards, ["code"]), labels,
                         map_view(level, committee, stamp),
                         BIVARIATE_TOOLTIP)


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_registry_bivariate(x_id: str, y_id: str, level: str, committee: str, stamp: str) -> tuple[str, pv.Bivariate]:
    """Two registry indicators: shared by every session, so cached."""
    registry = store.registry()
    result = pv.bivariate(store.values(stamp), _cached_area_table(level, stamp), registry.get(x_id), registry.get(y_id), level)
    return _bivariate_deck(result, _registry_axis(x_id), _registry_axis(y_id), level, committee, stamp), result


def _user_bivariate(x_id: str, y_id: str, level: str, committee: str, stamp: str) -> tuple[str, pv.Bivariate, Axis, Axis]:
    """With this session's upload on one or both axes: built per run and never cached (caches are shared)."""
    user = current_indicator()
    areas = _cached_area_table(level, stamp)
    codes = pd.Index(areas["code"].astype(str))
    user_values = pd.Series(user.table["value"].to_numpy(dtype=float), index=user.table["code"].astype(str).to_numpy())
    registry = store.registry()

    def axis(measure_id: str) -> tuple[Axis, pd.Series]:
        if measure_id == USER_MEASURE:
            return _user_axis(user), user_values
        indicator = registry.get(measure_id)
        return _registry_axis(measure_id), pv.indicator_values(store.values(stamp), indicator, level, codes)

    (x_axis, x_values), (y_axis, y_values) = axis(x_id), axis(y_id)
    result = pv.bivariate_of(x_values, x_axis.polarity, y_values, y_axis.polarity, areas)
    return _bivariate_deck(result, x_axis, y_axis, level, committee, stamp), result, x_axis, y_axis


def bivariate_options(level: str) -> list[str]:
    """Indicators with values at ``level`` (composites included), for the two pickers, and this session's
    uploaded data when it is at the same level."""
    available, _ = store.indicators_at(level)
    options = [i.id for i in available if i.id not in ("population", "households")]
    user = current_indicator()
    return options + [USER_MEASURE] if user is not None and user.level == level else options


def bivariate_labels(options: list[str]) -> dict[str, str]:
    """Picker labels for the bivariate options (this session's upload as "Your data: <label>")."""
    user = current_indicator()
    registry = store.registry()
    return {m: (f"Your data: {user.label}" if user else "Your data") if m == USER_MEASURE
            else registry.get(m).short_label for m in options}


@dataclass(frozen=True)
class BivariateView:
    """Everything the two-measure view shows: headline first, then the map, then method and sources."""

    template: str
    result: pv.Bivariate
    x_axis: Axis
    y_axis: Axis
    headline: str
    method: list[str]
    sources: list[tuple[str, str]]


def bivariate_view(x_id: str, y_id: str, level: str, committee: str) -> BivariateView:
    """The bivariate map's deck and classes, its headline (areas in the worse third on both) and its method."""
    stamp = store.built_at()
    if USER_MEASURE in (x_id, y_id):
        template, result, x_axis, y_axis = _user_bivariate(x_id, y_id, level, committee, stamp)
    else:
        template, result = _cached_registry_bivariate(x_id, y_id, level, committee, stamp)
        x_axis, y_axis = _registry_axis(x_id), _registry_axis(y_id)
    x_label, y_label = safe_text(x_axis.short_label, limit=90), safe_text(y_axis.short_label, limit=90)
    headline = captions.both_worse_sentence(result.table, x_label, y_label, level_nouns(level))
    method = [pv.correlation_sentence(result.correlation, x_label, y_label, level_label(level)) +
              " (Pearson's r measures how closely the two rise and fall together in a straight line, from -1 to +1; "
              "Spearman's does the same on the areas' ranks.)",
              "Classes are thirds of the areas with both values. For \"higher is better\" measures the axis is turned, "
              "so the dark corner is always worse on both."]
    method += [f"{safe_text(a.short_label, limit=90)}: {a.note}" for a in (x_axis, y_axis) if a.source is None]
    sources = [a.source for a in (x_axis, y_axis) if a.source is not None]
    return BivariateView(template, result, x_axis, y_axis, headline, method, sources)


def bivariate_map(bv: BivariateView, level: str) -> None:
    """The 3x3 bivariate choropleth with its square legend beside it."""
    c1, c2 = st.columns([3, 1])
    with c1:
        show_map(with_selection(bv.template, [], BIVARIATE_TOOLTIP), key="pillar_bivariate_map",
                 alt=f"Bivariate map of {bv.x_axis.label} against {bv.y_axis.label} by {level_label(level)}.")
    with c2:
        _bivariate_legend(bv.x_axis, bv.y_axis, bv.result)


def _axis_words(indicator) -> str:
    if indicator.polarity == "neutral":
        return "higher →"
    return "worse →"


def _bivariate_legend(x_ind: Axis, y_ind: Axis, result: pv.Bivariate) -> None:
    grid = pv.bivariate_legend_grid()
    counts = result.table.groupby(["x_class", "y_class"]).size()
    cells = []
    for row, yc in zip(grid, (3, 2, 1)):
        for colour, xc in zip(row, (1, 2, 3)):
            n = int(counts.get((xc, yc), 0))
            cells.append(f'<div title="{n} areas" style="width:3rem;height:3rem;background:{colour};'
                         f'display:flex;align-items:center;justify-content:center;font-size:.85rem;'
                         f'color:{text_colour_for(colour)}">{n}</div>')
    no_data = int(result.table["colour"].isna().sum())
    st.markdown(
        '<div role="group" aria-label="Bivariate legend: three by three grid of colours with area counts">'
        f'<strong>Legend (areas per cell)</strong>'
        f'<div style="display:flex;align-items:flex-end;gap:.4rem;margin-top:.3rem">'
        f'<div style="writing-mode:vertical-rl;transform:rotate(180deg);font-size:.9rem">'
        f'{html.escape(y_ind.short_label)} {_axis_words(y_ind)}</div>'
        f'<div style="display:grid;grid-template-columns:repeat(3,3rem);gap:2px">{"".join(cells)}</div></div>'
        f'<div style="margin-left:1.6rem;font-size:.9rem">{html.escape(x_ind.short_label)} {_axis_words(x_ind)}</div>'
        f'<div style="margin-top:.4rem;display:flex;gap:.4rem;align-items:center"><span style="display:inline-block;'
        f'width:1.4rem;height:1rem;background:{no_data_colour()};border:1px solid #555"></span>No data ({no_data})</div>'
        '</div>', unsafe_allow_html=True)


def category_options() -> list[str]:
    return intersection_categories(list(PILLARS))
