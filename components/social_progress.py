"""Streamlit helpers for the social progress page: cached SPI runs per level and the five views.

Why a component: the page should read like a description of the UI, while running the engine twice
per level (PCA and equal weights) is slow enough to cache and the tables need formatting. The pure
work lives in metrics/spi_values.py; this module only caches, formats and draws.
"""
from __future__ import annotations

from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from components import store
from components.charts import show_spec, table_arrow, vega_spec
from components.indicator_map import cached_map_payload, table_for_display
from components.footer import source_line
from data.settings import data_dir
from metrics.spi import rank_change
from metrics.spi_framework import Framework, load_framework
from metrics.spi_inputs import indicator_matrix
from metrics.spi_values import (FRAMEWORK_PATH, OFFICIAL_COLUMNS, OFFICIAL_FILE, OFFICIAL_SCORES, LevelSpi,
                                compare_official, index_gaps, peer_count, scorecard, scores_table, spi_for_level,
                                validate_official_scores)

WEIGHTINGS = {"pca": "Principal-component weights (as SPI does; the stored figures)",
              "equal": "Equal weights within each component"}
PEER_INDICATOR = "imd_income_score"
SPI_PERIOD = "2025"
VERDICT_TEXT = {"strength": "Strength", "weakness": "Weakness", "neutral": "Neutral",
                "missing": "No value", "not measured": "Not measured"}


@st.cache_resource(show_spinner=False)
def cached_spi_framework() -> Framework:
    """The validated framework file (a broken file stops the page with its one-sentence error)."""
    try:
        return load_framework(FRAMEWORK_PATH)
    except ValueError as exc:
        st.error(str(exc))
        st.stop()


@st.cache_resource(show_spinner="Computing the SPI-method index…")
def cached_spi_runs(level: str, stamp: str) -> dict[str, LevelSpi]:
    """PCA and equal-weight runs for every area of a level (read-only: copy before changing)."""
    framework = cached_spi_framework()
    codes = store.areas(level, stamp)["code"].astype(str)
    order = {i.id: i.periods for i in store.registry().indicators}
    return {weighting: spi_for_level(store.values(stamp), level, framework, codes, weighting=weighting,
                                     period_order=order)
            for weighting in WEIGHTINGS}


def intro_caption(home: str = "Leeds") -> str:
    """The line under the title: for Leeds, which index this is not (the council's official one)."""
    if home == "Leeds":
        return ("Our open-data index, not the council's official Leeds SPI: what it is, under *About this index* at "
                "the end of the page.")
    return (f"Our open-data index for {home}, not an official index: what it is, under *About this index* at the end "
            "of the page.")


def about_text(home: str = "Leeds") -> str:
    """*About this index*: what the page rebuilds, for the home district, and where its goalposts come from."""
    if home == "Leeds":
        text = ("Leeds measures the Best City Ambition with the **Leeds Social Progress Index** (three dimensions of "
                "four components, 0-100). The official index is a closed ward-level tool. This page rebuilds the "
                "**method** on open data for every neighbourhood and ward. It is **our open-data index, not the "
                "council's official Leeds SPI**, and a score of 0-100 places an area between the worst and best "
                "plausible values — it is not a percentile.")
    else:
        text = (f"This page builds an index by the **Social Progress Imperative method** (three dimensions of four "
                f"components, 0-100) on open data for every neighbourhood and ward of {home}. It is **our open-data "
                f"index, not an official {home} index**, and a score of 0-100 places an area between the worst and "
                "best plausible values — it is not a percentile.")
    return f"{text} {goalposts_sentence(home)}"


def goalposts_sentence(home: str = "Leeds") -> str:
    """Where the 0 and 100 goalposts come from (data/spi.yaml's reasons): set on Leeds' LSOAs, not recalibrated for
    another district, whose component scores beyond them are capped (metrics.spi reports how many)."""
    text = ("The goalposts (each indicator's worst and best plausible value, data/spi.yaml) are calibrated on Leeds: "
            "each is a natural limit (such as 0%) or lies at or just beyond the range across Leeds' 488 "
            "neighbourhoods (LSOAs).")
    if home == "Leeds":
        return text
    return (f"{text} They are not recalibrated for {home}: a {home} area whose component score falls beyond them is "
            "scored 0 or 100 (capped; the Method view's *Everything the computation reported* lists how many).")


