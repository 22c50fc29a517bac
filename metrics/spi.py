"""SPI-method social progress index: the Social Progress Imperative method on open data.

Why this shape: the official Leeds SPI is not open, so we rebuild its method on the
indicators we have. Per indicator: transform (cap or log), orient so higher = better,
standardise over the areas given. Per component: weight the standardised indicators
(first principal component, as SPI does, or equal weights), then put the weighted sum on
a 0-100 scale between the equally weighted dystopia (0) and utopia (100) anchors.
Dimensions average their components and the index averages the dimensions.

Missing data is never filled and never silent:

* **Per-area gaps** (an area lacks an indicator value): the component is NaN for that area,
  with a row in ``SpiResult.missing``. Under ``missing_rule="strict"`` (default) a
  dimension with any NaN measured component is NaN, and the index with any NaN dimension
  is NaN. Under ``"mean_of_available"`` they average what is there; ``SpiResult.coverage``
  says how many components each dimension score rests on, and ``notes`` say how many
  areas were affected.
* **Structural gaps** (a component declared ``missing`` in the framework, or a dimension
  whose four components are all declared missing): the same for every area, so ranks stay
  comparable. The component is NaN for every area (with a ``missing`` row each), the
  dimension averages over its measured components and the index over measured
  dimensions; each such case is written in ``notes``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from metrics.spi_framework import CapTransform, Component, Framework, FrameworkIndicator

WEIGHTING_METHODS = ("pca", "equal")
MISSING_RULES = ("strict", "mean_of_available")
PEER_SPREADS = ("median_abs_dev", "mean_abs_dev")

MIN_AREAS_FOR_PCA = 3
"""Fewer complete areas than this and correlations are meaningless; PCA falls back to equal weights."""

_LOADING_TOLERANCE = 1e-9
_EIGENVALUE_TIE_TOLERANCE = 1e-9

WeightMethod = Literal["pca", "equal", "equal_fallback", "single"]


@dataclass(frozen=True)
class SpiResult:
    """Everything an SPI-method run produced, including what it could not score and why.

    Attributes
    ----------
    index
        Index score per area, 0-100 (NaN where the missing rule left no score).
    dimensions
        Area x dimension id scores, 0-100.
    components
        Area x component id scores, 0-100; components declared missing are all-NaN columns.
    weights
        Rows of ``component, indicator, weight, method`` (method is ``pca``, ``equal``,
        ``equal_fallback`` or ``single``).
    missing
        Rows of ``area, component, reason`` for every area-component without a score.
    notes
        Plain sentences on structural gaps, weighting fallbacks, capping and the missing rule.
    coverage
        Area x dimension id: number of components each dimension score averages over.
    weighting, missing_rule
        The options used, so a result describes itself.
    """

    index: pd.Series
    dimensions: pd.DataFrame
    components: pd.DataFrame
    weights: pd.DataFrame
    missing: pd.DataFrame
    notes: list[str]
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    weighting: str = "pca"
    missing_rule: str = "strict"


class PrincipalComponentWeights(NamedTuple):
    """Outcome of trying PCA weights: either ``weights`` or a ``fallback_reason``."""

    weights: pd.Series | None
    fallback_reason: str | None


class PeerComparison(NamedTuple):
    """Scorecard of one area against its peers; unpacks as ``(table, peer_codes)``."""

    table: pd.DataFrame
    peer_codes: list[str]


class _StandardisedIndicator(NamedTuple):
    values: pd.Series
    utopia: float
    dystopia: float


def compute_spi(
    indicator_values: pd.DataFrame,
    framework: Framework,
    weighting: str = "pca",
    missing_rule: str = "strict",
) -> SpiResult:
    """Compute SPI-method component, dimension and index scores for a set of areas.

    Standardisation (mean and sample sd, ddof=1) and PCA weights are estimated over the
    areas given, so scores are relative to that set (e.g. all Leeds wards).

    Parameters
    ----------
    indicator_values
        Index = area codes, columns = indicator ids, raw values in their own units.
        Columns not used by the framework are ignored.
    framework
        Validated framework (see :func:`metrics.spi_framework.load_framework`).
    weighting
        ``"pca"`` (first principal component per component, equal-weight fallback with the
        reason in ``notes``) or ``"equal"``.
    missing_rule
        ``"strict"`` or ``"mean_of_available"``; see the module docstring.

    Returns
    -------
    SpiResult
    """
    _check_options(weighting, missing_rule)
    _check_indicator_values(indicator_values, framework)
    numeric_values = indicator_values.loc[:, list(framework.indicator_ids)].astype(float)  # nullable dtypes -> NaN
    areas = numeric_values.index
    notes = [
        f"Weighting: {weighting}; missing rule: {missing_rule}; indicators standardised over {len(areas)} areas."
    ]

    component_scores: dict[str, pd.Series] = {}
    weight_rows: list[dict[str, object]] = []
    missing_rows: list[dict[str, str]] = []
    for component in framework.components:
        if not component.is_measured:
            component_scores[component.id] = pd.Series(np.nan, index=areas, dtype=float)
            reason = f"component not measured: {component.missing}"
            missing_rows.extend({"area": area, "component": component.id, "reason": reason} for area in areas)
            continue
        scores, weights, method, component_notes = _score_component(numeric_values, component, weighting)
        component_scores[component.id] = scores
        weight_rows.extend(
            {"component": component.id, "indicator": indicator_id, "weight": float(weight), "method": method}
            for indicator_id, weight in weights.items()
        )
        missing_rows.extend(_missing_value_rows(numeric_values, component))
        notes.extend(component_notes)

    components = pd.DataFrame(component_scores, index=areas)
    dimensions, coverage, dimension_notes = _dimension_scores(components, framework, missing_rule)
    index, index_notes = _index_scores(dimensions, framework, missing_rule)
    notes.extend(dimension_notes + index_notes)
    return SpiResult(
        index=index,
        dimensions=dimensions,
        components=components,
        weights=pd.DataFrame(weight_rows, columns=["component", "indicator", "weight", "method"]),
        missing=pd.DataFrame(missing_rows, columns=["area", "component", "reason"]),
        notes=notes,
        coverage=coverage,
        weighting=weighting,
        missing_rule=missing_rule,
    )


def principal_component_weights(standardised: pd.DataFrame) -> PrincipalComponentWeights:
    """SPI's within-component weights: first principal component loadings, normalised.

    Uses the correlation matrix of the oriented indicators over areas with every
    indicator present. The eigenvector's sign is arbitrary, so it is flipped to be
    non-negative; weights are loadings / sum(loadings). PCA is refused (weights None, with
    a reason) when there are too few complete areas, an indicator does not vary, the first
    component is not unique (tied eigenvalues, e.g. uncorrelated indicators), or its
    loadings have mixed signs (an indicator pulls against the others, which SPI treats as
    a framework problem rather than something to weight away).
    """
    complete = standardised.dropna()
    if len(complete) < MIN_AREAS_FOR_PCA:
        return PrincipalComponentWeights(
            None, f"only {len(complete)} areas have every indicator, too few to estimate correlations"
        )
    constant = [column for column in complete.columns if complete[column].std(ddof=0) == 0]
    if constant:
        return PrincipalComponentWeights(
            None, f"{', '.join(constant)} does not vary across the areas with every indicator"
        )
    correlation = np.corrcoef(complete.to_numpy(dtype=float), rowvar=False)
    eigenvalues, eigenvectors = np.linalg.eigh(correlation)
    if eigenvalues[-1] - eigenvalues[-2] <= _EIGENVALUE_TIE_TOLERANCE * len(eigenvalues):
        return PrincipalComponentWeights(
            None, "the first principal component is not unique (its eigenvalue ties with the second)"
        )
    loadings = eigenvectors[:, -1]
    if loadings.sum() < 0:
        loadings = -loadings
    if (loadings < -_LOADING_TOLERANCE).any():
        shown = ", ".join(f"{name} {value:+.2f}" for name, value in zip(complete.columns, loadings))
        return PrincipalComponentWeights(None, f"the first principal component has loadings of mixed sign ({shown})")
    loadings = np.clip(loadings, 0.0, None)
    return PrincipalComponentWeights(pd.Series(loadings / loadings.sum(), index=complete.columns), None)


def rank_change(result_a: SpiResult, result_b: SpiResult) -> pd.DataFrame:
    """Compare index ranks between two runs (e.g. PCA vs equal weights) for a sensitivity view.

    Rank 1 is the highest index; ties share the best rank; NaN index gives no rank.

    Returns
    -------
    pandas.DataFrame
        Indexed by area: ``index_a, index_b, rank_a, rank_b, places_gained`` where
        ``places_gained = rank_a - rank_b`` (positive: the area ranks higher in run b).
        Sorted by ``rank_a``.
    """
    index_a, index_b = result_a.index, result_b.index
    if set(index_a.index) != set(index_b.index):
        raise ValueError("rank_change needs two results over the same areas, but their area codes differ.")
    table = pd.DataFrame({"index_a": index_a, "index_b": index_b.reindex(index_a.index)})
    table["rank_a"] = table["index_a"].rank(ascending=False, method="min").astype("Int64")
    table["rank_b"] = table["index_b"].rank(ascending=False, method="min").astype("Int64")
    table["places_gained"] = table["rank_a"] - table["rank_b"]
    return table.sort_values("rank_a", na_position="last")


def peer_strengths_weaknesses(
    scores: pd.DataFrame,
    area: str,
    peer_key: pd.Series,
    n_peers: int = 15,
    lower_is_better: Collection[str] = (),
    spread: str = "median_abs_dev",
) -> PeerComparison:
    """Judge one area's scores against its peers, as SPI scorecards do.

    Peers are the ``n_peers`` other areas with the closest ``peer_key`` (e.g. income
    deprivation), ties broken by area code. For each item (column of ``scores``): the
    band is the peers' spread around their median, by default the median absolute
    deviation (``spread="mean_abs_dev"`` uses the mean absolute deviation from the
    median, SPI's published rule). The item is a **strength** if the area is better than
    the peer median by more than the band, a **weakness** if worse by more than the band,
    otherwise **neutral**; ``missing`` if the area or all its peers lack a value. "Better"
    is higher, except for items listed in ``lower_is_better``. A band of 0 (identical
    peers) makes any difference count.

    Returns
    -------
    PeerComparison
        ``table`` with columns ``item, area_value, peer_median, band, verdict`` and
        ``peer_codes`` (closest first).
    """
    if spread not in PEER_SPREADS:
        raise ValueError(f"spread must be one of {', '.join(PEER_SPREADS)}, not {spread!r}.")
    if area not in scores.index:
        raise ValueError(f"Area {area} is not in the scores table.")
    unknown_items = sorted(set(lower_is_better) - set(scores.columns))
    if unknown_items:
        raise ValueError(f"lower_is_better names items not in the scores table: {', '.join(unknown_items)}.")
    peer_codes = _closest_peers(scores.index, area, peer_key, n_peers)
    rows = []
    for item in scores.columns:
        area_value = float(scores.at[area, item])
        peer_values = scores.loc[peer_codes, item].dropna().astype(float)
        if np.isnan(area_value) or peer_values.empty:
            rows.append({"item": item, "area_value": area_value, "peer_median": np.nan, "band": np.nan,
                         "verdict": "missing"})
            continue
        peer_median = float(peer_values.median())
        deviations = (peer_values - peer_median).abs()
        band = float(deviations.median() if spread == "median_abs_dev" else deviations.mean())
        advantage = area_value - peer_median if item not in lower_is_better else peer_median - area_value
        verdict = "strength" if advantage > band else "weakness" if advantage < -band else "neutral"
        rows.append({"item": item, "area_value": area_value, "peer_median": peer_median, "band": band,
                     "verdict": verdict})
    table = pd.DataFrame(rows, columns=["item", "area_value", "peer_median", "band", "verdict"])
    return PeerComparison(table, peer_codes)


# --- checks ---------------------------------------------------------------------------


def _check_options(weighting: str, missing_rule: str) -> None:
    if weighting not in WEIGHTING_METHODS:
        raise ValueError(f"weighting must be one of {', '.join(WEIGHTING_METHODS)}, not {weighting!r}.")
    if missing_rule not in MISSING_RULES:
        raise ValueError(f"missing_rule must be one of {', '.join(MISSING_RULES)}, not {missing_rule!r}.")


def _check_indicator_values(indicator_values: pd.DataFrame, framework: Framework) -> None:
    if indicator_values.empty:
        raise ValueError("indicator_values has no areas or no columns.")
    if indicator_values.index.has_duplicates:
        repeated = indicator_values.index[indicator_values.index.duplicated()].unique()
        raise ValueError(f"indicator_values repeats area codes: {', '.join(map(str, repeated[:5]))}.")
    absent = [indicator_id for indicator_id in framework.indicator_ids if indicator_id not in indicator_values]
    if absent:
        raise ValueError(f"indicator_values has no column for framework indicator(s): {', '.join(absent)}.")
    for indicator_id in framework.indicator_ids:
        column = indicator_values[indicator_id]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            raise ValueError(f"Indicator column {indicator_id} is not numeric (dtype {column.dtype}).")
        if np.isinf(column.to_numpy(dtype=float)).any():
            raise ValueError(f"Indicator column {indicator_id} contains infinite values.")


# --- indicators and components ----------------------------------------------------------


def _transform(values: np.ndarray, transform: Literal["log"] | CapTransform | None) -> np.ndarray:
    """Apply the framework transform; the same function serves data and anchors."""
    if transform is None:
        return values
    if transform == "log":
        return np.log(values)
    low, high = transform.cap
    return np.clip(values, low, high)


def _standardise_indicator(raw: pd.Series, indicator: FrameworkIndicator) -> _StandardisedIndicator:
    """Transform, orient (higher = better) and z-score one indicator and its anchors alike."""
    if indicator.transform == "log" and (raw <= 0).any():
        bad = raw[raw <= 0]
        raise ValueError(
            f"Indicator {indicator.id} is log-transformed but {len(bad)} area(s) have values of zero or "
            f"below (first: {bad.index[0]})."
        )
    sign = 1.0 if indicator.direction == "higher_is_better" else -1.0
    oriented = pd.Series(sign * _transform(raw.to_numpy(dtype=float), indicator.transform), index=raw.index)
    utopia, dystopia = sign * _transform(np.array([indicator.utopia, indicator.dystopia]), indicator.transform)
    if oriented.count() < 2:
        raise ValueError(f"Indicator {indicator.id} has fewer than 2 areas with values, so it cannot be standardised.")
    mean, sd = oriented.mean(), oriented.std(ddof=1)
    if sd == 0:
        raise ValueError(f"Indicator {indicator.id} has the same value in every area, so it cannot be standardised.")
    return _StandardisedIndicator((oriented - mean) / sd, (utopia - mean) / sd, (dystopia - mean) / sd)


def _choose_weights(
    standardised: pd.DataFrame, component_id: str, weighting: str
) -> tuple[pd.Series, WeightMethod, list[str]]:
    columns = standardised.columns
    if len(columns) == 1:
        return pd.Series(1.0, index=columns), "single", []
    equal = pd.Series(1.0 / len(columns), index=columns)
    if weighting == "equal":
        return equal, "equal", []
    pca = principal_component_weights(standardised)
    if pca.weights is None:
        note = f"Component {component_id}: equal weights used instead of PCA because {pca.fallback_reason}."
        return equal, "equal_fallback", [note]
    return pca.weights, "pca", []


def _score_component(
    indicator_values: pd.DataFrame, component: Component, weighting: str
) -> tuple[pd.Series, pd.Series, WeightMethod, list[str]]:
    """0-100 component scores: weighted z-sum placed between weighted dystopia and utopia."""
    standardised = {
        indicator.id: _standardise_indicator(indicator_values[indicator.id], indicator)
        for indicator in component.indicators
    }
    z_values = pd.DataFrame({indicator_id: item.values for indicator_id, item in standardised.items()})
    weights, method, notes = _choose_weights(z_values, component.id, weighting)
    utopia_raw = sum(weights[indicator_id] * item.utopia for indicator_id, item in standardised.items())
    dystopia_raw = sum(weights[indicator_id] * item.dystopia for indicator_id, item in standardised.items())
    complete = z_values.notna().all(axis=1)
    raw = (z_values.fillna(0.0) @ weights).where(complete)
    unclipped = 100.0 * (raw - dystopia_raw) / (utopia_raw - dystopia_raw)
    outside = int(((unclipped < 0) | (unclipped > 100)).sum())
    if outside:
        notes.append(
            f"Component {component.id}: {outside} area score(s) fell beyond utopia or dystopia "
            "and were capped to 0-100."
        )
    incomplete = int((~complete).sum())
    if incomplete:
        notes.append(
            f"Component {component.id}: {incomplete} area(s) have no score because an indicator value is missing."
        )
    return unclipped.clip(0.0, 100.0).rename(component.id), weights, method, notes


def _missing_value_rows(indicator_values: pd.DataFrame, component: Component) -> list[dict[str, str]]:
    ids = [indicator.id for indicator in component.indicators]
    gaps = indicator_values[ids].isna()
    return [
        {"area": area, "component": component.id,
         "reason": f"no value for indicator(s): {', '.join(gaps.columns[row])}"}
        for area, row in zip(gaps.index, gaps.to_numpy())
        if row.any()
    ]


# --- aggregation -------------------------------------------------------------------------


def _average(scores: pd.DataFrame, missing_rule: str) -> pd.Series:
    if missing_rule == "strict":
        return scores.mean(axis=1, skipna=False)
    return scores.mean(axis=1, skipna=True)


def _dimension_scores(
    components: pd.DataFrame, framework: Framework, missing_rule: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    scores: dict[str, pd.Series] = {}
    coverage: dict[str, pd.Series] = {}
    notes: list[str] = []
    for dimension in framework.dimensions:
        measured = [component.id for component in dimension.measured_components]
        unmeasured = [component for component in dimension.components if not component.is_measured]
        if not measured:
            scores[dimension.id] = pd.Series(np.nan, index=components.index, dtype=float)
            coverage[dimension.id] = pd.Series(0, index=components.index)
            notes.append(f"Dimension {dimension.id} has no measured components, so it has no score.")
            continue
        scores[dimension.id] = _average(components[measured], missing_rule)
        available = components[measured].notna().sum(axis=1)
        coverage[dimension.id] = available.where(scores[dimension.id].notna(), 0).astype(int)
        if unmeasured:
            notes.append(
                f"Dimension {dimension.id} averages over its {len(measured)} measured component(s); not measured: "
                + "; ".join(f"{component.id} ({component.missing})" for component in unmeasured)
                + "."
            )
        partial = int(((available > 0) & (available < len(measured))).sum())
        if partial and missing_rule == "mean_of_available":
            notes.append(
                f"mean_of_available: {partial} area(s) have dimension {dimension.id} averaged over fewer than its "
                f"{len(measured)} measured components."
            )
        elif partial:
            notes.append(
                f"strict: {partial} area(s) have no score for dimension {dimension.id} because a component is missing."
            )
    return pd.DataFrame(scores, index=components.index), pd.DataFrame(coverage, index=components.index), notes


def _index_scores(dimensions: pd.DataFrame, framework: Framework, missing_rule: str) -> tuple[pd.Series, list[str]]:
    measured = [dimension.id for dimension in framework.dimensions if dimension.measured_components]
    notes: list[str] = []
    if not measured:
        notes.append("No dimension has measured components, so there is no index.")
        return pd.Series(np.nan, index=dimensions.index, dtype=float, name="spi_index"), notes
    if len(measured) < len(framework.dimensions):
        notes.append(f"The index averages over the {len(measured)} dimension(s) with measured components.")
    index = _average(dimensions[measured], missing_rule).rename("spi_index")
    available = dimensions[measured].notna().sum(axis=1)
    partial = int(((available > 0) & (available < len(measured))).sum())
    if partial and missing_rule == "mean_of_available":
        notes.append(f"mean_of_available: {partial} area(s) have the index averaged over fewer dimensions.")
    elif partial:
        notes.append(f"strict: {partial} area(s) have no index because a dimension is missing.")
    return index, notes


def _closest_peers(areas: pd.Index, area: str, peer_key: pd.Series, n_peers: int) -> list[str]:
    if n_peers < 1:
        raise ValueError(f"n_peers must be at least 1, not {n_peers}.")
    if area not in peer_key.index or pd.isna(peer_key.get(area)):
        raise ValueError(f"Area {area} has no peer_key value, so its peers cannot be chosen.")
    candidates = peer_key.reindex(areas).drop(area).dropna()
    if len(candidates) < n_peers:
        raise ValueError(f"Only {len(candidates)} other areas have a peer_key value, fewer than n_peers={n_peers}.")
    distance = (candidates.astype(float) - float(peer_key[area])).abs()
    ordered = pd.DataFrame({"distance": distance, "code": distance.index.astype(str)}, index=distance.index)
    return list(ordered.sort_values(["distance", "code"]).index[:n_peers])
