"""Warm spaces drawn over a need choropleth: the indicator map's cached deck plus one points layer.

The choropleth's deck JSON comes from components/indicator_map (built once per view); the points layer
is added once per view with a placeholder for its data, so a search only swaps in the (small) list of
matching points, never re-serialises the areas.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import store
from components.indicator_map import cached_map_payload
from components.trend_view import cached_series_table, measure
from components.map import MAP_CREDIT, WARM_LAYER_ID, deck_template, legend_markup, points_layer, with_selection
from data.catalogue import load_warm_spaces_config
from geo.choropleth import features, representative_points, view_for_bounds
from geo.palettes import class_colours, hex_to_rgba
from geo.choropleth import fill_colours
from geo.classify import classify
from geo.palettes import legend_rows
from metrics.warm_spaces import SeriesNeed, band_labels, distance_band, point_rows, series_need

POINTS_LAYER_ID = WARM_LAYER_ID
POINTS_SENTINEL = "__bca_warm_spaces__"
TOOLTIP = "<b>{name}</b><br/>{value_text}<br/>{context_text}<br/>{decile_text}"

@dataclass(frozen=True)
class NeedLayer:
    template: str            # deck JSON with areas, outlines and a points placeholder
    table: object            # the choropleth's table (areas, values, ranks, classes): read-only
    legend_html: str

@st.cache_resource(show_spinner=False, max_entries=32)
def cached_need_layer(*, indicator_id: str, level: str, period: str, scheme: str, k: int, committee: str,
               stamp: str) -> NeedLayer:
    """The choropleth deck for a view with an (empty) points layer on top, serialised once per view."""
    payload = cached_map_payload(indicator_id=indicator_id, level=level, period=period, scheme=scheme, k=k,
                       committee=committee, outline=False, stamp=stamp)
    return NeedLayer(with_points_layer(payload.template), payload.table, payload.legend_html)


def with_points_layer(template: str) -> str:
    """A deck template with the (empty) warm spaces layer added on top, its data left as a placeholder."""
    deck = json.loads(template)
    deck["layers"].append(points_layer(POINTS_SENTINEL))
    return json.dumps(deck, separators=(",", ":"))


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_gap_layer(stamp: str) -> NeedLayer:
    """LSOAs coloured by straight-line distance band to the nearest space, with ward outlines and the points."""
    config = load_warm_spaces_config()
    bands = config.access["bands_metres"]
    access = store.table("warm_space_access", stamp).set_index("lsoa21_code")
    lsoas = store.areas("lsoa21", stamp)
    wards = store.areas("ward24", stamp)
    band = distance_band(lsoas["code"].map(access["distance_m"]), bands)
    colours = class_colours(len(bands) + 1, "lower_is_better")
    labels = band_labels(bands)
    props = lsoas[["code", "geometry"]].assign(
        name=lsoas["display_name"],
        fill=[hex_to_rgba(colours[b]) for b in band],
        value_text=[f"{m:,.0f} m straight line to the nearest space" for m in lsoas["code"].map(access["distance_m"])],
        context_text="Committee: " + lsoas["committee_name"].fillna(""),
        decile_text="")
    template = deck_template(features(props, ["code", "name", "fill", "value_text", "context_text", "decile_text"]),
                             features(wards, ["code"]), representative_points(wards).to_dict("records"),
                             view_for_bounds(tuple(lsoas.total_bounds)), TOOLTIP)
    counts = band.value_counts()
    rows = pd.DataFrame({"colour": colours, "label": labels, "count": [int(counts.get(i, 0)) for i in range(len(labels))]})
    legend = legend_markup(rows, "Straight-line distance from each LSOA's point to the nearest warm space (LSOAs)")
    return NeedLayer(with_points_layer(template), None, legend)

@st.cache_resource(show_spinner=False, max_entries=8)
def cached_series_need_layer(need_key: str, scheme: str, k: int, stamp: str) -> tuple[NeedLayer, SeriesNeed]:
    """MSOAs coloured by a need that exists only as a time series (data/warm_spaces.yaml need_series): the
    latest period's value per MSOA, classed by the same classifier and scheme as the page's other layers."""
    spec = load_warm_spaces_config().need_series[need_key]
    trend = measure(spec["trend"])
    msoas = store.areas("msoa", stamp)
    need = series_need(cached_series_table(stamp), spec["trend"], msoas["code"].tolist(), spec["label"], spec["kind"])
    values = need.values.reindex(msoas["code"]).reset_index(drop=True)
    classed = classify(values, scheme, k)
    colours = class_colours(classed.n_classes, trend.polarity)
    when = need.period or "no period in the store"
    props = msoas[["code", "geometry"]].assign(
        name=msoas["display_name"].fillna(msoas["name"]),
        fill=fill_colours(classed.class_of, colours),
        value_text=[f"{trend.format_value(v)} ({when})" if pd.notna(v) else f"No figure for {when}" for v in values],
        context_text="Ward (best fit): " + msoas["ward24_name"].fillna(""),
        decile_text=f"{spec['label']}, {spec['kind'].split(' (')[0]}")
    wards = store.areas("ward24", stamp)
    template = deck_template(features(props, ["code", "name", "fill", "value_text", "context_text", "decile_text"]),
                             features(wards, ["code"]), representative_points(wards).to_dict("records"),
                             view_for_bounds(tuple(msoas.total_bounds)), TOOLTIP)
    rows = legend_rows(classed, colours, unit="", fmt=trend.format)
    return NeedLayer(with_points_layer(template), None, legend_markup(rows, need.title)), need


def draw(layer: NeedLayer, spaces, key: str, alt: str, select_key: str, height: int = 600) -> None:
    """The map with the given spaces as points; a click on a point puts its id in ``select_key``.

    The click is taken in the on_select callback, i.e. once per click, so the reader can still choose
    another space from the list afterwards (the chart keeps its last selection in session state).
    """
    rows = json.dumps(point_rows(spaces), separators=(",", ":"))
    deck = with_selection(layer.template.replace(json.dumps(POINTS_SENTINEL), rows), [], TOOLTIP)

    def take_click() -> None:
        picked = clicked_space(st.session_state.get(key))
        if picked:
            st.session_state[select_key] = picked

    st.pydeck_chart(deck, height=height, on_select=take_click, selection_mode="single-object", key=key, alt=alt)
    st.caption(MAP_CREDIT)


def clicked_space(event) -> str | None:
    """The space id in a pydeck selection event (None when no point was picked)."""
    selection = (getattr(event, "selection", None) if not isinstance(event, dict) else event.get("selection")) or {}
    picked = (selection.get("objects", {}) or {}).get(POINTS_LAYER_ID) or []
    return picked[0].get("space_id") if picked else None
