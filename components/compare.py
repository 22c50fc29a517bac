"""Streamlit rendering for comparing areas side by side (the Compare page and the committee's wards on a profile).

Fingertips' "compare areas" is the model: a table of the chosen areas with the comparator, each figure called
better / similar / worse (metrics.compare: 95% intervals), in words and in colour, with a key; and the chart that
suits how many areas and indicators are chosen (metrics.compare.choose_chart), every mark labelled on the chart.
Tables and charts are built once per comparison (cached, shared read-only): a rerun draws them from the cache.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from data.safe_text import csv_safe
from components import store
from components.charts import show_spec, vega_spec
from components.footer import source_line
from components.profile import SPINE_HIDDEN_UNITS, cached_area_names
from components.state import synced
from data.words import count
from metrics import compare as cm
from metrics.captions import compare_sentence
from metrics.spine import (BETTER as SPINE_BETTER, HIGHER as SPINE_HIGHER, LOWER as SPINE_LOWER,
                           NOT_COMPARED_LABEL, SIMILAR_LABEL, WORSE as SPINE_WORSE, significance_colours)


def bound_codes(label: str, options: dict[str, str], state_key: str, max_selections: int = 6) -> list[str]:
    """A multiselect of area codes stored as a comma-separated URL value in ``state_key``."""
    widget_key = f"_w_{state_key}"
    requested = [c for c in str(st.session_state.get(state_key) or "").split(",") if c]
    current = [c for c in requested if c in options][:max_selections]
    if ignored := [c for c in requested if c not in options]:
        st.info(f"Ignored {count(len(ignored), 'area code')} from the link, not {store.home_name()} areas of this kind: "
                f"{', '.join(c[:12] for c in ignored[:3])}.", icon=":material/link_off:")
    if st.session_state.get(widget_key) != current:
        st.session_state[widget_key] = current
    chosen = st.multiselect(label, list(options), key=widget_key, format_func=options.get,
                            max_selections=max_selections, placeholder="Type to search",
                            on_change=synced(state_key, widget_key, encode=",".join))
    st.session_state[state_key] = ",".join(chosen)
    return chosen


ALL_INDICATORS = "All indicators"
MOST_INDICATORS = 12


def call_colours() -> dict[str, str]:
    """One colour per call, from the palette the profile's spine uses (ColorBrewer PuOr ends: colour-blind safe)."""
    book = significance_colours()
    return {cm.BETTER: book[SPINE_BETTER], cm.SIMILAR: book[SIMILAR_LABEL], cm.WORSE: book[SPINE_WORSE],
            cm.HIGHER: book[SPINE_HIGHER], cm.LOWER: book[SPINE_LOWER], cm.NOT_COMPARED: book[NOT_COMPARED_LABEL]}


def comparator_options(level: str) -> dict[str, str]:
    """The comparators a comparison of this level offers: the home district (the "leeds" choice), England, and (below
    committees, Leeds only) a community committee."""
    catalogue = store.area_catalogue()
    options = {"leeds": store.home_name(), "england": "England"}
    if level != "committee" and store.home_is_leeds(store.built_at()):
        options |= {c.code: f"{c.name} committee" for c in catalogue.community_committees.committees}
    return options


def comparator_area(choice: str) -> tuple[str, str]:
    """(level, code) of a comparator choice."""
    catalogue = store.area_catalogue()
    if choice == "england":
        return "england", catalogue.england.code
    if choice == "leeds":                              # the home district (Leeds unless BCA_DISTRICT)
        return "lad", store.home(store.built_at())["code"]
    return "committee", choice


@dataclass(frozen=True)
class Comparison:
    long: pd.DataFrame          # one row per indicator and area, with the comparator and the call (read-only)
    table_html: str             # the coloured table with words, escaped here
    key_html: str
    choice: cm.ChartChoice
    spec: dict | None           # the chosen chart as a finished Vega-Lite spec (None: the table is the chart)
    csv: pd.DataFrame
    sentence: str = ""          # the comparison in one plain-English sentence (metrics.captions.compare_sentence)


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_comparison(level: str, codes: tuple[str, ...], indicator_ids: tuple[str, ...], comparator: str,
                      stamp: str) -> Comparison:
    """Everything a comparison shows, built once per (areas, indicators, comparator) and shared read-only."""
    registry = store.registry()
    names = cached_area_names(level, stamp)
    comp_level, comp_code = comparator_area(comparator)
    comp_name = comparator_options(level).get(comparator, comparator)
    long = cm.compare_long(store.values(stamp), registry, level, list(codes), names, list(indicator_ids),
                           comp_level, comp_code)
    long["value_text"] = [registry.get(i).format_value(None if pd.isna(v) else float(v))
                          for i, v in zip(long["indicator_id"], long["value"])]
    long["comparator_text"] = [registry.get(i).format_value(None if pd.isna(v) else float(v))
                               for i, v in zip(long["indicator_id"], long["comparator"])]
    choice = cm.choose_chart(len(codes), len(indicator_ids), store.home_name())
    spec = None
    if choice.kind == "ranked":
        spec = _ranked_spec(long, comp_name)
    elif choice.kind == "spines":
        ends = cm.leeds_range(store.values(stamp), registry, level, list(indicator_ids))
        spec = _spines_spec(long, ends, comp_name, [names.get(c, c) for c in codes])
    csv = long[["label", "period", "area", "area_code", "value", "lower_ci", "upper_ci", "comparator", "call"]].rename(
        columns={"label": "Indicator", "period": "Period", "area": "Area", "area_code": "Code", "value": "Value",
                 "lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI", "comparator": comp_name,
                 "call": f"Compared with {comp_name}"})
    return Comparison(long, _table_html(long, comp_name, [names.get(c, c) for c in codes]), _key_html(comp_name),
                      choice, spec, csv, compare_sentence(long, comp_name))


