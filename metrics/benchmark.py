"""A comparator group's figure for an indicator: the average and range of its districts' values.

The group (core cities, similar districts) is a set of district codes; the values are every English district's
figure, computed by the build with the same rule as the home district's (store table ``district_values``) or
published by ONS (``cities_series``). The average counts each district once (not weighted by population), so the
text says "average of N districts"; the range is the lowest and highest district.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

SUMMARY_COLUMNS = ["indicator_id", "period", "mean", "low", "high", "n"]


def group_summary(district_values: pd.DataFrame, codes: Iterable[str],
                  wanted: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """One row per (indicator id, period) of ``wanted`` that the group's districts have: mean, low, high, n.

    ``district_values`` has columns area_code, indicator_id, period, value; districts without a value are not
    counted (n says how many are)."""
    codes, wanted = set(codes), set(wanted)
    if not codes or not wanted:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    rows = district_values[district_values["area_code"].astype(str).isin(codes)
                           & district_values["indicator_id"].astype(str).isin({i for i, _ in wanted})]
    rows = pd.DataFrame({"indicator_id": rows["indicator_id"].astype(str), "period": rows["period"].astype(str),
                         "value": rows["value"]}).dropna(subset=["value"])
    rows = rows[[pair in wanted for pair in zip(rows["indicator_id"], rows["period"])]]
    if rows.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    out = rows.groupby(["indicator_id", "period"])["value"].agg(["mean", "min", "max", "count"]).reset_index()
    return out.rename(columns={"min": "low", "max": "high", "count": "n"})[SUMMARY_COLUMNS]


def summary_text(mean: float, low: float, high: float, n: int, of: int, decimals: int = 1) -> str:
    """'24.3 (range 15.0–35.5; 7 of 7 districts)': the figure a table cell shows."""
    counted = f"{n} of {of} districts" if n != of else f"{n} districts"
    return f"{mean:,.{decimals}f} (range {low:,.{decimals}f}–{high:,.{decimals}f}; {counted})"



def group_then_now(series: pd.DataFrame, codes: Iterable[str], dataset: str, indicator: str, start, end,
                   home: str, home_then: float | None = None) -> tuple[float, float, int] | None:
    """The group's average at two periods of an ONS district series (``cities_series``): (then, now, n), counting
    only the districts with a figure at both (so the two averages cover the same districts); None when none has.

    ``start``/``end`` are period starts. Where ONS publishes two period lengths starting on the same day, the
    length whose ``home`` figure equals ``home_then`` (the home figure the page shows) is used."""
    rows = series[(series["dataset"].astype(str) == dataset) & (series["indicator"].astype(str) == indicator)]
    rows = rows[rows["period_start"].isin([pd.Timestamp(start), pd.Timestamp(end)])].dropna(subset=["observation"])
    durations = rows["duration"].astype(str)
    if durations.nunique() > 1 and home_then is not None:
        home_rows = rows[(rows["area_code"].astype(str) == home) & (rows["period_start"] == pd.Timestamp(start))]
        match = home_rows[(home_rows["observation"] - home_then).abs() < 1e-9]["duration"].astype(str)
        if len(match):
            rows = rows[durations == match.iloc[0]]
    rows = rows[rows["area_code"].astype(str).isin(set(codes))]
    then = rows[rows["period_start"] == pd.Timestamp(start)].groupby(rows["area_code"].astype(str))["observation"].first()
    now = rows[rows["period_start"] == pd.Timestamp(end)].groupby(rows["area_code"].astype(str))["observation"].first()
    both = then.index.intersection(now.index)
    if both.empty:
        return None
    return float(then[both].mean()), float(now[both].mean()), int(len(both))