def method_not_text(home: str = "Leeds") -> str:
    """The Method view's *What it is not* paragraph."""
    if home == "Leeds":
        return ("**What it is not.** Not the council's official Leeds SPI (different indicators; its 48 ward "
                "indicators are not open), and not a percentile or a rank.")
    return f"**What it is not.** Not an official {home} index, and not a percentile or a rank."


def plural(level: str) -> str:
    """'LSOAs', 'MSOAs', 'wards', 'committees': how the text names a level's areas."""
    return store.area_catalogue().levels[level].nouns


def area_names(level: str, stamp: str) -> pd.Series:
    """Code -> display name for a level."""
    layer = store.areas(level, stamp)
    return pd.Series(layer["display_name"].to_numpy(), index=layer["code"].astype(str).to_numpy())


def peer_key(level: str, stamp: str) -> pd.Series:
    """Income deprivation score (IoD2025) per area of the level: what peers are matched on."""
    matrix = indicator_matrix(store.values(stamp), level, [PEER_INDICATOR]).matrix
    return matrix[PEER_INDICATOR]


def sources_caption(periods: dict[str, str]) -> str:
    """Source lines for the SPI inputs, each with the period(s) used."""
    registry = store.registry()
    by_source: dict[str, set[str]] = {}
    for indicator_id, period in periods.items():
        by_source.setdefault(registry.get(indicator_id).latest.source, set()).add(period)
    return " ".join(source_line(s, ", ".join(sorted(p))) for s, p in by_source.items())


# --- scorecard ---------------------------------------------------------------------------------


def scorecard_view(level: str, area: str, weighting: str, stamp: str) -> None:
    """Index, dimensions, components and indicators of one area, with its peers' verdicts."""
    framework = cached_spi_framework()
    run = cached_spi_runs(level, stamp)[weighting]
    registry = store.registry()
    names = area_names(level, stamp)
    areas_text = plural(level)
    key = peer_key(level, stamp)
    leeds = {i: store.comparator(i, run.periods[i], "lad", stamp) for i in framework.indicator_ids}
    table, peers = scorecard(run, framework, area, key, leeds)
    n_areas = len(run.matrix)
    home = store.home_name()                      # the district the atlas is built for (Leeds by default)

    index_value = run.result.index.get(area)
    rank = run.result.index.rank(ascending=False, method="min").get(area)
    c1, c2, c3 = st.columns(3)
    coverage = run.result.coverage.loc[area]
    thin = [d.name for d in framework.dimensions if 0 < coverage[d.id] < len(d.measured_components)]
    partial = " (partial)" if thin else ""
    c1.metric("SPI-method index (0-100)", "no score" if pd.isna(index_value) else f"{index_value:.1f}{partial}")
    c2.metric(f"Rank among {home} {areas_text}", "—" if pd.isna(rank) else f"{int(rank)} of {n_areas}{partial}",
              help="1 = highest index." + (" Partial: a dimension averages fewer components here." if thin else ""))
    c3.metric("Income deprivation (IoD2025)", "no data" if pd.isna(key.get(area)) else f"{key[area]:.1f}%")
    if thin:
        st.warning(f"This area lacks an indicator, so {', '.join(thin)} averages fewer components than elsewhere "
                   "(see Method).")

    st.markdown(
        f"**How strengths and weaknesses are judged.** The peer group is the **{len(peers)}** {areas_text} "
        f"whose income deprivation score (IoD2025, % of people income-deprived) is closest to this area's "
        f"({peer_count(n_areas)} = a sixth of the {n_areas} areas, at least 3 and at most 15). For each row, the band "
        "is the median absolute deviation of the peers around their median. A **strength** is better than the peer "
        "median by more than the band, a **weakness** worse by more than the band, otherwise **neutral** — the way "
        "SPI scorecards judge a country against countries of similar GDP per head.")
    st.caption("Peers: " + ", ".join(names.get(p, p) for p in peers))
    st.dataframe(_format_scorecard(table, registry, framework, home), hide_index=True, width="stretch")
    st.caption(f"Scores: 0-100, from the worst plausible value (0, called 'dystopia') to the best (100, "
               f"'utopia') ({WEIGHTINGS[weighting].lower()}). {home} value: for "
               f"scores, the median of {home} {areas_text} (the method needs several areas, so there is no "
               f"city-wide score); for indicators, the {home} figure in its own units.")
    st.caption(sources_caption(run.periods) + " " + source_line("imd2025_lsoa21", SPI_PERIOD))


