"""Gaps between areas, in the way OHID Fingertips reports them.

Life expectancy and similar measures are read as gaps: an area against a benchmark (Leeds or
England) and the highest against the lowest area. Deprivation groups (the most against the least
deprived) come from metrics.sii.assign_population_quantiles, the one quantile rule (UKHSA's ties).
Significance follows Fingertips: an area differs from the benchmark only when its 95%
confidence interval excludes the benchmark value.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.aggregate import Z_95

SIGNIFICANTLY_HIGHER = "Significantly higher"
SIMILAR = "Similar"
SIGNIFICANTLY_LOWER = "Significantly lower"
NOT_COMPARED = "Not compared"
COMPARISON_LABELS = pd.CategoricalDtype(
    [SIGNIFICANTLY_HIGHER, SIMILAR, SIGNIFICANTLY_LOWER, NOT_COMPARED], ordered=True
)


class RangeGap(NamedTuple):
    """The areas with the highest and lowest values, and the difference between them."""

    max_area: object
    min_area: object
    gap: float


class WeightedMean(NamedTuple):
    """A combined value with its standard error and 95% confidence interval."""

    value: float
    se: float
    lower: float
    upper: float


def polarity_call(label: str, polarity: str) -> str:
    """compare_to_benchmark's neutral label as a reader's call: 'better', 'worse', 'similar', 'higher', 'lower'
    (a neutral measure) or 'not compared'. One rule; each view words it its own way."""
    if label == NOT_COMPARED:
        return "not compared"
    if label == SIMILAR:
        return "similar"
    higher = label == SIGNIFICANTLY_HIGHER
    if polarity == "neutral":
        return "higher" if higher else "lower"
    return "better" if higher == (polarity == "higher_is_better") else "worse"


def compare_to_benchmark(
    value: pd.Series,
    lower: pd.Series,
    upper: pd.Series,
    benchmark: float | pd.Series,
) -> pd.Series:
    """Label each area against a benchmark by its 95% confidence interval.

    "Significantly higher" when the lower limit is above the benchmark, "Significantly lower"
    when the upper limit is below it, "Similar" when the interval contains it (a limit equal to
    the benchmark counts as containing it) and "Not compared" when the value, either limit or
    the benchmark is missing. Labels say higher/lower, not better/worse: polarity is applied by
    the caller.

    Returns
    -------
    pandas.Series
        Ordered categorical with the four labels above, index as ``value``.
    """
    frame = _aligned_frame(value=value, lower=lower, upper=upper)
    frame["benchmark"] = _benchmark_for(benchmark, frame.index)
    if (frame["lower"] > frame["upper"]).any():
        raise ValueError("lower is above upper for some areas.")
    complete = frame.notna().all(axis=1)
    labels = np.select(
        [~complete, frame["lower"] > frame["benchmark"], frame["upper"] < frame["benchmark"]],
        [NOT_COMPARED, SIGNIFICANTLY_HIGHER, SIGNIFICANTLY_LOWER],
        default=SIMILAR,
    )
    return pd.Series(pd.Categorical(labels, dtype=COMPARISON_LABELS), index=frame.index, name="comparison")


def gap_to_benchmark(values: pd.Series, benchmark: float | pd.Series) -> pd.Series:
    """Each area's value minus the benchmark (positive = above the benchmark)."""
    frame = _aligned_frame(values=values)
    return (frame["values"] - _benchmark_for(benchmark, frame.index)).rename("gap_to_benchmark")


def range_gap(values: pd.Series) -> RangeGap:
    """Highest-value area, lowest-value area and the gap between them.

    Missing values are ignored; on ties the first area in index order is named.
    """
    present = _aligned_frame(values=values)["values"].dropna()
    if present.empty:
        raise ValueError("values has no non-missing entries.")
    max_area = present.idxmax()
    min_area = present.idxmin()
    return RangeGap(max_area, min_area, float(present[max_area] - present[min_area]))


def weighted_mean_with_se(
    values: pd.Series,
    weights: pd.Series,
    lower: pd.Series,
    upper: pd.Series,
) -> WeightedMean:
    """Combine areas' values into one weighted value with a 95% confidence interval.

    Each area's standard error is recovered from its 95% CI as (upper - lower) / (2 * Z_95);
    areas are assumed independent, so the combined variance is sum((w_i / W)^2 * se_i^2).
    Useful, for example, for a ward figure from MSOA values weighted by person-years; the
    result is an approximation and should be labelled as one. Every input must be complete:
    dropping an area silently would change the answer.
    """
    frame = _aligned_frame(values=values, weights=weights, lower=lower, upper=upper)
    if frame.empty:
        raise ValueError("values has no areas to combine.")
    if frame.isna().any().any():
        missing = [c for c in frame.columns if frame[c].isna().any()]
        raise ValueError(f"Inputs {missing!r} have missing values; drop those areas first.")
    if (frame["weights"] < 0).any():
        raise ValueError("weights has negative values.")
    total_weight = float(frame["weights"].sum())
    if total_weight <= 0:
        raise ValueError("weights sums to zero.")
    if (frame["lower"] > frame["upper"]).any():
        raise ValueError("lower is above upper for some areas.")
    share = frame["weights"] / total_weight
    combined = float((share * frame["values"]).sum())
    area_se = (frame["upper"] - frame["lower"]) / (2 * Z_95)
    se = float(np.sqrt((share**2 * area_se**2).sum()))
    return WeightedMean(combined, se, combined - Z_95 * se, combined + Z_95 * se)


# --- helpers -------------------------------------------------------------------------------


def _aligned_frame(**series: pd.Series) -> pd.DataFrame:
    """Numeric series sharing one set of areas, as float columns in the first one's order."""
    names = list(series)
    first_index = None
    for name, values in series.items():
        if not isinstance(values, pd.Series):
            raise ValueError(f"{name} is not a pandas Series.")
        if values.index.has_duplicates:
            raise ValueError(f"{name} has duplicated area codes in its index.")
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise ValueError(f"{name} is not numeric.")
        if first_index is None:
            first_index = values.index
        elif not values.index.sort_values().equals(first_index.sort_values()):
            raise ValueError(f"{name} does not cover the same areas as {names[0]}.")
    return pd.DataFrame(
        {name: values.reindex(first_index).astype(float) for name, values in series.items()},
        index=first_index,
    )


def _benchmark_for(benchmark: float | pd.Series, index: pd.Index) -> pd.Series:
    if isinstance(benchmark, pd.Series):
        if not benchmark.index.sort_values().equals(index.sort_values()):
            raise ValueError("benchmark does not cover the same areas as the values.")
        return _aligned_frame(benchmark=benchmark)["benchmark"].reindex(index)
    if isinstance(benchmark, bool) or not isinstance(benchmark, (int, float, np.number)):
        raise ValueError(f"Benchmark {benchmark!r} is not a number or a pandas Series.")
    return pd.Series(float(benchmark), index=index)
