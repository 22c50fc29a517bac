"""The SPI-method index as stored figures: the ``spi`` derived family, and the official-score check.

Why here: :mod:`metrics.spi` is the method; this module decides how the app runs it on the store.
Each level is scored from its own indicator values (ward scores from ward-level indicators, never
from averaging LSOA scores), with PCA weights, and the missing rule ``mean_of_available``: an area
missing an indicator has no score for that component, and its dimension averages the components it
has (the coverage is kept and shown). Nothing is imputed.

Output names used in the registry (``editions[0].value.output``): ``index``, ``dimension:<id>``,
``component:<id>`` with ids from ``data/spi.yaml``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from data.settings import DataError, REPO_ROOT
from metrics.spi import SpiResult, compute_spi, peer_strengths_weaknesses
from metrics.spi_framework import Framework, load_framework
from metrics.spi_inputs import indicator_matrix

FRAMEWORK_PATH = REPO_ROOT / "data" / "spi.yaml"
STORED_WEIGHTING = "pca"
STORED_MISSING_RULE = "mean_of_available"
MIN_AREAS = 3
"""A level needs at least this many areas to standardise and weight indicators meaningfully."""

OFFICIAL_FILE = "leeds_spi_official_wards.csv"
OFFICIAL_SCORES = ["spi", "basic_human_needs", "foundations_of_wellbeing", "opportunity"]
OFFICIAL_COLUMNS = ["ward24_code", "year", *OFFICIAL_SCORES]


class LevelSpi(NamedTuple):
    """One level's run: the engine result, the raw indicator matrix it read and the period of each indicator."""

    result: SpiResult
    matrix: pd.DataFrame
    periods: dict[str, str]


def parse_output(output: str, framework: Framework) -> tuple[str, str | None]:
    """``"index"`` -> ("index", None); ``"dimension:<id>"`` / ``"component:<id>"`` -> (kind, id), checked."""
    if output == "index":
        return "index", None
    kind, _, ident = output.partition(":")
    known = {"dimension": [d.id for d in framework.dimensions], "component": [c.id for c in framework.components]}
    if kind not in known or ident not in known[kind]:
        raise ValueError(f"Unknown SPI output {output!r}: use index, dimension:<id> or component:<id> "
                         f"with ids from {FRAMEWORK_PATH.name}.")
    return kind, ident


def spi_for_level(
    values: pd.DataFrame,
    level: str,
    framework: Framework,
    area_codes: Iterable[str] | None = None,
    weighting: str = STORED_WEIGHTING,
    missing_rule: str = STORED_MISSING_RULE,
    period_order: Mapping[str, list[str]] | None = None,
) -> LevelSpi:
    """Score every area of ``level`` from that level's own indicator values (latest period of each)."""
    inputs = indicator_matrix(values, level, framework.indicator_ids, area_codes, period_order)
    if len(inputs.matrix) < MIN_AREAS:
        raise ValueError(f"Level {level} has {len(inputs.matrix)} area(s); the SPI method needs at least {MIN_AREAS}.")
    result = compute_spi(inputs.matrix, framework, weighting=weighting, missing_rule=missing_rule)
    return LevelSpi(result, inputs.matrix, inputs.periods)


def output_scores(result: SpiResult, kind: str, ident: str | None) -> pd.Series:
    """The 0-100 scores behind one output name."""
    if kind == "index":
        return result.index
    if kind == "dimension":
        return result.dimensions[ident]
    return result.components[ident]


def scores_table(result: SpiResult, framework: Framework) -> pd.DataFrame:
    """Area x (index, dimension ids, component ids): every score of a run in one wide table."""
    columns = {"index": result.index}
    columns |= {d.id: result.dimensions[d.id] for d in framework.dimensions}
    columns |= {c.id: result.components[c.id] for c in framework.components}
    return pd.DataFrame(columns)


def component_share(result: SpiResult, framework: Framework, kind: str, ident: str | None) -> pd.Series:
    """Share of its measured components a score rests on (1 = all), stored as the row's ``coverage``.

    Under ``mean_of_available`` a dimension can quietly average fewer components; storing the share lets
    every map, table and ranking mark such a score as partial instead.
    """
    measured = {d.id: len(d.measured_components) for d in framework.dimensions}
    shares = pd.DataFrame({d: result.coverage[d] / n for d, n in measured.items() if n}, index=result.coverage.index)
    if kind == "dimension":
        return shares[ident] if ident in shares else pd.Series(np.nan, index=result.coverage.index)
    if kind == "index":
        return shares.mean(axis=1)
    return result.components[ident].notna().astype(float)


