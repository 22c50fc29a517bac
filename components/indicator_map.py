"""One indicator on one level as a classified map, legend and accessible table (used by several pages)."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import streamlit as st

from components import store
from components.map import GeometryRef, deck_template, legend_markup, show_map, table_tooltip, with_selection
from components.map import show_legend as draw_legend
from data.query import national_decile_breaks
from geo.choropleth import (ClassedValues, class_label_per_area, classify_indicator, codes_with_value,
                            decile_labels, dimmed_outside, fill_colours, national_decile_of, rank_text,
                            within_committee)
from geo.classify import NO_DATA_CLASS
from geo.choropleth import context_texts, features, geometry_url, representative_points, view_for_bounds
from geo.palettes import hex_to_rgba, no_data_colour
from geo.palettes import legend_rows

# Streamlit's deck.gl tooltip escapes each {field} as text, so fields carry plain text (no tags, no entities)
# and the line breaks live in the template; optional lines come last, where an empty one shows no gap.
TOOLTIP = ("<b>{name}</b><br/>{value_text} ({period})<br/>Rank {rank_text} in Leeds (1 = worst)"
           "<br/>{context_text}<br/>{coverage_text}<br/>{decile_text}")
DEPRIVED_INDICATOR, DEPRIVED_PERIOD = "imd_imd_decile", "2025"

VALUE_FIELDS = ("value_text", "rank_text", "coverage_text", "decile_text")
"""Tooltip fields that change with the view; name and context come from the geometry file (geo.choropleth)."""
LAYER_BUILDS = {"count": 0}
"""How many times a deck template was built in this process (the bench reads it: a selection must not add one)."""


@dataclass(frozen=True)
class MapView:
    table: pd.DataFrame        # one row per area: names, value, rank, class label (read-only: shared cache)
    classed: ClassedValues
    selected: str | None       # area clicked on the map in this run (None if no click)
    legend: pd.DataFrame       # colour, label, count per class and "No data"
    spec_bytes: int            # size of the deck JSON sent to the browser this run
    legend_html: str           # the legend with its title, ready to draw (components.map.show_legend)


@dataclass(frozen=True)
class Payload:
    table: pd.DataFrame
    classed: ClassedValues
    area_features: dict[str, dict]   # code -> feature, for the selection outline
    template: str                    # the deck with the areas inline (the warm spaces layer draws over it)
    legend: pd.DataFrame
    legend_html: str
    url_template: str = ""           # the same deck drawn from the level's geometry file (what a change sends)
    url_tooltip: str = ""            # its tooltip: the per-area values by position (components.map.table_tooltip)


@lru_cache(maxsize=256)
def cached_national_breaks(indicator_id: str, period: str, stamp: str) -> tuple[list[float], list[int]] | None:
    """England's LSOA decile breaks of a score for this period, or None where none are published."""
    indicator = store.registry().get(indicator_id)
    if indicator.classify != "national_deciles" or period != indicator.latest.period:
        return None
    try:
        return national_decile_breaks(store.breaks(stamp), indicator, period)
    except KeyError:
        return None


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_map_payload(*, indicator_id: str, level: str, period: str, scheme: str, k: int, committee: str, outline: bool,
             stamp: str) -> Payload:
    """Everything the map needs, shared read-only across reruns so the deck JSON is built once per view.

    Keyword-only: Streamlit hashes keyword arguments without inspecting the signature, which it does
    for every positional argument of every call (a measurable share of a rerun with eight of them).
    """
    LAYER_BUILDS["count"] += 1
    indicator = store.registry().get(indicator_id)
    table = store.indicator_table(indicator_id, level, period, stamp).copy()
    layer = store.areas(level, stamp)
    national = cached_national_breaks(indicator_id, period, stamp)
    centre = store.comparator(indicator_id, period, "lad", stamp)
    classed = classify_indicator(table["value"], indicator, scheme, k, national, centre, store.home(stamp)["name"])
    class_of = classed.classification.class_of
    table["class"] = class_label_per_area(class_of, classed.labels).to_numpy()
    if level == "lsoa21" and national is not None:
        # exact for LSOAs: the breaks are England's LSOA deciles of this very score
        table["national_decile"] = national_decile_of(table["value"], national).to_numpy()
    elif level == "lsoa21" and indicator.classify == "deciles" \
            and indicator.edition(period).value.method != "leeds_decile_of_rank":
        # the published national decile itself (Leeds-only deciles are not national)
        table["national_decile"] = table["value"].round().astype("Int64").to_numpy()
    dimmed = dimmed_outside(table, level, committee)
    props = table.assign(
        fill=fill_colours(class_of, classed.colours, dimmed),
        value_text=table["value"].map(lambda v: indicator.format_value(None if pd.isna(v) else float(v))),
        rank_text=rank_text(table["rank"], int(table["rank"].notna().sum())),
        decile_text=_decile_text(table),
        coverage_text=table["coverage"].map(indicator.coverage_note),
        name=table["display_name"].astype(str),
        context_text=_context(table, level),
    )
    merged = layer[["code", "geometry"]].merge(props, on="code")
    area_features = features(merged, ["code", "name", "fill", "value_text", "rank_text", "coverage_text",
                                      "decile_text", "context_text"])
    outline_level = "committee" if level == "committee" else "ward24"
    outlines = store.areas(outline_level, stamp)
    labels = representative_points(outlines).to_dict("records") \
        if level in ("ward24", "committee") else []
    deprived = None
    if outline:
        lsoa = store.areas("lsoa21", stamp)
        codes = deprived_leeds_codes(stamp)
        deprived = features(lsoa[lsoa["code"].isin(codes)], ["code"])
    outline_features = None if outline_level == level else features(outlines, ["code"])   # no second copy
    view = map_view(level, committee, stamp)
    tooltip = tooltip_for(indicator.period_label(period), store.home(stamp)["name"])
    template = deck_template(area_features, outline_features, labels, view, tooltip, deprived)
    # geometry once: the same map with polygons from the level's file, only colours and values in the deck
    in_file_order = props.set_index("code").reindex(layer["code"].astype(str))
    fills = [tuple(f) if isinstance(f, list) else tuple(hex_to_rgba(no_data_colour(), 255)) for f in in_file_order["fill"]]
    url_template = deck_template(GeometryRef(geometry_url(level, stamp), tuple(fills)),
                                 None if outline_level == level else geometry_url(outline_level, stamp),
                                 labels, view, tooltip, deprived)
    url_tooltip = table_tooltip(tooltip, {field: in_file_order[field].tolist() for field in VALUE_FIELDS})
    rows = legend_rows(classed.classification, classed.colours, unit="", fmt=indicator.format)
    rows["label"] = classed.labels[: len(rows)]
    title = legend_title(indicator, period, classed)
    if committee != "all":
        # the classes stay Leeds-wide (so colours compare across committees); the counts are the committee's
        rows["count"] = counts_within(class_of, ~dimmed.to_numpy(), len(rows) - 1)
        title += f". Areas counted: {committee_name(committee)} only"
    return Payload(table, classed, {f["code"]: f for f in area_features}, template, rows,
                   legend_markup(rows, title), url_template, url_tooltip)


