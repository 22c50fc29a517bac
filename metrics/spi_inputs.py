"""Pivot the long values table into the area x indicator matrix the SPI engine reads.

Why a separate step: the engine (:mod:`metrics.spi`) works on one wide table per level, while the
store is long (one row per area, indicator and period). Choosing the period is a decision, so it is
made here, once, and reported: by default the latest period each indicator has at that level.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from data.query import select


class IndicatorMatrix(NamedTuple):
    """``matrix``: area code x indicator id (raw values, NaN where missing); ``periods``: id -> period used."""

    matrix: pd.DataFrame
    periods: dict[str, str]


def latest_period(periods: Iterable[str], order: list[str] | None = None) -> str:
    """The newest of ``periods``: the first one found in ``order`` (newest first, as the registry lists
    editions), else the largest string ("2016-20" < "2019" < "2025" sort correctly as text)."""
    available = [str(p) for p in periods]
    if not available:
        raise ValueError("No periods to choose from.")
    for period in order or []:
        if period in available:
            return period
    return max(available)


def indicator_matrix(
    values: pd.DataFrame,
    level: str,
    indicator_ids: Iterable[str],
    area_codes: Iterable[str] | None = None,
    period_order: Mapping[str, list[str]] | None = None,
    periods: Mapping[str, str] | None = None,
) -> IndicatorMatrix:
    """Wide table of raw indicator values for one level.

    Parameters
    ----------
    values
        Long table with ``area_level, area_code, indicator_id, period, value``.
    level
        Area level, e.g. ``"lsoa21"`` or ``"ward24"``.
    indicator_ids
        Columns wanted, in order.
    area_codes
        Rows wanted (areas with no value get NaN rows, so gaps stay visible); default: every area of
        the level found in ``values``.
    period_order
        Indicator id -> its periods newest first (from the registry); decides "latest".
    periods
        Indicator id -> period to use, overriding "latest" for the ids given.

    Raises
    ------
    ValueError
        If an indicator has no value at all at this level (it cannot be standardised).
    """
    ids = list(dict.fromkeys(indicator_ids))
    rows = select(values, ids, level)
    rows = rows.assign(indicator_id=rows["indicator_id"].astype(str), period=rows["period"].astype(str),
                       area_code=rows["area_code"].astype(str))
    chosen: dict[str, str] = {}
    pieces = []
    for indicator_id in ids:
        own = rows[rows["indicator_id"] == indicator_id]
        if own.empty or own["value"].notna().sum() == 0:
            raise ValueError(f"Indicator {indicator_id} has no values at level {level}.")
        wanted = (periods or {}).get(indicator_id) or latest_period(
            own.loc[own["value"].notna(), "period"].unique(), (period_order or {}).get(indicator_id))
        chosen[indicator_id] = wanted
        picked = own[own["period"] == wanted]
        if picked["area_code"].duplicated().any():
            raise ValueError(f"Indicator {indicator_id} has more than one value per area at {level} {wanted}.")
        pieces.append(picked.set_index("area_code")["value"].astype(float).rename(indicator_id))
    matrix = pd.concat(pieces, axis=1)
    codes = list(area_codes) if area_codes is not None else sorted(matrix.index)
    matrix = matrix.reindex(pd.Index([str(c) for c in codes], name="area_code"))
    return IndicatorMatrix(matrix[ids], chosen)
