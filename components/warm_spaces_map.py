"""Warm spaces drawn over a need choropleth: the indicator map's cached deck plus one points layer.

The choropleth's deck JSON comes from components/indicator_map (built once per view); the points layer
is added once per view with a placeholder for its data, so a search only swaps in the (small) list of
matching points, never re-serialises the areas.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pydeck as pdk
import streamlit as st

from components import store
from components.indicator_map import _payload
from components.map import MAP_CREDIT, with_selection
from metrics.warm_spaces import point_rows

POINTS_LAYER_ID = "warm-spaces"
POINTS_SENTINEL = "__bca_warm_spaces__"
POINT_FILL = [0, 191, 255, 235]          # cyan dot with a black ring: visible on every step of the ramps
POINT_LINE = [0, 0, 0, 255]
TOOLTIP = "<b>{name}</b><br/>{value_text}<br/>{context_text}{decile_text}"

@dataclass(frozen=True)
class NeedLayer:
    template: str            # deck JSON with areas, outlines and a points placeholder
    table: object            # the choropleth's table (areas, values, ranks, classes): read-only
    legend_html: str

@st.cache_resource(show_spinner=False, max_entries=32)
def need_layer(*, indicator_id: str, level: str, period: str, scheme: str, k: int, committee: str,
               stamp: str) -> NeedLayer:
    """The choropleth deck for a view with an (empty) points layer on top, serialised once per view."""
    payload = _payload(indicator_id=indicator_id, level=level, period=period, scheme=scheme, k=k,
                       committee=committee, outline=False, stamp=stamp)
    deck = json.loads(payload.template)
    layer = pdk.Layer("ScatterplotLayer", id=POINTS_LAYER_ID, data=POINTS_SENTINEL, pickable=True, stroked=True,
                      filled=True, get_position="position", get_fill_color=POINT_FILL, get_line_color=POINT_LINE,
                      get_radius=70, radius_min_pixels=5, radius_max_pixels=14, line_width_min_pixels=1.5,
                      auto_highlight=True)
    layer_json = json.loads(pdk.Deck(layers=[layer], map_provider=None).to_json())["layers"][0]
    deck["layers"].append(layer_json)
    return NeedLayer(json.dumps(deck, separators=(",", ":")), payload.table, payload.legend_html)

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
