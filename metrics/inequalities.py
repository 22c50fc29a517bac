"""Inputs and results for the Inequalities page: areas grouped by deprivation, decile means, SII and gaps.

Everything here is pure (no Streamlit): the page's components call it through cached wrappers. The
statistics themselves live in metrics/sii.py (the phe_sii port) and metrics/gaps.py (Fingertips-style
gaps); this module only decides which areas, weights and deprivation groups go into them, and words
the result so that a board member can read it aloud.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.query import indicator_frame, national_decile_breaks, values_by_area
from data.registry import Indicator
from data.words import possessive
from geo.aggregate import Z_95, wilson_interval
from metrics.gaps import compare_to_benchmark, gap_to_benchmark, range_gap, weighted_mean_with_se
from metrics.sii import (MIN_QUANTILES, VALUE_TYPE_OTHER, VALUE_TYPE_PROPORTION, SiiResult,
                         assign_population_quantiles, slope_index_of_inequality)

LE_IDS = {"female": "life_expectancy_female", "male": "life_expectancy_male"}
LE_SEX_WORDS = {"female": "women", "male": "men"}
LE_PERIOD = "2016-20"
DEPRIVATION_ID = "imd_imd_score"
DEPRIVATION_PERIOD = "2025"
SII_LEVELS = ("lsoa21", "msoa", "ward24")
SII_SEED = 20162020
SII_REPETITIONS = 100_000
SUPPRESSED = "suppressed (not published by ONS)"
BELOW_COVERAGE = "not shown (under 50% of residents covered by published MSOA values)"
NO_DATA = "no data"
GROUPINGS = {"leeds": "within-Leeds population deciles", "national": "national deciles"}
_NOT_FOR_SII_UNITS = {"decile", "rank", "percentile", "people", "households"}


@dataclass(frozen=True)
class InequalityInputs:
    """Areas of one level with value, weight and deprivation groups, plus the words that label them.

    ``frame`` columns: code, display_name, committee_name, value, lower_ci, upper_ci, numerator,
    denominator, coverage, weight, imd_score, decile, quintile, status.
    """

    frame: pd.DataFrame
    indicator: Indicator
    level: str
    period: str
    mode: str
    grouping_label: str
    weight_label: str


# --------------------------------------------------------------------------- building the inputs


def area_inputs(values: pd.DataFrame, areas: pd.DataFrame, breaks: pd.DataFrame, indicator: Indicator,
                deprivation: Indicator, level: str, period: str, mode: str = "leeds",
                weights: pd.Series | None = None, weight_label: str | None = None,
                district: str = "Leeds") -> InequalityInputs:
    """Areas of ``level`` with the indicator, a weight and their deprivation decile and quintile.

    Deprivation is the population-weighted IMD 2025 score of each area (the LSOA score for LSOAs).
    ``mode="leeds"`` groups areas into deciles of Leeds' population (metrics.sii.assign_population_quantiles);
    ``mode="national"`` uses England's LSOA deciles: an LSOA's own published decile, and for larger
    areas the national LSOA decile whose score range holds the area's average score (an
    approximation, labelled as one). Every area is grouped, including those whose value is missing,
    so the deciles are deciles of all of Leeds; missing values are only left out of the means.

    Weights: ``weights`` (indexed by area code) when given, e.g. MSOA person-years for life
    expectancy; else the stored denominator for person-years-weighted indicators (wards, committees);
    else Census 2021 usual residents.
    """
    if level not in SII_LEVELS:
        raise ValueError(f"Level {level!r} has too few areas for deprivation deciles; use one of {', '.join(SII_LEVELS)}.")
    if mode not in GROUPINGS:
        raise ValueError(f"Deprivation grouping {mode!r} is unknown; use 'leeds' or 'national'.")
    frame = indicator_frame(values, areas, indicator, level, period)
    frame = frame.set_index("code", drop=False)
    frame.index.name = None
    frame["weight"], label = _weights(frame, indicator, weights, weight_label)
    frame["imd_score"] = values_by_area(values, DEPRIVATION_ID, level, DEPRIVATION_PERIOD).astype(float).reindex(frame.index)
    missing = frame["imd_score"].isna()
    if missing.any():
        raise ValueError(f"IMD {DEPRIVATION_PERIOD} score is missing for {int(missing.sum())} areas of level {level}.")
    if mode == "leeds":
        frame["decile"] = assign_population_quantiles(frame["imd_score"], frame["weight"], 10)
        frame["quintile"] = assign_population_quantiles(frame["imd_score"], frame["weight"], 5)
        grouping = (f"deciles of {possessive(district)} population ranked by IMD {DEPRIVATION_PERIOD} score "
                    f"({_level_noun(level)} level, within {district})")
    else:
        frame["decile"] = _national_deciles(values, breaks, deprivation, frame, level)
        frame["quintile"] = (frame["decile"] + 1) // 2
        grouping = (f"England's IMD {DEPRIVATION_PERIOD} deciles (each LSOA's published national decile)" if level == "lsoa21"
                    else f"England's IMD {DEPRIVATION_PERIOD} LSOA deciles applied to each {_level_noun(level)}'s "
                         f"population-weighted average score (an approximation: {_level_noun(level)}s have no official decile)")
    frame["status"] = _status(frame, indicator, level)
    return InequalityInputs(frame, indicator, level, period, mode, grouping, label)


def _weights(frame: pd.DataFrame, indicator: Indicator, weights: pd.Series | None,
             weight_label: str | None) -> tuple[pd.Series, str]:
    if weights is not None:
        chosen = weights.reindex(frame.index).astype(float)
        if chosen.isna().any():
            raise ValueError(f"weights are missing for areas {list(frame.index[chosen.isna()])}.")
        return chosen, weight_label or "given weights"
    if indicator.aggregation.weight == "person_years" and frame["denominator"].notna().all():
        return frame["denominator"].astype(float), "person-years at risk 2016-20 (ONS), split by Census 2021 population"
    return frame["population"].astype(float), "Census 2021 usual residents"


def _national_deciles(values, breaks, deprivation, frame, level) -> pd.Series:
    if level == "lsoa21":
        deciles = values_by_area(values, "imd_imd_decile", level, DEPRIVATION_PERIOD).astype(float).reindex(frame.index)
        if deciles.isna().any():
            raise ValueError(f"The national IMD {DEPRIVATION_PERIOD} decile is missing for some LSOAs.")
        return deciles.astype(int)
    uppers, deciles = national_decile_breaks(breaks, deprivation, DEPRIVATION_PERIOD)
    position = np.searchsorted(np.asarray(uppers, dtype=float), frame["imd_score"].to_numpy(), side="left")
    return pd.Series(np.asarray(deciles)[position], index=frame.index).astype(int)


def _status(frame: pd.DataFrame, indicator: Indicator, level: str) -> pd.Series:
    """Why a value is blank: ONS suppression (native MSOA life expectancy) or low coverage (approximations)."""
    published = frame["value"].notna()
    if indicator.ci == "published" and level == indicator.native_level:
        blank = SUPPRESSED
    elif indicator.aggregation.weight == "person_years":
        blank = BELOW_COVERAGE
    else:
        blank = NO_DATA
    approx = indicator.aggregation.weight == "person_years" and level != indicator.native_level
    shown = "approximation (person-years-weighted)" if approx else "published"
    return pd.Series(np.where(published, shown, blank), index=frame.index)


def _level_noun(level: str) -> str:
    return {"lsoa21": "LSOA", "msoa": "MSOA", "ward24": "ward", "committee": "committee"}.get(level, level)


def leeds_person_years(england_le: pd.DataFrame, codes: pd.Index, sex: str) -> pd.Series:
    """Person-years at risk 2016-20 of Leeds MSOAs for one sex, from the stored England MSOA table.

    MSOA codes are unchanged 2011 -> 2021 in Leeds (SOURCES.md), so 2011 codes index 2021 areas.
    """
    out, missing = district_person_years(england_le, codes, sex)
    if missing:
        raise ValueError(f"Person-years are missing for MSOAs {missing}.")
    return out


def district_person_years(england_le: pd.DataFrame, codes: pd.Index, sex: str) -> tuple[pd.Series, list[str]]:
    """Person-years 2016-20 of a district's MSOAs that have them, and the codes of those that have none.

    ONS published 2016-20 life expectancy for 2011 MSOAs; an MSOA created in 2021 (Manchester and Bristol have
    four each) has neither a value nor person-years. The SII is then computed over the MSOAs that have them, as
    the England figure leaves out MSOAs whose code changed (ENGLAND_DESCRIPTION): never with a filled-in weight.
    """
    rows = england_le[england_le["sex"] == sex]
    years = pd.Series(rows["person_years"].to_numpy(dtype=float), index=rows["msoa11_code"].to_numpy())
    out = years.reindex(codes)
    missing = [str(c) for c in out.index[out.isna()]]
    return out.dropna(), missing


def left_out_sentence(names: list[str], residents: float, total: float, district: str, count: int) -> str:
    """Which MSOAs the life-expectancy SII leaves out and what that means for it ('' when none)."""
    if not names:
        return ""
    share = residents / total if total else float("nan")
    return (f"Computed over {count - len(names)} of {possessive(district)} {count} MSOAs. {len(names)} MSOAs created in 2021 "
            f"({'; '.join(names)}) have no {LE_PERIOD} life expectancy: ONS published it for 2011 MSOAs only. Their "
            f"{residents:,.0f} residents ({share:.1%} of {possessive(district)}, Census 2021) are outside the deciles, so the "
            f"SII and the range describe the rest of {district}; the England figure leaves out MSOAs whose code "
            f"changed in the same way.")


# --------------------------------------------------------------------------- which indicators and how


def sii_candidates(indicators: list[Indicator], level: str, all_levels: list[str]) -> list[Indicator]:
    """Indicators that can be put through the SII at ``level``: a rate, share, score or value per person.

    Left out: counts (people, households), ranks, deciles and percentiles, and every IMD score and
    share (``imd_*``): they make up the deprivation measure that defines the deciles, so their
    gradient is built in.
    """
    return [i for i in indicators
            if i.aggregation.rule in ("weighted_mean", "sum_ratio") and i.unit not in _NOT_FOR_SII_UNITS
            and not i.id.startswith("imd_") and level in i.levels(all_levels)]


def value_type_for(inputs: InequalityInputs) -> tuple[int, str]:
    """phe_sii value type and a sentence saying why.

    Percentages with numerator and denominator counts for every area are proportions (value type 2:
    counts pooled per decile, Wilson limits, simulated on the logit scale, SII in percentage points).
    Everything else is "normal" (value type 0): decile means with published confidence limits where
    the indicator has them (life expectancy), else limits from the spread of area values in the decile.
    """
    present = inputs.frame[inputs.frame["value"].notna()]
    counts = present[["numerator", "denominator"]].notna().all(axis=None) and (present["denominator"] > 0).all()
    if inputs.indicator.unit == "%" and counts and not present.empty:
        return VALUE_TYPE_PROPORTION, ("a proportion (phe_sii value type 2): numerator and denominator counts pooled "
                                       "per decile, 95% limits by Wilson's method, simulated on the logit scale")
    if present[["lower_ci", "upper_ci"]].notna().all(axis=None) and not present.empty:
        return VALUE_TYPE_OTHER, ("a normally distributed value (phe_sii value type 0): weighted decile means with "
                                  "95% limits combined from each area's published limits")
    return VALUE_TYPE_OTHER, ("a normally distributed value (phe_sii value type 0): weighted decile means with "
                              "95% limits from the spread of area values within each decile (no published limits)")


# --------------------------------------------------------------------------- group means and the SII


def group_means(inputs: InequalityInputs, value_type: int, group: str = "decile") -> pd.DataFrame:
    """One row per deprivation group (1 = most deprived) with its weighted value and 95% limits.

    Columns: quantile, areas, areas_without_value, population, value, lower, upper, count,
    denominator. Percentages stay in percent for display; ``count``/``denominator`` are the pooled
    counts (value type 2 only). Groups with no areas at all are left out.
    """
    rows = []
    for quantile, members in inputs.frame.groupby(group, sort=True):
        present = members[members["value"].notna()]
        row = {"quantile": int(quantile), "areas": len(members), "areas_without_value": int(len(members) - len(present)),
               "population": float(members["weight"].sum()), "value": np.nan, "lower": np.nan, "upper": np.nan,
               "count": np.nan, "denominator": np.nan}
        if not present.empty:
            row.update(_pooled(present, value_type))
        rows.append(row)
    return pd.DataFrame(rows)


def _pooled(present: pd.DataFrame, value_type: int) -> dict:
    if value_type == VALUE_TYPE_PROPORTION:
        count, denominator = float(present["numerator"].sum()), float(present["denominator"].sum())
        low, high = wilson_interval(pd.Series([count]), pd.Series([denominator]))
        lower, upper = float(low.iloc[0]), float(high.iloc[0])
        return {"value": 100 * count / denominator, "lower": 100 * lower, "upper": 100 * upper,
                "count": count, "denominator": denominator}
    if present[["lower_ci", "upper_ci"]].notna().all(axis=None):
        mean = weighted_mean_with_se(present["value"], present["weight"], present["lower_ci"], present["upper_ci"])
        return {"value": mean.value, "lower": mean.lower, "upper": mean.upper}
    value, se = spread_mean(present["value"], present["weight"])
    return {"value": value, "lower": value - Z_95 * se, "upper": value + Z_95 * se}


def spread_mean(values: pd.Series, weights: pd.Series) -> tuple[float, float]:
    """Weighted mean and its standard error from the spread of the values (NaN SE for one area).

    SE = sqrt(n / (n - 1) * sum(w_i^2 (x_i - mean)^2)) / sum(w): the usual ratio-estimator standard
    error, used when areas carry no confidence limits of their own.
    """
    x, w = values.to_numpy(dtype=float), weights.to_numpy(dtype=float)
    total = w.sum()
    if total <= 0:
        raise ValueError("weights sum to zero.")
    mean = float((w * x).sum() / total)
    n = len(x)
    if n < 2:
        return mean, float("nan")
    se = float(np.sqrt(n / (n - 1) * (w**2 * (x - mean) ** 2).sum()) / total)
    return mean, se


def inequality_slope(groups: pd.DataFrame, value_type: int, *, repetitions: int = SII_REPETITIONS,
                     seed: int = SII_SEED, district: str = "Leeds") -> SiiResult:
    """SII and RII of the group means, via the phe_sii port (95% limits by simulation, fixed seed).

    Value type 0 uses each group's 95% limits; value type 2 uses pooled counts (SE by Wilson) with
    a multiplier of 100 so the SII reads in percentage points. Groups without a value are left out;
    fewer than five groups left, or a group without limits, raise a ValueError saying which.
    """
    table = groups[groups["value"].notna()].copy()
    if len(table) < MIN_QUANTILES:
        raise ValueError(f"Only {len(table)} deprivation groups have a value; the SII needs at least {MIN_QUANTILES}.")
    if value_type == VALUE_TYPE_PROPORTION:
        table["proportion"] = table["count"] / table["denominator"]
        return slope_index_of_inequality(table, population_col="denominator", value_col="proportion", count_col="count",
                                         value_type=VALUE_TYPE_PROPORTION, multiplier=100.0, rii=True,
                                         repetitions=repetitions, seed=seed)
    no_limits = table[table["lower"].isna() | table["upper"].isna()]
    if not no_limits.empty:
        raise ValueError(f"Decile(s) {no_limits['quantile'].tolist()} hold a single area, so no confidence limits "
                         f"can be estimated from the spread of values; try within-{district} deciles or a finer level.")
    return slope_index_of_inequality(table, value_col="value", lower_cl_col="lower", upper_cl_col="upper",
                                     value_type=VALUE_TYPE_OTHER, rii=True, repetitions=repetitions, seed=seed)


def fitted_line(result: SiiResult, scale: float = 1.0) -> pd.DataFrame:
    """The fitted SII line from relative rank 0 (most deprived) to 1 (least deprived), in display units."""
    ranks = np.asarray(result.relative_ranks, dtype=float)
    fitted = np.asarray(result.fitted_values, dtype=float)
    slope, intercept = np.polyfit(ranks, fitted, 1) if len(set(ranks)) > 1 else (0.0, fitted[0])
    return pd.DataFrame({"relative_rank": [0.0, 1.0], "fitted_value": [scale * intercept, scale * (intercept + slope)]})


def decile_chart_table(groups: pd.DataFrame, result: SiiResult) -> pd.DataFrame:
    """Groups with the relative rank (mid-point of cumulative population) the SII placed them at."""
    ranks = pd.Series(result.relative_ranks, index=[int(q) for q in result.quantiles], name="relative_rank")
    return groups.merge(ranks, left_on="quantile", right_index=True, how="left")


# --------------------------------------------------------------------------- words


def unit_words(indicator: Indicator) -> str:
    return {"%": "percentage points", "years": "years"}.get(indicator.unit, indicator.unit)


def sii_summary(result: SiiResult, indicator: Indicator) -> str:
    """'8.4 years (95% CI 7.1 to 9.8)' in the indicator's units."""
    lower, upper = result.sii_ci(0.95)
    fmt = indicator.format
    return f"{fmt.format(result.sii)} {unit_words(indicator)} (95% CI {fmt.format(lower)} to {fmt.format(upper)})"


