"""Inequalities page pieces: cached SII/gap views and their Altair charts, each with a table alternative.

The numbers come from metrics/inequalities.py (pure); this module only caches them (clearly named
``cached_*`` wrappers, shared read-only across sessions) and draws them.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from components import store
from components.charts import show_spec, vega_spec
from data.query import select
from metrics import inequalities as iv
from metrics.sii import VALUE_TYPE_PROPORTION, SiiResult
from geo.palettes import categorical_colours

# Okabe-Ito has 8 colours and Leeds 10 committees: committees 9 and 10 reuse colours 1 and 2 with other shapes.
SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "triangle-left", "triangle-right", "circle",
          "diamond", "triangle-up"]
CHART_HEIGHT = 340
LEGEND_HEIGHT = 170
LEGEND = alt.Legend(orient="bottom", columns=2, labelFontSize=13, titleFontSize=13)


@dataclass(frozen=True)
class SiiView:
    """Everything one SII panel shows; ``error`` says in a sentence why the SII could not be computed."""

    inputs: iv.InequalityInputs
    value_type: int
    value_type_text: str
    groups: pd.DataFrame
    result: SiiResult | None
    error: str | None
    left_out: str = ""       # which MSOAs have no life expectancy, and what that means (iv.left_out_sentence)


# --------------------------------------------------------------------------- cached views


@st.cache_resource(show_spinner="Computing England's Slope Index of Inequality…")
def cached_england_sii(sex: str, stamp: str) -> iv.EnglandSii:
    return iv.england_life_expectancy_sii(store.table("england_le_msoa", stamp), sex, district=store.home_name())


def _weights_for(indicator_id: str, level: str, stamp: str) -> tuple[pd.Series | None, str | None, list[str]]:
    """MSOA life expectancy is weighted by ONS person-years (stored with the England MSOA table); the codes of
    MSOAs that have none (created in 2021) come back apart, to be left out and named."""
    if level != "msoa" or indicator_id not in iv.LE_IDS.values():
        return None, None, []
    sex = next(s for s, i in iv.LE_IDS.items() if i == indicator_id)
    codes = pd.Index(store.areas("msoa", stamp)["code"].astype(str))
    weights, missing = iv.district_person_years(store.table("england_le_msoa", stamp), codes, sex)
    return weights, "person-years at risk 2016-20 (ONS)", missing


@st.cache_resource(show_spinner="Computing the Slope Index of Inequality (100,000 simulations)…")
def cached_sii_view(indicator_id: str, level: str, period: str, mode: str, stamp: str) -> SiiView:
    """Areas grouped by deprivation, decile means and the SII for one indicator (shared, read-only)."""
    registry = store.registry()
    weights, weight_label, missing = _weights_for(indicator_id, level, stamp)
    areas = store.areas(level, stamp)
    left_out = ""
    if missing:
        gone = areas["code"].astype(str).isin(missing)
        left_out = iv.left_out_sentence(areas.loc[gone, "display_name"].astype(str).tolist(),
                                        float(areas.loc[gone, "population"].sum()), float(areas["population"].sum()),
                                        store.home_name(), len(areas))
        areas = areas[~gone]
    inputs = iv.area_inputs(store.values(stamp), areas, store.breaks(stamp),
                            registry.get(indicator_id), registry.get(iv.DEPRIVATION_ID), level, period, mode,
                            weights=weights, weight_label=weight_label, district=store.home_name())
    value_type, why = iv.value_type_for(inputs)
    groups = iv.group_means(inputs, value_type)
    try:
        result, error = iv.inequality_slope(groups, value_type, district=store.home_name()), None
    except ValueError as exc:
        result, error = None, str(exc)
    return SiiView(inputs, value_type, why, groups, result, error, left_out)


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_sii_spec(indicator_id: str, level: str, period: str, mode: str, title: str, stamp: str) -> dict:
    """The SII chart of one view as a finished spec (building and validating it cost ~100 ms a run)."""
    return vega_spec(sii_chart(cached_sii_view(indicator_id, level, period, mode, stamp), title))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_scatter_spec(indicator_id: str, mode: str, stamp: str) -> dict:
    """The MSOA life-expectancy scatter of one sex as a finished spec."""
    return vega_spec(le_scatter_chart(cached_sii_view(indicator_id, "msoa", iv.LE_PERIOD, mode, stamp).inputs.frame))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_extreme_gaps(indicator_id: str, level: str, period: str, mode: str, stamp: str) -> pd.DataFrame:
    """Most v least deprived fifth and tenth of one view (shared, read-only)."""
    view = cached_sii_view(indicator_id, level, period, mode, stamp)
    return iv.extreme_group_gaps(view.inputs, view.value_type)


# --------------------------------------------------------------------------- charts


def sii_chart(view: SiiView, title: str) -> alt.LayerChart:
    """Decile means with 95% CI bars on the relative deprivation rank, the fitted SII line and its value."""
    indicator = view.inputs.indicator
    scale = 100.0 if view.value_type == VALUE_TYPE_PROPORTION else 1.0
    points = iv.decile_chart_table(view.groups, view.result).dropna(subset=["value"])
    points = points.assign(ci_text=[f"{indicator.format.format(lo)} to {indicator.format.format(hi)}"
                                    if pd.notna(lo) else "no CI" for lo, hi in zip(points["lower"], points["upper"])])
    line = iv.fitted_line(view.result, scale)
    y_title = indicator.titled(indicator.unit)
    x = alt.X("relative_rank:Q", scale=alt.Scale(domain=[0, 1]),
              title="People ranked by deprivation (0 = most, 1 = least deprived)")
    y_scale = alt.Scale(zero=False)
    tooltip = [alt.Tooltip("quantile:O", title="Decile (1 = most deprived)"),
               alt.Tooltip("value:Q", title=indicator.short_label, format=".1f"),
               alt.Tooltip("ci_text:N", title="95% CI"), alt.Tooltip("areas:Q", title="Areas"),
               alt.Tooltip("population:Q", title="Weight (people or person-years)", format=",.0f")]
    bars = alt.Chart(points).mark_rule(strokeWidth=2, color="#555555").encode(
        x=x, y=alt.Y("lower:Q", scale=y_scale, title=y_title), y2="upper:Q")
    dots = alt.Chart(points).mark_point(filled=True, size=90, color="#251255").encode(
        x=x, y=alt.Y("value:Q", scale=y_scale), tooltip=tooltip)
    fit = alt.Chart(line).mark_line(color="#e69f00", strokeWidth=3).encode(
        x=x, y=alt.Y("fitted_value:Q", scale=y_scale))
    label = f"SII {iv.sii_summary(view.result, indicator)}"
    top = float(max(points["upper"].max(skipna=True), points["value"].max(), line["fitted_value"].max()))
    ends = line["fitted_value"].tolist()
    rising = ends[1] >= ends[0]    # write the SII in the top corner the line does not reach
    anchor = pd.DataFrame({"relative_rank": [0.02 if rising else 0.98], "y": [top], "text": [label]})
    text = alt.Chart(anchor).mark_text(align="left" if rising else "right", baseline="top", fontSize=15,
                                       fontWeight="bold", color="#7a4d00").encode(
        x=x, y=alt.Y("y:Q", scale=y_scale), text="text:N")
    return (bars + dots + fit + text).properties(title=title, height=CHART_HEIGHT)


def le_scatter_chart(frame: pd.DataFrame) -> alt.Chart:
    """MSOA life expectancy against IMD score, coloured (and shaped) by community committee."""
    committees = sorted(frame["committee_name"].dropna().unique().tolist())
    colours = categorical_colours()
    colour_range = [colours[i % len(colours)] for i in range(len(committees))]
    data = frame[frame["value"].notna()][["display_name", "committee_name", "imd_score", "value", "lower_ci", "upper_ci"]]
    x = alt.X("imd_score:Q", title="IMD 2025 score (population-weighted; higher = more deprived)")
    y = alt.Y("value:Q", scale=alt.Scale(zero=False), title="Life expectancy at birth (years)")
    if not committees:       # a district without community committees: one colour, no legend
        return alt.Chart(data).mark_point(filled=True, size=80, opacity=0.9, stroke="#333333", strokeWidth=0.6,
                                          color=colours[0]).encode(
            x=x, y=y, tooltip=[alt.Tooltip("display_name:N", title="MSOA"),
                               alt.Tooltip("value:Q", title="Life expectancy", format=".1f"),
                               alt.Tooltip("lower_ci:Q", title="Lower 95% CI", format=".1f"),
                               alt.Tooltip("upper_ci:Q", title="Upper 95% CI", format=".1f"),
                               alt.Tooltip("imd_score:Q", title="IMD 2025 score", format=".1f")]
        ).properties(height=CHART_HEIGHT)
    return alt.Chart(data).mark_point(filled=True, size=80, opacity=0.9, stroke="#333333", strokeWidth=0.6).encode(
        x=x, y=y,
        color=alt.Color("committee_name:N", title="Community committee",
                        scale=alt.Scale(domain=committees, range=colour_range),
                        legend=LEGEND),
        shape=alt.Shape("committee_name:N", title="Community committee",
                        scale=alt.Scale(domain=committees, range=SHAPES[: len(committees)]), legend=LEGEND),
        tooltip=[alt.Tooltip("display_name:N", title="MSOA"), alt.Tooltip("committee_name:N", title="Committee"),
                 alt.Tooltip("value:Q", title="Life expectancy", format=".1f"),
                 alt.Tooltip("lower_ci:Q", title="Lower 95% CI", format=".1f"),
                 alt.Tooltip("upper_ci:Q", title="Upper 95% CI", format=".1f"),
                 alt.Tooltip("imd_score:Q", title="IMD 2025 score", format=".1f")],
    ).properties(height=CHART_HEIGHT + LEGEND_HEIGHT)   # charts are fitted whole: leave room for the legend


# --------------------------------------------------------------------------- tables (accessible alternatives)


def decile_table(view: SiiView) -> pd.DataFrame:
    """The numbers behind an SII chart."""
    indicator = view.inputs.indicator
    table = view.groups.rename(columns={
        "quantile": "Decile (1 = most deprived)", "areas": "Areas", "areas_without_value": "Areas without a value",
        "population": f"Weight ({view.inputs.weight_label})", "value": indicator.short_label,
        "lower": "Lower 95% CI", "upper": "Upper 95% CI"})
    if view.value_type == VALUE_TYPE_PROPORTION:
        return table.rename(columns={"count": "Numerator (pooled)", "denominator": "Denominator (pooled)"})
    return table.drop(columns=["count", "denominator"])


def scatter_table(frame: pd.DataFrame) -> pd.DataFrame:
    """MSOA rows for the scatter, suppressed ones included and named as such (never zero)."""
    columns = ["display_name", "code", "committee_name", "imd_score", "value", "lower_ci", "upper_ci", "status"]
    table = frame[[c for c in columns if c != "committee_name" or frame[c].notna().any()]]
    return table.rename(columns={"display_name": "MSOA", "code": "Code", "committee_name": "Committee",
                                 "imd_score": "IMD 2025 score", "value": "Life expectancy (years)",
                                 "lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI", "status": "Status"}) \
        .sort_values("IMD 2025 score", ascending=False)


def gap_table(gaps: pd.DataFrame, district: str = "Leeds") -> pd.DataFrame:
    """Area gaps to the district with the Fingertips comparison; blank values keep their reason."""
    gap, compared = f"Gap to {district}", f"Compared with {district} (95% CI)"
    table = gaps.rename(columns={"display_name": "Area", "code": "Code", "committee_name": "Committee",
                                 "value": "Value", "lower_ci": "Lower 95% CI", "upper_ci": "Upper 95% CI",
                                 "gap": gap, "comparison": compared, "status": "Status"})
    if "Committee" in table and table["Committee"].isna().all():
        table = table.drop(columns="Committee")      # a district without community committees
    order = ["Area", "Committee", "Value", "Lower 95% CI", "Upper 95% CI", gap, compared, "Status", "Code"]
    return table[[c for c in order if c in table.columns]].sort_values(gap, na_position="last")


def extreme_gaps_table(extremes: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Most v least deprived fifth and tenth, labelled for display."""
    return extremes.rename(columns={"groups": "Groups", "most_deprived": f"Most deprived ({unit})",
                                    "most_deprived_ci": "Most deprived 95% CI", "least_deprived": f"Least deprived ({unit})",
                                    "least_deprived_ci": "Least deprived 95% CI", "gap": f"Gap ({unit})"})