def counts_within(class_of: pd.Series, inside, n_classes: int) -> list[int]:
    """Areas per class (then 'no data') among those where ``inside`` is true."""
    chosen = class_of[inside].to_numpy()
    return [int((chosen == i).sum()) for i in range(n_classes)] + [int((chosen == NO_DATA_CLASS).sum())]


def committee_name(code: str) -> str:
    return {c.code: c.name for c in store.area_catalogue().community_committees.committees}.get(code, code)


def deprived_leeds_codes(stamp: str) -> list[str]:
    """LSOAs in England's most deprived 10% (IMD 2025 decile 1): Leeds' "Deprived Leeds"."""
    return codes_with_value(store.indicator_table(DEPRIVED_INDICATOR, "lsoa21", DEPRIVED_PERIOD, stamp), 1)


def map_view(level: str, committee: str, stamp: str) -> dict:
    """Initial view: depends only on level and committee, so changing the indicator keeps the zoom."""
    layer = store.areas(level, stamp)
    if committee != "all":
        column = "code" if level == "committee" else "committee_code"
        if column in layer:
            layer = layer[layer[column] == committee]
    return view_for_bounds(tuple(layer.total_bounds))


def _decile_text(table: pd.DataFrame) -> pd.Series:
    if "national_decile" not in table:
        return pd.Series("", index=table.index)
    names = dict(zip(range(1, 11), decile_labels(list(range(1, 11)))))
    return table["national_decile"].map(lambda d: f"National {names[int(d)].lower()}" if pd.notna(d) else "")


