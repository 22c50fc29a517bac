"""The one way into the long values table: select rows, read a comparator, rank, join to area names.

``select`` is the only code that filters ``values.parquet`` by indicator, level, period or area; every
module that needs "one indicator, one level, one period" calls it (tests/unit/test_architecture.py checks
that no other module writes that filter by hand). ``comparator_value`` is the one Leeds / England lookup.
Pages reach these through the cached wrappers in components/store.py; tests call them directly.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from data.registry import Indicator

AREA_COLUMNS = ["code", "name", "display_name", "ward24_code", "ward24_name", "committee_code", "committee_name",
                "population", "households"]


def _mask(column: pd.Series, wanted) -> pd.Series:
    if isinstance(wanted, str) or not isinstance(wanted, Iterable):
        return column == wanted
    return column.isin(list(wanted))


def select(values: pd.DataFrame, indicator=None, level=None, period=None, code=None) -> pd.DataFrame:
    """Rows of the long table for an indicator id, area level, period and area code.

    Each argument is one value or a list of values; None leaves that column unfiltered.
    """
    mask = None
    for column, wanted in (("indicator_id", indicator), ("area_level", level), ("period", period), ("area_code", code)):
        if wanted is not None:
            mask = _mask(values[column], wanted) if mask is None else mask & _mask(values[column], wanted)
    return values if mask is None else values[mask]


def values_by_area(values: pd.DataFrame, indicator_id: str, level: str, period: str) -> pd.Series:
    """Area code -> value for one indicator, level and period."""
    rows = select(values, indicator_id, level, period)
    return pd.Series(rows["value"].to_numpy(), index=rows["area_code"].astype(str).to_numpy(), name=indicator_id)


def rank_worst_first(values: pd.Series, polarity: str) -> pd.Series:
    """Rank within the set, 1 = worst by the indicator's polarity (highest first when neutral)."""
    ascending = polarity == "higher_is_better"
    return values.rank(method="min", ascending=ascending).astype("Int64")


def indicator_frame(values: pd.DataFrame, areas: pd.DataFrame, indicator: Indicator, level: str, period: str) -> pd.DataFrame:
    """One row per area of ``level``: names, parents, value (with CI and coverage) and rank within Leeds."""
    selected = select(values, indicator.id, level, period)
    keep = [c for c in AREA_COLUMNS if c in areas.columns]
    frame = pd.DataFrame(areas[keep]).merge(
        selected[["area_code", "value", "lower_ci", "upper_ci", "numerator", "denominator", "coverage"]],
        left_on="code", right_on="area_code", how="left").drop(columns="area_code")
    frame["rank"] = rank_worst_first(frame["value"], indicator.polarity)
    return frame


def comparator_value(values: pd.DataFrame, indicator_id: str, period: str, level: str) -> float | None:
    """The Leeds (``lad``) or England value of an indicator, or None where there is none (the one comparator)."""
    row = select(values, indicator_id, level, period)
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


def comparator_values(values: pd.DataFrame, wanted: list[str], periods: Mapping[str, str],
                      level: str) -> dict[str, float | None]:
    """``comparator_value`` for many indicators (each at its own period) in one pass over the table: one
    filter per indicator took ~1 ms each, most of a comparison's time."""
    rows = select(values, wanted, level)
    rows = rows[rows["period"].to_numpy() == rows["indicator_id"].map(periods).to_numpy()]
    first = rows.drop_duplicates("indicator_id")
    found = dict(zip(first["indicator_id"], first["value"]))
    return {i: None if i not in found or pd.isna(found[i]) else float(found[i]) for i in wanted}


def national_decile_breaks(breaks: pd.DataFrame, indicator: Indicator, period: str) -> tuple[list[float], list[int]]:
    """Upper bounds (ascending) of England's LSOA deciles of a score, and the decile of each class.

    For a "lower is better" score, decile 1 (most deprived) holds the highest scores, so the classes
    from low to high values are deciles 10, 9, ... 1.
    """
    table = breaks[(breaks["indicator_id"] == indicator.id) & (breaks["period"] == period)].sort_values("max")
    if table.empty:
        raise KeyError(f"No national decile breaks stored for {indicator.id} {period}.")
    uppers = table["max"].tolist()
    # the top class is open-ended: its upper bound is the national maximum
    return uppers[:-1], [int(d) for d in table["decile"]]


def indicators_for_level(indicators: list[Indicator], levels: list[str], level: str) -> tuple[list[Indicator], dict[str, str]]:
    """Indicators available at ``level`` and, for the others, the reason they are not."""
    available, reasons = [], {}
    for indicator in indicators:
        reason = indicator.unavailable_reason(level, levels)
        if reason is None:
            available.append(indicator)
        else:
            reasons[indicator.id] = reason
    return available, reasons