def life_expectancy_sentence(result: SiiResult, sex: str, indicator: Indicator, district: str = "Leeds") -> str:
    """The SII read aloud as what it is: the gap across the whole range of deprivation, from a fitted line.

    Not the gap between the most and least deprived tenth: that is :func:`range_sentence`, a different figure.
    """
    lower, upper = result.sii_ci(0.95)
    fmt = indicator.format
    direction = "lower" if result.sii >= 0 else "higher"
    return (f"Across the whole range of deprivation in {district} ({LE_PERIOD}), the fitted line puts {LE_SEX_WORDS[sex]}'s "
            f"life expectancy {fmt.format(abs(result.sii))} years {direction} at the most deprived end than at the "
            f"least deprived end (Slope Index of Inequality, 95% CI {fmt.format(lower)} to {fmt.format(upper)} years).")


def range_sentence(gaps: pd.DataFrame, sex: str, indicator: Indicator, district: str = "Leeds") -> str:
    """The most v least deprived tenth (the range), from :func:`extreme_group_gaps`, in plain words."""
    row = gaps.set_index("groups").loc["Most v least deprived tenth"]
    if pd.isna(row["gap"]):
        return "The most and least deprived tenths cannot be compared: one has no area with a value."
    direction = "shorter" if row["gap"] >= 0 else "longer"
    fmt = indicator.format
    return (f"Comparing group averages instead, {LE_SEX_WORDS[sex]} in the most deprived tenth of {possessive(district)} population "
            f"live {fmt.format(abs(row['gap']))} years {direction} lives than those in the least deprived tenth "
            f"({fmt.format(row['most_deprived'])} against {fmt.format(row['least_deprived'])} years).")