def _cell(background: str, main: str, small: str = "") -> str:
    colour = cm.text_colour(background)
    extra = f'<br><span style="font-size:.8rem">{small}</span>' if small else ""
    return (f'<td style="background:{background};color:{colour};padding:.3rem .5rem;border:1px solid #888;'
            f'text-align:right;vertical-align:top">{main}{extra}</td>')


def _table_html(long: pd.DataFrame, comp_name: str, area_names: list[str]) -> str:
    """The compare table: indicators as rows, the areas then the comparator as columns; each area's cell coloured
    by its call and saying it in words, with its 95% interval where there is one."""
    colours = call_colours()
    esc = lambda text: html.escape(str(text), quote=True)  # noqa: E731
    head = "".join(f'<th scope="col" style="padding:.3rem .5rem;border:1px solid #888">{esc(n)}</th>' for n in area_names)
    rows = []
    for indicator_id, group in long.groupby("indicator_id", sort=False):
        first = group.iloc[0]
        cells = []
        for r in group.itertuples():
            interval = "" if pd.isna(r.lower_ci) or pd.isna(r.upper_ci) else \
                f" · {esc(_short(r.lower_ci))}–{esc(_short(r.upper_ci))}"
            cells.append(_cell(colours[r.call], esc(r.value_text), esc(r.call) + interval))
        rows.append(f'<tr><th scope="row" style="text-align:left;padding:.3rem .5rem;border:1px solid #888;'
                    f'font-weight:normal">{esc(first.label)} <span style="font-size:.8rem">({esc(first.period)})</span>'
                    f'</th>{"".join(cells)}<td style="padding:.3rem .5rem;border:1px solid #888;text-align:right">'
                    f'{esc(first.comparator_text)}</td></tr>')
    return (f'<div style="overflow-x:auto"><table style="border-collapse:collapse;font-size:.9rem">'
            f'<caption style="caption-side:top;text-align:left;padding-bottom:.3rem">Each area against '
            f'{esc(comp_name)} (95% confidence intervals where published or computed)</caption>'
            f'<thead><tr><th scope="col" style="text-align:left;padding:.3rem .5rem;border:1px solid #888">Indicator '
            f'(period)</th>{head}<th scope="col" style="padding:.3rem .5rem;border:1px solid #888">{esc(comp_name)}'
            f'</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _short(value: float) -> str:
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def _key_html(comp_name: str) -> str:
    colours = call_colours()
    items = "".join(
        f'<li style="display:flex;align-items:center;gap:.5rem;margin:.1rem 0"><span style="display:inline-block;'
        f'min-width:6.5rem;padding:0 .3rem;background:{colours[call]};color:{cm.text_colour(colours[call])};'
        f'border:1px solid #555">{html.escape(call)}</span><span>{html.escape(cm.CALL_MEANING[call].format(c=comp_name))}'
        f'</span></li>' for call in cm.CALLS)
    return (f'<div role="group" aria-label="Key to the compare table"><strong>Key: each area against '
            f'{html.escape(comp_name)}</strong><ul style="list-style:none;padding-left:0;margin:.25rem 0">{items}</ul></div>')


def _colour_scale() -> alt.Scale:
    colours = call_colours()
    return alt.Scale(domain=list(cm.CALLS), range=[colours[c] for c in cm.CALLS])


def _ranked_spec(long: pd.DataFrame, comp_name: str) -> dict:
    """One panel per indicator: the areas ranked worst first, a dot (coloured and labelled with its value and
    call) with its 95% interval, and the comparator as a labelled dashed line."""
    panels = []
    for indicator_id, group in long.groupby("indicator_id", sort=False):
        first = group.iloc[0]
        descending = first.polarity != "higher_is_better"          # worst (or highest) first
        rows = group.dropna(subset=["value"]).sort_values("value", ascending=not descending)
        rows = rows.assign(row=rows["area"] + ": " + rows["value_text"] + ", " + rows["call"])
        order = list(rows["row"])
        # the axis label names the area, its value and its call: every dot is read without hovering
        y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=400, labelFontSize=13))
        x = alt.X("value:Q", title=None, scale=alt.Scale(zero=False, nice=True))
        whisker = alt.Chart(rows.dropna(subset=["lower_ci", "upper_ci"])).mark_rule(color="#333333").encode(
            y=y, x=alt.X("lower_ci:Q", scale=alt.Scale(zero=False)), x2="upper_ci:Q")
        dots = alt.Chart(rows).mark_point(size=160, filled=True, stroke="#000000", strokeWidth=0.8, opacity=1).encode(
            y=y, x=x, color=alt.Color("call:N", scale=_colour_scale(), title=f"Compared with {comp_name}",
                                      legend=alt.Legend(orient="top", titleLimit=400)),
            tooltip=["area:N", alt.Tooltip("value_text:N", title="Value"), alt.Tooltip("call:N", title="Call")])
        layers = [whisker, dots]
        if not pd.isna(first.comparator):
            line = pd.DataFrame({"value": [first.comparator], "text": [f"{comp_name} {first.comparator_text}"]})
            layers.insert(0, alt.Chart(line).mark_rule(color="#000000", strokeDash=[5, 3], strokeWidth=2).encode(x="value:Q"))
            layers.append(alt.Chart(line).mark_text(align="left", dx=4, dy=-6, fontSize=12, fontWeight="bold",
                                                    color="#000000", baseline="bottom").encode(
                x="value:Q", y=alt.value(0), text="text:N"))
        panels.append(alt.layer(*layers).properties(
            title=f"{first.label} ({first.period})", width=420, height=max(28 * len(order), 60)))
    return vega_spec(alt.vconcat(*panels).resolve_scale(color="shared"))


