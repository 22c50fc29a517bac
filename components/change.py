"""Streamlit rendering for the change page: the IMD 2019 -> 2025 decile-movement map and the ward chart.

Figures come from metrics.change (pure); this module caches and draws them. Cached wrappers: ``cached_*``.
"""
from __future__ import annotations

import html

import altair as alt
import pandas as pd
import streamlit as st

from components import store
from components.map import deck_template, legend, show_map, with_selection
from geo.choropleth import features, view_for_bounds
from geo.palettes import hex_to_rgba, load_palettes
from metrics.change import imd_change

CHANGE_TOOLTIP = "<b>{name}</b><br/>{move_text}"

MOVE_CLASSES = [(-99, -2, "2+ deciles more deprived"), (-1, -1, "1 decile more deprived"), (0, 0, "Same decile"),
                (1, 1, "1 decile less deprived"), (2, 99, "2+ deciles less deprived")]


@st.cache_data(show_spinner=False, max_entries=4)
def cached_change(stamp: str) -> pd.DataFrame:
    return imd_change(store.values(stamp), pd.DataFrame(store.areas("lsoa21", stamp).drop(columns="geometry")))


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_change_payload(committee: str, stamp: str):
    change = cached_change(stamp)
    colours = list(load_palettes().diverging[5][::-1])      # orange (more deprived) .. purple (less deprived)
    lsoas = store.areas("lsoa21", stamp)
    layer = lsoas[["code", "geometry"]].merge(change, on="code")
    move = layer["decile_change"]
    klass = pd.Series(pd.NA, index=layer.index, dtype="Int64")
    for n, (low, high, _) in enumerate(MOVE_CLASSES):
        klass[(move >= low) & (move <= high)] = n
    dimmed = (layer["committee_name"] != _committee_name(committee)) if committee != "all" else pd.Series(False, index=layer.index)
    layer["fill"] = [hex_to_rgba(load_palettes().no_data if pd.isna(k) else colours[int(k)], 70 if d else 235)
                     for k, d in zip(klass, dimmed)]
    layer["name"] = layer["display_name"]
    layer["move_text"] = [html.escape(f"decile {_int(a)} → {_int(b)}; percentile {_num(p)} → {_num(q)}; {f}")
                          for a, b, p, q, f in zip(layer["decile_2019"], layer["decile_2025"], layer["percentile_2019"],
                                                   layer["percentile_2025"], layer["lookup_flag"])]
    area_features = features(layer, ["code", "name", "fill", "move_text"])
    wards = store.areas("ward24", stamp)
    outline_features = features(wards, ["code"])
    slipped = features(layer[layer["slipped_back"]], ["code"])
    focus = layer if committee == "all" else layer[~dimmed.to_numpy()]
    view = view_for_bounds(tuple(focus.total_bounds))
    template = deck_template(area_features, outline_features, [], view, CHANGE_TOOLTIP, slipped)
    counts = klass.value_counts(dropna=False)
    rows = pd.DataFrame({"colour": colours + [load_palettes().no_data],
                         "label": [label for _, _, label in MOVE_CLASSES] + ["No data"],
                         "count": [int(counts.get(n, 0)) for n in range(len(MOVE_CLASSES))] + [int(klass.isna().sum())]})
    return template, rows


def _committee_name(code: str) -> str:
    return next((c.name for c in store.area_catalogue().community_committees.committees if c.code == code), code)


def _int(value) -> str:
    return "–" if pd.isna(value) else f"{int(value)}"


def _num(value) -> str:
    return "–" if pd.isna(value) else f"{value:.1f}"


def change_map(committee: str, stamp: str) -> None:
    """LSOAs coloured by movement in national IMD decile 2019 -> 2025, slipped-back ones outlined."""
    template, rows = _cached_change_payload(committee, stamp)
    show_map(with_selection(template, [], CHANGE_TOOLTIP), key="_change_map",
             alt="Map of the change in each neighbourhood's national IMD decile from 2019 to 2025; the same figures "
                 "are in the tables below.")
    legend(rows, "Change in national IMD decile, 2019 → 2025 (black outline = slipped back a band)")


def ward_share_chart(wards: pd.DataFrame) -> None:
    """Dumbbell chart: each ward's share in the most deprived 10% by the 2019 and 2025 deciles."""
    long = wards.melt(id_vars=["name"], value_vars=["share_2019", "share_2025"], var_name="edition",
                      value_name="share").assign(edition=lambda f: f["edition"].str[-4:])
    order = wards["name"].tolist()
    rule = alt.Chart(wards).mark_rule(color="#777777", strokeWidth=2).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelFontSize=13, labelLimit=260)),
        x=alt.X("share_2019:Q", title="% of residents in England's most deprived 10%"), x2="share_2025:Q")
    dots = alt.Chart(long).mark_point(filled=True, size=120).encode(
        y=alt.Y("name:N", sort=order), x="share:Q",
        color=alt.Color("edition:N", title="Edition", scale=alt.Scale(domain=["2019", "2025"],
                                                                       range=["#e69f00", "#0072b2"])),
        shape=alt.Shape("edition:N", scale=alt.Scale(domain=["2019", "2025"], range=["circle", "diamond"])),
        tooltip=["name:N", "edition:N", alt.Tooltip("share:Q", format=".1f")])
    st.altair_chart((rule + dots).properties(height=24 * len(wards)), width="stretch")
