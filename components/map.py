"""The choropleth: a pydeck GeoJsonLayer with click-to-select, ward outlines and labels on top.

No basemap (offline, no API keys). The layer id is fixed so selections survive reruns. The deck's
JSON is built once per view (indicator, level, period, classes, committee, outline) as a compact
template; a selection only swaps a tiny highlight layer into it, so the large area layer is never
re-serialised when the reader clicks, and the browser receives byte-identical area data.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

import pydeck as pdk
import streamlit as st

AREA_LAYER_ID = "areas"
SELECTION_SENTINEL = "__bca_selection__"
SELECTED_LINE = [0, 213, 255, 255]        # cyan: stands out on every step of the magma ramp
OUTLINE_LINE, OUTLINE_WIDTH = [30, 30, 30, 220], 1.2    # ward (or committee) boundaries
DEPRIVED_LINE = [0, 0, 0, 255]            # black line on a white casing: visible on light and dark fills
TOOLTIP_STYLE = {"backgroundColor": "#1a1a1a", "color": "#ffffff", "fontSize": "15px", "padding": "6px 8px",
                 "maxWidth": "320px", "whiteSpace": "pre-line"}    # a "\n" in a field is a line break
MAP_CREDIT = ("Map: Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
              "Contains OS data © Crown copyright and database right 2024.")


class PreparedDeck:
    """A pre-serialised deck that ``st.pydeck_chart`` accepts in place of ``pydeck.Deck``.

    Streamlit only calls ``to_json()`` and reads the tooltip, width and layers attributes, so handing
    it the cached string avoids pydeck's indented re-serialisation (3-4x larger) on every rerun.
    """

    layers = None
    width = None
    mapbox_key = None

    def __init__(self, spec: str, tooltip: dict):
        self._spec = spec
        self._tooltip = tooltip

    def to_json(self) -> str:
        return self._spec


def _data_sentinel(layer_id: str) -> str:
    return f"__bca_data_{layer_id}__"


def deck_template(area_features: list[dict], outline_features: list[dict] | None, labels: list[dict], view: dict,
                  tooltip_html: str, deprived_features: list[dict] | None = None) -> str:
    """Compact deck JSON with a placeholder for the selection layer (fill it with ``with_selection``).

    ``outline_features=None`` means the areas are the outlined units themselves (wards on a ward map):
    the area layer then draws the outline style, instead of sending the same geometry twice."""
    data = {AREA_LAYER_ID: _plain_rows(area_features)}
    own_outline = outline_features is None
    layers = [
        pdk.Layer("GeoJsonLayer", id=AREA_LAYER_ID, data=_data_sentinel(AREA_LAYER_ID), pickable=True, stroked=True,
                  filled=True, get_fill_color="fill",
                  get_line_color=OUTLINE_LINE if own_outline else [255, 255, 255, 160],
                  line_width_min_pixels=OUTLINE_WIDTH if own_outline else 0.5,
                  auto_highlight=True, highlight_color=[0, 0, 0, 60]),
    ]
    if not own_outline:
        data["outlines"] = outline_features
        layers.append(pdk.Layer("GeoJsonLayer", id="outlines", data=_data_sentinel("outlines"), pickable=False,
                                stroked=True, filled=False, get_line_color=OUTLINE_LINE,
                                line_width_min_pixels=OUTLINE_WIDTH))
    if deprived_features:
        data["deprived"] = _plain_rows(deprived_features)
        layers += [
            pdk.Layer("GeoJsonLayer", id="deprived-casing", data=_data_sentinel("deprived"), pickable=False,
                      stroked=True, filled=False, get_line_color=[255, 255, 255, 255], line_width_min_pixels=4.5),
            pdk.Layer("GeoJsonLayer", id="deprived", data=_data_sentinel("deprived"), pickable=False, stroked=True,
                      filled=False, get_line_color=DEPRIVED_LINE, line_width_min_pixels=2),
        ]
    layers.append(pdk.Layer("GeoJsonLayer", id="selected", data=SELECTION_SENTINEL, pickable=False, stroked=True,
                            filled=False, get_line_color=SELECTED_LINE, line_width_min_pixels=4))
    if labels:
        data["labels"] = _plain_rows(labels)
        layers.append(pdk.Layer("TextLayer", id="labels", data=_data_sentinel("labels"), get_position="position",
                                get_text="name", get_size=13, get_color=[20, 20, 20, 235], get_text_anchor='"middle"',
                                get_alignment_baseline='"center"', font_family='"Arial, sans-serif"',
                                outline_width=2, outline_color=[255, 255, 255, 230], font_settings={"sdf": True},
                                extensions=[{"@@type": "CollisionFilterExtension"}], collision_enabled=True,
                                get_collision_priority="priority", collision_test_props={"sizeScale": 1.6}))
    deck = pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(**view), map_provider=None,
                    tooltip={"html": tooltip_html, "style": TOOLTIP_STYLE})
    spec = json.dumps(json.loads(deck.to_json()), separators=(",", ":"))
    for layer_id, rows in data.items():
        spec = spec.replace(json.dumps(_data_sentinel(layer_id)), json.dumps(rows, separators=(",", ":")))
    return spec


_SKIP = {"type", "geometry", "properties", "position", "fill", "code"}


def plain_field(value: object) -> object:
    """A map field as plain text. Streamlit 1.67 HTML-escapes every {field} it puts into a deck tooltip, and
    a TextLayer draws text as it is: so fields are escaped exactly once, there, and never here. Text a page
    escaped itself, or marked up (<br/>, <i>), is brought back to plain text (line breaks become "\n",
    shown as breaks by the tooltip's white-space style)."""
    if not isinstance(value, str) or not any(mark in value for mark in "&<"):
        return value
    text = re.sub(r"<br\s*/?>", "\n", value)
    text = re.sub(r"</?(?:i|b|em|strong)>", "", text)
    return html.unescape(text).lstrip("\n")


def _plain_rows(rows: list[dict]) -> list[dict]:
    return [{key: (value if key in _SKIP else plain_field(value)) for key, value in row.items()} for row in rows]


def with_selection(template: str, selected_features: list[dict], tooltip_html: str) -> PreparedDeck:
    """The deck for this run: the cached template with the (small) selected-area outline filled in."""
    spec = template.replace(json.dumps(SELECTION_SENTINEL), json.dumps(selected_features, separators=(",", ":")))
    return PreparedDeck(spec, {"html": tooltip_html, "style": TOOLTIP_STYLE})


def show_map(deck: pdk.Deck | PreparedDeck, key: str, alt: str, height: int = 560,
             on_select: Callable[[], None] | None = None) -> str | None:
    """Draw the deck; returns the code of the area the user clicked, if any.

    ``on_select`` runs before the rerun (so it can set session state that widgets drawn later read).
    """
    event = st.pydeck_chart(deck, height=height, on_select=on_select or "rerun", selection_mode="single-object",
                            key=key, alt=alt)
    st.caption(MAP_CREDIT)
    return clicked_code(event)


def clicked_code(event) -> str | None:
    """The area code in a pydeck selection event or its session-state value (None when nothing is picked)."""
    selection = getattr(event, "selection", None) if event is not None else None
    if selection is None and isinstance(event, dict):
        selection = event.get("selection")
    objects = (selection or {}).get("objects", {}) or {}
    picked = objects.get(AREA_LAYER_ID) or []
    return picked[0].get("code") if picked else None
