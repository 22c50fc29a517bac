"""The numbers behind the Pillars page: KPI small multiples, weak-pillar intersections, IMD-domain
intersections and bivariate classes. Pure pandas (no streamlit); the page's component draws them.

Thresholds: an area is "weak" on a pillar when its score is among the worst 10/20/25% of the level's
areas, or worse than the Leeds value. Ties follow metrics.intersections: an area exactly at the cut-off
counts as weak, so equal areas are treated alike (the weak share can exceed the nominal share).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from data.query import comparator_value, rank_worst_first, values_by_area
from data.registry import PILLARS
from geo.palettes import bivariate_colour, categorical_colours
from metrics.intersections import (NO_PILLAR, Correlation, ThresholdRule, bivariate_classes,
                                   category_summary, combination_counts, correlation, intersection_categories,
                                   intersection_category, missing_scores, weak_flags)
from metrics.pillar_values import kpi_ids, kpis_at_level, leeds_composite

COMPOSITE_PERIOD = "latest"
THRESHOLDS: dict[str, tuple[str, float | None]] = {
    "worst10": ("Worst 10% of areas", 0.10),
    "worst20": ("Worst 20% of areas", 0.20),
    "worst25": ("Worst 25% of areas", 0.25),
    "leeds": ("Worse than the Leeds value", None),
}


def threshold_label(choice: str, home: str = "Leeds") -> str:
    """A threshold's words, the "Leeds value" naming the home district's value (another district: its own)."""
    return THRESHOLDS[choice][0].replace("the Leeds value", f"the {home} value")


BASES = {"composite": "Pillar composite (mean of z-scores)", "lead": "Lead KPI only"}
TIE_RULE = ("An area exactly at the cut-off counts as weak, so equal areas are treated alike (with ties the weak "
            "share can be a little above the chosen share). Areas without a score are never counted as weak.")

# Okabe-Ito positions (geo/palettes.categorical_colours) per category, in intersection_categories order:
# None yellow (drawn pale), singles sky blue / orange / bluish green, pairs vermillion / blue / reddish
# purple, all three black.
_CATEGORY_COLOUR_INDEX = [4, 2, 1, 3, 6, 5, 7, 0]
NONE_ALPHA = 90

IMD_DOMAINS: dict[str, str] = {
    "Income": "imd_income_decile",
    "Employment": "imd_employment_decile",
    "Education": "imd_education_decile",
    "Health": "imd_health_decile",
    "Crime": "imd_crime_decile",
    "Housing and services": "imd_housing_and_services_decile",
    "Living environment": "imd_environment_decile",
}
IMD_PERIOD = "2025"


def composite_id(pillar: str) -> str:
    """Registry id of a pillar's composite, e.g. ``pillar_health_and_wellbeing``."""
    return "pillar_" + pillar.lower().replace(" ", "_")


def short_pillar(pillar: str) -> str:
    return {"Health and Wellbeing": "Health", "Inclusive Growth": "Growth", "Zero Carbon": "Carbon"}.get(pillar, pillar)


# --- KPI sets and small multiples ------------------------------------------------------------


def _or_nan(value: float | None) -> float:
    """A comparator from data.query.comparator_value as a float for the tables (NaN where there is none)."""
    return float("nan") if value is None else value


def compare_word(value: float, reference: float, polarity: str) -> str:
    """'better' / 'worse' / 'same' than a reference by the indicator's polarity ('' when either is missing)."""
    if pd.isna(value) or pd.isna(reference):
        return ""
    if np.isclose(value, reference):
        return "same"
    better = value > reference if polarity == "higher_is_better" else value < reference
    return "better" if better else "worse"


