"""Compute each indicator edition's values at its native level, one small function per method.

The methods form a registry (name -> function) rather than an if/elif chain, like mapclassify's
schemes: adding a method to the indicator YAML means adding one function here.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from data.registry import Edition, ValueSpec

# frame: the source table at native level, keyed by ``area_code``, with ``in_leeds``/``in_england`` flags, with ``population`` and
# ``households`` Census 2021 weights joined as ``weight_population`` and ``weight_households``; context: {"n_rows": national row count}
Method = Callable[[pd.DataFrame, ValueSpec, dict], pd.DataFrame]


def _column(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    return pd.DataFrame({"value": pd.to_numeric(frame[spec.column], errors="coerce") * spec.scale})


def _ratio(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    num = frame[spec.ratio.numerator].sum(axis=1, min_count=1)
    den = frame[spec.ratio.denominator_columns()].sum(axis=1, min_count=1)
    return pd.DataFrame({"value": spec.scale * num / den.where(den > 0), "numerator": num, "denominator": den})


def _percentile_of_rank(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    return pd.DataFrame({"value": 100.0 * frame[spec.percentile_of_rank] / context["n_rows"]})


def _leeds_decile_of_rank(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    """Decile among Leeds LSOAs by count: rank within Leeds, cut into ten equal-count groups."""
    in_leeds = frame["in_leeds"]
    ranks = frame.loc[in_leeds, spec.leeds_decile_of_rank].rank(method="first")
    decile = np.ceil(ranks * 10 / ranks.notna().sum())
    return pd.DataFrame({"value": decile.reindex(frame.index)})


def _share_where(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    flag = frame[spec.share_where.column] == spec.share_where.equals
    population = frame["weight_population"]
    numerator = population.where(flag, 0.0).where(frame[spec.share_where.column].notna())
    return pd.DataFrame({"value": spec.scale * flag.astype(float).where(frame[spec.share_where.column].notna()),
                         "numerator": numerator, "denominator": population})


METHODS: dict[str, Method] = {
    "column": _column,
    "ratio": _ratio,
    "percentile_of_rank": _percentile_of_rank,
    "leeds_decile_of_rank": _leeds_decile_of_rank,
    "share_where": _share_where,
}


def native_values(frame: pd.DataFrame, edition: Edition, weight: str | None, context: dict) -> pd.DataFrame:
    """One edition's values for every row of ``frame`` (columns of ``geo.aggregate.NATIVE_COLUMNS``)."""
    spec = edition.value
    rows = frame
    for column, wanted in spec.where.items():
        rows = rows[rows[column] == wanted]
    rows = rows.reset_index(drop=True)
    out = METHODS[spec.method](rows, spec, context)
    out.insert(0, "area_code", rows["area_code"].to_numpy())
    out["in_leeds"] = rows["in_leeds"].to_numpy()
    out["in_england"] = rows["in_england"].to_numpy()
    for column in ("numerator", "denominator"):
        if column not in out:
            out[column] = np.nan
    if edition.numerator_column:
        out["numerator"] = rows[edition.numerator_column].to_numpy()
    weights = {"population": rows["weight_population"], "households": rows["weight_households"],
               "person_years": rows[edition.weight_column] if edition.weight_column else rows["weight_population"]}
    out["weight"] = weights[weight].to_numpy() if weight else rows["weight_population"].to_numpy()
    out["lower_ci"] = rows[edition.lower_column].to_numpy() if edition.lower_column else np.nan
    out["upper_ci"] = rows[edition.upper_column].to_numpy() if edition.upper_column else np.nan
    out["coverage_weight"] = rows["weight_population"].to_numpy()
    return out
