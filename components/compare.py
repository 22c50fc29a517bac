"""Streamlit rendering for comparing areas side by side (the Compare page and the committee's wards on a profile).

Figures come from metrics.profile through the profile's cached spine; this module only draws them.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from data.safe_text import csv_safe
from components import store
from components.charts import show_spec, vega_spec
from components.footer import attribution_lines
from components.profile import SPINE_HIDDEN_UNITS, cached_area_names, cached_profile
from components.state import synced
from metrics.profile import compare_table
from data.words import count


def bound_codes(label: str, options: dict[str, str], state_key: str, max_selections: int = 6) -> list[str]:
    """A multiselect of area codes stored as a comma-separated URL value in ``state_key``."""
    widget_key = f"_w_{state_key}"
    requested = [c for c in str(st.session_state.get(state_key) or "").split(",") if c]
    current = [c for c in requested if c in options][:max_selections]
    if ignored := [c for c in requested if c not in options]:
        st.info(f"Ignored {count(len(ignored), 'area code')} from the link, not Leeds areas of this kind: "
                f"{', '.join(c[:12] for c in ignored[:3])}.", icon=":material/link_off:")
    if st.session_state.get(widget_key) != current:
        st.session_state[widget_key] = current
    chosen = st.multiselect(label, list(options), key=widget_key, format_func=options.get,
                            max_selections=max_selections, placeholder="Type to search",
                            on_change=synced(state_key, widget_key, encode=",".join))
    st.session_state[state_key] = ",".join(chosen)
    return chosen


def compare_frame(level: str, codes: list[str], stamp: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Indicators as rows, the areas then Leeds and England as columns (values, not text)."""
    names = cached_area_names(level, stamp)
    return compare_table(store.values(stamp), store.registry(), level, codes, {c: names.get(c, c) for c in codes},
                         indicator_ids)


def compare_dots(level: str, codes: list[str], stamp: str, pillar: str | None = None, height_per_row: int = 26) -> None:
    """Each area's position on the Leeds range (worst left) for every indicator of a pillar."""
    spec = _cached_dots_spec(level, tuple(codes), stamp, pillar, height_per_row)
    if spec is None:
        st.info("No figures to chart.")
        return
    show_spec(spec, width="stretch")


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_dots_spec(level: str, codes: tuple[str, ...], stamp: str, pillar: str | None, height_per_row: int) -> dict | None:
    """The dots chart of one comparison and pillar as a finished spec (shared, read-only)."""
    names = cached_area_names(level, stamp)
    frames = []
    for code in codes:
        _, spine = cached_profile(level, code, stamp)
        frames.append(spine.assign(area=names.get(code, code)))
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rows.empty:
        return None
    rows = rows[~rows["unit"].isin(SPINE_HIDDEN_UNITS) & (rows["polarity"] != "neutral")]
    if pillar:
        rows = rows[rows["pillars"].str.contains(pillar, regex=False)]
    rows = rows.assign(row=rows["label"] + " (" + rows["period"] + ")")
    order = list(dict.fromkeys(rows["row"]))
    palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]
    areas = list(dict.fromkeys(rows["area"]))
    base = alt.Chart(rows)
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=340, labelFontSize=12))
    track = alt.Chart(pd.DataFrame({"row": order, "start": 0.0, "end": 1.0})).mark_bar(color="#ececec", height=12) \
        .encode(y=alt.Y("row:N", sort=order, title=None), x=alt.X("start:Q", title=None,
                scale=alt.Scale(domain=[-0.05, 1.05]), axis=alt.Axis(values=[0, 1], labelExpr=
                "datum.value == 0 ? 'worst in Leeds' : 'best in Leeds'")), x2="end:Q")
    leeds = base.mark_tick(color="#000000", thickness=2, size=18).encode(y=y, x="pos_leeds:Q")
    dots = base.mark_point(size=120, filled=True, opacity=0.95, stroke="#000000", strokeWidth=0.5).encode(
        y=y, x="pos_value:Q", color=alt.Color("area:N", title="Area", scale=alt.Scale(domain=areas,
                                                                                        range=palette[:len(areas)]),
                                              legend=alt.Legend(orient="top", columns=3, labelLimit=260)),
        # the same field and title merge colour and shape into one key, so each area is named on screen and
        # in grey print without hovering (the shape's key was switched off)
        shape=alt.Shape("area:N", title="Area", scale=alt.Scale(domain=areas),
                        legend=alt.Legend(orient="top", columns=3, labelLimit=260)),
        tooltip=["area:N", "label:N", alt.Tooltip("value_text:N", title="Value"), alt.Tooltip("leeds_text:N", title="Leeds"),
                 alt.Tooltip("rank:Q", title="Rank (1 = worst)"), alt.Tooltip("n_areas:Q", title="Areas")])
    return vega_spec((track + leeds + dots).properties(height=height_per_row * len(order) + 40))


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_compare_tables(level: str, codes: tuple[str, ...], stamp: str) -> tuple[pd.DataFrame, pa.Table]:
    """The comparison's figures (values, for the CSV) and the same formatted for display as Arrow, per
    comparison (shared, read-only)."""
    registry = store.registry()
    table = compare_frame(level, list(codes), stamp)
    shown = table.copy()
    value_columns = [c for c in shown.columns if c not in ("indicator_id", "Indicator", "Period")]
    for column in value_columns:
        shown[column] = [registry.get(i).format_value(None if pd.isna(v) else float(v))
                         for i, v in zip(shown["indicator_id"], shown[column])]
    return table, pa.Table.from_pandas(shown.drop(columns="indicator_id"), preserve_index=False)


def compare_view(level: str, codes: list[str], stamp: str, key: str) -> None:
    """Table of figures (areas, Leeds, England) and a chart per pillar."""
    registry = store.registry()
    table, shown = _cached_compare_tables(level, tuple(codes), stamp)
    pillars = list(registry.pillar_kpis) or ["Health and Wellbeing", "Inclusive Growth", "Zero Carbon"]
    tabs = st.tabs(["Chart per pillar", "Table"])
    with tabs[0]:
        pillar = st.radio("Pillar", pillars, horizontal=True, key=f"{key}_pillar")
        st.caption("Dots: each area's place on the range of Leeds areas of this kind (worst on the left); black tick "
                   "= Leeds. Indicators without a better or worse direction, ranks and deciles are in the table.")
        compare_dots(level, codes, stamp, pillar)
    with tabs[1]:
        st.dataframe(shown, hide_index=True, width="stretch")
        st.download_button("Download the comparison (CSV)", lambda: csv_safe(table).to_csv(index=False).encode("utf-8"),
                           file_name=f"leeds_compare_{level}.csv", mime="text/csv", key=f"{key}_csv")
    st.caption("Latest period of each indicator; periods and sources are listed on the Data sources page. "
               + " ".join(attribution_lines()))
