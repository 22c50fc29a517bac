"""Statistical disclosure control for counts that users upload.

Small counts can identify people, so before the app shows or exports an uploaded count we
follow the ONS approach: primary suppression of small counts (1 to threshold - 1), then secondary
suppression so a hidden cell cannot be worked out from the published totals. Suppressed cells are
shown as "[c]" (confidential), the ONS shorthand, whether primary or secondary.

What "cannot be worked out" means here (the protection interval of statistical disclosure control;
Hundepool et al., *Handbook on Statistical Disclosure Control*, 2nd ed. 2024, ch. 4): for each hidden
cell, the feasibility interval is its smallest and largest value consistent with everything published
-- every total (area group, ward, committee, the whole table) and every shown cell -- found by linear
programming, with hidden counts known only to be at least 1 (zeros are published) or 0 (when zeros are
hidden too). The pattern is safe when, for every primary cell with value x, that interval reaches the
threshold above (upper protection level threshold - x) and the smallest possible count below (lower
protection level x - 1): a reader cannot tell a hidden small count from a count at the threshold or
from a count of 1. :func:`feasibility_intervals` computes the intervals; :func:`suppress_small_counts`
adds secondary cells until every primary cell's interval passes, across all groupings at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

CONFIDENTIAL = "[c]"
PRIMARY = "primary"
SECONDARY = "secondary"
WHOLE_TABLE = "(whole table)"
REASONS = pd.CategoricalDtype([PRIMARY, SECONDARY], ordered=False)


@dataclass(frozen=True)
class SuppressionResult:
    """What may be published, and why each hidden cell is hidden.

    Attributes
    ----------
    published
        Object-dtype series ready for a table or CSV: the value, or "[c]" where suppressed.
    values
        Numeric series (nullable ``Int64`` for counts, ``float64`` for rates) with missing values
        where suppressed, for charts and maps that need numbers.
    mask
        Boolean series, True where suppressed.
    reason
        Categorical series, "primary" or "secondary" where suppressed, missing elsewhere.
    unprotected_groups
        Totals (group names, or ``"(whole table)"``) through which a primary cell could still be
        narrowed because no other cell was available to hide; the caller must not publish those
        totals.
    """

    published: pd.Series
    values: pd.Series
    mask: pd.Series
    reason: pd.Series
    unprotected_groups: tuple[object, ...]


def suppress_small_counts(
    counts: pd.Series,
    threshold: int = 5,
    groups: pd.Series | Mapping[str, pd.Series] | None = None,
    *,
    suppress_zeros: bool = False,
    protect_whole_table: bool = True,
) -> SuppressionResult:
    """Hide small counts and the cells that would give them away.

    Parameters
    ----------
    counts
        Non-negative whole-number counts, one per area (index = area code), no missing values.
    threshold
        Counts from 1 to ``threshold - 1`` are suppressed (primary). The default 5 hides 1-4.
    groups
        Group per area whose totals are published: one Series (e.g. ward code for each LSOA), or a
        mapping of several groupings (e.g. {"ward": ..., "committee": ...}), all protected at once.
    suppress_zeros
        ONS usually publishes true zeros, so zeros are kept by default; set True to hide them
        too (e.g. when a zero would itself disclose something).
    protect_whole_table
        Also treat the whole table as one group, because its total is usually shown.

    Returns
    -------
    SuppressionResult

    Notes
    -----
    Two steps. A quick rule first: in any group (and the whole table) with exactly one suppressed
    cell, the smallest non-suppressed non-zero cell of that group is also suppressed (ties to the
    first in index order), repeated until nothing changes. Then the protection intervals (module
    docstring) are checked by linear programming over every group at once, and while a primary
    cell's interval is too narrow, the published non-zero cell sharing the smallest total with it
    (smallest first) that widens it is hidden too. Zeros are never chosen while ``suppress_zeros``
    is False: hiding a known-publishable zero gives no protection.
    """
    whole_counts = _check_counts(counts)
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool) or threshold < 1:
        raise ValueError(f"Threshold {threshold!r} is not a whole number of at least 1.")
    groupings = _check_groupings(groups, whole_counts.index)

    primary = whole_counts < threshold
    if not suppress_zeros:
        primary &= whole_counts > 0
    mask = primary.copy()

    memberships = published_totals(whole_counts.index, groupings, protect_whole_table)
    unprotected = _apply_secondary(whole_counts, mask, memberships, suppress_zeros)
    unprotected = _protect_intervals(whole_counts, mask, primary, memberships, threshold, suppress_zeros) \
        if threshold > 1 else unprotected

    values = whole_counts.astype("Int64").mask(mask)
    published = pd.Series(
        [CONFIDENTIAL if hidden else int(v) for v, hidden in zip(whole_counts, mask, strict=True)],
        index=whole_counts.index,
        dtype=object,
        name=counts.name,
    )
    return SuppressionResult(
        published=published,
        values=values.rename(counts.name),
        mask=mask.rename("suppressed"),
        reason=_reasons(primary, mask),
        unprotected_groups=tuple(unprotected),
    )


def published_totals(index: pd.Index, groupings: Mapping[str, pd.Series] | None = None,
                     whole_table: bool = True) -> list[tuple[object, pd.Index]]:
    """Every published total as (name, member areas): one per group of each grouping, and the table's."""
    totals: list[tuple[object, pd.Index]] = []
    for label, group_of in (groupings or {}).items():
        for name, members in group_of.groupby(group_of, sort=True):
            totals.append((name if label == "" else f"{label} {name}", members.index))
    if whole_table:
        totals.append((WHOLE_TABLE, index))
    return totals


