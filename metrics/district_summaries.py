"""IoD district summary measures recomputed from LSOA figures by MHCLG's method (IoD File 10).

Why here: the cities page sets the measures MHCLG publishes beside the same measures computed from the LSOA
files, so a reader (and a test) can see how close the published figures are to what the open LSOA data give.
MHCLG's method (IoD 2019/2025 research and technical reports, "summary measures for larger areas"):

- average score: the population-weighted mean of the LSOA scores;
- average rank: the population-weighted mean of the LSOA ranks, ranked so that the most deprived LSOA has the
  highest rank (rank N + 1 - r), so a higher average is more deprived;
- proportion of LSOAs in England's most deprived 10% (decile 1);
- extent: the share of the population in the most deprived 30% of LSOAs, weighted 1 in the most deprived 10%,
  then 0.95 in the 11th percentile falling by 0.9/19 per percentile to 0.05 in the 30th, 0 beyond;
- local concentration: the population-weighted mean (reversed) rank of the district's most deprived LSOAs that
  hold exactly 10% of its population (the last LSOA counted only for the part needed);
- income and employment scale: the number of people income (employment) deprived, the sum of the domains'
  numerators.

Every district is then ranked among all districts (1 = most deprived; for the scales, the most people).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

MEASURES = ("average_score", "average_rank", "share_10pct", "extent", "local_concentration",
            "income_scale", "employment_scale")


def extent_weights(ranks: pd.Series, total: int) -> pd.Series:
    """Each LSOA's extent weight from its national rank (1 = most deprived) among ``total`` LSOAs."""
    percentile = np.ceil(100 * ranks.to_numpy(dtype=float) / total)
    weight = np.where(percentile <= 10, 1.0,
                      np.where(percentile <= 30, 0.95 - (0.9 / 19) * (percentile - 11), 0.0))
    return pd.Series(weight, index=ranks.index)


def local_concentration(reversed_ranks: np.ndarray, population: np.ndarray, share: float = 0.10) -> float:
    """Population-weighted mean reversed rank of the most deprived LSOAs holding ``share`` of the population."""
    order = np.argsort(-reversed_ranks, kind="stable")          # most deprived (highest reversed rank) first
    ranks, people = reversed_ranks[order], population[order]
    target = share * people.sum()
    before = np.cumsum(people) - people
    taken = np.clip(target - before, 0, people)
    return float((taken * ranks).sum() / taken.sum()) if taken.sum() > 0 else math.nan


def district_summaries(lsoas: pd.DataFrame) -> pd.DataFrame:
    """One row per district: the MHCLG summary measures of its LSOAs.

    ``lsoas`` columns: district, score, rank (national, 1 = most deprived, of all LSOAs in the frame), decile,
    population, income_numerator, employment_numerator (blank where not published). Also returned per
    district: lsoas, income_blank and employment_blank (LSOAs whose numerator is blank, left out of the sums).
    """
    total = len(lsoas)
    frame = lsoas.assign(reversed_rank=total + 1 - lsoas["rank"].astype(float),
                         weight=extent_weights(lsoas["rank"], total))
    rows = []
    for district, g in frame.groupby("district", sort=True):
        p = g["population"].to_numpy(dtype=float)
        people = p.sum()
        rows.append({
            "district": district, "lsoas": len(g),
            "average_score": float((g["score"].to_numpy(dtype=float) * p).sum() / people),
            "average_rank": float((g["reversed_rank"].to_numpy() * p).sum() / people),
            "share_10pct": float((g["decile"] == 1).mean()),
            "extent": float((g["weight"].to_numpy() * p).sum() / people),
            "local_concentration": local_concentration(g["reversed_rank"].to_numpy(), p),
            "income_scale": float(g["income_numerator"].sum()),
            "employment_scale": float(g["employment_numerator"].sum()),
            "income_blank": int(g["income_numerator"].isna().sum()),
            "employment_blank": int(g["employment_numerator"].isna().sum()),
        })
    return pd.DataFrame(rows)


def rank_of_districts(values: pd.Series) -> pd.Series:
    """Rank among districts, 1 = the highest value (most deprived, or the most people); ties share the lower rank."""
    return values.rank(ascending=False, method="min").astype("Int64")