def indicator_sentence(result: SiiResult, inputs: InequalityInputs, district: str = "Leeds") -> str:
    """Plain reading of any indicator's SII: how far the least deprived end sits above or below the most deprived."""
    indicator = inputs.indicator
    fmt = indicator.format
    lower, upper = result.sii_ci(0.95)
    side = "higher" if result.sii >= 0 else "lower"
    significant = not (lower <= 0 <= upper)
    verdict = "" if significant else " The confidence interval includes zero: no clear gradient."
    return (f"{indicator.label} ({inputs.period}): at the least deprived end of {district} the fitted value is "
            f"{fmt.format(abs(result.sii))} {unit_words(indicator)} {side} than at the most deprived end "
            f"(Slope Index of Inequality, 95% CI {fmt.format(lower)} to {fmt.format(upper)}).{verdict}")


def no_district_value_sentence(district: str, coverage: float | None, min_share: float) -> str:
    """Why there is no district life expectancy to measure gaps to: the coverage rule left it blank."""
    held = f"hold {coverage:.1%} of its residents" if coverage is not None and coverage == coverage else "hold too few of its residents"
    return (f"Not available for {district}: its {LE_PERIOD} life expectancy here is a person-years-weighted mean of its "
            f"MSOAs' published values, and the MSOAs with a value {held}, under the {min_share:.0%} the coverage "
            f"rule asks for (MSOAs created in 2021 and those ONS did not publish have none). There is no {district} "
            f"value to measure the areas' gaps to.")