def derive(values: pd.DataFrame, indicators: list, context) -> pd.DataFrame:
    """The ``spi`` derived family: rows of SPI scores for each indicator at each of its derived levels.

    A level with no areas (community committees outside Leeds) is skipped, so the family builds for any district."""
    try:
        framework = load_framework(FRAMEWORK_PATH)
    except ValueError as exc:
        raise DataError(str(exc)) from None
    registry = getattr(context, "registry", None)
    period_order = {i.id: i.periods for i in registry.indicators} if registry is not None else None
    runs: dict[str, LevelSpi] = {}
    out = []
    for indicator in indicators:
        output = indicator.latest.value.output
        try:
            kind, ident = parse_output(output, framework)
        except ValueError as exc:
            raise DataError(f"indicators.d: {indicator.id}: {exc}") from None
        for level in indicator.derived_levels:
            if level not in runs:
                areas = context.areas.get(level)
                if areas is None:
                    raise DataError(f"indicators.d: {indicator.id} asks for level {level}, which the build has no areas for.")
                if areas.empty:     # a level the district does not have (community committees outside Leeds)
                    continue
                try:
                    runs[level] = spi_for_level(values, level, framework, areas["code"].astype(str), period_order=period_order)
                except ValueError as exc:
                    raise DataError(f"SPI index at level {level}: {exc}") from None
            scores = output_scores(runs[level].result, kind, ident).dropna()
            share = component_share(runs[level].result, framework, kind, ident).reindex(scores.index)
            out.append(pd.DataFrame({"area_level": level, "area_code": scores.index.astype(str),
                                     "indicator_id": indicator.id, "period": indicator.latest.period,
                                     "value": scores.to_numpy(dtype=float), "coverage": share.to_numpy(dtype=float)}))
    columns = ["area_level", "area_code", "indicator_id", "period", "value", "coverage"]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)


def index_gaps(level_spi: LevelSpi) -> pd.DataFrame:
    """Areas without an index, and areas whose index rests on fewer components, each with the reason."""
    result = level_spi.result
    missing = result.missing[~result.missing["reason"].str.startswith("component not measured")]
    reasons = missing.groupby("area")["reason"].agg("; ".join) if not missing.empty else pd.Series(dtype=str)
    frame = pd.DataFrame({"index": result.index}).join(reasons.rename("reason"))
    frame = frame[frame["index"].isna() | frame["reason"].notna()]
    frame["status"] = np.where(frame["index"].isna(), "no index", "index from fewer components")
    return frame.rename_axis("area").reset_index()


# --- official Leeds SPI ward scores ----------------------------------------------------------


def validate_official_scores(frame: pd.DataFrame, ward_codes: Iterable[str]) -> pd.DataFrame:
    """Check an official Leeds SPI ward file; return one row per ward (its latest year).

    Schema: ``ward24_code`` (2024 ward code, E05...), ``year`` (integer), ``spi``,
    ``basic_human_needs``, ``foundations_of_wellbeing``, ``opportunity`` (numbers 0-100).
    Raises ValueError with one plain sentence on the first problem found.
    """
    absent = [c for c in OFFICIAL_COLUMNS if c not in frame.columns]
    if absent:
        raise ValueError(f"{OFFICIAL_FILE} lacks column(s) {', '.join(absent)}; it needs {', '.join(OFFICIAL_COLUMNS)}.")
    if frame.empty:
        raise ValueError(f"{OFFICIAL_FILE} has no rows.")
    clean = frame[OFFICIAL_COLUMNS].copy()
    clean["ward24_code"] = clean["ward24_code"].astype(str).str.strip()
    known = set(map(str, ward_codes))
    unknown = sorted(set(clean["ward24_code"]) - known)
    if unknown:
        raise ValueError(f"{OFFICIAL_FILE} names {len(unknown)} code(s) that are not Leeds 2024 wards "
                         f"(first: {unknown[0]}).")
    years = pd.to_numeric(clean["year"], errors="coerce")
    if years.isna().any() or (years % 1 != 0).any():
        raise ValueError(f"{OFFICIAL_FILE}: year must be a whole number on every row.")
    clean["year"] = years.astype(int)
    for column in OFFICIAL_SCORES:
        numbers = pd.to_numeric(clean[column], errors="coerce")
        bad = clean[column].notna() & numbers.isna()
        if bad.any():
            raise ValueError(f"{OFFICIAL_FILE}: {column} is not a number on {int(bad.sum())} row(s).")
        if ((numbers < 0) | (numbers > 100)).any():
            raise ValueError(f"{OFFICIAL_FILE}: {column} must lie between 0 and 100.")
        clean[column] = numbers.astype(float)
    if clean.duplicated(["ward24_code", "year"]).any():
        raise ValueError(f"{OFFICIAL_FILE} repeats a ward and year.")
    latest = clean.sort_values("year").groupby("ward24_code").tail(1)
    return latest.set_index("ward24_code").sort_index()