def tooltip_for(period: str, home: str = "Leeds") -> str:
    """The tooltip template with the (constant) period and the home district written in, so features need not
    carry them."""
    return TOOLTIP.replace("{period}", html.escape(period)).replace(" in Leeds ", f" in {html.escape(home)} ")


def _context(table: pd.DataFrame, level: str) -> pd.Series:
    # LSOA and MSOA display names already carry their ward ("Leeds 011A (Otley & Yeadon)"); the geometry file
    # writes the same line (one rule: geo.choropleth.context_texts)
    return context_texts(table, level)


def indicator_map(indicator_id: str, level: str, period: str, *, scheme: str = "quantiles", k: int = 5,
                  committee: str = "all", key: str = "map", height: int = 560,
                  highlight_codes: list[str] | None = None, outline_deprived: bool = False,
                  on_select: Callable[[], None] | None = None, show_legend: bool = True) -> MapView:
    """Draw the map (and its legend); returns the table behind it and the clicked area (if any)."""
    stamp = store.built_at()
    indicator = store.registry().get(indicator_id)
    payload = cached_map_payload(indicator_id=indicator_id, level=level, period=period, scheme=scheme, k=k,
                       committee=committee, outline=bool(outline_deprived), stamp=stamp)
    selected = [{"type": "Feature", "geometry": payload.area_features[c]["geometry"], "properties": {"code": c}}
                for c in (highlight_codes or []) if c in payload.area_features]
    deck = with_selection(payload.url_template, selected, payload.url_tooltip,
                          inline=(payload.template, tooltip_for(indicator.period_label(period), store.home_name())))
    alt = (f"Map of {indicator.label} ({period}) by {store.area_catalogue().levels[level].label}. "
           f"The same figures are in the table beside the map.")
    clicked = show_map(deck, key=key, alt=alt, height=height, on_select=on_select)
    if show_legend:
        draw_legend(payload.legend_html)
    return MapView(payload.table, payload.classed, clicked, payload.legend, len(deck.to_json().encode("utf-8")),
                   payload.legend_html)


@dataclass(frozen=True)
class NumbersTable:
    display: pd.DataFrame   # the table under the map, as shown (read-only: shared cache)
    arrow: pa.Table         # the same, converted once for st.dataframe (which would convert it every run)
    shown: int              # areas in it (those of the chosen committee)
    total: int              # areas of the level


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_numbers_behind(*, indicator_id: str, level: str, period: str, scheme: str, k: int, committee: str,
                   outline: bool, stamp: str) -> NumbersTable:
    """The accessible table behind a map view, built once per view (same key, keyword-only, as cached_map_payload)."""
    payload = cached_map_payload(indicator_id=indicator_id, level=level, period=period, scheme=scheme, k=k,
                       committee=committee, outline=outline, stamp=stamp)
    shown = within_committee(payload.table, level, committee)
    with_ci = bool(payload.table["lower_ci"].notna().any())
    indicator = store.registry().get(indicator_id)
    display = table_for_display(shown, indicator.short_label, with_ci=with_ci, with_decile=True, indicator=indicator)
    on_screen = display if committee == "all" else with_leeds_row(
        display, indicator.short_label, store.comparator(indicator_id, period, "lad", stamp))
    return NumbersTable(display, screen_arrow(on_screen, display_decimals(indicator.format)), len(shown),
                        len(payload.table))