def _format_scorecard(table: pd.DataFrame, registry, framework: Framework, home: str = "Leeds") -> pd.DataFrame:
    def text(row: pd.Series, column: str) -> str:
        value = row[column]
        if pd.isna(value):
            return "—"
        if row["kind"] == "Indicator":
            return registry.get(row["item"]).format_value(float(value))
        return f"{value:.1f}"

    shown = pd.DataFrame({
        "Level": table["kind"],
        "Measure": [registry.get(r.item).short_label if r.kind == "Indicator" else r.name for r in table.itertuples()],
        "This area": table.apply(text, axis=1, column="area_value"),
        home: table.apply(text, axis=1, column="leeds_value"),
        "Peer median": table.apply(text, axis=1, column="peer_median"),
        "Band (±)": table.apply(text, axis=1, column="band"),
        "Verdict": table["verdict"].map(VERDICT_TEXT),
    })
    directions = {i.id: i.direction for c in framework.components for i in c.indicators}
    shown["Better when"] = [("lower" if directions.get(r.item) == "lower_is_better" else "higher")
                            if r.kind == "Indicator" else "higher" for r in table.itertuples()]
    return shown


# --- sensitivity -------------------------------------------------------------------------------


def sensitivity_table(level: str, stamp: str) -> pd.DataFrame:
    """Ranks under PCA and equal weights for every area of a level, with the places each gains."""
    runs = cached_spi_runs(level, stamp)
    change = rank_change(runs["pca"].result, runs["equal"].result)
    names = area_names(level, stamp)
    return pd.DataFrame({
        "Area": [names.get(c, c) for c in change.index],
        "Code": change.index,
        "Index (PCA weights)": change["index_a"].round(1).to_numpy(),
        "Index (equal weights)": change["index_b"].round(1).to_numpy(),
        "Rank (PCA)": change["rank_a"].to_numpy(),
        "Rank (equal)": change["rank_b"].to_numpy(),
        "Places gained with equal weights": change["places_gained"].to_numpy(),
        "Coverage": [thin_note(runs["pca"].result, c) for c in change.index],
    })


def thin_note(result, area: str) -> str:
    """'complete', or which dimension averages fewer components here (a rank on fewer components says so)."""
    framework = cached_spi_framework()
    coverage = result.coverage.loc[area]
    thin = [f"{d.name}: {int(coverage[d.id])} of {len(d.measured_components)} components"
            for d in framework.dimensions if 0 < coverage[d.id] < len(d.measured_components)]
    return "Partial (" + "; ".join(thin) + ")" if thin else "complete"