def feasibility_intervals(counts: pd.Series, hidden: pd.Series, totals: list[tuple[object, pd.Index]],
                          lower: pd.Series | float = 1.0, upper: pd.Series | float | None = None,
                          cells: list | None = None) -> pd.DataFrame:
    """Smallest and largest value of each hidden cell consistent with the published table (LP).

    Published: every cell not ``hidden`` and every total in ``totals``. A hidden cell is known only to
    lie in [lower, upper] (``upper`` None: no upper bound). Returns columns low, high for ``cells``
    (default: every hidden cell). Used by the suppression itself and by the audit in the tests.
    """
    is_hidden = hidden.reindex(counts.index).to_numpy(dtype=bool)
    hidden_codes = list(counts.index[is_hidden])
    position = {code: i for i, code in enumerate(hidden_codes)}
    values = counts.to_numpy(dtype=float)
    membership = np.zeros((len(totals), len(counts)), dtype=bool)
    for row, (_, members) in enumerate(totals):
        membership[row] = counts.index.isin(members)
    inside = membership[:, is_hidden]
    used = inside.any(axis=1)
    a_eq = inside[used].astype(float) if used.any() else None
    b_eq = (membership[used][:, is_hidden] @ values[is_hidden]) if used.any() else None
    lows = _per_cell(lower, hidden_codes)
    highs = _per_cell(upper, hidden_codes) if upper is not None else [None] * len(hidden_codes)
    bounds = list(zip(lows, highs))
    out = {}
    for code in (cells if cells is not None else hidden_codes):
        objective = np.zeros(len(hidden_codes))
        objective[position[code]] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        out[code] = (low.fun if low.status == 0 else np.nan,
                     -high.fun if high.status == 0 else np.inf)
    return pd.DataFrame.from_dict(out, orient="index", columns=["low", "high"])


def _per_cell(bound, codes: list) -> list:
    if isinstance(bound, pd.Series):
        return [None if pd.isna(bound[c]) else float(bound[c]) for c in codes]
    return [bound] * len(codes)