def kpi_overview(values: pd.DataFrame, registry, pillar: str, level: str) -> pd.DataFrame:
    """One row per KPI of the pillar: role, label, rationale, period, Leeds and England values, availability."""
    kpis = registry.pillar_kpis[pillar]
    rationale = {kpis.lead.id: kpis.lead.rationale} | {k.id: k.rationale for k in kpis.supporting}
    _, left_out = kpis_at_level(registry, pillar, level)
    rows = []
    for n, kpi in enumerate(kpi_ids(registry, pillar)):
        indicator = registry.get(kpi)
        period = indicator.latest.period
        leeds = _or_nan(comparator_value(values, kpi, period, "lad"))
        england = _or_nan(comparator_value(values, kpi, period, "england")) if indicator.england else float("nan")
        rows.append({
            "role": "Lead" if n == 0 else "Supporting", "indicator_id": kpi, "label": indicator.short_label,
            "rationale": rationale[kpi], "period": period, "source": indicator.latest.source,
            "polarity": indicator.polarity, "leeds": leeds, "england": england,
            "leeds_text": indicator.format_value(None if np.isnan(leeds) else leeds),
            "england_text": indicator.format_value(None if np.isnan(england) else england),
            "leeds_vs_england": compare_word(leeds, england, indicator.polarity),
            "available": kpi not in left_out, "left_out_reason": left_out.get(kpi, ""),
        })
    return pd.DataFrame(rows)


def small_multiples(values: pd.DataFrame, areas: pd.DataFrame, registry, pillar: str, level: str) -> pd.DataFrame:
    """Long table for one ranked-bar chart per KPI available at ``level``.

    Columns: indicator_id, label, code, area, value, rank (1 = worst by polarity), leeds, england,
    vs_leeds, vs_england (better / worse / same).
    """
    used, _ = kpis_at_level(registry, pillar, level)
    frames = []
    for kpi in used:
        indicator = registry.get(kpi)
        period = indicator.latest.period
        frame = pd.DataFrame({"code": areas["code"].astype(str).to_numpy(),
                              "area": areas["display_name"].astype(str).to_numpy()})
        frame["value"] = frame["code"].map(values_by_area(values, kpi, level, period).astype(float))
        leeds = _or_nan(comparator_value(values, kpi, period, "lad"))
        england = _or_nan(comparator_value(values, kpi, period, "england")) if indicator.england else float("nan")
        frame["rank"] = rank_worst_first(frame["value"], indicator.polarity)
        frame = frame.assign(indicator_id=kpi, label=indicator.titled(period), leeds=leeds,
                             england=england, value_text=frame["value"].map(
                                 lambda v: indicator.format_value(None if pd.isna(v) else float(v))))
        frame["vs_leeds"] = [compare_word(v, leeds, indicator.polarity) for v in frame["value"]]
        frame["vs_england"] = [compare_word(v, england, indicator.polarity) for v in frame["value"]]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --- pillar scores and intersections -------------------------------------------------------------


@dataclass(frozen=True)
class PillarScores:
    scores: pd.DataFrame              # index = area code, one column per pillar
    polarity: dict[str, str]
    leeds: dict[str, float]           # the Leeds value of each score, on the same scale
    indicator_ids: dict[str, str]     # which registry indicator each pillar is judged by


def pillar_scores(values: pd.DataFrame, areas: pd.DataFrame, registry, level: str, basis: str = "composite") -> PillarScores:
    """Each area's score per pillar: its composite or its lead KPI, with the matching Leeds value."""
    if basis not in BASES:
        raise ValueError(f"Unknown basis {basis!r}; use one of {', '.join(BASES)}.")
    codes = pd.Index(areas["code"].astype(str))
    columns, polarity, leeds, ids = {}, {}, {}, {}
    for pillar in PILLARS:
        if basis == "composite":
            indicator_id, period = composite_id(pillar), COMPOSITE_PERIOD
            leeds[pillar] = leeds_composite(values, registry, pillar, level, codes)
        else:
            indicator_id = registry.pillar_kpis[pillar].lead.id
            period = registry.get(indicator_id).latest.period
            leeds[pillar] = _or_nan(comparator_value(values, indicator_id, period, "lad"))
        columns[pillar] = values_by_area(values, indicator_id, level, period).astype(float)
        polarity[pillar] = registry.get(indicator_id).polarity
        ids[pillar] = indicator_id
    scores = pd.DataFrame(columns, index=codes).astype(float)
    return PillarScores(scores, polarity, leeds, ids)


def threshold_rule(choice: str, leeds_value: float) -> ThresholdRule:
    """The ThresholdRule for a threshold choice ("worst10", "worst20", "worst25" or "leeds")."""
    if choice not in THRESHOLDS:
        raise ValueError(f"Unknown threshold {choice!r}; use one of {', '.join(THRESHOLDS)}.")
    share = THRESHOLDS[choice][1]
    if share is not None:
        return ThresholdRule.worst_share(share)
    if leeds_value is None or not np.isfinite(leeds_value):
        raise ValueError("There is no Leeds value to compare with; choose a 'worst %' threshold instead.")
    return ThresholdRule.worse_than(leeds_value)