def sensitivity_view(level: str, stamp: str) -> None:
    """Summary, chart and table of how ranks move from PCA to equal weights."""
    table = sensitivity_table(level, stamp)
    moved = table["Places gained with equal weights"].astype("float").abs()
    ranks = table[["Rank (PCA)", "Rank (equal)"]].astype(float).dropna()
    rho = ranks["Rank (PCA)"].corr(ranks["Rank (equal)"])
    c1, c2, c3 = st.columns(3)
    c1.metric("Rank correlation (PCA v equal)", f"{rho:.3f}", help="Pearson correlation of the two rankings "
              "(Spearman's rho of the index values).")
    c2.metric("Largest move", f"{int(moved.max())} places")
    c3.metric("Areas that keep their rank", f"{int((moved == 0).sum())} of {len(table)}")
    show_spec(_cached_sensitivity_spec(level, stamp), width="stretch")
    st.dataframe(table, hide_index=True, width="stretch")
    runs = cached_spi_runs(level, stamp)
    weights = runs["pca"].result.weights
    pca_used = weights[weights["method"] != "single"]
    st.caption("Only components with more than one indicator are weighted, so only they can change: "
               + "; ".join(f"{c} ({', '.join(f'{r.indicator} {r.weight:.2f}' for r in g.itertuples())})"
                           for c, g in pca_used.groupby("component", sort=False))
               + ". Equal weights give each indicator in a component the same share.")
    st.caption(sources_caption(runs["pca"].periods))


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_sensitivity_spec(level: str, stamp: str) -> dict:
    """The sensitivity chart as a finished spec, per level (shared, read-only)."""
    return vega_spec(_sensitivity_chart(sensitivity_table(level, stamp)))


def _sensitivity_chart(table: pd.DataFrame) -> alt.Chart:
    data = table.dropna(subset=["Rank (PCA)", "Rank (equal)"]).astype(
        {"Rank (PCA)": float, "Rank (equal)": float, "Places gained with equal weights": float})
    if len(data) <= 40:
        return alt.Chart(data, title="Places gained when indicators are weighted equally").mark_bar().encode(
            x=alt.X("Places gained with equal weights:Q", title="Places gained (negative = lost)"),
            y=alt.Y("Area:N", sort=alt.EncodingSortField("Rank (PCA)", order="ascending"),
                    title="Area (ordered by rank with PCA weights)",
                    axis=alt.Axis(labelOverlap=False, labelLimit=220)),
            color=alt.condition("datum['Places gained with equal weights'] >= 0", alt.value("#1b7837"),
                                alt.value("#762a83")),
            tooltip=["Area", "Rank (PCA)", "Rank (equal)", "Places gained with equal weights"],
        ).properties(height=max(240, 22 * len(data)))
    return alt.Chart(data, title="Rank with PCA weights v rank with equal weights").mark_circle(size=40).encode(
        x=alt.X("Rank (PCA):Q", title="Rank, PCA weights (1 = highest index)"),
        y=alt.Y("Rank (equal):Q", title="Rank, equal weights"),
        tooltip=["Area", "Rank (PCA)", "Rank (equal)", "Places gained with equal weights"],
    ).properties(height=420)


# --- method ------------------------------------------------------------------------------------


def framework_table(level: str, stamp: str) -> pd.DataFrame:
    """Every component with its indicators, direction, anchors, reason, period and weight (or why missing)."""
    framework = cached_spi_framework()
    registry = store.registry()
    run = cached_spi_runs(level, stamp)["pca"]
    weights = run.result.weights.set_index("indicator")
    rows = []
    for dimension in framework.dimensions:
        for component in dimension.components:
            if not component.is_measured:
                rows.append({"Dimension": dimension.name, "Component": component.name, "Indicator": "Not measured",
                             "Better when": "", "Utopia": "", "Dystopia": "", "Period": "",
                             "PCA weight": "", "Reason": component.missing})
                continue
            for item in component.indicators:
                indicator = registry.get(item.id)
                rows.append({"Dimension": dimension.name, "Component": component.name,
                             "Indicator": indicator.label, "Better when": item.direction.split("_")[0],
                             "Utopia": f"{item.utopia:g}", "Dystopia": f"{item.dystopia:g}",
                             "Period": run.periods[item.id],
                             "PCA weight": f"{weights.at[item.id, 'weight']:.2f} ({weights.at[item.id, 'method']})",
                             "Reason": item.reason})
    table = pd.DataFrame(rows)
    home = store.home(stamp)["name"]
    return table if home == "Leeds" else table.rename(columns={"Reason": "Reason (as written for Leeds' LSOAs)"})