def _protect_intervals(counts: pd.Series, mask: pd.Series, primary: pd.Series,
                       totals: list[tuple[object, pd.Index]], threshold: int, suppress_zeros: bool,
                       max_trials: int = 12) -> list[object]:
    """Hide more cells until every primary cell's feasibility interval covers [floor, threshold]."""
    floor = 0.0 if suppress_zeros else 1.0
    tolerance = 1e-6

    def short(interval) -> float:
        """How far the interval falls short of [floor, threshold] (0 when protected)."""
        low, high = interval
        return max(0.0, low - floor) + max(0.0, threshold - high)

    totals_of: dict[object, list[tuple[object, pd.Index]]] = {}
    for name, members in totals:
        for code in members:
            totals_of.setdefault(code, []).append((name, members))
    unprotected: list[object] = []
    given_up: set = set()
    totals = list(totals)
    passed: set = set()      # hiding more cells or dropping totals only widens intervals: a pass stays a pass
    while True:
        todo = [c for c in primary.index[primary.to_numpy()] if c not in given_up and c not in passed]
        intervals = feasibility_intervals(counts, mask, totals, floor, cells=todo) if todo else None
        cell, now = None, 0.0
        for code in todo:
            gap = short(tuple(intervals.loc[code]))
            if gap <= tolerance:
                passed.add(code)
            elif cell is None:
                cell, now = code, gap
        if cell is None:
            return unprotected
        candidates: list[object] = []
        for _, members in sorted(totals_of.get(cell, []), key=lambda t: len(t[1])):
            pool = counts[members][~mask[members].to_numpy()]
            if not suppress_zeros:
                pool = pool[pool > 0]
            candidates += [c for c in pool.sort_values(kind="stable").index if c not in candidates]
        best, best_short = None, now
        for candidate in candidates[:max_trials]:
            trial = mask.copy()
            trial[candidate] = True
            _apply_secondary(counts, trial, totals, suppress_zeros)     # a cell hidden alone needs a partner
            after = short(tuple(feasibility_intervals(counts, trial, totals, floor, cells=[cell]).loc[cell]))
            if after < best_short - tolerance:
                best, best_short = trial, after
                if after <= tolerance:
                    break
        if best is None:
            # No cell left to hide helps: a total made only of hidden cells and zeros pins this one (e.g. a
            # committee of two wards at 1). Such a total must not be published: drop it, say so, go on.
            mine = [(name, members) for name, members in totals if cell in members]
            hopeless = [(name, members) for name, members in mine
                        if not (counts[members][~mask[members].to_numpy()] > (-1 if suppress_zeros else 0)).any()]
            if not hopeless:
                given_up.add(cell)
                hopeless = mine
            for name, members in hopeless:
                if name not in unprotected:
                    unprotected.append(name)
                totals = [(n, m) for n, m in totals if n != name]
                for code in members:
                    totals_of[code] = [(n, m) for n, m in totals_of.get(code, []) if n != name]
            continue
        mask[:] = best


def suppress_rates(
    numerators: pd.Series,
    denominators: pd.Series,
    threshold: int = 5,
    groups: pd.Series | None = None,
    *,
    multiplier: float = 1.0,
    suppress_zeros: bool = False,
    protect_whole_table: bool = True,
) -> SuppressionResult:
    """Rates (numerator / denominator * multiplier) hidden wherever the numerator is hidden.

    A rate with a known denominator reveals its numerator, so a rate is "[c]" exactly when
    :func:`suppress_small_counts` (same ``threshold``, ``groups`` and options) suppresses the
    numerator, including secondary suppression. Denominators must be positive.

    Returns
    -------
    SuppressionResult
        ``values`` is float64 with NaN where suppressed; ``published`` holds floats or "[c]".
    """
    _check_counts(numerators)
    if not isinstance(denominators, pd.Series):
        raise ValueError("denominators is not a pandas Series.")
    if not pd.api.types.is_numeric_dtype(denominators) or denominators.isna().any():
        raise ValueError("denominators is not numeric or has missing values.")
    if not numerators.index.sort_values().equals(denominators.index.sort_values()):
        raise ValueError("numerators and denominators do not cover the same areas.")
    if denominators.index.has_duplicates:
        raise ValueError("denominators has duplicated area codes in its index.")
    if (denominators <= 0).any():
        raise ValueError("denominators has zero or negative values.")
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"Multiplier {multiplier!r} is not a positive number.")

    counts = suppress_small_counts(
        numerators,
        threshold,
        groups,
        suppress_zeros=suppress_zeros,
        protect_whole_table=protect_whole_table,
    )
    rates = numerators.astype(float) / denominators.reindex(numerators.index).astype(float) * multiplier
    values = rates.mask(counts.mask).rename(numerators.name)
    published = pd.Series(
        [CONFIDENTIAL if hidden else float(r) for r, hidden in zip(rates, counts.mask, strict=True)],
        index=numerators.index,
        dtype=object,
        name=numerators.name,
    )
    return SuppressionResult(
        published=published,
        values=values,
        mask=counts.mask,
        reason=counts.reason,
        unprotected_groups=counts.unprotected_groups,
    )


