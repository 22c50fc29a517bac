"""Pillar composites: one score per area and pillar from the pillar's proxy KPIs.

Method (stated in the UI and the registry): for each level, each KPI available at that level is
standardised among Leeds' areas of the level (z = (x - mean) / sd, unweighted, population sd), turned
so that higher = better (z is negated for "lower is better" KPIs), and the composite is the mean of
those oriented z-scores. An area needs values for at least two-thirds of the KPIs used at its level;
``coverage`` records the share it has. KPIs not published at a level (life expectancy at LSOA) are
left out there, never filled. Pure pandas; the build calls :func:`derive`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data.catalogue import level_ids
from data.settings import DataError
from data.query import select, values_by_area

MIN_SHARE = 2 / 3


def kpi_ids(registry, pillar: str) -> list[str]:
    """The pillar's KPI ids, lead first, as listed in the registry's ``pillar_kpis``."""
    kpis = registry.pillar_kpis.get(pillar)
    if kpis is None:
        raise DataError(f"pillar_kpis has no entry for {pillar!r}; add it to data/indicators.d/pillars.yaml.")
    return [kpis.lead.id, *[k.id for k in kpis.supporting]]


def kpis_at_level(registry, pillar: str, level: str) -> tuple[list[str], dict[str, str]]:
    """KPIs of a pillar that have values at ``level``, and the reason for each one left out."""
    used, left_out = [], {}
    for kpi in kpi_ids(registry, pillar):
        reason = registry.get(kpi).unavailable_reason(level, level_ids())
        if reason is None:
            used.append(kpi)
        else:
            left_out[kpi] = reason
    return used, left_out


def kpi_table(values: pd.DataFrame, registry, kpis: list[str], level: str, codes: pd.Index) -> pd.DataFrame:
    """Area x KPI table of each KPI's latest-edition values at ``level`` (NaN where missing)."""
    columns = {}
    for kpi in kpis:
        period = registry.get(kpi).latest.period
        columns[kpi] = values_by_area(values, kpi, level, period).astype(float)
    return pd.DataFrame(columns, index=pd.Index(codes, dtype=str)).astype(float)


def standardise(table: pd.DataFrame, polarity: dict[str, str]) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Oriented z-scores (higher = better) with the mean and sd used, so other values can be placed on the scale.

    A KPI with no spread (or no values) gets NaN z-scores: it cannot rank areas.
    """
    mean = table.mean()
    sd = table.std(ddof=0).replace(0, np.nan)
    sign = pd.Series({k: _sign(polarity, k) for k in table.columns}, dtype=float)
    z = (table - mean) / sd * sign
    return z, mean, sd


def composite(z: pd.DataFrame, min_share: float = MIN_SHARE) -> tuple[pd.Series, pd.Series]:
    """Mean of oriented z-scores per area, and the share of KPIs it rests on.

    Areas with values for fewer than ``min_share`` of the KPIs get NaN (too little to score on).
    """
    usable = [c for c in z.columns if z[c].notna().any()]
    if not usable:
        nan = pd.Series(np.nan, index=z.index)
        return nan, nan
    present = z[usable].notna().sum(axis=1)
    share = present / len(usable)
    score = z[usable].mean(axis=1, skipna=True)
    enough = present >= math.ceil(min_share * len(usable) - 1e-9)
    return score.where(enough), share


def place_on_scale(reference: pd.Series, mean: pd.Series, sd: pd.Series, polarity: dict[str, str]) -> float:
    """A reference area's composite (e.g. Leeds as a whole) on the same scale as the areas' composites.

    ``reference`` holds the reference's own value of each KPI; missing KPIs are skipped.
    """
    sign = pd.Series({k: _sign(polarity, k) for k in mean.index}, dtype=float)
    z = (reference.reindex(mean.index).astype(float) - mean) / sd * sign
    return float(z.mean()) if z.notna().any() else float("nan")


def pillar_scores(values: pd.DataFrame, registry, pillar: str, level: str, codes: pd.Index) -> pd.DataFrame:
    """Composite and coverage per area of ``level`` for one pillar (index = area code)."""
    used, _ = kpis_at_level(registry, pillar, level)
    table = kpi_table(values, registry, used, level, codes)
    z, _, _ = standardise(table, {k: registry.get(k).polarity for k in used})
    score, share = composite(z)
    return pd.DataFrame({"value": score, "coverage": share})


def leeds_composite(values: pd.DataFrame, registry, pillar: str, level: str, codes: pd.Index) -> float:
    """Leeds' own KPI values placed on the composite scale of ``level`` (the "Leeds value" of a composite)."""
    used, _ = kpis_at_level(registry, pillar, level)
    table = kpi_table(values, registry, used, level, codes)
    polarity = {k: registry.get(k).polarity for k in used}
    _, mean, sd = standardise(table, polarity)
    leeds = kpi_table(values, registry, used, "lad", select(values, level="lad")["area_code"].astype(str).unique())
    return place_on_scale(leeds.iloc[0] if len(leeds) else pd.Series(dtype=float), mean, sd, polarity)


def derive(values: pd.DataFrame, indicators: list, context) -> pd.DataFrame:
    """Build hook (data.pipeline.derived): composite rows for each pillar indicator at each of its derived levels."""
    registry = context.registry
    rows = []
    for indicator in indicators:
        pillar = indicator.latest.value.output
        for level in indicator.derived_levels:
            if level not in context.areas:
                raise DataError(f"{indicator.id}: no areas for level {level!r} to compute the composite on.")
            codes = pd.Index(context.areas[level]["code"].astype(str))
            scores = pillar_scores(values, registry, pillar, level, codes)
            rows.append(pd.DataFrame({
                "area_level": level, "area_code": scores.index, "indicator_id": indicator.id,
                "period": indicator.latest.period, "value": scores["value"].to_numpy(),
                "coverage": scores["coverage"].to_numpy(),
            }))
    if not rows:
        return pd.DataFrame(columns=["area_level", "area_code", "indicator_id", "period", "value", "coverage"])
    return pd.concat(rows, ignore_index=True)


def _sign(polarity: dict[str, str], kpi: str) -> float:
    direction = polarity.get(kpi)
    if direction == "higher_is_better":
        return 1.0
    if direction == "lower_is_better":
        return -1.0
    raise DataError(f"KPI {kpi} has polarity {direction!r}; a pillar KPI needs a direction (higher or lower is better).")
