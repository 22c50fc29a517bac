"""Moving figures between geographies: who belongs to whom, then the values aggregated to larger areas.

Lookups follow the ONS best-fit lookup (never a spatial join). Memberships are tables ``from_code, to_code,
share`` where ``share`` is the fraction of the ``from`` area's population counted in the ``to`` area: 1 for
LSOAs (they are assigned whole), a fraction for MSOAs split across wards by their LSOAs' Census 2021
population. 2011 LSOAs are carried to 2021 ones with the ONS lookup.

Aggregation follows the registry's rule: counts are summed then divided (``sum_ratio``), rates are weighted
means (``weighted_mean``), counts are summed (``sum``). An area's value is shown only when the native areas
with a value cover at least ``min_coverage`` of its population; the coverage is returned so the UI can say so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

LEVEL_COLUMNS = {"lsoa21": "lsoa21_code", "msoa": "msoa21_code", "ward24": "ward24_code",
                 "committee": "committee_code", "lad": "lad_code", "england": "england_code",
                 "district": "district_code"}


def membership(lsoas: pd.DataFrame, from_level: str, to_level: str, population: str = "population") -> pd.DataFrame:
    """Share of each ``from_level`` area's population that lies in each ``to_level`` area.

    Parameters
    ----------
    lsoas
        One row per LSOA21 with a code column for every level and a population column.
    from_level, to_level
        Level names (keys of ``LEVEL_COLUMNS``).
    """
    src, dst = LEVEL_COLUMNS[from_level], LEVEL_COLUMNS[to_level]
    pairs = lsoas.groupby([src, dst], as_index=False)[population].sum()
    totals = pairs.groupby(src)[population].transform("sum")
    pairs["share"] = np.where(totals > 0, pairs[population] / totals.where(totals > 0, 1), 0.0)
    return pairs.rename(columns={src: "from_code", dst: "to_code"})[["from_code", "to_code", "share"]]


def convert_lsoa11_to_lsoa21(frame: pd.DataFrame, lookup: pd.DataFrame, *, count_columns: list[str],
                             child_weight: pd.Series, parent_weight: pd.Series,
                             rank_totals: dict[str, int] | None = None) -> pd.DataFrame:
    """Carry a table keyed by ``lsoa11_code`` to 2021 LSOAs with the ONS lookup.

    Counts are apportioned from each 2011 LSOA to its 2021 children in proportion to
    ``child_weight`` (Census 2021 population or households), so totals are preserved. Other numeric
    columns are inherited when a 2021 LSOA has one parent (unchanged or split) and are the
    ``parent_weight``-weighted mean of the parents when it has several (merged). Decile columns
    ``X_decile`` with a partner ``X_rank`` are recomputed from the converted rank with the national
    total given in ``rank_totals[X_rank]`` so merged LSOAs get a consistent decile.

    Returns a frame keyed by ``lsoa21_code`` with a ``change_code`` column (U, S, M or X).
    """
    rank_totals = rank_totals or {}
    links = lookup[["lsoa11_code", "lsoa21_code", "change_code"]].merge(frame, on="lsoa11_code", how="inner")
    links["child_w"] = links["lsoa21_code"].map(child_weight).fillna(0.0)
    sibling_total = links.groupby("lsoa11_code")["child_w"].transform("sum")
    links["apportion"] = np.where(sibling_total > 0, links["child_w"] / sibling_total.where(sibling_total > 0, 1),
                                  1.0 / links.groupby("lsoa11_code")["lsoa21_code"].transform("count"))
    links["parent_w"] = links["lsoa11_code"].map(parent_weight).fillna(1.0)

    numeric = [c for c in frame.columns if c != "lsoa11_code" and pd.api.types.is_numeric_dtype(frame[c])]
    rates = [c for c in numeric if c not in count_columns]
    out = pd.DataFrame(index=pd.Index(sorted(links["lsoa21_code"].unique()), name="lsoa21_code"))
    for column in count_columns:
        out[column] = (links[column] * links["apportion"]).groupby(links["lsoa21_code"]).sum(min_count=1)
    if rates:
        weights = links["parent_w"]
        for column in rates:
            valid = links[column].notna()
            num = (links[column] * weights).where(valid).groupby(links["lsoa21_code"]).sum(min_count=1)
            den = weights.where(valid).groupby(links["lsoa21_code"]).sum(min_count=1)
            out[column] = num / den
    for column in [c for c in rates if c.endswith("_decile")]:
        rank = column[: -len("_decile")] + "_rank"
        if rank in out.columns and rank in rank_totals:
            out[column] = np.ceil(out[rank] * 10 / rank_totals[rank]).clip(1, 10)
    n_parents = links.groupby("lsoa21_code")["lsoa11_code"].nunique()
    change = links.groupby("lsoa21_code")["change_code"].first()
    out["change_code"] = np.where(n_parents.reindex(out.index) > 1, "M", change.reindex(out.index))
    return out.reset_index()


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
        ``from_code, to_code, share`` as made by :func:`membership`.
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