def compare_official(official: pd.DataFrame, ours: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Official and open scores side by side per ward, and the Pearson correlation per score.

    ``ours`` is indexed by ward code with columns named like ``OFFICIAL_SCORES``.
    """
    table = official.join(ours.add_suffix("_open"), how="left")
    correlations = {}
    for column in OFFICIAL_SCORES:
        pair = table[[column, f"{column}_open"]].dropna()
        correlations[column] = float(pair[column].corr(pair[f"{column}_open"])) if len(pair) >= 3 else float("nan")
    return table, correlations


# --- scorecard ---------------------------------------------------------------------------------

SCORECARD_COLUMNS = ["kind", "item", "name", "area_value", "leeds_value", "peer_median", "band", "verdict"]


def peer_count(n_areas: int) -> int:
    """How many peers an area is judged against: a sixth of the level's areas, between 3 and 15."""
    return max(3, min(15, n_areas // 6))


def scorecard(
    level_spi: LevelSpi,
    framework: Framework,
    area: str,
    peer_key: pd.Series,
    leeds_indicator_values: Mapping[str, float | None] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One area's index, dimensions, components and indicators against its income-deprivation peers.

    Scores (0-100) are compared as higher-is-better; indicators in their own units and direction.
    ``leeds_value`` is the city value for indicators (from ``leeds_indicator_values``) and, for scores,
    the median over the level's areas (the method needs several areas, so there is no city-wide score).
    Components declared missing are listed with the verdict ``not measured``.

    Returns the table (columns ``SCORECARD_COLUMNS``) and the peer area codes, closest first.
    """
    result, matrix = level_spi.result, level_spi.matrix
    scores = scores_table(result, framework)
    measured = [c.id for c in framework.components if c.is_measured]
    items = pd.concat([scores[["index", *[d.id for d in framework.dimensions], *measured]], matrix], axis=1)
    lower = [i.id for i in framework.components for i in i.indicators if i.direction == "lower_is_better"]
    comparison, peers = peer_strengths_weaknesses(items, area, peer_key.reindex(items.index), peer_count(len(items)),
                                                  lower_is_better=lower)
    verdicts = comparison.set_index("item")
    leeds = dict(leeds_indicator_values or {})
    rows: list[dict] = []

    def add(kind: str, item: str, name: str, is_score: bool) -> None:
        got = verdicts.loc[item]
        city = float(scores[item].median()) if is_score else leeds.get(item)
        rows.append({"kind": kind, "item": item, "name": name, "area_value": got["area_value"],
                     "leeds_value": np.nan if city is None else city, "peer_median": got["peer_median"],
                     "band": got["band"], "verdict": got["verdict"]})

    add("Index", "index", framework.name, True)
    for dimension in framework.dimensions:
        add("Dimension", dimension.id, dimension.name, True)
    for component in framework.components:
        if not component.is_measured:
            rows.append({"kind": "Component", "item": component.id, "name": component.name, "area_value": np.nan,
                         "leeds_value": np.nan, "peer_median": np.nan, "band": np.nan, "verdict": "not measured"})
            continue
        add("Component", component.id, component.name, True)
        for indicator in component.indicators:
            add("Indicator", indicator.id, indicator.id, False)
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS), peers