def _js(text: str) -> str:
    """A place name inside a single-quoted Vega expression string."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _spines_spec(long: pd.DataFrame, ends: pd.DataFrame, comp_name: str, area_order: list[str]) -> dict:
    """One spine per area, side by side: every indicator's row from the worst home-district area (left) to the best,
    the area's dot coloured and labelled with its value and call, the comparator as a black tick."""
    rows = long.merge(ends, on="indicator_id", how="left")
    rows = rows.assign(row=rows["label"] + " (" + rows["period"] + ")",
                       pos=cm.position(rows["value"], rows["left"], rows["right"]),
                       pos_comp=np.clip(cm.position(rows["comparator"], rows["left"], rows["right"]), -0.05, 1.05),
                       label_text=rows["value_text"] + " · " + rows["call"])
    order = list(dict.fromkeys(rows["row"]))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=300, labelFontSize=12))
    x_scale = alt.Scale(domain=[-0.05, 1.75])
    track = alt.Chart().mark_bar(color="#e6e6e6", height=12).encode(
        y=y, x=alt.X("track_start:Q", scale=x_scale, title=None, axis=alt.Axis(values=[0, 1], labelExpr=
                     f"datum.value == 0 ? 'worst in {_js(store.home_name())}' : 'best in {_js(store.home_name())}'")),
        x2="track_end:Q")
    comp = alt.Chart().mark_tick(color="#000000", thickness=2, size=18).encode(y=y, x=alt.X("pos_comp:Q", scale=x_scale))
    dots = alt.Chart().mark_point(size=130, filled=True, stroke="#000000", strokeWidth=0.8, opacity=1).encode(
        y=y, x=alt.X("pos:Q", scale=x_scale), color=alt.Color("call:N", scale=_colour_scale(),
                                                              title=f"Compared with {comp_name}",
                                                              legend=alt.Legend(orient="top", titleLimit=400)),
        tooltip=["area:N", "row:N", alt.Tooltip("value_text:N", title="Value"),
                 alt.Tooltip("comparator_text:N", title=comp_name)])
    # each dot's value and call in a column right of the track: read without hovering, never over a mark
    labels = alt.Chart().mark_text(align="left", fontSize=11, color="#000000").encode(
        y=y, x=alt.X("label_at:Q", scale=x_scale), text="label_text:N")
    data = rows.assign(track_start=0.0, track_end=1.0, label_at=1.1).drop(columns=["polarity"])
    chart = alt.layer(track, comp, dots, labels, data=data).properties(width=260, height=26 * len(order) + 20).facet(
        column=alt.Column("area:N", sort=area_order, title=None, header=alt.Header(labelFontSize=14, labelFontWeight="bold")))
    return vega_spec(chart)