SCREEN_CATEGORIES = ("Class", "Coverage")
"""Text columns with a handful of distinct values: sent as an Arrow dictionary (each label once)."""


def display_decimals(fmt: str) -> int:
    """Decimal places of a registry format ('{:.1f}' -> 1, '{:,.0f}' -> 0, '{:+.2f}' -> 2)."""
    found = re.search(r"\.(\d+)[f%]", fmt)
    return int(found.group(1)) if found else 0


def screen_arrow(display: pd.DataFrame, decimals: int) -> pa.Table:
    """The on-screen table as compact Arrow: what it shows and no more, because every indicator change sends it
    again (488 rows at LSOA level were ~half of a change's websocket bytes).

    Decimal numbers are rounded to the places the column format shows (each value is the number as printed,
    so the screen still shows what the tooltip says; the CSV download keeps full precision), whole numbers
    are 16-bit and class labels a dictionary. Sorting and copying in the grid work as before."""
    out = {}
    for name, column in display.items():
        if pd.api.types.is_float_dtype(column):
            out[name] = column.map(lambda v: v if pd.isna(v) else float(f"{v:.{decimals}f}")).astype("float64")
        elif pd.api.types.is_integer_dtype(column) and column.dropna().abs().lt(2 ** 15).all():
            out[name] = column.astype("Int16")
        elif name in SCREEN_CATEGORIES:
            out[name] = column.astype("category")
        else:
            out[name] = column
    return pa.Table.from_pandas(pd.DataFrame(out), preserve_index=False)


def with_leeds_row(display: pd.DataFrame, value_column: str, leeds_value: float | None) -> pd.DataFrame:
    """A committee's table with Leeds as its first row, so each of its areas can be read against the city."""
    leeds = pd.DataFrame([{"Area": "Leeds (whole city, for comparison)", "Code": store.area_catalogue().leeds.code,
                           value_column: leeds_value}], columns=display.columns)
    return pd.concat([leeds, display], ignore_index=True)


def legend_title(indicator, period: str, classed: ClassedValues) -> str:
    unit = f", {indicator.unit}" if indicator.unit else ""
    return f"{indicator.titled(indicator.period_label(period) + unit)} — {classed.scheme_label}"


def table_for_display(table: pd.DataFrame, indicator_label: str, with_ci: bool,
                      with_decile: bool = False, indicator=None) -> pd.DataFrame:
    """The accessible alternative to the map: name, value, rank, class (and CI, national decile)."""
    columns = {"display_name": "Area", "code": "Code", "value": indicator_label, "rank": "Rank (1 = worst)", "class": "Class"}
    if with_decile and "national_decile" in table:
        columns |= {"national_decile": "National decile"}
    if with_ci:
        columns |= {"lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI"}
    out = table[list(columns)].rename(columns=columns)
    if indicator is not None and "coverage" in table:
        notes = table["coverage"].map(indicator.coverage_note)
        if notes.str.len().gt(0).any():
            out["Coverage"] = notes.replace("", "complete").to_numpy()
    return out.sort_values("Rank (1 = worst)", na_position="last")


def number_format(indicator) -> str:
    """The registry's str.format pattern ('{:.1f}', '{:,.0f}') as a printf pattern for st.column_config."""
    pattern = indicator.format.strip("{}").lstrip(":").replace(",", "")
    return f"%{pattern}" if pattern else "%g"
