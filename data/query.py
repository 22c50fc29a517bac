"""Pure read-side helpers: the numbers behind one view, ranked and joined to area names.

Pages call these through the cached wrappers in components/store.py; tests call them directly.
"""
from __future__ import annotations

import pandas as pd

from data.registry import Indicator

AREA_COLUMNS = ["code", "name", "display_name", "ward24_code", "ward24_name", "committee_code", "committee_name",
                "population", "households"]


def rank_worst_first(values: pd.Series, polarity: str) -> pd.Series:
    """Rank within the set, 1 = worst by the indicator's polarity (highest first when neutral)."""
    ascending = polarity == "higher_is_better"
    return values.rank(method="min", ascending=ascending).astype("Int64")


def indicator_frame(values: pd.DataFrame, areas: pd.DataFrame, indicator: Indicator, level: str, period: str) -> pd.DataFrame:
    """One row per area of ``level``: names, parents, value (with CI and coverage) and rank within Leeds."""
    selected = values[(values["indicator_id"] == indicator.id) & (values["area_level"] == level)
                      & (values["period"] == period)]
    keep = [c for c in AREA_COLUMNS if c in areas.columns]
    frame = pd.DataFrame(areas[keep]).merge(
        selected[["area_code", "value", "lower_ci", "upper_ci", "numerator", "denominator", "coverage"]],
        left_on="code", right_on="area_code", how="left").drop(columns="area_code")
    frame["rank"] = rank_worst_first(frame["value"], indicator.polarity)
    return frame


def comparator_value(values: pd.DataFrame, indicator_id: str, period: str, level: str) -> float | None:
    """The Leeds (``lad``) or England value of an indicator, or None where there is none."""
    row = values[(values["indicator_id"] == indicator_id) & (values["area_level"] == level) & (values["period"] == period)]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


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
