"""Fingertips-style spine chart geometry: one row per indicator, the area placed on the Leeds range.

For each indicator the chart shows the spread of Leeds areas of the same level (worst to best, with
the middle half shaded), the chosen area as a dot, and the Leeds and England values as marks. The
scale is turned so that "worse" is always on the left whatever the indicator's polarity (for a
neutral indicator the left is simply "lower"), so readers never have to re-learn the chart.

The dot is coloured by significance against Leeds where the area's value has a 95% confidence
interval (Fingertips' rule, via :func:`metrics.gaps.compare_to_benchmark`), otherwise by the area's
fifth within Leeds. Pure: no Streamlit.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.palettes import load_palettes
from metrics.gaps import compare_to_benchmark, polarity_call

BETTER, WORSE, SIMILAR_LABEL, HIGHER, LOWER = "Better than Leeds", "Worse than Leeds", "Similar to Leeds", \
    "Higher than Leeds", "Lower than Leeds"
NOT_COMPARED_LABEL = "Not compared"
BY_SIGNIFICANCE = "significance vs Leeds (95% CI)"
BY_QUINTILE = "fifth within Leeds"
QUINTILE_WORST_LABELS = {1: "Worst fifth in Leeds", 2: "2nd worst fifth", 3: "Middle fifth", 4: "2nd best fifth",
                         5: "Best fifth in Leeds"}
QUINTILE_NEUTRAL_LABELS = {1: "Lowest fifth in Leeds", 2: "2nd lowest fifth", 3: "Middle fifth",
                           4: "2nd highest fifth", 5: "Highest fifth in Leeds"}

SPINE_COLUMNS = ["indicator_id", "polarity", "value", "lower_ci", "upper_ci", "n_areas", "left_value", "right_value",
                 "pos_value", "pos_q1", "pos_median", "pos_q3", "leeds", "pos_leeds", "england", "pos_england",
                 "england_outside", "rank", "quintile", "method", "comparison", "colour"]


def home_words(home: str) -> dict[str, str]:
    """The comparison and method labels as shown for the atlas's home district: the labels above name Leeds (they key
    the colours and counts), so another district's tables and keys show its own name instead."""
    named = [BETTER, WORSE, SIMILAR_LABEL, HIGHER, LOWER, BY_SIGNIFICANCE, BY_QUINTILE,
             *QUINTILE_WORST_LABELS.values(), *QUINTILE_NEUTRAL_LABELS.values()]
    return {label: label.replace("Leeds", home) for label in dict.fromkeys(named) if "Leeds" in label}


def for_home(spine: pd.DataFrame, home: str) -> pd.DataFrame:
    """The spine's ``comparison`` and ``method`` columns in the home district's words (a copy; Leeds: unchanged)."""
    if home == "Leeds":
        return spine
    words = home_words(home)
    return spine.assign(**{c: spine[c].map(lambda v: words.get(v, v)) for c in ("comparison", "method") if c in spine})


@lru_cache(maxsize=1)
def significance_colours() -> dict[str, str]:
    """Colour per comparison label: the diverging palette's purple (better) / orange (worse) ends."""
    book = load_palettes()
    diverging, neutral = book.diverging[5], book.sequential_neutral[5]
    return {BETTER: diverging[0], SIMILAR_LABEL: diverging[2], WORSE: diverging[-1], HIGHER: neutral[3],
            LOWER: neutral[1], NOT_COMPARED_LABEL: book.no_data}


@lru_cache(maxsize=16)
def quintile_colour(quintile: int, polarity: str) -> str:
    """Fifth 1 (worst, or lowest when neutral) .. 5: worse is the dark end of the sequential ramp."""
    book = load_palettes()
    if polarity == "neutral":
        return book.sequential_neutral[5][quintile - 1]
    return book.sequential[5][5 - quintile]


def oriented_position(values: pd.Series | float, left: float, right: float) -> pd.Series | float:
    """0 at ``left`` (the worst / lowest Leeds area) to 1 at ``right``; 0.5 when the range is empty."""
    if pd.isna(left) or pd.isna(right):
        return values * np.nan
    if left == right:
        return values * 0 + 0.5
    return (values - left) / (right - left)


def quintile_worst_first(values: pd.Series | np.ndarray, value: float, polarity: str) -> tuple[int | None, int | None]:
    """Rank of ``value`` among ``values`` (1 = worst, or lowest when neutral; ties share the better
    rank number as in ``rank_worst_first``) and its fifth (1..5) by mid-rank."""
    present = np.asarray(values, dtype=float)
    present = present[~np.isnan(present)]
    if pd.isna(value) or present.size == 0:
        return None, None
    worse_count = int((present > value).sum()) if polarity == "lower_is_better" else int((present < value).sum())
    ties = max(int((present == value).sum()), 1)
    rank = worse_count + 1
    n = max(present.size, worse_count + ties)
    middle = worse_count + (ties + 1) / 2  # mid-rank, so a value shared by many areas is not called the worst
    return rank, int(np.floor(5 * (middle - 1) / n)) + 1


def _comparison_label(label: str, polarity: str) -> str:
    """Turn the neutral higher/lower label into better/worse by polarity."""
    return {"not compared": NOT_COMPARED_LABEL, "similar": SIMILAR_LABEL, "higher": HIGHER, "lower": LOWER,
            "better": BETTER, "worse": WORSE}[polarity_call(label, polarity)]


