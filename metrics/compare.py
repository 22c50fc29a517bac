"""Compare areas as Fingertips does: each chosen area against one comparator, better / similar / worse by
95% confidence intervals where they exist, "not compared" otherwise; and which chart suits the choice.

Pure pandas/numpy (no Streamlit). The rule, per indicator and area:
- the area needs a value and both limits of its 95% interval, and the comparator a value, else "not compared";
- the comparator's interval is its 95% interval where it has one, else its value alone (a point);
- area's lower limit above the comparator's upper limit: significantly higher; area's upper limit below the
  comparator's lower limit: significantly lower; the two overlap (touching counts): similar;
- higher or lower becomes better or worse by the indicator's polarity; a neutral indicator stays higher / lower.
With a point comparator this is Fingertips' rule (and metrics.gaps.compare_to_benchmark's); with two intervals it
is the overlap test Fingertips uses between areas, which is conservative (overlapping intervals can still differ).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.query import select
from data.registry import Registry

BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED = "better", "similar", "worse", "higher", "lower", "not compared"
CALLS = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)
CALL_MEANING = {
    BETTER: "better than {c}: the 95% intervals do not overlap",
    SIMILAR: "similar to {c}: the 95% intervals overlap",
    WORSE: "worse than {c}: the 95% intervals do not overlap",
    HIGHER: "higher than {c} (no better or worse direction)",
    LOWER: "lower than {c} (no better or worse direction)",
    NOT_COMPARED: "not compared: no 95% interval for this figure, or no figure for {c}",
}
LONG_COLUMNS = ["indicator_id", "label", "period", "polarity", "area_code", "area", "value", "lower_ci", "upper_ci",
                "comparator", "comparator_lower", "comparator_upper", "call"]


def significance_calls(value, lower, upper, comparator, comparator_lower, comparator_upper, polarity) -> np.ndarray:
    """The call for each row (arrays of equal length, or scalars; NaN = missing): see the module docstring."""
    v, lo, hi, c = (np.asarray(x, dtype=float) for x in (value, lower, upper, comparator))
    c_lo = np.asarray(comparator_lower, dtype=float)
    c_hi = np.asarray(comparator_upper, dtype=float)
    c_has_ci = ~np.isnan(c_lo) & ~np.isnan(c_hi)
    c_lo, c_hi = np.where(c_has_ci, c_lo, c), np.where(c_has_ci, c_hi, c)
    complete = ~(np.isnan(v) | np.isnan(lo) | np.isnan(hi) | np.isnan(c))
    higher = complete & (lo > c_hi)
    lower_ = complete & (hi < c_lo)
    pol = np.broadcast_to(np.asarray(polarity, dtype=object), v.shape)
    up_good = pol == "higher_is_better"
    neutral = pol == "neutral"
    calls = np.full(v.shape, SIMILAR, dtype=object)
    calls[~complete] = NOT_COMPARED
    calls[higher] = np.where(neutral[higher], HIGHER, np.where(up_good[higher], BETTER, WORSE))
    calls[lower_] = np.where(neutral[lower_], LOWER, np.where(up_good[lower_], WORSE, BETTER))
    return calls


@dataclass(frozen=True)
class ChartChoice:
    kind: str        # "ranked" (one panel per indicator, areas ranked), "spines" (one panel per area), "table"
    reason: str      # one plain sentence the page shows


RANKED_MOST_INDICATORS = 4     # ranked panels stacked: more than this is a long page
SPINES_MOST_AREAS = 3          # spine panels side by side: more than this is too narrow to read


def choose_chart(n_areas: int, n_indicators: int, home: str = "Leeds") -> ChartChoice:
    """The chart that shows this many areas and indicators with every mark labelled.

    One indicator (or a few) across the areas: ranked bars with the comparator as a line. Many indicators
    for a few areas: a spine per area, side by side. Many of both: the coloured table is the chart.
    """
    if n_indicators < 1 or n_areas < 1:
        return ChartChoice("table", "Nothing to chart: choose areas and at least one indicator.")
    if n_indicators <= RANKED_MOST_INDICATORS and (n_indicators == 1 or n_areas > SPINES_MOST_AREAS):
        what = "one indicator" if n_indicators == 1 else f"{n_indicators} indicators"
        return ChartChoice("ranked", f"{what.capitalize()} across {n_areas} areas: each area's dot, ranked, with "
                                     "the comparator as a line.")
    if n_areas <= SPINES_MOST_AREAS:
        return ChartChoice("spines", f"{n_indicators} indicators for {n_areas} areas: one spine per area, each area "
                                     f"placed on the range of {home} areas of its kind, with the comparator marked.")
    return ChartChoice("table", f"{n_indicators} indicators for {n_areas} areas: the coloured table above is the "
                                f"chart; choose up to {RANKED_MOST_INDICATORS} indicators for ranked bars, or up to "
                                f"{SPINES_MOST_AREAS} areas for spines.")


def compare_long(values: pd.DataFrame, registry: Registry, level: str, codes: list[str], names: Mapping[str, str],
                 indicator_ids: list[str], comparator_level: str, comparator_code: str) -> pd.DataFrame:
    """One row per indicator and area at the indicator's latest period, with the comparator's figure (same
    period) and the call. Indicators keep the given order, areas the given order."""
    latest = {i: registry.get(i).latest.period for i in indicator_ids}
    rows = select(values, indicator_ids, level, None, codes)
    rows = rows[rows["period"].astype(str).to_numpy() == rows["indicator_id"].astype(str).map(latest).to_numpy()]
    comp = select(values, indicator_ids, comparator_level, None, comparator_code)
    comp = comp[comp["period"].astype(str).to_numpy() == comp["indicator_id"].astype(str).map(latest).to_numpy()]
    comp = comp.drop_duplicates("indicator_id")
    comp.index = comp["indicator_id"].astype(str)
    found = {(str(i), str(a)): r for i, a, r in zip(rows["indicator_id"], rows["area_code"],
                                                     rows[["value", "lower_ci", "upper_ci"]].to_numpy(dtype=float))}
    out = []
    for indicator_id in indicator_ids:
        indicator = registry.get(indicator_id)
        c = comp.loc[indicator_id] if indicator_id in comp.index else None
        for code in codes:
            v, lo, hi = found.get((indicator_id, code), (np.nan, np.nan, np.nan))
            out.append({"indicator_id": indicator_id, "label": indicator.short_label, "period": latest[indicator_id],
                        "polarity": indicator.polarity, "area_code": code, "area": names.get(code, code),
                        "value": v, "lower_ci": lo, "upper_ci": hi,
                        "comparator": np.nan if c is None else float(c["value"]),
                        "comparator_lower": np.nan if c is None else float(c["lower_ci"]),
                        "comparator_upper": np.nan if c is None else float(c["upper_ci"])})
    frame = pd.DataFrame(out, columns=LONG_COLUMNS[:-1])
    frame["call"] = significance_calls(frame["value"], frame["lower_ci"], frame["upper_ci"], frame["comparator"],
                                       frame["comparator_lower"], frame["comparator_upper"], frame["polarity"])
    return frame


def leeds_range(values: pd.DataFrame, registry: Registry, level: str, indicator_ids: list[str]) -> pd.DataFrame:
    """Per indicator, the worst and best value among all Leeds areas of ``level`` (latest period): the ends
    of a spine (left = worst, or lowest for a neutral indicator)."""
    latest = {i: registry.get(i).latest.period for i in indicator_ids}
    rows = select(values, indicator_ids, level)
    rows = rows[rows["period"].astype(str).to_numpy() == rows["indicator_id"].astype(str).map(latest).to_numpy()]
    stats = rows.assign(indicator_id=rows["indicator_id"].astype(str)).groupby("indicator_id")["value"].agg(["min", "max"])
    out = []
    for indicator_id in indicator_ids:
        low, high = (stats.loc[indicator_id, "min"], stats.loc[indicator_id, "max"]) if indicator_id in stats.index \
            else (np.nan, np.nan)
        worst_high = registry.get(indicator_id).polarity == "lower_is_better"
        out.append({"indicator_id": indicator_id, "left": high if worst_high else low, "right": low if worst_high else high})
    return pd.DataFrame(out)


def position(value, left, right):
    """0 at ``left`` to 1 at ``right`` (0.5 when they are equal; NaN when unknown)."""
    value, left, right = (np.asarray(x, dtype=float) for x in (value, left, right))
    span = right - left
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span == 0, 0.5, (value - left) / np.where(span == 0, 1, span))


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb'."""
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return "#000000" if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#ffffff") else "#ffffff"
