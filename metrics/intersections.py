"""Where the pillars meet: areas that are weak on more than one of Leeds' pillars.

Leeds' Best City Ambition rests on three pillars (Health and Wellbeing, Inclusive Growth,
Zero Carbon). An area that is weak on several at once needs joined-up action, so this module
flags weak areas per pillar, names the combination each area falls in, and summarises
combinations for tables, UpSet-style bar charts and bivariate maps. Everything here is pure:
pandas in, pandas out, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

Polarity = Literal["higher_is_better", "lower_is_better"]
POLARITIES: tuple[str, ...] = ("higher_is_better", "lower_is_better")
RuleKind = Literal["worst_share", "worse_than"]
RULE_KINDS: tuple[str, ...] = ("worst_share", "worse_than")

NO_PILLAR = "None"
ALL_THREE = "All three"
PAIR_SEPARATOR = " + "


@dataclass(frozen=True)
class ThresholdRule:
    """How an area is judged weak on one pillar.

    ``kind="worst_share"`` with ``value`` in (0, 1): the worst ``value`` share of areas
    (e.g. 0.2 for the worst 20%). ``kind="worse_than"`` with a finite ``value``: worse than a
    reference value such as the Leeds figure. Build with :meth:`worst_share` or
    :meth:`worse_than` so the intent reads at the call site.
    """

    kind: RuleKind
    value: float

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"Threshold rule kind {self.kind!r} is not one of {RULE_KINDS}.")
        if not np.isfinite(self.value):
            raise ValueError(f"Threshold rule value {self.value!r} is not a finite number.")
        if self.kind == "worst_share" and not 0 < self.value < 1:
            raise ValueError(f"Worst share {self.value!r} is not strictly between 0 and 1.")

    @classmethod
    def worst_share(cls, share: float) -> ThresholdRule:
        """Rule for "the worst ``share`` of areas", e.g. ``0.1`` for the worst 10%."""
        return cls("worst_share", float(share))

    @classmethod
    def worse_than(cls, reference: float) -> ThresholdRule:
        """Rule for "worse than ``reference``", e.g. the Leeds value."""
        return cls("worse_than", float(reference))


RuleLike = ThresholdRule | tuple[str, float]


class Correlation(NamedTuple):
    """Pearson and Spearman coefficients over ``n`` complete pairs."""

    pearson_r: float
    spearman_rho: float
    n: int


def weak_flags(
    scores: pd.DataFrame,
    polarity: Mapping[str, str],
    rules: Mapping[str, RuleLike],
) -> pd.DataFrame:
    """Flag each area as weak (True) or not on each pillar.

    Parameters
    ----------
    scores
        One row per area (index = area code), one numeric column per pillar.
    polarity
        ``"higher_is_better"`` or ``"lower_is_better"`` for every column, so that "worst"
        always means worst and scales never silently flip.
    rules
        A :class:`ThresholdRule` (or a ``(kind, value)`` tuple) for every column.

    Returns
    -------
    pandas.DataFrame
        Same index and columns as ``scores``, dtype bool.

    Notes
    -----
    Ties: an area whose value equals the cut-off is included (counted as weak), for both rule
    kinds, so equal areas are always treated alike; with ties the weak share can therefore
    exceed the nominal share. For ``worst_share`` the cut-off is the linearly interpolated
    quantile (pandas default) of the non-missing values, taken at ``share`` from the bad end.
    Areas with a missing score are never weak; report them with :func:`missing_scores` so a
    "None" category is not mistaken for "no problems".
    """
    _check_scores(scores)
    flags = {}
    for pillar in scores.columns:
        direction = _polarity_for(polarity, pillar)
        badness = _oriented_badness(scores[pillar], direction)
        cut_off = _badness_cut_off(badness, _rule_for(rules, pillar), direction)
        flags[pillar] = (badness >= cut_off).fillna(False).astype(bool)
    return pd.DataFrame(flags, index=scores.index, columns=scores.columns)


def missing_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """True where an area has no score for a pillar.

    :func:`weak_flags` treats missing scores as "not weak"; this companion lets pages report
    those areas instead of hiding them.
    """
    _check_scores(scores)
    return scores.isna()


def intersection_categories(pillars: list[str] | tuple[str, ...] | pd.Index) -> list[str]:
    """The eight category labels for three pillars, in display order.

    Order: "None", each single pillar, each pair ("A + B") and "All three", with pillars in
    the order given, so charts and legends stay stable between runs.
    """
    return [label for label, _ in _category_patterns(pillars)]


def intersection_category(flags: pd.DataFrame) -> pd.Series:
    """Name the combination of weak pillars for each area.

    Parameters
    ----------
    flags
        Boolean frame from :func:`weak_flags` with exactly three pillar columns.

    Returns
    -------
    pandas.Series
        Ordered categorical (categories from :func:`intersection_categories`), one per area.
    """
    bool_flags = _check_flags(flags)
    dtype = pd.CategoricalDtype(intersection_categories(list(bool_flags.columns)), ordered=True)
    pillars = [str(p) for p in bool_flags.columns]
    labels = [_label_for_pattern(pillars, row) for row in bool_flags.to_numpy()]
    return pd.Series(pd.Categorical(labels, dtype=dtype), index=flags.index, name="intersection")


def category_summary(categories: pd.Series, population: pd.Series) -> pd.DataFrame:
    """Count areas and people in each intersection category, zeros included.

    Parameters
    ----------
    categories
        Categorical series from :func:`intersection_category` (index = area code).
    population
        Population per area; must cover every area in ``categories``.

    Returns
    -------
    pandas.DataFrame
        Index = every category in order (all eight, even when empty); columns ``areas``,
        ``population`` and ``population_share`` (0-1 of the total population).
    """
    if not isinstance(categories.dtype, pd.CategoricalDtype):
        raise ValueError("categories is not a categorical series; build it with intersection_category.")
    if categories.isna().any():
        raise ValueError("categories has areas with no category.")
    missing_areas = categories.index.difference(population.index)
    if len(missing_areas) > 0:
        raise ValueError(f"population has no value for areas {list(missing_areas[:5])!r}.")
    people = pd.to_numeric(population.reindex(categories.index), errors="raise")
    if people.isna().any() or (people < 0).any():
        raise ValueError("population has missing or negative values for some areas.")
    frame = pd.DataFrame({"category": categories, "population": people})
    grouped = frame.groupby("category", observed=False)
    summary = pd.DataFrame(
        {
            "areas": grouped.size().astype("int64"),
            "population": grouped["population"].sum(),
        }
    ).reindex(categories.cat.categories, fill_value=0)
    total = summary["population"].sum()
    summary["population_share"] = summary["population"] / total if total > 0 else np.nan
    summary.index = pd.CategoricalIndex(
        summary.index, categories=categories.cat.categories, ordered=True, name="category"
    )
    return summary


def combination_counts(flags: pd.DataFrame) -> pd.DataFrame:
    """Areas per combination of weak pillars, for an UpSet-style bar chart.

    Returns
    -------
    pandas.DataFrame
        One row per combination (all eight, zero counts kept so the caller decides whether
        to drop them): ``combination`` label, one bool column per pillar saying whether it is
        part of the combination, and ``areas``. Sorted by ``areas`` descending; ties keep the
        category order, so the chart is stable.
    """
    bool_flags = _check_flags(flags)
    labels = intersection_category(bool_flags)
    counts = labels.value_counts(sort=False)
    pillars = [str(p) for p in bool_flags.columns]
    rows = [
        {"combination": label, **dict(zip(pillars, pattern, strict=True)), "areas": int(counts[label])}
        for label, pattern in _category_patterns(pillars)
    ]
    table = pd.DataFrame(rows)
    table["combination"] = pd.Categorical(table["combination"], dtype=labels.dtype)
    return table.sort_values("areas", ascending=False, kind="stable").reset_index(drop=True)


def bivariate_classes(x: pd.Series, y: pd.Series, k: int = 3) -> pd.Series:
    """Class each area into a k-by-k grid for a bivariate map, e.g. "x1-y3".

    Breaks are the quantiles at 1/k, 2/k, ... of each variable, taken over areas where both
    values are present (so each row and column of the legend holds about 1/k of the mapped
    areas). A value equal to a break goes into the lower class (right-closed intervals, as
    ``pandas.qcut``); with many ties a class can be empty. Class 1 holds the lowest raw values:
    polarity is the palette's business, not this function's. Areas missing either value get NaN.

    Returns
    -------
    pandas.Series
        Ordered categorical with categories "x1-y1", "x1-y2", ..., "xk-yk".
    """
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2:
        raise ValueError(f"Number of classes k={k!r} is not an integer of at least 2.")
    x_values, y_values = _aligned_pair(x, y)
    complete = x_values.notna() & y_values.notna()
    x_class = _quantile_class(x_values, complete, k)
    y_class = _quantile_class(y_values, complete, k)
    labels = [f"x{i}-y{j}" for i in range(1, k + 1) for j in range(1, k + 1)]
    values = [
        f"x{xc}-y{yc}" if ok else None
        for xc, yc, ok in zip(x_class, y_class, complete.to_numpy(), strict=True)
    ]
    dtype = pd.CategoricalDtype(labels, ordered=True)
    return pd.Series(pd.Categorical(values, dtype=dtype), index=x_values.index, name="bivariate_class")


def correlation(x: pd.Series, y: pd.Series) -> Correlation:
    """Pearson r and Spearman rho over areas where both values are present.

    With fewer than three complete pairs, or when either variable is constant, the
    coefficients are NaN (a correlation there would be meaningless), but ``n`` is still given.
    """
    x_values, y_values = _aligned_pair(x, y)
    complete = x_values.notna() & y_values.notna()
    x_used = x_values[complete].astype(float)
    y_used = y_values[complete].astype(float)
    n = int(complete.sum())
    if n < 3 or x_used.nunique() < 2 or y_used.nunique() < 2:
        return Correlation(float("nan"), float("nan"), n)
    pearson = float(np.corrcoef(x_used, y_used)[0, 1])
    spearman = float(np.corrcoef(x_used.rank(), y_used.rank())[0, 1])
    return Correlation(pearson, spearman, n)


# --- helpers -------------------------------------------------------------------------------


def _check_scores(scores: pd.DataFrame) -> None:
    if not isinstance(scores, pd.DataFrame):
        raise ValueError("scores is not a pandas DataFrame.")
    if scores.index.has_duplicates:
        raise ValueError("scores has duplicated area codes in its index.")
    non_numeric = [c for c in scores.columns if not pd.api.types.is_numeric_dtype(scores[c])]
    if non_numeric:
        raise ValueError(f"scores columns {non_numeric!r} are not numeric.")


def _polarity_for(polarity: Mapping[str, str], pillar: str) -> str:
    if pillar not in polarity:
        raise ValueError(f"polarity has no entry for pillar {pillar!r}.")
    value = polarity[pillar]
    if value not in POLARITIES:
        raise ValueError(f"Polarity {value!r} for pillar {pillar!r} is not one of {POLARITIES}.")
    return value


def _rule_for(rules: Mapping[str, RuleLike], pillar: str) -> ThresholdRule:
    if pillar not in rules:
        raise ValueError(f"rules has no entry for pillar {pillar!r}.")
    rule = rules[pillar]
    if isinstance(rule, ThresholdRule):
        return rule
    if isinstance(rule, tuple) and len(rule) == 2:
        return ThresholdRule(rule[0], float(rule[1]))
    raise ValueError(f"Rule {rule!r} for pillar {pillar!r} is not a ThresholdRule or (kind, value) pair.")


def _oriented_badness(values: pd.Series, polarity: str) -> pd.Series:
    """Values turned so that bigger always means worse."""
    numeric = values.astype(float)
    return -numeric if polarity == "higher_is_better" else numeric


def _badness_cut_off(badness: pd.Series, rule: ThresholdRule, polarity: str) -> float:
    if rule.kind == "worse_than":
        return -rule.value if polarity == "higher_is_better" else rule.value
    present = badness.dropna()
    if present.empty:
        return float("inf")  # nothing to flag: no area has a score
    return float(present.quantile(1 - rule.value))


def _check_flags(flags: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(flags, pd.DataFrame):
        raise ValueError("flags is not a pandas DataFrame.")
    if flags.shape[1] != 3:
        raise ValueError(f"flags has {flags.shape[1]} columns, not the three pillars.")
    not_bool = [c for c in flags.columns if not pd.api.types.is_bool_dtype(flags[c])]
    if not_bool:
        raise ValueError(f"flags columns {not_bool!r} are not boolean.")
    if flags.isna().any().any():
        raise ValueError("flags has missing values; weak_flags never produces them.")
    return flags.astype(bool)


def _category_patterns(pillars: list[str] | tuple[str, ...] | pd.Index) -> list[tuple[str, tuple[bool, ...]]]:
    """Each category label with the weak/not-weak pattern it stands for, in display order."""
    names = [str(p) for p in pillars]
    if len(names) != 3 or len(set(names)) != 3:
        raise ValueError(f"Pillars {names!r} are not three distinct names.")
    patterns = []
    for size in range(len(names) + 1):
        for members in combinations(range(len(names)), size):
            pattern = tuple(i in members for i in range(len(names)))
            patterns.append((_label_for_pattern(names, pattern), pattern))
    return patterns


def _label_for_pattern(pillars: list[str], pattern: tuple[bool, ...] | np.ndarray) -> str:
    weak = [p for p, is_weak in zip(pillars, pattern, strict=True) if is_weak]
    if not weak:
        return NO_PILLAR
    if len(weak) == len(pillars):
        return ALL_THREE
    return PAIR_SEPARATOR.join(weak)


def _aligned_pair(x: pd.Series, y: pd.Series) -> tuple[pd.Series, pd.Series]:
    for name, series in (("x", x), ("y", y)):
        if not isinstance(series, pd.Series):
            raise ValueError(f"{name} is not a pandas Series.")
        if series.index.has_duplicates:
            raise ValueError(f"{name} has duplicated area codes in its index.")
        if not pd.api.types.is_numeric_dtype(series):
            raise ValueError(f"{name} is not numeric.")
    if not x.index.sort_values().equals(y.index.sort_values()):
        raise ValueError("x and y do not cover the same areas.")
    return x, y.reindex(x.index)


def _quantile_class(values: pd.Series, complete: pd.Series, k: int) -> np.ndarray:
    """1-based class per area from quantile breaks over the complete areas."""
    used = values[complete].astype(float)
    if used.empty:
        return np.zeros(len(values), dtype=int)
    breaks = used.quantile([i / k for i in range(1, k)]).to_numpy()
    filled = values.astype(float).fillna(-np.inf).to_numpy()
    return 1 + np.searchsorted(breaks, filled, side="left")