def _bound_multiselect(label: str, options: dict[str, str], state_key: str, most: int, help_text: str) -> list[str]:
    """A multiselect whose choices live in ``state_key`` (a list; URL-bound on the Compare page)."""
    widget_key = f"_w_{state_key}"
    current = [c for c in (st.session_state.get(state_key) or []) if c in options][:most]
    if st.session_state.get(widget_key) != current:     # written only when it does not show the choice: a write
        st.session_state[widget_key] = current           # re-sends the widget with its options (issue 20)
    chosen = st.multiselect(label, list(options), key=widget_key, format_func=options.get, max_selections=most,
                            placeholder="Type to search (empty: the pillar's indicators)", help=help_text,
                            on_change=synced(state_key, widget_key, encode=list))
    st.session_state[state_key] = chosen
    return chosen


def _bound_choice(label: str, options: dict[str, str], state_key: str) -> str:
    widget_key = f"_w_{state_key}"
    current = st.session_state.get(state_key)
    shown = current if current in options else next(iter(options))
    if st.session_state.get(widget_key) != shown:        # as _bound_multiselect
        st.session_state[widget_key] = shown
    chosen = st.selectbox(label, list(options), key=widget_key, format_func=options.get,
                          on_change=synced(state_key, widget_key))
    st.session_state[state_key] = chosen
    return chosen


def _pillar_indicators(level: str, pillar: str) -> list[str]:
    """A pillar's proxy KPIs (lead first), or every indicator, available at the level; units the spine leaves
    out (ranks, deciles) are left out here too."""
    available = {i.id: i for i in store.indicators_at(level)[0] if i.unit not in SPINE_HIDDEN_UNITS}
    if pillar == ALL_INDICATORS:
        return list(available)
    kpis = store.registry().pillar_kpis[pillar]
    return [k.id for k in [kpis.lead, *kpis.supporting] if k.id in available]


def compare_view(level: str, codes: list[str], stamp: str, key: str, url_keys: bool = False) -> None:
    """The comparator and indicator pickers, the coloured table with its key, and the chart the choice suits.
    With ``url_keys`` the pickers' choices live in the page's URL parameters (compare_with, compare_ind)."""
    registry = store.registry()
    available, _ = store.indicators_at(level)
    labels = {i.id: f"{i.theme}: {i.short_label}" for i in sorted(available, key=lambda i: (i.theme, i.short_label))
              if i.unit not in SPINE_HIDDEN_UNITS}
    comp_col, ind_col = st.columns([1, 3])
    with comp_col:
        comparator = _bound_choice("Compare with", comparator_options(level),
                                   "compare_with" if url_keys else f"{key}_with")
    with ind_col:
        picked = _bound_multiselect(f"Indicators (up to {MOST_INDICATORS})", labels,
                                    "compare_ind" if url_keys else f"{key}_ind", MOST_INDICATORS,
                                    "One indicator gives a ranked chart of the areas; several give a spine per area.")
    if picked:
        indicator_ids = picked
    else:
        pillar = st.radio("Indicators", [*registry.pillar_kpis, ALL_INDICATORS], horizontal=True, key=f"{key}_pillar",
                          format_func=lambda p: p if p == ALL_INDICATORS else f"{p} KPIs",
                          help="With no indicator chosen above: a pillar's proxy KPIs (its lead measure first), or all.")
        indicator_ids = _pillar_indicators(level, pillar)
    result = cached_comparison(level, tuple(codes), tuple(indicator_ids), comparator, stamp)
    st.markdown(f"**{result.sentence}**")
    st.markdown(result.key_html, unsafe_allow_html=True)
    st.markdown(result.table_html, unsafe_allow_html=True)
    st.download_button("Download the comparison (CSV)",
                       lambda: csv_safe(result.csv).to_csv(index=False).encode("utf-8"),
                       file_name=f"{store.file_stem(store.built_at())}_compare_{level}.csv", mime="text/csv", key=f"{key}_csv")
    st.caption(result.choice.reason)
    if result.spec is not None:
        show_spec(result.spec, width="content")
    editions = {(registry.get(i).edition(registry.get(i).latest.period).source, registry.get(i).latest.period)
                for i in indicator_ids}
    lines = list(dict.fromkeys(source_line(source, period) for source, period in sorted(editions)))
    st.caption("Latest period of each indicator (shown beside it). Better / similar / worse: by 95% confidence "
               "intervals (an area's against the comparator's, or the comparator's value where it has none); "
               "figures without an interval are not compared.")
    st.caption(" ".join(lines[:8]) + (" Other sources: the Data sources page." if len(lines) > 8 else ""))