# --------------------------------------------------------------------------- gaps


def area_gaps(frame: pd.DataFrame, indicator: Indicator, level: str, benchmark: float | None) -> pd.DataFrame:
    """Each area's gap to the Leeds value and whether its 95% CI excludes it (Fingertips convention).

    ``frame`` is an indicator frame (data.query.indicator_frame) of any level. Areas without a value
    keep a status that says why ("suppressed (not published by ONS)"), never a zero.
    """
    keep = [c for c in ("code", "display_name", "committee_name", "value", "lower_ci", "upper_ci") if c in frame.columns]
    out = frame[keep].copy()
    out["status"] = _status(frame, indicator, level).to_numpy()
    if benchmark is None:
        out["gap"] = np.nan
        out["comparison"] = "Not compared"
        return out
    out["gap"] = gap_to_benchmark(frame["value"], float(benchmark)).to_numpy()
    out["comparison"] = compare_to_benchmark(frame["value"], frame["lower_ci"], frame["upper_ci"],
                                             float(benchmark)).astype(str).to_numpy()
    return out


def comparison_counts(gaps: pd.DataFrame) -> dict[str, int]:
    """How many areas are significantly lower, similar, significantly higher or not compared."""
    counts = gaps["comparison"].value_counts()
    return {label: int(counts.get(label, 0)) for label in ("Significantly lower", "Similar", "Significantly higher",
                                                          "Not compared")}