@dataclass(frozen=True)
class PreparedTable:
    """A display table converted to Arrow once (st.dataframe would convert it on every run)."""

    arrow: pa.Table
    decimal_columns: tuple[str, ...]


def prepared(table: pd.DataFrame) -> PreparedTable:
    return PreparedTable(pa.Table.from_pandas(table, preserve_index=False),
                         tuple(c for c in table.columns if pd.api.types.is_float_dtype(table[c])))


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_decile_table(indicator_id: str, level: str, period: str, mode: str, stamp: str) -> PreparedTable:
    return prepared(decile_table(cached_sii_view(indicator_id, level, period, mode, stamp)))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_scatter_table(indicator_id: str, mode: str, stamp: str) -> PreparedTable:
    return prepared(scatter_table(cached_sii_view(indicator_id, "msoa", iv.LE_PERIOD, mode, stamp).inputs.frame))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_extreme_gaps_table(indicator_id: str, mode: str, stamp: str) -> PreparedTable:
    return prepared(extreme_gaps_table(cached_extreme_gaps(indicator_id, "msoa", iv.LE_PERIOD, mode, stamp), "years"))


@dataclass(frozen=True)
class GapView:
    """Areas' gaps to the Leeds value, their extremes and counts, and the table (shared, read-only)."""

    leeds_value: float | None
    extremes: dict
    counts: dict
    table: PreparedTable
    coverage: float | None = None        # share of the district's residents in areas with a value


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_gap_view(indicator_id: str, level: str, period: str, stamp: str) -> GapView:
    indicator = store.registry().get(indicator_id)
    leeds_value = store.comparator(indicator_id, period, "lad", stamp)
    gaps = iv.area_gaps(store.indicator_table(indicator_id, level, period, stamp), indicator, level, leeds_value)
    own = select(store.values(stamp), indicator_id, "lad", period)
    coverage = float(own["coverage"].iloc[0]) if len(own) and pd.notna(own["coverage"].iloc[0]) else None
    return GapView(leeds_value, iv.highest_lowest(gaps), iv.comparison_counts(gaps),
                   prepared(gap_table(gaps, store.home_name())), coverage)


def show_table(table: pd.DataFrame | PreparedTable) -> None:
    """A table with every decimal column shown to one decimal place."""
    if not isinstance(table, PreparedTable):
        table = prepared(table)
    st.dataframe(table.arrow, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.1f") for c in table.decimal_columns})


def show_chart_with_table(chart: alt.TopLevelMixin | dict, table: pd.DataFrame | PreparedTable, alt_text: str, key: str) -> None:
    """A chart (or a cached spec from ``cached_*_spec``) and, right under it, the same numbers as a table in
    an expander."""
    if isinstance(chart, dict):
        show_spec(chart, width="stretch", key=key)
    else:
        st.altair_chart(chart, width="stretch", key=key)
    st.caption(alt_text)
    with st.expander("Show the numbers as a table"):
        show_table(table)