def gaps_table(level: str, stamp: str) -> pd.DataFrame:
    """Areas whose index is missing or rests on fewer components, with the reason."""
    gaps = index_gaps(cached_spi_runs(level, stamp)["pca"])
    names = area_names(level, stamp)
    return pd.DataFrame({"Area": [names.get(a, a) for a in gaps["area"]], "Code": gaps["area"],
                         "Status": gaps["status"], "Reason": gaps["reason"].fillna("")})


def run_notes(level: str, stamp: str) -> list[str]:
    return list(cached_spi_runs(level, stamp)["pca"].result.notes)


# --- official scores ---------------------------------------------------------------------------


def official_path() -> Path:
    """Where the council's ward file is looked for (the data folder, BCA_DATA_DIR)."""
    return data_dir() / OFFICIAL_FILE


def official_view(stamp: str) -> None:
    """Show 'Leeds SPI (official)' beside our ward scores if the file is there, or how to load it."""
    path = official_path()
    if not path.is_file():
        st.info(f"**Leeds SPI (official) is not loaded.** The council's official ward scores are not open data. "
                f"To compare, save them as `{OFFICIAL_FILE}` in the app's raw data folder (the README's section "
                f"on social progress says where) with the columns `{', '.join(OFFICIAL_COLUMNS)}`: one row per "
                "2024 ward code (E05...) and year; the four scores are numbers from 0 to 100. The latest year per "
                "ward is compared.")
        return
    try:
        official = validate_official_scores(pd.read_csv(path, dtype={"ward24_code": str}),
                                            store.areas("ward24", stamp)["code"].astype(str))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        st.error(f"{OFFICIAL_FILE} was found but cannot be used: {exc}")
        return
    run = cached_spi_runs("ward24", stamp)["pca"]
    ours = scores_table(run.result, cached_spi_framework()).rename(columns={"index": "spi"})[OFFICIAL_SCORES]
    table, correlations = compare_official(official, ours)
    columns = st.columns(len(OFFICIAL_SCORES))
    labels = {"spi": "Index", "basic_human_needs": "Basic Human Needs",
              "foundations_of_wellbeing": "Foundations of Wellbeing", "opportunity": "Opportunity"}
    for column, score in zip(columns, OFFICIAL_SCORES):
        value = correlations[score]
        column.metric(f"Correlation: {labels[score]}", "—" if np.isnan(value) else f"{value:.2f}",
                      help="Pearson correlation across wards, official v open.")
    names = area_names("ward24", stamp)
    shown = pd.DataFrame({"Ward": [names.get(c, c) for c in table.index], "Year (official)": table["year"]})
    for score in OFFICIAL_SCORES:
        shown[f"{labels[score]}: Leeds SPI (official)"] = table[score].round(1)
        shown[f"{labels[score]}: open SPI-method index"] = table[f"{score}_open"].round(1)
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(f"Leeds SPI (official): Leeds City Council, from {OFFICIAL_FILE} in the data folder (years "
               f"{official['year'].min()}-{official['year'].max()}). Open index: "
               + sources_caption(run.periods))


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_numbers_arrow(*, indicator_id: str, level: str, committee: str, stamp: str):
    """The numbers behind the map as shown (ranks read "1 = lowest score"), converted to Arrow once per view and
    shared read-only (the same key as the map's payload, which holds the rows)."""
    payload = cached_map_payload(indicator_id=indicator_id, level=level, period=SPI_PERIOD, scheme="quantiles", k=5,
                                 committee=committee, outline=False, stamp=stamp)
    indicator = store.registry().get(indicator_id)
    table = table_for_display(payload.table, indicator.short_label, with_ci=False, indicator=indicator).rename(
        columns={"Rank (1 = worst)": "Rank (1 = lowest score)"})
    return table_arrow(table)