def suppressed_count(inputs: InequalityInputs) -> int:
    """Areas whose value ONS did not publish (shown as suppressed, never as zero)."""
    return int((inputs.frame["status"] == SUPPRESSED).sum())


def highest_lowest(frame: pd.DataFrame) -> dict:
    """Highest and lowest areas by value and the range between them (missing values ignored)."""
    values = frame.set_index("display_name")["value"]
    gap = range_gap(values)
    return {"highest": str(gap.max_area), "highest_value": float(values[gap.max_area]),
            "lowest": str(gap.min_area), "lowest_value": float(values[gap.min_area]), "range": gap.gap}


def extreme_group_gaps(inputs: InequalityInputs, value_type: int) -> pd.DataFrame:
    """Most v least deprived fifth and tenth: weighted values with 95% limits and the gap (least minus most)."""
    rows = []
    for group, name, n in (("quintile", "fifth", 5), ("decile", "tenth", 10)):
        means = group_means(inputs, value_type, group).set_index("quantile")
        most, least = means.loc[1] if 1 in means.index else None, means.loc[n] if n in means.index else None
        rows.append({
            "groups": f"Most v least deprived {name}",
            "most_deprived": np.nan if most is None else most["value"],
            "most_deprived_ci": _ci_text(most, inputs.indicator),
            "least_deprived": np.nan if least is None else least["value"],
            "least_deprived_ci": _ci_text(least, inputs.indicator),
            "gap": np.nan if most is None or least is None else least["value"] - most["value"],
        })
    return pd.DataFrame(rows)


