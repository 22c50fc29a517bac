"""Classify indicator values into map classes.

One uniform entry point, ``classify(values, scheme, k)``, over a registry of schemes (in the style of
mapclassify, which computes every break here), so the map, its legend and the legend's text
alternative all read the same classes. Missing values are "no data" (class -1), never a class.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd
from mapclassify.classifiers import MapClassifier

MIN_CLASSES = 3
MAX_CLASSES = 10
NO_DATA_CLASS = -1
NO_DATA_LABEL = "No data"
RANGE_SEPARATOR = " – "

SchemeFunction = Callable[[np.ndarray, int, Sequence[float] | None], MapClassifier]


@dataclass(frozen=True, eq=False)
class Classification:
    """Classes of one indicator's values, ready for colouring and a legend.

    Attributes
    ----------
    scheme : str
        Name of the scheme in ``SCHEMES`` (or ``"diverging"``).
    k_requested : int
        Classes asked for; ``n_classes`` can be fewer when there are few distinct values.
    bins : tuple of float
        Upper bound of each class, lowest class first (mapclassify's ``bins``).
    lower_bound : float
        Lower bound of class 0 (the data minimum for data-driven schemes); NaN when unknown.
    class_of : pandas.Series
        Class index per area, same index as the input, ``-1`` for no data.
    counts : tuple of int
        Number of areas in each class.
    no_data_count : int
        Number of areas with no value.
    """

    scheme: str
    k_requested: int
    bins: tuple[float, ...]
    lower_bound: float
    class_of: pd.Series
    counts: tuple[int, ...]
    no_data_count: int

    @property
    def n_classes(self) -> int:
        """Number of classes actually formed (colours needed, excluding no data)."""
        return len(self.bins)

    def labels(self, fmt: str = "{:.1f}") -> list[str]:
        """Human-readable class ranges such as ``"12.3 – 18.9"``, then ``"No data"``.

        Parameters
        ----------
        fmt : str
            ``str.format`` pattern for one number, e.g. ``"{:.1f}"`` or ``"{:,.0f}"``.
        """
        return [*self.range_labels(fmt), NO_DATA_LABEL]

    def range_labels(self, fmt: str = "{:.1f}") -> list[str]:
        """Class ranges only (no "No data" entry), lowest class first."""
        _check_number_format(fmt)
        lowers = (self.lower_bound, *self.bins[:-1])
        labels = []
        for lower, upper in zip(lowers, self.bins):
            if np.isnan(lower) or lower > upper:
                # Fixed breaks with no data at or below the first break: no honest lower bound.
                labels.append(f"≤ {format_number(upper, fmt)}")
            else:
                labels.append(f"{format_number(lower, fmt)}{RANGE_SEPARATOR}{format_number(upper, fmt)}")
        return labels


def format_number(number: float, fmt: str) -> str:
    """Format one number, never printing a negative zero such as ``"-0.0"``."""
    text = fmt.format(number)
    if text in (fmt.format(-0.0), fmt.format(0.0)):
        return fmt.replace("{:+", "{:").format(0.0)     # zero has no sign, even in a signed format
    return text


def _check_number_format(fmt: str) -> None:
    try:
        fmt.format(1.5)
    except (IndexError, KeyError, ValueError) as error:
        raise ValueError(
            f"Format string {fmt!r} cannot format a single number, e.g. use '{{:.1f}}'."
        ) from error


def _quantiles(y: np.ndarray, k: int, fixed_breaks: Sequence[float] | None) -> MapClassifier:
    return mapclassify.Quantiles(y, k=k)


def _natural_breaks(y: np.ndarray, k: int, fixed_breaks: Sequence[float] | None) -> MapClassifier:
    return mapclassify.FisherJenks(y, k=k)


def _equal_interval(y: np.ndarray, k: int, fixed_breaks: Sequence[float] | None) -> MapClassifier:
    return mapclassify.EqualInterval(y, k=k)


def _fixed(y: np.ndarray, k: int, fixed_breaks: Sequence[float] | None) -> MapClassifier:
    return mapclassify.UserDefined(y, bins=list(fixed_breaks))


SCHEMES: dict[str, SchemeFunction] = {
    "quantiles": _quantiles,
    "natural_breaks": _natural_breaks,
    "equal_interval": _equal_interval,
    "fixed": _fixed,
}
"""Scheme name -> function ``(values, k, fixed_breaks) -> mapclassify classifier``."""

DEFAULT_SCHEME = "quantiles"


def classify(
    values: pd.Series,
    scheme: str = DEFAULT_SCHEME,
    k: int = 5,
    fixed_breaks: Sequence[float] | None = None,
) -> Classification:
    """Put each area's value into a class using a named scheme.

    Parameters
    ----------
    values : pandas.Series
        One number per area; NaN means no data (class -1, counted in ``no_data_count``).
    scheme : str
        A key of ``SCHEMES``: "quantiles", "natural_breaks" (Fisher-Jenks), "equal_interval" or
        "fixed" (caller's upper bounds, e.g. national IMD decile cut-offs).
    k : int
        Classes wanted, 3 to 10. Ignored by "fixed", where the breaks set the number of classes.
    fixed_breaks : sequence of float, optional
        Strictly increasing upper bounds; required by "fixed" and refused by the other schemes.

    Returns
    -------
    Classification

    Notes
    -----
    With fewer distinct values than ``k`` the data-driven schemes form fewer classes: they run with
    ``k`` equal to the number of distinct values (one class for a single value), and quantiles may
    merge tied classes further, as mapclassify does. ``k_requested`` keeps what was asked for.
    With "fixed", values above the last break form one extra top class whose upper bound is the
    data maximum (mapclassify's ``UserDefined`` behaviour); more than 10 classes is an error.
    """
    scheme_function = _scheme_function(scheme)
    _check_k(k)
    _check_fixed_breaks_use(scheme, fixed_breaks)
    y, present = _as_float_values(values)

    if scheme == "fixed":
        breaks = _checked_breaks(fixed_breaks)
        if y.size == 0:
            return _empty_classification(values, scheme, k, bins=breaks, lower_bound=np.nan)
        classifier = scheme_function(y, k, breaks)
        lower_bound = float(y.min()) if y.min() <= breaks[0] else np.nan
        if len(classifier.bins) > MAX_CLASSES:
            raise ValueError(
                f"Values go above the last fixed break ({breaks[-1]}) up to {y.max()}, which would need "
                f"{len(classifier.bins)} classes; add an upper bound of at least {y.max()} "
                f"(at most {MAX_CLASSES} classes)."
            )
        return _from_classifier(values, present, classifier, scheme, k, lower_bound)

    if y.size == 0:
        return _empty_classification(values, scheme, k, bins=(), lower_bound=np.nan)
    n_distinct = np.unique(y).size
    if n_distinct == 1:
        classifier = mapclassify.UserDefined(y, bins=[float(y[0])])
    else:
        with warnings.catch_warnings():
            # mapclassify warns when tied quantiles merge classes; n_classes < k_requested records it.
            warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
            classifier = scheme_function(y, min(k, n_distinct), None)
    return _from_classifier(values, present, classifier, scheme, k, float(y.min()))


def diverging_classes(values: pd.Series, centre: float, k: int = 5) -> Classification:
    """Classes of equal width placed symmetrically around a centre value (e.g. the Leeds value).

    The widest class edge is the largest distance of any value from the centre, so both sides use
    the same scale and "as far above Leeds" looks as strong as "as far below". With an even ``k``
    the centre is a break; with an odd ``k`` the middle class straddles it ("about the same").
    Colour with ``geo.palettes.class_colours(n, polarity, palette="diverging")``, where polarity
    decides which side gets the "worse" colour.

    Parameters
    ----------
    values : pandas.Series
        One number per area; NaN means no data.
    centre : float
        Value the classes are centred on.
    k : int
        Classes wanted, 3 to 10.
    """
    _check_k(k)
    if not np.isfinite(centre):
        raise ValueError(f"centre must be a finite number; got {centre!r}.")
    y, present = _as_float_values(values)
    if y.size == 0:
        return _empty_classification(values, "diverging", k, bins=(), lower_bound=np.nan)
    half_width = float(np.max(np.abs(y - centre)))
    if half_width == 0.0:
        classifier = mapclassify.UserDefined(y, bins=[float(centre)], lowest=float(centre))
        return _from_classifier(values, present, classifier, "diverging", k, float(centre))
    # (2j - k) / k is exactly antisymmetric in floating point, so the edges mirror about the centre.
    offsets = half_width * (2.0 * np.arange(k + 1) - k) / k
    edges = centre + offsets
    bins = edges[1:].copy()
    # Guard against centre + half_width rounding just below the maximum, which would add a class.
    bins[-1] = max(bins[-1], float(y.max()))
    lower_bound = min(float(edges[0]), float(y.min()))
    classifier = mapclassify.UserDefined(y, bins=list(bins), lowest=lower_bound)
    return _from_classifier(values, present, classifier, "diverging", k, lower_bound)


@dataclass(frozen=True)
class DifferenceClasses:
    """Classes of the difference from a reference value, and which step of the symmetric scale each one is."""

    classification: Classification
    positions: tuple[int, ...]     # index of each kept class in the full symmetric set of ``k_full`` classes
    k_full: int


def difference_classes(values: pd.Series, centre: float, k: int = 5) -> DifferenceClasses:
    """Classes of ``values - centre``: equal steps symmetric around zero, with no empty or impossible class.

    The step is set so that ``k`` classes span the largest distance from the centre on either side, the
    same step above and below zero. Classes beyond the data on the shorter side are dropped (they would
    be empty, and for a percentage could reach below 0%), an empty class inside the range is merged into
    its outer neighbour, and the outermost bounds are the data's own extremes. ``positions`` lets the
    caller colour each kept class by its step from zero (``class_colours(k_full, ..., "diverging")``).
    """
    _check_k(k)
    if not np.isfinite(centre):
        raise ValueError(f"centre must be a finite number; got {centre!r}.")
    difference = values.astype("float64") - float(centre)
    y, present = _as_float_values(difference)
    if y.size == 0:
        return DifferenceClasses(_empty_classification(difference, "diverging", k, bins=(), lower_bound=np.nan), (), k)
    half_width = float(np.max(np.abs(y)))
    if half_width == 0.0:
        classifier = mapclassify.UserDefined(y, bins=[0.0], lowest=0.0)
        return DifferenceClasses(_from_classifier(difference, present, classifier, "diverging", k, 0.0), (k // 2,), k)
    edges = half_width * (2.0 * np.arange(k + 1) - k) / k        # exactly antisymmetric about zero
    full = np.clip(np.searchsorted(edges[1:-1], y, side="left"), 0, k - 1)   # upper bounds inclusive
    counts = np.bincount(full, minlength=k)
    kept = [int(i) for i in np.flatnonzero(counts)]
    uppers, positions = [], []
    for index, position in enumerate(kept):
        # an empty class between two kept ones joins the outer one of them (away from zero)
        upper = float(edges[position + 1]) if index < len(kept) - 1 else float(y.max())
        if index < len(kept) - 1 and kept[index + 1] > position + 1 and edges[position + 1] < 0:
            upper = float(edges[kept[index + 1]])
        uppers.append(upper)
        positions.append(position)
    bins = np.asarray(uppers)
    bins[-1] = max(bins[-1], float(y.max()))
    classifier = mapclassify.UserDefined(y, bins=list(bins), lowest=float(y.min()))
    return DifferenceClasses(_from_classifier(difference, present, classifier, "diverging", k, float(y.min())),
                             tuple(positions), k)


def _scheme_function(scheme: str) -> SchemeFunction:
    try:
        return SCHEMES[scheme]
    except KeyError:
        known = ", ".join(sorted(SCHEMES))
        raise ValueError(f"Unknown classification scheme {scheme!r}; choose one of: {known}.") from None


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not MIN_CLASSES <= k <= MAX_CLASSES:
        raise ValueError(
            f"k must be a whole number of classes from {MIN_CLASSES} to {MAX_CLASSES}; got k={k!r}."
        )


def _check_fixed_breaks_use(scheme: str, fixed_breaks: Sequence[float] | None) -> None:
    if scheme == "fixed" and fixed_breaks is None:
        raise ValueError("The 'fixed' scheme needs fixed_breaks (the upper bound of each class).")
    if scheme != "fixed" and fixed_breaks is not None:
        raise ValueError(f"fixed_breaks is only used by the 'fixed' scheme, not by {scheme!r}.")


def _checked_breaks(fixed_breaks: Sequence[float]) -> tuple[float, ...]:
    breaks = np.asarray(fixed_breaks, dtype=float)
    if breaks.ndim != 1 or not MIN_CLASSES <= breaks.size <= MAX_CLASSES:
        raise ValueError(
            f"fixed_breaks must hold {MIN_CLASSES} to {MAX_CLASSES} upper bounds; got {list(fixed_breaks)!r}."
        )
    if not np.all(np.isfinite(breaks)) or not np.all(np.diff(breaks) > 0):
        raise ValueError(f"fixed_breaks must be finite and strictly increasing; got {list(fixed_breaks)!r}.")
    return tuple(float(b) for b in breaks)


def _as_float_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return the present values as floats and a boolean mask of which rows have a value."""
    if not isinstance(values, pd.Series):
        raise ValueError(f"values must be a pandas Series; got {type(values).__name__}.")
    if pd.api.types.is_bool_dtype(values.dtype) or not (
        pd.api.types.is_numeric_dtype(values.dtype) or values.isna().all()
    ):
        raise ValueError(f"values must be numeric; {_series_name(values)} has dtype {values.dtype}.")
    as_float = values.astype("float64")
    present = as_float.notna().to_numpy()
    y = as_float.to_numpy()[present]
    if not np.all(np.isfinite(y)):
        raise ValueError(f"values in {_series_name(values)} include infinity; use NaN for no data.")
    return y, present


def _series_name(values: pd.Series) -> str:
    return "the series" if values.name is None else f"series {values.name!r}"


def _from_classifier(
    values: pd.Series,
    present: np.ndarray,
    classifier: MapClassifier,
    scheme: str,
    k_requested: int,
    lower_bound: float,
) -> Classification:
    class_index = np.full(len(values), NO_DATA_CLASS, dtype="int64")
    class_index[present] = classifier.yb
    return Classification(
        scheme=scheme,
        k_requested=int(k_requested),
        bins=tuple(float(b) for b in classifier.bins),
        lower_bound=lower_bound,
        class_of=pd.Series(class_index, index=values.index, name="class_index"),
        counts=tuple(int(c) for c in classifier.counts),
        no_data_count=int((~present).sum()),
    )


def _empty_classification(
    values: pd.Series, scheme: str, k_requested: int, bins: tuple[float, ...], lower_bound: float
) -> Classification:
    """Every area is "no data": data-driven schemes form no classes; fixed breaks keep theirs."""
    return Classification(
        scheme=scheme,
        k_requested=int(k_requested),
        bins=bins,
        lower_bound=lower_bound,
        class_of=pd.Series(NO_DATA_CLASS, index=values.index, dtype="int64", name="class_index"),
        counts=(0,) * len(bins),
        no_data_count=len(values),
    )