@dataclass(frozen=True)
class Intersections:
    flags: pd.DataFrame               # area x pillar, True = weak
    categories: pd.Series             # ordered categorical, one of eight per area
    summary: pd.DataFrame             # per category: areas, population, population_share
    combinations: pd.DataFrame        # UpSet rows: combination, one bool per pillar, areas (+ population)
    missing: pd.Series                # True where an area lacks a score on some pillar


def intersections(scores: pd.DataFrame, polarity: dict[str, str], rules: dict[str, ThresholdRule],
                  population: pd.Series) -> Intersections:
    """Weak flags, each area's category, and counts/population per category and combination."""
    flags = weak_flags(scores, polarity, rules)
    categories = intersection_category(flags)
    summary = category_summary(categories, population)
    combos = combination_counts(flags)
    combos["population"] = combos["combination"].astype(str).map(summary["population"].rename(index=str)).astype(float)
    return Intersections(flags, categories, summary, combos, missing_scores(scores).any(axis=1))


def category_colours(pillars: list[str] | tuple[str, ...] = PILLARS) -> dict[str, str]:
    """Fixed colour per category (8 distinct Okabe-Ito colours), so legends never reshuffle."""
    palette = categorical_colours()
    return {label: palette[i] for label, i in zip(intersection_categories(list(pillars)), _CATEGORY_COLOUR_INDEX)}


def category_alpha(category: str) -> int:
    """"None" is drawn pale so the weak areas stand out; every other category is opaque."""
    return NONE_ALPHA if category == NO_PILLAR else 235