def _ci_text(row, indicator: Indicator) -> str:
    if row is None or pd.isna(row["value"]):
        return "no areas with a value"
    if pd.isna(row["lower"]):
        return "no CI (one area)"
    return f"{indicator.format.format(row['lower'])} to {indicator.format.format(row['upper'])}"


# --------------------------------------------------------------------------- England


ENGLAND_DESCRIPTION = (
    "England figure computed by this app the same way as the {district} one, not the official OHID figure: "
    "English MSOAs with published {period} life expectancy whose 2011 code is unchanged in 2021 ({used:,} "
    "MSOAs; {dropped:,} with changed codes or unpublished values left out), grouped into deciles of England's "
    "person-years by their population-weighted IMD {imd} score; decile values are person-years-weighted "
    "means of MSOA life expectancy.")


@dataclass(frozen=True)
class EnglandSii:
    result: SiiResult
    groups: pd.DataFrame
    description: str


def england_life_expectancy_sii(table: pd.DataFrame, sex: str, *, repetitions: int = SII_REPETITIONS,
                                seed: int = SII_SEED, district: str = "Leeds") -> EnglandSii:
    """England's SII in life expectancy across MSOA deciles of IMD score (see ENGLAND_DESCRIPTION).

    ``table`` is the store's England MSOA table (data/pipeline/england.py builds it).
    """
    own = table[table["sex"] == sex].set_index("msoa11_code")
    frame = own[["value", "lower_ci", "upper_ci", "person_years", "imd_score"]].rename(
        columns={"person_years": "weight"})
    usable = frame.dropna()
    usable = usable[usable["weight"] > 0]
    usable = usable.assign(decile=assign_population_quantiles(usable["imd_score"], usable["weight"], 10))
    rows = []
    for decile, members in usable.groupby("decile", sort=True):
        mean = weighted_mean_with_se(members["value"], members["weight"], members["lower_ci"], members["upper_ci"])
        rows.append({"quantile": int(decile), "areas": len(members), "population": float(members["weight"].sum()),
                     "value": mean.value, "lower": mean.lower, "upper": mean.upper})
    groups = pd.DataFrame(rows)
    result = inequality_slope(groups, VALUE_TYPE_OTHER, repetitions=repetitions, seed=seed)
    description = ENGLAND_DESCRIPTION.format(period=LE_PERIOD, used=len(usable), dropped=len(frame) - len(usable),
                                             imd=DEPRIVATION_PERIOD, district=district)
    return EnglandSii(result, groups, description)


