"""Slope Index of Inequality (SII) and Relative Index of Inequality (RII).

A port of ``phe_sii()`` from UKHSA's R package PHEindicatormethods (the method
behind the PHOF inequality indicators), so that our figures can be checked
against the package's own test suite.

Method (Low & Low 2004, J Public Health 26:388-395)
--------------------------------------------------
Quantiles are ordered from most deprived (first label) to least deprived. Each
quantile gets a *relative rank* ``b``: the midpoint of its slice of the
cumulative population share. With ``a`` the population share, the model
``y * sqrt(a) = intercept * sqrt(a) + slope * b * sqrt(a)`` is fitted by least
squares (the square-root weighting corrects for unequal quantile sizes). The SII
is the slope (fitted value at b=1 minus fitted value at b=0); the RII is the
ratio of those two fitted values.

Confidence limits come from simulation: each quantile value is redrawn from a
normal distribution (on the log scale for rates, the logit scale for
proportions) with its standard error, the regression is refitted for every
draw, and the limits are order statistics of the simulated slopes.

Deliberate differences from the R code (all documented where they happen)
------------------------------------------------------------------------
* One area per call; :func:`slope_index_of_inequality_by_group` covers the
  grouped-data_frame behaviour (including the "records removed" warning).
* Missing or non-positive rate values, missing values, duplicate or missing
  quantile labels raise instead of silently giving NaN.
* With ``transform=True`` and a rate, R swaps the limits whenever the
  multiplier is below 1 (``multiplier < 1``), which is a bug for multipliers in
  (0, 1); we swap only for negative multipliers, as R does for proportions.
* When neither a standard error nor confidence limits are given, the standard
  error is derived from counts (Wilson 95% limits for proportions, Byar's 95%
  limits for rates), the methods PHEindicatormethods itself uses for those
  indicator types.
* A confidence level whose lower order statistic would be position 0 (too few
  repetitions, or a level of exactly 100%) is rejected.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from geo.aggregate import Z_95   # R hard-codes 95% for turning input confidence limits into standard errors

VALUE_TYPE_OTHER = 0
VALUE_TYPE_RATE = 1
VALUE_TYPE_PROPORTION = 2
_VALUE_TYPE_NAMES = {0: "normal", 1: "rate", 2: "proportion"}

MIN_REPETITIONS = 1000
MIN_QUANTILES = 5
MAX_QUANTILES = 100
STABLE_QUANTILE_LIMIT = 10
RELIABILITY_SAMPLES = 10



class SiiWarning(UserWarning):
    """Raised (as a warning) when the SII is computed but may be unreliable."""


@dataclass(frozen=True)
class SiiResult:
    """Outcome of one SII calculation.

    Confidence limits are read-only mappings keyed by the confidence level as a
    proportion rounded to 10 decimals (``0.95``, ``0.998``); use :meth:`sii_ci`
    / :meth:`rii_ci` to look one up with either ``95`` or ``0.95``.

    Attributes
    ----------
    sii, sii_lower, sii_upper
        Slope index of inequality (already times ``multiplier``) and its limits.
    rii, rii_lower, rii_upper
        Relative index of inequality and limits; ``None`` unless ``rii=True``.
        Inverted when the multiplier is negative (polarity flip), as in R.
    intercept
        Fitted value at relative rank 0 (the most deprived end); ``None`` unless
        ``intercept=True``. As in R it is in indicator units without the
        multiplier when untransformed, and times ``abs(multiplier)`` when
        ``transform=True``.
    sii_mad, rii_mad
        Reliability statistics (mean absolute difference of the limits of 9
        further simulations from the first); ``None`` unless requested.
    quantiles, population_shares, relative_ranks, values, fitted_values
        Per quantile, most deprived first; values and fitted values are in the
        indicator's own units (no multiplier), ready for plotting.
    """

    sii: float
    sii_lower: Mapping[float, float]
    sii_upper: Mapping[float, float]
    rii: float | None
    rii_lower: Mapping[float, float] | None
    rii_upper: Mapping[float, float] | None
    intercept: float | None
    sii_mad: Mapping[float, float] | None
    rii_mad: Mapping[float, float] | None
    confidence_levels: tuple[float, ...]
    value_type: int
    transform: bool
    multiplier: float
    repetitions: int
    quantiles: tuple
    population_shares: tuple[float, ...]
    relative_ranks: tuple[float, ...]
    values: tuple[float, ...]
    fitted_values: tuple[float, ...]

    def sii_ci(self, confidence: float) -> tuple[float, float]:
        """Return ``(lower, upper)`` SII limits for a level given as 95 or 0.95."""
        key = _level_key(_normalise_level(confidence))
        return self.sii_lower[key], self.sii_upper[key]

    def rii_ci(self, confidence: float) -> tuple[float, float]:
        """Return ``(lower, upper)`` RII limits for a level given as 95 or 0.95."""
        if self.rii_lower is None or self.rii_upper is None:
            raise ValueError("rii limits were not requested; call with rii=True.")
        key = _level_key(_normalise_level(confidence))
        return self.rii_lower[key], self.rii_upper[key]

    def fitted_frame(self) -> pd.DataFrame:
        """Per-quantile table (observed and fitted values) for plotting the slope."""
        return pd.DataFrame(
            {
                "quantile": list(self.quantiles),
                "population_share": self.population_shares,
                "relative_rank": self.relative_ranks,
                "value": self.values,
                "fitted_value": self.fitted_values,
            }
        )


# --------------------------------------------------------------------------- public API


def slope_index_of_inequality(
    data: pd.DataFrame,
    *,
    quantile_col: str = "quantile",
    population_col: str = "population",
    value_col: str | None = "value",
    value_type: int = 0,
    se_col: str | None = None,
    lower_cl_col: str | None = None,
    upper_cl_col: str | None = None,
    count_col: str | None = None,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    rii: bool = False,
    transform: bool = False,
    multiplier: float = 1.0,
    intercept: bool = False,
    reliability_stat: bool = False,
    seed: int | np.random.Generator | None = None,
) -> SiiResult:
    """Compute the SII (and optionally RII) for one area's quantile table.

    Parameters
    ----------
    data
        One row per quantile. Labels sort ascending from most deprived to least.
    quantile_col, population_col
        Quantile label and its (positive) population.
    value_col
        Indicator value. May be ``None`` for a proportion given by ``count_col``.
    value_type
        0 = other (normal), 1 = rate, 2 = proportion. Decides the log/logit
        scale used for the standard error and the simulation.
    se_col
        Standard error. For rates and proportions it must be on the log/logit
        scale, as in R. Takes precedence over confidence limits.
    lower_cl_col, upper_cl_col
        95% limits of the value (original units); used when ``se_col`` is None.
    count_col
        Numerator. Proportion = count / population when ``value_col`` is None;
        with no SE or limits it also yields the SE (Wilson for proportions,
        Byar's for rates).
    confidence
        One level or several, each in [0.9, 1) or [90, 100).
    repetitions
        Simulation draws (at least 1000).
    rii, intercept, reliability_stat
        Also return the RII, the intercept, the reliability statistics.
    transform
        Fit on the log (rate) or logit (proportion) scale and back-transform,
        recommended when the gradient is not linear in original units.
    multiplier
        Scales the SII and its limits (e.g. 100 for percentages); a negative
        value flips polarity and inverts the RII.
    seed
        Seed or ``numpy.random.Generator`` so limits are reproducible.

    Returns
    -------
    SiiResult

    Raises
    ------
    ValueError
        For any invalid argument or data, with a sentence naming it.
    """
    settings = _validate_settings(
        data,
        quantile_col=quantile_col,
        population_col=population_col,
        value_col=value_col,
        value_type=value_type,
        se_col=se_col,
        lower_cl_col=lower_cl_col,
        upper_cl_col=upper_cl_col,
        count_col=count_col,
        confidence=confidence,
        repetitions=repetitions,
        rii=rii,
        transform=transform,
        multiplier=multiplier,
        intercept=intercept,
        reliability_stat=reliability_stat,
    )
    table = _validate_data(data, settings)
    _check_quantile_count(table["quantile"].nunique())
    return _calculate(table, settings, np.random.default_rng(seed))


def slope_index_of_inequality_by_group(
    data: pd.DataFrame,
    group_cols: Sequence[str],
    *,
    quantile_col: str = "quantile",
    seed: int | np.random.Generator | None = None,
    **options,
) -> dict[tuple, SiiResult]:
    """Compute one SII per group, like ``phe_sii`` on a grouped data frame.

    The quantile labels of the whole table define the expected set; a group
    missing any of them is dropped with a :class:`SiiWarning` (R: "some records
    have been removed due to incomplete or invalid data"). One generator is
    shared by the groups, in sorted group order, so a seed reproduces all.

    Returns
    -------
    dict
        Group key tuple -> :class:`SiiResult`.
    """
    group_cols = list(group_cols)
    if not group_cols:
        raise ValueError("group_cols is empty; call slope_index_of_inequality for one area.")
    settings = _validate_settings(data, quantile_col=quantile_col, **options)
    _require_columns(data, group_cols)
    data = data.reset_index(drop=True)
    table = _validate_data(data, settings, allow_duplicate_quantiles=True)
    _check_quantile_count(table["quantile"].nunique())
    expected = set(table["quantile"])

    rng = np.random.default_rng(seed)
    results: dict[tuple, SiiResult] = {}
    dropped: list[tuple] = []
    keys = [data[c].rename(f"_group_{i}") for i, c in enumerate(group_cols)]
    for key, group in table.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        if group["quantile"].duplicated().any():
            raise ValueError(f"quantile column '{quantile_col}' repeats a label within group {key}.")
        if set(group["quantile"]) != expected:
            dropped.append(key)
            continue
        results[key] = _calculate(group, settings, rng)
    if dropped:
        warnings.warn(
            f"WARNING: some records have been removed due to incomplete or invalid data "
            f"(groups without every quantile: {dropped}).",
            SiiWarning,
            stacklevel=2,
        )
    return results


def assign_population_quantiles(
    values: pd.Series,
    population: pd.Series,
    n: int = 10,
    higher_is_more_deprived: bool = True,
) -> pd.Series:
    """Group areas into ``n`` quantiles of roughly equal population.

    Areas are ordered from most to least deprived and each goes to the quantile
    containing the midpoint of its slice of the cumulative population:
    ``quantile = floor(n * (pop_before + pop / 2) / total) + 1`` (capped at
    ``n``), so 1 is the most deprived. A boundary therefore falls where it
    splits the fewest people, and every quantile is within half an area's
    population of ``total / n`` at each edge. Areas with equal values form one
    block placed by the block's midpoint, so ties always share a quantile and
    the result does not depend on row order. A quantile can stay empty when
    one area or tied block holds more than a 1/n share of the population.

    Parameters
    ----------
    values
        Deprivation measure per area (e.g. IMD score).
    population
        Population per area, same index as ``values``; zero is allowed.
    n
        Number of quantiles (2 or more, at most the number of areas).
    higher_is_more_deprived
        True for scores (higher = worse), False for ranks (1 = most deprived).

    Returns
    -------
    pd.Series
        Integer quantile per area, same index as ``values``, named "quantile".
    """
    if not isinstance(values, pd.Series) or not isinstance(population, pd.Series):
        raise ValueError("values and population must both be pandas Series.")
    if not _is_integer(n) or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n!r}.")
    if not values.index.equals(population.index):
        raise ValueError("values and population must have the same index.")
    if values.index.has_duplicates:
        raise ValueError("values has duplicate index labels; each area must appear once.")
    if len(values) < n:
        raise ValueError(f"there are {len(values)} areas, fewer than the {n} quantiles requested.")
    numeric_values = _as_float(values, "values")
    numeric_population = _as_float(population, "population")
    if numeric_values.isna().any():
        raise ValueError(f"values is missing for areas {list(values.index[numeric_values.isna()])}.")
    bad_pop = numeric_population.isna() | (numeric_population < 0)
    if bad_pop.any():
        raise ValueError(f"population is missing or negative for areas {list(values.index[bad_pop])}.")
    total = float(numeric_population.sum())
    if total <= 0:
        raise ValueError("population sums to zero, so population quantiles are undefined.")

    block_pop = numeric_population.groupby(numeric_values).sum()
    block_pop = block_pop.sort_index(ascending=not higher_is_more_deprived)
    cumulative_before = block_pop.cumsum() - block_pop
    midpoint_share = (cumulative_before + block_pop / 2) / total
    block_quantile = np.minimum(np.floor(midpoint_share * n).astype(int) + 1, n)
    quantile = numeric_values.map(block_quantile).astype(int)
    return quantile.rename("quantile")


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Settings:
    quantile_col: str
    population_col: str
    value_col: str | None
    value_type: int
    se_col: str | None
    lower_cl_col: str | None
    upper_cl_col: str | None
    count_col: str | None
    confidence_levels: tuple[float, ...]
    repetitions: int
    rii: bool
    transform: bool
    multiplier: float
    intercept: bool
    reliability_stat: bool


def _validate_settings(
    data,
    *,
    quantile_col="quantile",
    population_col="population",
    value_col="value",
    value_type=0,
    se_col=None,
    lower_cl_col=None,
    upper_cl_col=None,
    count_col=None,
    confidence=0.95,
    repetitions=100_000,
    rii=False,
    transform=False,
    multiplier=1.0,
    intercept=False,
    reliability_stat=False,
) -> _Settings:
    """Check the arguments (not the data), in R's order where R checks them."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, got {type(data).__name__}.")
    if quantile_col is None or population_col is None:
        raise ValueError("quantile_col and population_col are both required.")
    if value_col is None and count_col is None:
        raise ValueError(
            "value_col is required (or count_col, if the indicator is a proportion of population)."
        )
    if not _is_integer(value_type) or value_type not in _VALUE_TYPE_NAMES:
        raise ValueError(f"value_type should be 0, 1 or 2, got {value_type!r}.")
    if not _is_real(multiplier) or not math.isfinite(multiplier):
        raise ValueError(f"multiplier should be a finite number, got {multiplier!r}.")
    if not _is_integer(repetitions):
        raise ValueError(f"repetitions should be a whole number, got {repetitions!r}.")
    if repetitions < MIN_REPETITIONS:
        raise ValueError(
            f"repetitions must be {MIN_REPETITIONS} or greater (default 100,000), got {repetitions}."
        )
    for name, flag in (("rii", rii), ("transform", transform), ("intercept", intercept),
                       ("reliability_stat", reliability_stat)):
        if not isinstance(flag, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {flag!r}.")
    if transform and value_type == VALUE_TYPE_OTHER:
        raise ValueError("value_type should be 1 or 2 when transform is true.")
    if transform and se_col is not None:
        raise ValueError(
            "se_col must be left out when transform is true, because the confidence limits are needed."
        )
    if (lower_cl_col is None) != (upper_cl_col is None):
        raise ValueError("lower_cl_col and upper_cl_col must be given together.")
    has_cls = lower_cl_col is not None
    if count_col is not None and value_type == VALUE_TYPE_OTHER:
        raise ValueError("count_col can only be used with value_type 1 (rate) or 2 (proportion).")
    if value_col is None and value_type != VALUE_TYPE_PROPORTION:
        raise ValueError("value_col is required unless value_type is 2 (proportion) with count_col.")
    se_from_counts = se_col is None and not has_cls and count_col is not None
    if se_col is None and not has_cls and not se_from_counts:
        raise ValueError(
            "either lower_cl_col and upper_cl_col, or se_col, is required "
            "(or count_col for a rate or proportion)."
        )
    levels = _validate_confidence(confidence)
    for level in levels:
        lower_position, _ = _order_positions(repetitions, level)
        if lower_position < 1:
            raise ValueError(
                f"confidence {level:g} needs more than {repetitions} repetitions "
                f"to place its lower limit."
            )
    return _Settings(
        quantile_col=quantile_col,
        population_col=population_col,
        value_col=value_col,
        value_type=int(value_type),
        se_col=se_col,
        lower_cl_col=lower_cl_col,
        upper_cl_col=upper_cl_col,
        count_col=count_col,
        confidence_levels=levels,
        repetitions=int(repetitions),
        rii=bool(rii),
        transform=bool(transform),
        multiplier=float(multiplier),
        intercept=bool(intercept),
        reliability_stat=bool(reliability_stat),
    )


def _validate_confidence(confidence) -> tuple[float, ...]:
    """Normalise one or several levels to proportions, as R does (>= 90 means %)."""
    if _is_real(confidence):
        raw = [confidence]
    elif isinstance(confidence, (Sequence, np.ndarray)) and not isinstance(confidence, str):
        raw = list(confidence)
    else:
        raise ValueError(f"confidence should be a number or a list of numbers, got {confidence!r}.")
    if not raw or not all(_is_real(level) for level in raw):
        raise ValueError(f"confidence should be a number or a list of numbers, got {confidence!r}.")
    levels: list[float] = []
    for level in raw:
        if not (0.9 <= level <= 1 or 90 <= level <= 100):
            raise ValueError(
                f"all confidence levels must be between 90 and 100 or between 0.9 and 1, got {level!r}."
            )
        key = _level_key(_normalise_level(level))
        if key not in levels:
            levels.append(key)
    return tuple(levels)


def _validate_data(data: pd.DataFrame, s: _Settings, *, allow_duplicate_quantiles=False) -> pd.DataFrame:
    """Check the data and return a clean float table, most deprived quantile first.

    Columns: quantile, population, value, se (log/logit scale for rates and
    proportions) - everything the calculation needs.
    """
    used = [s.quantile_col, s.population_col] + [
        c for c in (s.value_col, s.se_col, s.lower_cl_col, s.upper_cl_col, s.count_col) if c is not None
    ]
    _require_columns(data, used)
    quantile = data[s.quantile_col]
    if quantile.isna().any():
        raise ValueError(f"quantile column '{s.quantile_col}' has missing labels.")
    if not allow_duplicate_quantiles and quantile.duplicated().any():
        duplicates = sorted(quantile[quantile.duplicated()].unique().tolist())
        raise ValueError(
            f"quantile column '{s.quantile_col}' repeats labels {duplicates}; give one row per quantile."
        )

    population = _as_float(data[s.population_col], s.population_col)
    value = _as_float(data[s.value_col], s.value_col) if s.value_col else None
    se = _as_float(data[s.se_col], s.se_col) if s.se_col else None
    lower = _as_float(data[s.lower_cl_col], s.lower_cl_col) if s.lower_cl_col else None
    upper = _as_float(data[s.upper_cl_col], s.upper_cl_col) if s.upper_cl_col else None
    count = _as_float(data[s.count_col], s.count_col) if s.count_col else None

    def labels(mask) -> list:
        return quantile.to_numpy()[np.asarray(mask, dtype=bool)].tolist()

    bad = population.isna() | (population <= 0)
    if bad.any():
        raise ValueError(
            f"population column '{s.population_col}' has a zero, negative or missing population "
            f"for quantile(s) {labels(bad)}."
        )
    if se is not None:
        bad = se.isna() | (se < 0)
        if bad.any():
            raise ValueError(
                f"se column '{s.se_col}' has negative or missing standard errors for quantile(s) {labels(bad)}."
            )
    if lower is not None:
        bad = lower.isna() | upper.isna()
        if bad.any():
            raise ValueError(
                f"confidence limit columns '{s.lower_cl_col}'/'{s.upper_cl_col}' have missing lower or "
                f"upper confidence limits for quantile(s) {labels(bad)}."
            )

    if s.value_type == VALUE_TYPE_PROPORTION:
        if value is not None:
            bad = (value < 0) | (value > 1)
            if bad.any():
                raise ValueError(
                    f"value column '{s.value_col}' holds proportions that are not all between 0 and 1 "
                    f"(quantile(s) {labels(bad)})."
                )
        if lower is not None:
            bad = (lower < 0) | (lower > 1) | (upper < 0) | (upper > 1)
            if bad.any():
                raise ValueError(
                    f"confidence limit columns '{s.lower_cl_col}'/'{s.upper_cl_col}' hold proportions that "
                    f"are not all between 0 and 1 (quantile(s) {labels(bad)})."
                )
    se_from_counts = se is None and lower is None
    if count is not None and (value is None or se_from_counts):
        bad = count.isna() | (count <= 0)
        if bad.any():
            raise ValueError(
                f"count column '{s.count_col}' has a zero, negative or missing count for quantile(s) {labels(bad)}."
            )
        if s.value_type == VALUE_TYPE_PROPORTION:
            bad = count > population
            if bad.any():
                raise ValueError(
                    f"count column '{s.count_col}' exceeds the population for quantile(s) {labels(bad)}."
                )
    if value is None:
        value = count / population
    if value.isna().any():
        raise ValueError(f"value column '{s.value_col}' has missing values for quantile(s) {labels(value.isna())}.")
    if s.value_type == VALUE_TYPE_RATE and (value <= 0).any():
        raise ValueError(
            f"value column '{s.value_col}' has zero or negative rates for quantile(s) {labels(value <= 0)}, "
            f"which cannot be log-transformed."
        )

    value_scaled = _to_model_scale(value.to_numpy(), s.value_type)
    if se is not None:
        se_values = se.to_numpy()
    else:
        if lower is None:
            lower, upper = _count_based_limits(count, population, s.value_type)
        with np.errstate(divide="ignore", invalid="ignore"):
            se_values = (
                _to_model_scale(upper.to_numpy(), s.value_type) - _to_model_scale(lower.to_numpy(), s.value_type)
            ) / Z_95 / 2
    bad = ~np.isfinite(se_values) | (se_values < 0)
    if bad.any():
        raise ValueError(
            "the standard error could not be derived for quantile(s) "
            f"{labels(bad)}: check that each lower limit is below its upper limit and that rate limits "
            "are positive and proportion limits lie strictly between 0 and 1."
        )

    table = pd.DataFrame(
        {"quantile": quantile, "population": population, "value": value,
         "value_scaled": value_scaled, "se": se_values},
        index=data.index,
    )
    # R arranges by quantile before ranking, so labels sort from most deprived.
    return table.sort_values("quantile", kind="stable")


def _check_quantile_count(no_quantiles: int) -> None:
    if no_quantiles < MIN_QUANTILES or no_quantiles > MAX_QUANTILES:
        raise ValueError(
            f"the number of quantiles must be between {MIN_QUANTILES} and {MAX_QUANTILES}, got {no_quantiles}."
        )
    if no_quantiles > STABLE_QUANTILE_LIMIT:
        warnings.warn(
            "WARNING: Small values can make SII unstable when using a large number of quantiles "
            f"({no_quantiles}).",
            SiiWarning,
            stacklevel=3,
        )


def _count_based_limits(count: pd.Series, population: pd.Series, value_type: int):
    """95% limits from counts: Wilson for proportions, Byar's (on the count) for rates.

    For rates only the ratio upper/lower matters on the log scale, so limits on
    the count give the same standard error as limits on the rate at any scale.
    """
    x = count.to_numpy()
    z = Z_95
    if value_type == VALUE_TYPE_PROPORTION:
        n = population.to_numpy()
        spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        lower = (2 * x + z**2 - spread) / 2 / (n + z**2)
        upper = (2 * x + z**2 + spread) / 2 / (n + z**2)
    else:
        with np.errstate(invalid="ignore"):
            lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
        lower = np.where(lower > 0, lower, np.nan)  # Byar's gives no lower limit for tiny counts
    return pd.Series(lower, index=count.index), pd.Series(upper, index=count.index)


# --------------------------------------------------------------------------- calculation


def _calculate(table: pd.DataFrame, s: _Settings, rng: np.random.Generator) -> SiiResult:
    """Fit the weighted regression, simulate the limits, back-transform if needed."""
    population = table["population"].to_numpy()
    share = population / population.sum()
    relative_rank = _relative_ranks(population)
    sqrt_a = np.sqrt(share)
    b_sqrt_a = relative_rank * sqrt_a
    design = np.column_stack([sqrt_a, b_sqrt_a])

    # As R: regress on original units unless transform, else on the log/logit scale.
    if s.transform:
        y = table["value_scaled"].to_numpy()
    else:
        y = table["value"].to_numpy()
    (fit_intercept, fit_slope), *_ = np.linalg.lstsq(design, y * sqrt_a, rcond=None)

    samples = RELIABILITY_SAMPLES if s.reliability_stat else 1
    projection = np.linalg.solve(design.T @ design, design.T)
    simulated = [
        _simulate_limits(table, s, rng, projection, sqrt_a) for _ in range(samples)
    ]  # each: {"sii": {level: (lo, hi)}, "rii": {...}} on the fitting scale

    m = s.multiplier
    if not s.transform:
        sii = m * fit_slope
        rii = (fit_intercept + fit_slope) / fit_intercept
        rii = 1 / rii if m < 0 else rii
        reported_intercept = fit_intercept
        limits = simulated  # already multiplied / inverted in the simulation
        fitted = fit_intercept + fit_slope * relative_rank
    else:
        inverse = _inverse_link(s.value_type)
        at_zero, at_one = inverse(fit_intercept), inverse(fit_intercept + fit_slope)
        sii = (at_one - at_zero) * m
        rii = at_one / at_zero
        rii = 1 / rii if m < 0 else rii
        reported_intercept = at_zero * abs(m)
        midpoint = fit_intercept + fit_slope / 2
        limits = [_back_transform_limits(sample, midpoint, m, s.value_type) for sample in simulated]
        fitted = inverse(fit_intercept + fit_slope * relative_rank)

    first = limits[0]
    sii_mad = _mean_absolute_difference(limits, "sii", s.confidence_levels) if s.reliability_stat else None
    rii_mad = (
        _mean_absolute_difference(limits, "rii", s.confidence_levels)
        if s.reliability_stat and s.rii
        else None
    )
    return SiiResult(
        sii=float(sii),
        sii_lower=_frozen({lvl: first["sii"][lvl][0] for lvl in s.confidence_levels}),
        sii_upper=_frozen({lvl: first["sii"][lvl][1] for lvl in s.confidence_levels}),
        rii=float(rii) if s.rii else None,
        rii_lower=_frozen({lvl: first["rii"][lvl][0] for lvl in s.confidence_levels}) if s.rii else None,
        rii_upper=_frozen({lvl: first["rii"][lvl][1] for lvl in s.confidence_levels}) if s.rii else None,
        intercept=float(reported_intercept) if s.intercept else None,
        sii_mad=sii_mad,
        rii_mad=rii_mad,
        confidence_levels=s.confidence_levels,
        value_type=s.value_type,
        transform=s.transform,
        multiplier=s.multiplier,
        repetitions=s.repetitions,
        quantiles=tuple(table["quantile"].tolist()),
        population_shares=tuple(float(v) for v in share),
        relative_ranks=tuple(float(v) for v in relative_rank),
        values=tuple(float(v) for v in table["value"]),
        fitted_values=tuple(float(v) for v in fitted),
    )


def _relative_ranks(population: np.ndarray) -> np.ndarray:
    """Midpoint of each quantile's slice of the cumulative population (R's FindXValues)."""
    share = population / population.sum()
    return np.cumsum(share) - share / 2


def _simulate_limits(table, s: _Settings, rng, projection, sqrt_a) -> dict:
    """One simulation of ``repetitions`` draws, returning order-statistic limits.

    Mirrors R's SimulationFunc: draws on the log/logit scale, back-transformed
    before fitting unless ``transform``; the multiplier and RII inversion are
    applied here only when not transforming (otherwise after back-transform).
    """
    mean = table["value_scaled"].to_numpy()[:, None]
    sd = table["se"].to_numpy()[:, None]
    draws = rng.normal(mean, sd, size=(len(table), s.repetitions))
    if not s.transform:
        draws = _inverse_link(s.value_type)(draws)
    intercepts, slopes = projection @ (draws * sqrt_a[:, None])

    sii_draws = slopes if s.transform else slopes * s.multiplier
    sii_sorted = np.sort(sii_draws)
    result = {"sii": {}, "rii": {}}
    if s.rii and not s.transform:
        rii_draws = (slopes + intercepts) / intercepts
        if s.multiplier < 0:
            rii_draws = 1 / rii_draws
        rii_sorted = np.sort(rii_draws)
    for level in s.confidence_levels:
        lower_position, upper_position = _order_positions(s.repetitions, level)
        result["sii"][level] = (float(sii_sorted[lower_position - 1]), float(sii_sorted[upper_position - 1]))
        if s.rii and not s.transform:
            result["rii"][level] = (float(rii_sorted[lower_position - 1]), float(rii_sorted[upper_position - 1]))
    return result


def _back_transform_limits(sample: dict, midpoint: float, m: float, value_type: int) -> dict:
    """Turn limits of the transformed slope into limits in original units.

    As in R: a line with the limiting slope is pivoted about the fitted value at
    the population midpoint (relative rank 0.5); SII and RII are then taken from
    its back-transformed ends. A negative multiplier swaps the limits.
    """
    inverse = _inverse_link(value_type)
    out = {"sii": {}, "rii": {}}
    for level, (slope_lo, slope_hi) in sample["sii"].items():
        ends = {}
        for name, slope in (("lo", slope_lo), ("hi", slope_hi)):
            ends[name] = (inverse(midpoint - slope / 2), inverse(midpoint + slope / 2))
        first, second = ("hi", "lo") if m < 0 else ("lo", "hi")
        out["sii"][level] = tuple(float((ends[k][1] - ends[k][0]) * m) for k in (first, second))
        rii_ends = {k: ends[k][1] / ends[k][0] for k in ends}
        if m < 0:
            out["rii"][level] = (float(1 / rii_ends["hi"]), float(1 / rii_ends["lo"]))
        else:
            out["rii"][level] = (float(rii_ends["lo"]), float(rii_ends["hi"]))
    return out


def _mean_absolute_difference(limits: list[dict], measure: str, levels) -> Mapping[float, float]:
    """R's reliability statistic: mean |limit - first sample's limit| over samples 2..10."""
    out = {}
    for level in levels:
        first = np.array(limits[0][measure][level])
        others = np.array([sample[measure][level] for sample in limits[1:]])
        out[level] = float(np.mean(np.abs(others - first)))
    return _frozen(out)


def _order_positions(repetitions: int, level: float) -> tuple[int, int]:
    """1-based positions of the limits among sorted draws (R rounds half to even too)."""
    critical = level + (1 - level) / 2
    return int(np.round(repetitions * (1 - critical))), int(np.round(repetitions * critical))


def _to_model_scale(x: np.ndarray, value_type: int) -> np.ndarray:
    """Log for rates, logit for proportions, identity otherwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == VALUE_TYPE_RATE:
            return np.log(x)
        if value_type == VALUE_TYPE_PROPORTION:
            return np.log(x / (1 - x))
    return np.asarray(x, dtype=float)


def _inverse_link(value_type: int):
    if value_type == VALUE_TYPE_RATE:
        return np.exp
    if value_type == VALUE_TYPE_PROPORTION:
        return lambda x: 1 / (1 + np.exp(-x))
    return lambda x: x


# --------------------------------------------------------------------------- small helpers


def _normalise_level(level: float) -> float:
    return level / 100 if level >= 90 else float(level)


def _level_key(level: float) -> float:
    return round(float(level), 10)


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


def _is_real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _is_integer(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def _require_columns(data: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not found in data.")


def _as_float(column: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        raise ValueError(f"column '{name}' is not numeric (dtype {column.dtype}).")
    return column.astype(float)