def pale_hex(hex_colour: str, alpha: int, background: str = "#ffffff") -> str:
    """The colour a fill of ``alpha`` (0-255) shows on ``background``, for a matching legend swatch."""
    a = alpha / 255
    fg = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    bg = [int(background[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(a * f + (1 - a) * b):02x}" for f, b in zip(fg, bg))


def area_list(areas: pd.DataFrame, result: Intersections, scores: pd.DataFrame, category: str) -> pd.DataFrame:
    """Areas in one category with their scores, worst first on the sum of pillar ranks (for tables and CSV)."""
    if category not in set(result.categories.cat.categories):
        raise ValueError(f"Unknown category {category!r}.")
    codes = result.categories.index[result.categories.astype(str) == category]
    base = areas.set_index(areas["code"].astype(str))
    keep = [c for c in ("display_name", "ward24_name", "committee_name", "population") if c in base.columns]
    table = base.loc[codes, keep].copy()
    for pillar in scores.columns:
        table[pillar] = scores.loc[codes, pillar]
    table.insert(0, "code", codes)
    names = {"display_name": "Area", "code": "Code", "ward24_name": "Ward", "committee_name": "Committee",
             "population": "Population"}
    return table.rename(columns=names).reset_index(drop=True)


# --- IMD domains --------------------------------------------------------------------------


def domain_deciles(values: pd.DataFrame, codes: pd.Index, domains: list[str]) -> pd.DataFrame:
    """LSOA x domain table of national IMD 2025 deciles (1 = most deprived 10% of England)."""
    columns = {}
    for domain in domains:
        columns[domain] = values_by_area(values, IMD_DOMAINS[domain], "lsoa21", IMD_PERIOD).astype(float)
    return pd.DataFrame(columns, index=pd.Index(codes, dtype=str)).astype(float)


def domain_intersections(values: pd.DataFrame, lsoas: pd.DataFrame, domains: list[str], max_decile: int) -> Intersections:
    """LSOAs in England's worst ``max_decile`` deciles on each of three IMD domains, as eight categories."""
    if len(domains) != 3 or len(set(domains)) != 3:
        raise ValueError("Choose three different IMD domains.")
    if not 1 <= int(max_decile) <= 9:
        raise ValueError("The decile threshold must be from 1 to 9.")
    deciles = domain_deciles(values, pd.Index(lsoas["code"].astype(str)), domains)
    rules = {d: ThresholdRule.worse_than(float(max_decile)) for d in domains}   # decile <= max_decile is weak
    population = pd.Series(lsoas["population"].to_numpy(dtype=float), index=lsoas["code"].astype(str).to_numpy())
    return intersections(deciles, {d: "higher_is_better" for d in domains}, rules, population)


def pair_overlaps(flags: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """For every pair of columns: areas and people weak on both (whatever the third), e.g. health AND income."""
    rows = []
    for a, b in combinations(flags.columns, 2):
        both = flags[a] & flags[b]
        rows.append({"pair": f"{a} and {b}", "areas": int(both.sum()),
                     "population": float(population.reindex(flags.index)[both].sum())})
    return pd.DataFrame(rows)


# --- bivariate --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bivariate:
    table: pd.DataFrame       # code, area, x, y, x_class, y_class (1-3, 3 = worst third), colour
    correlation: Correlation


def indicator_values(values: pd.DataFrame, indicator, level: str, codes: pd.Index) -> pd.Series:
    period = indicator.latest.period
    series = values_by_area(values, indicator.id, level, period).astype(float)
    return series.reindex(pd.Index(codes, dtype=str)).astype(float)


def bivariate(values: pd.DataFrame, areas: pd.DataFrame, x_indicator, y_indicator, level: str) -> Bivariate:
    """The bivariate classes of two registry indicators (latest periods) at ``level``."""
    codes = pd.Index(areas["code"].astype(str))
    return bivariate_of(indicator_values(values, x_indicator, level, codes), x_indicator.polarity,
                        indicator_values(values, y_indicator, level, codes), y_indicator.polarity, areas)


def bivariate_of(x: pd.Series, x_polarity: str, y: pd.Series, y_polarity: str, areas: pd.DataFrame) -> Bivariate:
    """3x3 classes (terciles among areas with both values) oriented so class 3 = worst, and the correlation.

    ``x`` and ``y`` are indexed by area code (any measure: a registry indicator or a session's upload).
    Polarity: a "higher is better" measure is classed on its negated values, so the dark end of each
    axis is always the worse third; neutral measures keep class 3 = highest values. The correlation
    is on the raw values.
    """
    codes = pd.Index(areas["code"].astype(str))
    x = x.reindex(codes).astype(float)
    y = y.reindex(codes).astype(float)
    ox = -x if x_polarity == "higher_is_better" else x
    oy = -y if y_polarity == "higher_is_better" else y
    classes = bivariate_classes(ox, oy, k=3)
    x_class = classes.astype(str).str.extract(r"x(\d)-y(\d)")
    table = pd.DataFrame({"code": codes, "area": areas["display_name"].astype(str).to_numpy(),
                          "x": x.to_numpy(), "y": y.to_numpy()})
    table["x_class"] = pd.to_numeric(x_class[0], errors="coerce").to_numpy()
    table["y_class"] = pd.to_numeric(x_class[1], errors="coerce").to_numpy()
    table["colour"] = [bivariate_colour(int(a) - 1, int(b) - 1) if pd.notna(a) and pd.notna(b) else None
                       for a, b in zip(table["x_class"], table["y_class"])]
    return Bivariate(table, correlation(x, y))


def bivariate_legend_grid() -> list[list[str]]:
    """Rows top (y worst third) to bottom, columns left (x best third) to right: the square legend."""
    return [[bivariate_colour(xc, yc) for xc in range(3)] for yc in (2, 1, 0)]


def correlation_sentence(result: Correlation, x_label: str, y_label: str, level_label: str) -> str:
    """Plain-English statement of the correlation (strength words follow common rules of thumb)."""
    if result.n < 3 or np.isnan(result.pearson_r):
        return f"A correlation cannot be computed ({result.n} {level_label} with both values)."
    r = result.pearson_r
    size = abs(r)
    strength = "very strong" if size >= 0.8 else "strong" if size >= 0.6 else "moderate" if size >= 0.4 \
        else "weak" if size >= 0.2 else "very weak or no"
    direction = "positive" if r > 0 else "negative"
    return (f"Across {result.n} {level_label}, {x_label} and {y_label} have a {strength} {direction} correlation "
            f"(Pearson r = {r:+.2f}; Spearman rank correlation = {result.spearman_rho:+.2f}). "
            f"Correlation is not causation, and both are measured on areas, not people.")