# --- helpers -------------------------------------------------------------------------------


def _check_counts(counts: pd.Series) -> pd.Series:
    if not isinstance(counts, pd.Series):
        raise ValueError("counts is not a pandas Series.")
    if counts.index.has_duplicates:
        raise ValueError("counts has duplicated area codes in its index.")
    if not pd.api.types.is_numeric_dtype(counts) or pd.api.types.is_bool_dtype(counts):
        raise ValueError("counts is not numeric.")
    if counts.isna().any():
        raise ValueError("counts has missing values; drop or fill those areas before suppression.")
    as_float = counts.astype(float)
    if (as_float < 0).any() or not np.all(np.isfinite(as_float)) or (as_float % 1 != 0).any():
        raise ValueError("counts has values that are not non-negative whole numbers.")
    return as_float.astype("int64")


def _check_groupings(groups, index: pd.Index) -> dict[str, pd.Series]:
    if groups is None:
        return {}
    if isinstance(groups, pd.Series):
        return {"": _check_groups(groups, index)}
    if not isinstance(groups, Mapping):
        raise ValueError("groups is not a pandas Series or a mapping of them.")
    return {label: _check_groups(series, index) for label, series in groups.items()}


def _check_groups(groups: pd.Series, index: pd.Index) -> pd.Series:
    if not isinstance(groups, pd.Series):
        raise ValueError("groups is not a pandas Series.")
    if groups.index.has_duplicates:
        raise ValueError("groups has duplicated area codes in its index.")
    missing_areas = index.difference(groups.index)
    if len(missing_areas) > 0:
        raise ValueError(f"groups has no group for areas {list(missing_areas[:5])!r}.")
    aligned = groups.reindex(index)
    if aligned.isna().any():
        raise ValueError("groups has missing group values for some areas.")
    return aligned


def _apply_secondary(
    counts: pd.Series,
    mask: pd.Series,
    memberships: list[tuple[object, pd.Index]],
    suppress_zeros: bool,
) -> list[object]:
    """Grow ``mask`` in place until no group has exactly one suppressed cell it can fix."""
    unprotected: list[object] = []
    changed = True
    while changed:
        changed = False
        unprotected = []
        for name, members in memberships:
            hidden = mask[members]
            if int(hidden.sum()) != 1:
                continue
            candidates = counts[members][~hidden.to_numpy()]
            if not suppress_zeros:
                candidates = candidates[candidates > 0]
            if candidates.empty:
                unprotected.append(name)
                continue
            mask[candidates.sort_values(kind="stable").index[0]] = True
            changed = True
    return unprotected


def _reasons(primary: pd.Series, mask: pd.Series) -> pd.Series:
    labels = np.where(primary, PRIMARY, np.where(mask, SECONDARY, None))
    return pd.Series(pd.Categorical(labels, dtype=REASONS), index=mask.index, name="reason")
