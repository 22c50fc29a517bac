"""Statistical disclosure control for counts that users upload.

Small counts can identify people, so before the app shows or exports an uploaded count we
follow the ONS approach: primary suppression of small counts, then secondary suppression so a
hidden cell cannot be recovered by subtracting the other cells from a published total (a group
total such as a ward, or the total for the whole table). Suppressed cells are shown as "[c]"
(confidential), the ONS shorthand.

Limits: the secondary rule protects each group total and the table total one at a time; it
does not solve the full linear system of overlapping groups. Use it for one level of nesting
(e.g. LSOAs within wards), which is how the app publishes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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
        Groups (or ``"(whole table)"``) holding exactly one suppressed cell that could not be
        protected because no other cell was available to hide; the caller must not publish
        those totals.
    """

    published: pd.Series
    values: pd.Series
    mask: pd.Series
    reason: pd.Series
    unprotected_groups: tuple[object, ...]


def suppress_small_counts(
    counts: pd.Series,
    threshold: int = 5,
    groups: pd.Series | None = None,
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
        Optional group per area (e.g. ward code for each LSOA) whose totals are published.
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
    Secondary rule: in any group (and in the whole table) where exactly one cell is suppressed,
    the smallest non-suppressed non-zero cell of that group is also suppressed; ties go to the
    first in index order. Zeros are never chosen as secondary cells while ``suppress_zeros`` is
    False, because hiding a known-publishable zero gives no protection. The rule is repeated
    until nothing changes, since a cell hidden for one group can leave a single suppressed cell
    in another.
    """
    whole_counts = _check_counts(counts)
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool) or threshold < 1:
        raise ValueError(f"Threshold {threshold!r} is not a whole number of at least 1.")
    group_of = _check_groups(groups, whole_counts.index)

    primary = whole_counts < threshold
    if not suppress_zeros:
        primary &= whole_counts > 0
    mask = primary.copy()

    memberships: list[tuple[object, pd.Index]] = []
    if group_of is not None:
        memberships += [(name, members.index) for name, members in group_of.groupby(group_of, sort=True)]
    if protect_whole_table:
        memberships.append((WHOLE_TABLE, whole_counts.index))

    unprotected = _apply_secondary(whole_counts, mask, memberships, suppress_zeros)

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


def _check_groups(groups: pd.Series | None, index: pd.Index) -> pd.Series | None:
    if groups is None:
        return None
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
