"""Aggregate indicator values from their native areas to larger ones, by the registry's rule.

Counts are summed then divided (``sum_ratio``), rates are weighted means (``weighted_mean``), counts
are summed (``sum``). An area's value is shown only when the native areas with a value cover at
least ``min_coverage`` of its population; the coverage is returned so the UI can say so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

Z_95 = 1.959963984540054   # the one 95% z (scipy.stats.norm.ppf(0.975)); metrics import it from here
NATIVE_COLUMNS = ["area_code", "value", "numerator", "denominator", "weight", "lower_ci", "upper_ci", "coverage_weight"]


def wilson_interval(numerator: pd.Series, denominator: pd.Series, z: float = Z_95) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval for a proportion (the Fingertips method), as proportions 0-1.

    The one Wilson interval: the build's neighbourhood CIs and the Inequalities page's pooled groups use it.
    """
    n = denominator.astype(float)
    p = (numerator / n.where(n > 0)).astype(float)
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return (centre - half) / scale, (centre + half) / scale


def aggregate(native: pd.DataFrame, members: pd.DataFrame, rule: str, *, scale: float = 1.0,
              min_coverage: float = 1.0, ci: str = "none") -> pd.DataFrame:
    """Aggregate native values to the ``to_code`` areas of ``members``.

    Parameters
    ----------
    native
        Columns ``NATIVE_COLUMNS``: value, its numerator/denominator (for ratios), weight (for
        weighted means), published CI, and ``coverage_weight`` (population used to measure coverage).
    members
        ``from_code, to_code, share`` as made by :func:`geo.lookups.membership`.
    rule
        ``weighted_mean``, ``sum_ratio`` or ``sum``.
    """
    data = members.merge(native, left_on="from_code", right_on="area_code", how="left")
    share = data["share"]
    has_value = data["value"].notna()
    cov_w = (data["coverage_weight"].fillna(0) * share)
    coverage = cov_w.where(has_value, 0).groupby(data["to_code"]).sum() / cov_w.groupby(data["to_code"]).sum().replace(0, np.nan)
    groups = data["to_code"]
    result = pd.DataFrame(index=pd.Index(sorted(groups.unique()), name="area_code"))
    if rule == "sum_ratio":
        num = (data["numerator"] * share).groupby(groups).sum(min_count=1)
        den = (data["denominator"] * share).groupby(groups).sum(min_count=1)
        result["numerator"], result["denominator"] = num, den
        result["value"] = scale * num / den.where(den > 0)
        if ci == "wilson":
            lo, hi = wilson_interval(num, den)
            result["lower_ci"], result["upper_ci"] = scale * lo, scale * hi
    elif rule == "sum":
        result["value"] = (data["value"] * share).groupby(groups).sum(min_count=1)
    elif rule == "weighted_mean":
        w = (data["weight"] * share).where(has_value)
        total_w = w.groupby(groups).sum(min_count=1)
        result["value"] = (data["value"] * w).groupby(groups).sum(min_count=1) / total_w.where(total_w > 0)
        result["denominator"] = total_w
        if ci == "published":
            se = (data["upper_ci"] - data["lower_ci"]) / (2 * Z_95)
            a = w / w.groupby(groups).transform("sum")
            var = (a * a * se * se).groupby(groups).sum(min_count=1)
            result["lower_ci"] = result["value"] - Z_95 * np.sqrt(var)
            result["upper_ci"] = result["value"] + Z_95 * np.sqrt(var)
    else:
        raise ValueError(f"Unknown aggregation rule {rule!r}; use weighted_mean, sum_ratio or sum.")
    result["coverage"] = coverage.reindex(result.index)
    too_thin = result["coverage"].fillna(0) < min_coverage - 1e-9
    result.loc[too_thin, [c for c in ("value", "lower_ci", "upper_ci") if c in result.columns]] = np.nan
    return result.reset_index()