# --------------------------------------------------------------------------- one district (the cities page)


@dataclass(frozen=True)
class DistrictSii:
    """A district's life-expectancy SII and what went into it: MSOAs in the district (2021), those with a
    published value, those ONS did not publish, and those with no 2016-20 figure at all (new or changed 2021 codes)."""
    result: SiiResult | None
    groups: pd.DataFrame
    msoas: int
    used: int
    suppressed: int
    no_figure: int
    reason: str = ""


def district_life_expectancy_sii(table: pd.DataFrame, msoas: list[str], sex: str, *,
                                 repetitions: int = SII_REPETITIONS, seed: int = SII_SEED) -> DistrictSii:
    """The Inequalities page's within-district SII for one district's MSOAs (2021 codes) from the England table.

    As for Leeds: every MSOA with a 2016-20 row is put into deciles of the district's person-years by its
    population-weighted IMD score (suppressed ones too, so the deciles are deciles of the whole district);
    decile values are person-years-weighted means with limits combined from each MSOA's published limits;
    the SII comes from metrics.sii (phe_sii). An MSOA whose 2021 code has no 2016-20 row (new or changed in
    2021) cannot be placed and is counted in ``no_figure``; when fewer than five deciles have a value, the
    result is None and ``reason`` says why.
    """
    own = table[(table["sex"] == sex) & table["msoa11_code"].isin(set(msoas))].set_index("msoa11_code")
    own = own[own["imd_score"].notna() & own["person_years"].notna() & (own["person_years"] > 0)]
    no_figure = len(set(msoas) - set(own.index))
    present = own["value"].notna() & own["lower_ci"].notna() & own["upper_ci"].notna()
    frame = own.assign(weight=own["person_years"].astype(float),
                       decile=assign_population_quantiles(own["imd_score"], own["person_years"].astype(float), 10)
                       if len(own) >= 10 else np.nan)
    rows = []
    for decile, members in frame[present].groupby("decile", sort=True):
        mean = weighted_mean_with_se(members["value"], members["weight"], members["lower_ci"], members["upper_ci"])
        rows.append({"quantile": int(decile), "areas": len(members),
                     "population": float(frame.loc[frame["decile"] == decile, "weight"].sum()),
                     "value": mean.value, "lower": mean.lower, "upper": mean.upper})
    groups = pd.DataFrame(rows, columns=["quantile", "areas", "population", "value", "lower", "upper"])
    counts = {"msoas": len(set(msoas)), "used": int(present.sum()), "suppressed": int((~present).sum()),
              "no_figure": no_figure}
    try:
        result = inequality_slope(groups, VALUE_TYPE_OTHER, repetitions=repetitions, seed=seed)
    except ValueError as error:
        return DistrictSii(None, groups, **counts, reason=str(error))
    return DistrictSii(result, groups, **counts)
