"""One indicator on one level as a classified map, legend and accessible table (used by several pages)."""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import store
from components.legend import legend
from components.map import choropleth_deck, show_map
from data.query import comparator_value, national_decile_breaks
from geo.choropleth import (ClassedValues, class_label_per_area, classify_indicator, dimmed_outside, fill_colours,
                            rank_text)
from geo.features import features, representative_points, view_for_bounds
from geo.palettes import legend_rows

TOOLTIP = ("<b>{name}</b><br/>{value_text} ({period})<br/>Rank {rank_text} in Leeds (1 = worst)"
           "<br/>{context_text}")


@dataclass(frozen=True)
class MapView:
    table: pd.DataFrame        # one row per area: names, value, rank, class label
    classed: ClassedValues
    selected: str | None


@st.cache_data(show_spinner=False, max_entries=64)
def _payload(indicator_id: str, level: str, period: str, scheme: str, k: int, committee: str, stamp: str):
    """Everything the map needs, cached so the payload is identical across reruns of the same view."""
    indicator = store.registry().get(indicator_id)
    table = store.indicator_table(indicator_id, level, period, stamp).copy()
    layer = store.areas(level, stamp)
    national = None
    if indicator.classify == "national_deciles":
        national = national_decile_breaks(store.breaks(stamp), indicator, indicator.latest.period)
    centre = comparator_value(store.values(stamp), indicator_id, period, "lad")
    classed = classify_indicator(table["value"], indicator, scheme, k, national, centre)
    class_of = classed.classification.class_of
    table["class"] = class_label_per_area(class_of, classed.labels).to_numpy()
    dimmed = dimmed_outside(table, level, committee)
    props = table.assign(
        fill=fill_colours(class_of, classed.colours, dimmed),
        value_text=table["value"].map(lambda v: indicator.format_value(None if pd.isna(v) else float(v))),
        rank_text=rank_text(table["rank"], int(table["rank"].notna().sum())),
        period=period,
        name=table["display_name"].map(html.escape),
        context_text=_context(table, level),
    )
    merged = layer[["code", "geometry"]].merge(props.drop(columns=[c for c in ("geometry",) if c in props]), on="code")
    area_features = features(merged, ["code", "name", "fill", "value_text", "rank_text", "period", "context_text"])
    outline_level = "committee" if level == "committee" else "ward24"
    outlines = store.areas(outline_level, stamp)
    outline_features = features(outlines, ["code"])
    labels = representative_points(outlines).assign(name=lambda f: f["name"].map(html.escape)).to_dict("records") \
        if level in ("ward24", "committee") else []
    focus = layer if committee == "all" else layer[~dimmed.to_numpy()]
    view = view_for_bounds(tuple(focus.total_bounds))
    return table, classed, area_features, outline_features, labels, view


def _context(table: pd.DataFrame, level: str) -> pd.Series:
    if level in ("lsoa21", "msoa") and "ward24_name" in table:
        prefix = "Ward: " if level == "lsoa21" else "Mainly in ward: "
        return (prefix + table["ward24_name"].fillna("") + " · Committee: " + table["committee_name"].fillna("")).map(html.escape)
    if level == "ward24" and "committee_name" in table:
        return ("Committee: " + table["committee_name"].fillna("")).map(html.escape)
    return pd.Series("", index=table.index)


def indicator_map(indicator_id: str, level: str, period: str, *, scheme: str = "quantiles", k: int = 5,
                  committee: str = "all", key: str = "map", height: int = 560,
                  highlight_codes: list[str] | None = None) -> MapView:
    """Draw the map and its legend; returns the table behind it and the clicked area (if any)."""
    stamp = store.built_at()
    indicator = store.registry().get(indicator_id)
    table, classed, area_features, outline_features, labels, view = _payload(
        indicator_id, level, period, scheme, k, committee, stamp)
    highlight = None
    if highlight_codes:
        highlight = [dict(f, line=[0, 0, 0, 255]) for f in area_features if f["code"] in set(highlight_codes)]
    deck = choropleth_deck(area_features, outline_features, labels, view, TOOLTIP, highlight)
    alt = (f"Map of {indicator.label} ({period}) by {store.area_catalogue().levels[level].label}. "
           f"The same figures are in the table below the map.")
    selected = show_map(deck, key=key, alt=alt, height=height)
    rows = legend_rows(classed.classification, classed.colours, unit="", fmt=indicator.format)
    rows["label"] = classed.labels[: len(rows)]
    legend(rows, f"{indicator.short_label} ({period}) — {classed.scheme_label}")
    return MapView(table, classed, selected)


def table_for_display(table: pd.DataFrame, indicator_label: str, with_ci: bool) -> pd.DataFrame:
    """The accessible alternative to the map: name, value, rank, class (and CI)."""
    columns = {"display_name": "Area", "code": "Code", "value": indicator_label, "rank": "Rank (1 = worst)", "class": "Class"}
    if with_ci:
        columns |= {"lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI"}
    return table[list(columns)].rename(columns=columns).sort_values("Rank (1 = worst)", na_position="last")
