"""The choropleth: a pydeck GeoJsonLayer with click-to-select, ward outlines and labels on top, and its legend.

No basemap (offline, no API keys). The layer id is fixed so selections survive reruns. The deck's
JSON is built once per view (indicator, level, period, classes, committee, outline) as a compact
template; a selection only swaps a tiny highlight layer into it, so the large area layer is never
re-serialised when the reader clicks, and the browser receives byte-identical area data.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pydeck as pdk
import streamlit as st

from components import store
from components.state import synced
from metrics.warm_spaces import overlay_rows

AREA_LAYER_ID = "areas"
SELECTION_SENTINEL = "__bca_selection__"
SELECTION_COLOUR = "__bca_selection_colour__"       # a selection drawn from a geometry file: its line colours
SELECTION_TRIGGER = "__bca_selection_trigger__"
SELECTED_LINE = [0, 213, 255, 255]        # cyan: stands out on every step of the magma ramp
NO_LINE = [0, 0, 0, 0]
OUTLINE_LINE, OUTLINE_WIDTH = [30, 30, 30, 220], 1.2    # ward (or committee) boundaries
DEPRIVED_LINE = [0, 0, 0, 255]            # black line on a white casing: visible on light and dark fills
TOOLTIP_STYLE = {"backgroundColor": "#1a1a1a", "color": "#ffffff", "fontSize": "15px", "padding": "6px 8px",
                 "maxWidth": "320px", "whiteSpace": "pre-line"}    # a "\n" in a field is a line break
FILL_ONLY_PICKING = {"polygons-stroke": {"pickable": False}}
"""Areas are picked by their fill alone. deck.gl picks on pointer-down with a synchronous read of the picking buffer,
and its click recogniser drops a press held longer than 250 ms: with software WebGL (SwiftShader, a council VDI without
a GPU, CI) the outline's picking draw took 150-600 ms at LSOA level, so the click was lost, and at a boundary the
outline could pick the neighbour the tooltip did not name. The fill alone reads in ~5 ms."""
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

    def __init__(self, spec: str, tooltip: dict, template: str | None = None, selection: str = "[]",
                 inline: tuple[str, str] | None = None):
        self._spec = spec
        self._tooltip = tooltip
        self.template = template        # the cached template and the selection filled into it (with_selection)
        self.selection = selection
        self.inline = inline            # (template, tooltip) with the areas inline, for a deck drawn from files

    def to_json(self) -> str:
        return self._spec


# ---------- geometry once (issue 20.2): polygons from a cached file, only colours and values per view ----------

POSITION_FIELD = "n"         # an area's 1-based position in its level's geometry file (geo.choropleth)
_CLASS_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
TABLE_CLASS = "bca-tip"


@dataclass(frozen=True)
class GeometryRef:
    """An area layer drawn from a level's geometry file (``url``): per area only a colour, read by position.

    ``fills`` are the RGBA colours in the file's order. deck.gl fetches the URL once and keeps the parsed
    polygons while the URL stays the same; a new colour expression (with its ``updateTriggers``) recolours."""
    url: str
    fills: tuple[tuple[int, ...], ...]

    def fill_expression(self) -> str:
        return fill_expression(self.fills)


@dataclass(frozen=True)
class OutlineRef:
    """A black-on-white outline of some areas drawn from a level's geometry file (``url``): ``chosen`` says, in the
    file's order, which areas are outlined (the others get a transparent line). A change of the outlined areas
    then sends one character per area, not their polygons."""
    url: str
    chosen: tuple[bool, ...]


def _line_layer_style(colours: list) -> dict:
    """A line colour by position with the update triggers deck.gl needs to recolour (its GeoJsonLayer does not pass
    ``getLineColor``'s trigger on to the outline sublayer, hence the sublayer's own)."""
    expression = fill_expression(colours)
    trigger = [hashlib.sha256(expression.encode()).hexdigest()[:16]]
    return {"get_line_color": expression, "update_triggers": {"getLineColor": trigger},
            "_sub_layer_props": {"polygons-stroke": {"updateTriggers": {"getColor": trigger}}}}


def fill_expression(fills) -> str:
    """A deck.gl JSON expression giving each area its colour: a palette of the distinct colours, indexed by one
    character per area (at the area's position ``n``; the string starts with a pad so position 1 is index 1).

    deck.gl's expression parser has no function calls and takes a member access only after an identifier or a
    parenthesis, hence the brackets: ``([[r,g,b,a], ...])[("_0120...")[n]]``."""
    palette: dict[tuple[int, ...], str] = {}
    chars = ["_"]
    for fill in fills:
        key = tuple(int(c) for c in fill)
        if key not in palette:
            if len(palette) >= len(_CLASS_CHARS):
                raise ValueError(f"a map has more than {len(_CLASS_CHARS)} distinct colours")
            palette[key] = _CLASS_CHARS[len(palette)]
        chars.append(palette[key])
    colours = json.dumps([list(c) for c in palette], separators=(",", ":"))
    return f"({colours})[({json.dumps(''.join(chars))})[{POSITION_FIELD}]]"


def table_tooltip(tooltip_html: str, columns: dict[str, list]) -> str:
    """``tooltip_html`` with each ``{field}`` of ``columns`` replaced by that field's values for every area, of
    which the tooltip shows only the hovered area's (a style rule on its position ``{n}``).

    Streamlit fills a tooltip's ``{field}`` only from the picked object, and a geometry file cannot carry every
    indicator's values; the values therefore travel in the template (a few KB, where the polygons were 50-190 KB).
    Values are escaped here (Streamlit escapes only what it fills in), braces too, so none reads as a field."""
    def cells(values: list) -> str:
        if len({_escape_cell(v) for v in values}) <= 1:      # the same for every area (often empty): once
            return _escape_cell(values[0]) if values else ""
        text = "".join(f"<span>{_escape_cell(v)}</span>" for v in values)
        return f'<span class="{TABLE_CLASS}">{text}</span>'

    html_out = tooltip_html
    for field, values in columns.items():
        html_out = html_out.replace("{" + field + "}", cells(values))
    style = (f"<style>.{TABLE_CLASS}>span{{display:none}}"
             f".{TABLE_CLASS}>span:nth-child({{{POSITION_FIELD}}}){{display:inline}}</style>")
    return style + html_out


def _escape_cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(plain_field(value))
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def _data_sentinel(layer_id: str) -> str:
    return f"__bca_data_{layer_id}__"


def deck_template(area_features: list[dict] | GeometryRef, outline_features: list[dict] | str | None, labels: list[dict],
                  view: dict, tooltip_html: str, deprived_features: list[dict] | OutlineRef | None = None, label_size: int = 13,
                  selected_line: list[int] | None = None, selection_from: str | None = None) -> str:
    """Compact deck JSON with a placeholder for the selection layer (fill it with ``with_selection``).

    ``selection_from`` (a geometry file's URL) draws the selection from that file instead, every area's outline
    coloured by position, transparent where not selected (fill it with ``with_selected_positions``): a selection
    of many areas (the custom area) then sends a colour per area, not their polygons.

    ``outline_features=None`` means the areas are the outlined units themselves (wards on a ward map):
    the area layer then draws the outline style, instead of sending the same geometry twice. Areas given as a
    ``GeometryRef`` (and outlines as a URL) are not sent at all: the browser fetches their file once."""
    data = {}
    if isinstance(area_features, GeometryRef):
        fill = area_features.fill_expression()
        area_data: object = area_features.url
        area_style = {"get_fill_color": fill,
                      "update_triggers": {"getFillColor": [hashlib.sha256(fill.encode()).hexdigest()[:16]]}}
    else:
        data[AREA_LAYER_ID] = _plain_rows(area_features)
        area_data, area_style = _data_sentinel(AREA_LAYER_ID), {"get_fill_color": "fill"}
    own_outline = outline_features is None
    layers = [
        pdk.Layer("GeoJsonLayer", id=AREA_LAYER_ID, data=area_data, pickable=True, stroked=True, filled=True,
                  get_line_color=OUTLINE_LINE if own_outline else [255, 255, 255, 160],
                  line_width_min_pixels=OUTLINE_WIDTH if own_outline else 0.5,
                  auto_highlight=True, highlight_color=[0, 0, 0, 60], _sub_layer_props=FILL_ONLY_PICKING,
                  **area_style),
    ]
    if not own_outline:
        if isinstance(outline_features, str):
            outline_data = outline_features
        else:
            data["outlines"] = outline_features
            outline_data = _data_sentinel("outlines")
        layers.append(pdk.Layer("GeoJsonLayer", id="outlines", data=outline_data, pickable=False,
                                stroked=True, filled=False, get_line_color=OUTLINE_LINE,
                                line_width_min_pixels=OUTLINE_WIDTH))
    if isinstance(deprived_features, OutlineRef):
        chosen = deprived_features.chosen
        layers += [
            pdk.Layer("GeoJsonLayer", id="deprived-casing", data=deprived_features.url, pickable=False, stroked=True,
                      filled=False, line_width_min_pixels=4.5,
                      **_line_layer_style([[255, 255, 255, 255] if c else NO_LINE for c in chosen])),
            pdk.Layer("GeoJsonLayer", id="deprived", data=deprived_features.url, pickable=False, stroked=True,
                      filled=False, line_width_min_pixels=2,
                      **_line_layer_style([DEPRIVED_LINE if c else NO_LINE for c in chosen])),
        ]
    elif deprived_features:
        data["deprived"] = _plain_rows(deprived_features)
        layers += [
            pdk.Layer("GeoJsonLayer", id="deprived-casing", data=_data_sentinel("deprived"), pickable=False,
                      stroked=True, filled=False, get_line_color=[255, 255, 255, 255], line_width_min_pixels=4.5),
            pdk.Layer("GeoJsonLayer", id="deprived", data=_data_sentinel("deprived"), pickable=False, stroked=True,
                      filled=False, get_line_color=DEPRIVED_LINE, line_width_min_pixels=2),
        ]
    if selection_from is None:
        layers.append(pdk.Layer("GeoJsonLayer", id="selected", data=SELECTION_SENTINEL, pickable=False, stroked=True,
                                filled=False, get_line_color=selected_line or SELECTED_LINE, line_width_min_pixels=4))
    else:
        layers.append(pdk.Layer("GeoJsonLayer", id="selected", data=selection_from, pickable=False, stroked=True,
                                filled=False, get_line_color=SELECTION_COLOUR, line_width_min_pixels=4,
                                update_triggers={"getLineColor": [SELECTION_TRIGGER]},
                                _sub_layer_props={"polygons-stroke": {"updateTriggers": {"getColor": [SELECTION_TRIGGER]}}}))
    if labels:
        data["labels"] = _plain_rows(labels)
        layers.append(pdk.Layer("TextLayer", id="labels", data=_data_sentinel("labels"), get_position="position",
                                get_text="name", get_size=label_size, get_color=[20, 20, 20, 235], get_text_anchor='"middle"',
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


def with_selection(template: str, selected_features: list[dict], tooltip_html: str,
                   inline: tuple[str, str] | None = None) -> PreparedDeck:
    """The deck for this run: the cached template with the (small) selected-area outline filled in.

    A template drawn from geometry files passes ``inline``, the same map with its areas inline: the warm spaces
    layer needs it (one tooltip for areas and points reads fields the files do not hold)."""
    selection = json.dumps(selected_features, separators=(",", ":"))
    spec = template.replace(json.dumps(SELECTION_SENTINEL), selection)
    return PreparedDeck(spec, {"html": tooltip_html, "style": TOOLTIP_STYLE}, template, selection, inline)


def with_selected_positions(template: str, lines: list, tooltip_html: str, inline: tuple[str, str],
                            selected_features: list[dict]) -> PreparedDeck:
    """The deck for this run from a template made with ``selection_from``: ``lines`` are the selection layer's
    colours in the geometry file's order (``SELECTED_LINE`` or ``NO_LINE``), sent as one expression; the polygons
    stay in the file the browser already has. ``inline`` is the same map with its areas inline and
    ``selected_features`` their outlines, which the warm spaces layer draws over (with_warm_spaces)."""
    expression = fill_expression(lines)
    trigger = hashlib.sha256(expression.encode()).hexdigest()[:16]
    spec = template.replace(SELECTION_COLOUR, json.dumps(expression)[1:-1]).replace(json.dumps(SELECTION_TRIGGER),
                                                                                    json.dumps(trigger))
    return PreparedDeck(spec, {"html": tooltip_html, "style": TOOLTIP_STYLE}, template,
                        json.dumps(selected_features, separators=(",", ":")), inline)


# ---------- the warm spaces layer any choropleth can show (issue 18) ----------

WARM_SPACES_KEY = "warm_spaces_layer"     # session key ("1" = shown), URL parameter "warm" (components/params.py)
WARM_LAYER_ID = "warm-spaces"
WARM_TOOLTIP = "<b>{tip_head}</b><br/>{tip_body}"
POINT_FILL = [0, 191, 255, 235]          # cyan dot with a black ring: visible on every step of the ramps
POINT_LINE = [0, 0, 0, 255]
_FIELD = re.compile(r"\{(\w+)\}")


def points_layer(data: object) -> dict:
    """The warm spaces as a deck.gl layer (JSON), the same style on every map and on the Warm spaces page."""
    layer = pdk.Layer("ScatterplotLayer", id=WARM_LAYER_ID, data=data, pickable=True, stroked=True, filled=True,
                      get_position="position", get_fill_color=POINT_FILL, get_line_color=POINT_LINE, get_radius=70,
                      radius_min_pixels=5, radius_max_pixels=14, line_width_min_pixels=1.5, auto_highlight=True)
    return json.loads(pdk.Deck(layers=[layer], map_provider=None).to_json())["layers"][0]


def tooltip_text(template_html: str, row: dict) -> tuple[str, str]:
    """What ``template_html`` shows for ``row``, as plain text: its first line and the others ("\n"-joined,
    blank ones dropped). A deck has one tooltip for all its layers, so a map showing the points rewrites its
    areas' tooltips into the two fields the points have too (values stay plain: Streamlit escapes them)."""
    parts = _FIELD.split(template_html)
    text = []
    for i, part in enumerate(parts):
        if i % 2:
            value = row.get(part)
            text.append("" if value is None else str(value))
        else:
            part = re.sub(r"<br\s*/?>", "\n", part)
            text.append(html.unescape(re.sub(r"<[^>]*>", "", part)))
    lines = [line.strip() for line in "".join(text).split("\n")]
    lines = [line for line in lines if line]
    return (lines[0] if lines else ""), "\n".join(lines[1:])


@lru_cache(maxsize=8)
def cached_warm_spaces_template(template: str, tooltip_html: str, stamp: str) -> str:
    """A map's template with the warm spaces on top, built once per view (the template string is the cached
    one, so the lookup costs a hash already computed). Only drawn when the reader turns the layer on."""
    spaces = store.table("warm_spaces", stamp)
    return points_template(template, tooltip_html, overlay_rows(spaces[spaces["duplicate_of"].isna()]))


def points_template(template: str, tooltip_html: str, rows: list[dict]) -> str:
    """Pure: ``template`` with a points layer of ``rows`` on top, and every pickable layer's rows given the
    two tooltip fields (``tip_head``, ``tip_body``) of ``WARM_TOOLTIP``, rendered from ``tooltip_html``."""
    deck = json.loads(template)
    for layer in deck["layers"]:
        if layer.get("pickable") and isinstance(layer.get("data"), list):
            for row in layer["data"]:
                row["tip_head"], row["tip_body"] = tooltip_text(tooltip_html, row)
    deck["layers"].append(points_layer(rows))
    return json.dumps(deck, separators=(",", ":"))


def with_warm_spaces(deck: PreparedDeck, stamp: str) -> PreparedDeck:
    """The same deck (and selection) with the warm spaces layer and the shared two-field tooltip."""
    template, tooltip_html = deck.inline or (deck.template, deck._tooltip["html"])
    template = cached_warm_spaces_template(template, tooltip_html, stamp)
    spec = template.replace(json.dumps(SELECTION_SENTINEL), deck.selection)
    return PreparedDeck(spec, {"html": WARM_TOOLTIP, "style": TOOLTIP_STYLE}, template, deck.selection)


def warm_spaces_toggle(key: str) -> bool:
    """The reader's switch for the points; one choice for every map (and the link), one widget per map."""
    widget_key = f"_w_warm_{key}"
    st.session_state[widget_key] = st.session_state.get(WARM_SPACES_KEY) == "1"
    return st.toggle("Show warm and welcome spaces", key=widget_key,
                     on_change=synced(WARM_SPACES_KEY, widget_key, encode=lambda on: "1" if on else "0"),
                     help="Leeds' warm and welcome spaces as cyan points (duplicates counted once); search them on "
                          "the Warm spaces page.")


def warm_spaces_credit() -> str:
    """The layer's credit line: where the points come from, and that no licence is stated."""
    return f"Cyan points: warm and welcome spaces. {store.sources().attribution_text('warm_spaces')}"


def _ignoring_points(on_select: Callable[[], None], key: str) -> Callable[[], None]:
    """An area map's click callback that leaves the selection alone when the click picked only a point."""
    def callback() -> None:
        if clicked_code(st.session_state.get(key)) is None and _picked(st.session_state.get(key), WARM_LAYER_ID):
            return
        on_select()
    return callback


def show_map(deck: pdk.Deck | PreparedDeck, key: str, alt: str, height: int = 560,
             on_select: Callable[[], None] | None = None, warm_spaces: bool = True) -> str | None:
    """Draw the deck; returns the code of the area the user clicked, if any.

    ``on_select`` runs before the rerun (so it can set session state that widgets drawn later read).
    A choropleth built by ``with_selection`` gets the warm spaces toggle under it (``warm_spaces=False`` to
    leave it out); while the toggle is off the deck is drawn exactly as given, at no extra cost.
    """
    slot = st.container()
    points = (warm_spaces and isinstance(deck, PreparedDeck) and deck.template is not None
              and store.home_is_leeds(store.built_at()) and warm_spaces_toggle(key))   # the list is Leeds
    if points:
        deck = with_warm_spaces(deck, store.built_at())
        alt += " Warm and welcome spaces are drawn as cyan points; the Warm spaces page lists them."
    with slot:
        event = st.pydeck_chart(deck, height=height, selection_mode="single-object", key=key, alt=alt,
                                on_select=_ignoring_points(on_select, key) if on_select else "rerun")
    st.caption(MAP_CREDIT + (" " + warm_spaces_credit() if points else ""))
    return clicked_code(event)


def _picked(event, layer_id: str) -> list:
    selection = getattr(event, "selection", None) if event is not None else None
    if selection is None and isinstance(event, dict):
        selection = event.get("selection")
    objects = (selection or {}).get("objects", {}) or {}
    return objects.get(layer_id) or []


def clicked_code(event) -> str | None:
    """The area code in a pydeck selection event or its session-state value (None when nothing is picked)."""
    picked = _picked(event, AREA_LAYER_ID)
    return picked[0].get("code") if picked else None


# ---------- the legend every map draws beside it ----------

def legend_markup(rows: pd.DataFrame, title: str) -> str:
    """Legend rows (colour, label, count) as accessible HTML; the counts make 'no data' visible too (pure, cacheable)."""
    items = "".join(
        f'<li style="display:flex;align-items:center;gap:.5rem;margin:.1rem 0">'
        f'<span aria-hidden="true" style="display:inline-block;width:1.4rem;height:1rem;background:{html.escape(str(r.colour))};'
        f'border:1px solid #555"></span><span>{html.escape(str(r.label))} ({int(r.count)})</span></li>'
        for r in rows.itertuples())
    return (f'<div role="group" aria-label="Map legend"><strong>{html.escape(title)}</strong>'
            f'<ul style="list-style:none;padding-left:0;margin:.25rem 0">{items}</ul></div>')


def show_legend(markup: str) -> None:
    """Draw legend HTML made by legend_markup (escaped there)."""
    st.markdown(markup, unsafe_allow_html=True)


def legend(rows: pd.DataFrame, title: str) -> None:
    """Render legend rows (colour, label, count) under a title."""
    show_legend(legend_markup(rows, title))