def spine_row(distribution: pd.Series | np.ndarray, value: float, lower: float, upper: float, leeds: float | None,
              england: float | None, polarity: str) -> dict:
    """Geometry and colour of one indicator's row (positions: 0 = worst Leeds area, 1 = best)."""
    present = np.asarray(distribution, dtype=float)
    present = present[~np.isnan(present)]
    if present.size == 0:
        left = right = np.nan
    elif polarity == "higher_is_better" or polarity == "neutral":
        left, right = float(present.min()), float(present.max())
    else:
        left, right = float(present.max()), float(present.min())
    q1, median, q3 = np.quantile(present, [0.25, 0.5, 0.75]).tolist() if present.size else [np.nan] * 3
    pos = lambda v: np.nan if v is None or pd.isna(v) else float(oriented_position(float(v), left, right)) + 0.0  # noqa: E731
    pos_england = pos(england)
    rank, quintile = quintile_worst_first(present, value, polarity)
    has_ci = not (pd.isna(lower) or pd.isna(upper) or pd.isna(value)) and leeds is not None and not pd.isna(leeds)
    if has_ci:
        raw = compare_to_benchmark(pd.Series([value]), pd.Series([lower]), pd.Series([upper]), float(leeds)).iloc[0]
        comparison, method = _comparison_label(str(raw), polarity), BY_SIGNIFICANCE
        colour = significance_colours()[comparison]
    elif quintile is not None:
        labels = QUINTILE_NEUTRAL_LABELS if polarity == "neutral" else QUINTILE_WORST_LABELS
        comparison, method, colour = labels[quintile], BY_QUINTILE, quintile_colour(quintile, polarity)
    else:
        comparison, method, colour = NOT_COMPARED_LABEL, BY_QUINTILE, significance_colours()[NOT_COMPARED_LABEL]
    positions = sorted([pos(q1), pos(q3)]) if not pd.isna(pos(q1)) else [np.nan, np.nan]
    return {
        "polarity": polarity, "value": value, "lower_ci": lower, "upper_ci": upper, "n_areas": int(present.size),
        "left_value": left, "right_value": right, "pos_value": pos(value), "pos_q1": positions[0],
        "pos_median": pos(median), "pos_q3": positions[1], "leeds": leeds, "pos_leeds": pos(leeds),
        "england": england, "pos_england": float(np.clip(pos_england, -0.05, 1.05)) if not pd.isna(pos_england) else np.nan,
        "england_outside": bool(not pd.isna(pos_england) and not 0 <= pos_england <= 1),
        "rank": rank, "quintile": quintile, "method": method, "comparison": comparison, "colour": colour,
    }


def group_level_values(level_values: pd.DataFrame) -> dict[str, tuple[np.ndarray, ...]]:
    """Per indicator: area codes, values, lower and upper limits as plain arrays (fast to reuse)."""
    groups = {}
    for indicator_id, group in level_values.groupby("indicator_id", observed=True, sort=False):
        groups[str(indicator_id)] = (group["area_code"].astype(str).to_numpy(dtype=object),
                                     *(group[c].to_numpy(dtype=float) for c in ("value", "lower_ci", "upper_ci")))
    return groups


def spine_table(level_values: pd.DataFrame | dict, area_code: str, polarity: Mapping[str, str],
                leeds: Mapping[str, float | None], england: Mapping[str, float | None]) -> pd.DataFrame:
    """One spine row per indicator present in ``level_values`` for ``area_code``.

    Parameters
    ----------
    level_values : DataFrame or dict
        Columns ``indicator_id, area_code, value, lower_ci, upper_ci``: every Leeds area of one level,
        one period per indicator already chosen (or the same grouped by :func:`group_level_values`).
    polarity, leeds, england : mappings keyed by indicator id
        Polarity from the registry; the Leeds and England values (None where there is none).
    """
    groups = group_level_values(level_values) if isinstance(level_values, pd.DataFrame) else level_values
    rows = []
    for indicator_id, (codes, values, lower, upper) in groups.items():
        where = np.flatnonzero(codes == area_code)
        if where.size == 0 or np.isnan(values[where[0]]):
            continue
        i = where[0]
        row = spine_row(values, float(values[i]), lower[i], upper[i], leeds.get(indicator_id),
                        england.get(indicator_id), polarity[indicator_id])
        rows.append({"indicator_id": indicator_id} | row)
    return pd.DataFrame(rows, columns=SPINE_COLUMNS)


def ci_count(spine: pd.DataFrame) -> int:
    """Indicators with a 95% confidence interval compared with Leeds: the one count every sentence uses."""
    return int((spine["method"] == BY_SIGNIFICANCE).sum())


def comparison_counts(spine: pd.DataFrame) -> dict[str, int]:
    """The ``ci_count`` indicators by verdict: better / similar / worse, and higher / lower for those without a
    better or worse direction. The values add up to ``ci_count``."""
    tested = spine[spine["method"] == BY_SIGNIFICANCE]
    return {label: int((tested["comparison"] == label).sum()) for label in (BETTER, SIMILAR_LABEL, WORSE, HIGHER, LOWER)}
