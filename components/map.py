"""The choropleth: a pydeck GeoJsonLayer with click-to-select, ward outlines and labels on top.

No basemap (offline, no API keys). The layer id is fixed so selections survive reruns, and the
payload is built from cached inputs so it is identical when only the selection changes.
"""
from __future__ import annotations

import pydeck as pdk
import streamlit as st

AREA_LAYER_ID = "areas"
TOOLTIP_STYLE = {"backgroundColor": "#1a1a1a", "color": "#ffffff", "fontSize": "14px", "padding": "6px 8px"}
MAP_CREDIT = ("Map: Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
              "Contains OS data © Crown copyright and database right 2024.")


def choropleth_deck(area_features: list[dict], outline_features: list[dict], labels: list[dict], view: dict,
                    tooltip_html: str, highlight: list[dict] | None = None) -> pdk.Deck:
    """A deck with the filled areas, outlines (wards), optional highlighted areas, and labels."""
    layers = [
        pdk.Layer("GeoJsonLayer", id=AREA_LAYER_ID, data=area_features, pickable=True, stroked=True, filled=True,
                  get_fill_color="fill", get_line_color=[255, 255, 255, 160], line_width_min_pixels=0.5,
                  auto_highlight=True, highlight_color=[0, 0, 0, 60]),
        pdk.Layer("GeoJsonLayer", id="outlines", data=outline_features, pickable=False, stroked=True, filled=False,
                  get_line_color=[30, 30, 30, 220], line_width_min_pixels=1.2),
    ]
    if highlight:
        layers.append(pdk.Layer("GeoJsonLayer", id="highlight", data=highlight, pickable=False, stroked=True,
                                filled=False, get_line_color="line", line_width_min_pixels=3))
    if labels:
        layers.append(pdk.Layer("TextLayer", id="labels", data=labels, get_position="position", get_text="name",
                                get_size=12, get_color=[20, 20, 20, 230], get_text_anchor='"middle"',
                                get_alignment_baseline='"center"', font_family='"Arial, sans-serif"',
                                outline_width=2, outline_color=[255, 255, 255, 230], font_settings={"sdf": True}))
    return pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(**view), map_provider=None,
                    tooltip={"html": tooltip_html, "style": TOOLTIP_STYLE})


def show_map(deck: pdk.Deck, key: str, alt: str, height: int = 560) -> str | None:
    """Draw the deck; returns the code of the area the user clicked, if any."""
    event = st.pydeck_chart(deck, height=height, on_select="rerun", selection_mode="single-object", key=key,
                            alt=alt)
    st.caption(MAP_CREDIT)
    objects = (getattr(event, "selection", None) or {}).get("objects", {}) if event else {}
    picked = objects.get(AREA_LAYER_ID) or []
    return picked[0].get("code") if picked else None
