"""A community committee against Leeds: its wards on the headline measures, what changed, its pillar
intersections and its warm-space coverage (issue 19 item 2, the committee home and pack).

Every figure is read from the store's tables passed in; where a figure cannot be computed the result says
so in words (never a made-up number). The measures and rules are configured in data/committee_home.yaml.
Significance follows Fingertips: a ward is better or worse than Leeds only when its 95% confidence interval
does not include Leeds' value. Pure: no Streamlit.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from data.catalogue import describe_validation_error, load_yaml
from data.settings import CATALOGUE_DIR, DataError
from data.query import comparator_value, select
from metrics.gaps import compare_to_benchmark, polarity_call
from metrics.intersections import NO_PILLAR, category_summary
from metrics.trends import Rule, change_table, default_pair, judge, leeds_changes, series_of_trend, series_periods
from metrics.warm_spaces import residents_beyond

CONFIG_PATH = CATALOGUE_DIR / "committee_home.yaml"
WORSE, BETTER, SIMILAR_WORDS = "worse than Leeds", "better than Leeds", "similar to Leeds"
HIGHER, LOWER = "higher than Leeds", "lower than Leeds"
NOT_TESTED = "not tested (no interval)"
NO_FIGURE = "no figure"
KINDS = ("committee", "ward", "leeds")


class Measure(BaseModel):
    """One headline measure: a registry indicator, its plain name and one sentence saying what it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    explain: str = ""


class IntersectionView(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    level: str
    basis: str
    threshold: str


class CommitteeConfig(BaseModel):
    """data/committee_home.yaml: the headline measures, the deprivation change and the pillar view."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    measures: tuple[Measure, ...]
    deprivation_change: Measure
    intersections: IntersectionView
    publishers: dict[str, str] = {}


@lru_cache(maxsize=4)
def load_config(path: Path = CONFIG_PATH) -> CommitteeConfig:
    """The committee home's configuration; one sentence naming the file when it is unusable."""
    raw = load_yaml(path)
    try:
        return CommitteeConfig.model_validate(raw)
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name, exc)) from None


# ---------- its wards against Leeds ----------

def _judgement(label: str, polarity: str) -> str:
    """Words for compare_to_benchmark's label, turned into better/worse by the measure's polarity."""
    return {"not compared": NOT_TESTED, "similar": SIMILAR_WORDS, "higher": HIGHER, "lower": LOWER,
            "better": BETTER, "worse": WORSE}[polarity_call(label, polarity)]


def ward_rows(values: pd.DataFrame, registry, wards: pd.DataFrame, committees: pd.DataFrame, committee: str,
              measures: tuple[Measure, ...]) -> pd.DataFrame:
    """Long table: the committee, each of its wards (by name) and Leeds on every measure's latest period.

    Columns: kind (committee | ward | leeds), code, name, indicator_id, label, period, source_id, value,
    lower_ci, upper_ci, leeds, judgement and text (the formatted value, or 'no figure').
    """
    own = committees[committees["code"] == committee]
    if own.empty:
        raise KeyError(f"No community committee with code {committee!r} in the store.")
    members = wards[wards["committee_code"] == committee].sort_values("name")
    areas = ([("committee", committee, str(own["name"].iloc[0]))]
             + [("ward", str(c), str(n)) for c, n in zip(members["code"], members["name"])]
             + [("leeds", "E08000035", "Leeds")])
    rows = []
    for measure in measures:
        indicator = registry.get(measure.id)
        period = indicator.latest.period
        leeds = comparator_value(values, measure.id, period, "lad")
        sel = select(values, measure.id, ["committee", "ward24", "lad"], period)
        by_code = sel.drop_duplicates("area_code").set_index(sel.drop_duplicates("area_code")["area_code"].astype(str))
        for kind, code, name in areas:
            row = by_code.loc[code] if code in by_code.index else None
            value = np.nan if row is None or pd.isna(row["value"]) else float(row["value"])
            lower = np.nan if row is None or pd.isna(row["lower_ci"]) else float(row["lower_ci"])
            upper = np.nan if row is None or pd.isna(row["upper_ci"]) else float(row["upper_ci"])
            if value != value:
                judgement = NO_FIGURE
            elif kind == "leeds":
                judgement = ""
            else:
                label = compare_to_benchmark(pd.Series([value]), pd.Series([lower]), pd.Series([upper]),
                                             np.nan if leeds is None else leeds).iloc[0]
                judgement = _judgement(label, indicator.polarity)
            rows.append({"kind": kind, "code": code, "name": name, "indicator_id": measure.id, "label": measure.label,
                         "period": period, "source_id": indicator.latest.source, "value": value, "lower_ci": lower,
                         "upper_ci": upper, "leeds": np.nan if leeds is None else float(leeds),
                         "judgement": judgement,
                         "text": NO_FIGURE if value != value else indicator.format_value(value)})
    return pd.DataFrame(rows)


def ward_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Wide view of :func:`ward_rows`: one row per area (committee, wards, Leeds), one column per measure
    ('Label (period)'), each cell the figure followed by its judgement in words where one was tested."""
    def cell(r) -> str:
        if r.judgement in ("", NO_FIGURE, NOT_TESTED):
            return r.text
        return f"{r.text} · {r.judgement}"

    frame = rows.assign(column=rows["label"] + " (" + rows["period"] + ")", cell=[cell(r) for r in rows.itertuples()])
    order = list(dict.fromkeys(frame["name"]))
    wide = frame.pivot(index="name", columns="column", values="cell").reindex(order)
    wide = wide[list(dict.fromkeys(frame["column"]))]
    kinds = frame.drop_duplicates("name").set_index("name")["kind"].reindex(order)
    wide.insert(0, "Area", [f"{n} (committee)" if k == "committee" else n for n, k in zip(order, kinds)])
    return wide.reset_index(drop=True)


def ward_sentences(rows: pd.DataFrame) -> list[str]:
    """Plain sentences from the tested measures ('2 of its 4 wards are worse than Leeds on ...') and one per
    measure some area has no figure for. Built only from the rows' own judgements."""
    out = []
    wards = rows[rows["kind"] == "ward"]
    n = wards["code"].nunique()
    for (indicator_id, label), group in wards.groupby(["indicator_id", "label"], sort=False):
        tested = group[group["judgement"].isin([WORSE, BETTER, SIMILAR_WORDS, HIGHER, LOWER])]
        if tested.empty:
            continue
        worse = int((tested["judgement"] == WORSE).sum())
        better = int((tested["judgement"] == BETTER).sum())
        similar = len(tested) - worse - better
        parts = [f"{k} {'is' if k == 1 else 'are'} {words}" for k, words in
                 ((worse, "worse than Leeds"), (better, "better than Leeds"), (similar, "not clearly different"))
                 if k]
        out.append(f"{label}: of its {n} wards, " + ", ".join(parts) + ".")
    for label, group in rows[rows["judgement"] == NO_FIGURE].groupby("label", sort=False):
        names = ", ".join(group["name"])
        out.append(f"{label}: no figure is held for {names}, so it cannot be shown there.")
    return out


def untested_measures(rows: pd.DataFrame) -> list[str]:
    """Labels of the measures that carry no confidence interval for any ward (shown without a judgement)."""
    wards = rows[rows["kind"] == "ward"]
    tested = set(wards.loc[wards["lower_ci"].notna() & wards["upper_ci"].notna(), "label"])
    return [label for label in dict.fromkeys(wards["label"]) if label not in tested]


# ---------- what changed ----------

def _same_periods(table: pd.DataFrame, trend, level: str, series_id: str, start: str, end: str) -> str:
    rows = table[(table["trend_id"] == trend.id) & (table["area_level"] == level) & (table["series_id"] == series_id)]
    if not {start, end} <= set(rows[rows["value"].notna()]["period"]):
        return "no Leeds figure for these periods"
    return str(change_table(rows, series_id, level, start, end, trend.polarity, Rule.of(trend.change_rule))
               ["judgement"].iloc[0])


def committee_changes(table: pd.DataFrame, trends, code: str) -> pd.DataFrame:
    """Per stored time series with two or more periods for the committee: its change over the latest series
    (first and latest period; monthly series: a year back), the judgement by the series' own rule, and Leeds'
    judgement over the same periods. Never spans a break. Columns: trend_id, Measure, From, To, Then, Now,
    change, Judgement, Leeds, rule, sources."""
    rows = []
    mine = table[(table["area_level"] == "committee") & (table["area_code"] == code)]
    for trend in trends:
        own = mine[(mine["trend_id"] == trend.id) & mine["value"].notna()]
        if own.empty:
            continue
        series_id = series_of_trend(own, trend.id)[-1]
        changes = [c for c in leeds_changes(own, trend, "committee", code) if c["series_id"] == series_id]
        if not changes:
            continue
        c = changes[0]
        used = own[(own["series_id"] == series_id) & own["period"].isin([c["start"], c["end"]])]
        rows.append({"trend_id": trend.id, "Measure": trend.label, "From": c["start"], "To": c["end"],
                     "Then": trend.format_value(c["value_start"]), "Now": trend.format_value(c["value_end"]),
                     "change": float(c["change"]), "Judgement": c["judgement"],
                     "Leeds": _same_periods(table, trend, "lad", series_id, c["start"], c["end"]),
                     "rule": trend.change_rule.text, "sources": tuple(sorted(set(used["source"].astype(str))))})
    return pd.DataFrame(rows, columns=["trend_id", "Measure", "From", "To", "Then", "Now", "change", "Judgement",
                                       "Leeds", "rule", "sources"])


def deprivation_change(values: pd.DataFrame, registry, code: str, measure: Measure) -> dict | None:
    """The committee's and Leeds' change between the two editions of an Indices of Deprivation share (2019
    and 2025), judged by direction only (the Indices publish no interval); None when either is missing."""
    indicator = registry.get(measure.id)
    periods = sorted(indicator.periods)
    if len(periods) < 2:
        return None
    start, end = periods[0], periods[-1]
    rule = Rule("none")

    def pair(level: str, area: str | None) -> tuple[float, float] | None:
        got = []
        for period in (start, end):
            sel = select(values, measure.id, level, period, area)
            if sel.empty or pd.isna(sel["value"].iloc[0]):
                return None
            got.append(float(sel["value"].iloc[0]))
        return got[0], got[1]

    mine, leeds = pair("committee", code), pair("lad", None)
    if mine is None:
        return None
    return {"trend_id": measure.id, "Measure": measure.label, "From": start, "To": end,
            "Then": indicator.format_value(mine[0]), "Now": indicator.format_value(mine[1]),
            "change": mine[1] - mine[0], "Judgement": judge(mine[0], mine[1], indicator.polarity, rule, "committee"),
            "Leeds": judge(leeds[0], leeds[1], indicator.polarity, rule, "lad") if leeds else "no Leeds figure",
            "rule": "The Indices of Deprivation publish no interval: any change between the two editions is shown "
                    "as better or worse.",
            "sources": tuple(dict.fromkeys(indicator.edition(p).source for p in (start, end)))}


# ---------- pillar intersections ----------

def committee_intersections(categories: pd.Series, population: pd.Series, committee_of: pd.Series,
                            committee: str) -> pd.DataFrame:
    """Neighbourhoods and residents per combination of weak pillars, in the committee and in Leeds.

    ``categories`` (index = area code) from metrics.intersections; ``committee_of`` maps area code to
    committee code. Columns: areas, population, population_share (committee), leeds_areas, leeds_share.
    """
    mask = committee_of.reindex(categories.index) == committee
    own = category_summary(categories[mask], population)
    leeds = category_summary(categories, population)
    own["leeds_areas"] = leeds["areas"]
    own["leeds_share"] = leeds["population_share"]
    return own


def intersection_sentence(summary: pd.DataFrame, place: str) -> str:
    """'N of its M neighbourhoods (P residents, x%) are weak on two or more pillars (Leeds y%)'."""
    labels = [str(c) for c in summary.index]
    pillars_of = {label: (0 if label == NO_PILLAR else 3 if label == labels[-1] else label.count(" + ") + 1)
                  for label in labels}
    several = [label for label, k in pillars_of.items() if k >= 2]
    areas, people = int(summary.loc[several, "areas"].sum()), float(summary.loc[several, "population"].sum())
    share = 100 * float(summary.loc[several, "population_share"].sum())
    leeds = 100 * float(summary.loc[several, "leeds_share"].sum())
    total = int(summary["areas"].sum())
    return (f"{areas} of {place}'s {total} neighbourhoods, home to {people:,.0f} people ({share:.1f}% of its "
            f"residents), {'is' if areas == 1 else 'are'} weak on two or more of the three pillars; across Leeds the share is {leeds:.1f}%.")


# ---------- warm spaces ----------

def warm_space_bands() -> list[int]:
    """The straight-line distance bands of the Warm spaces page (data/warm_spaces.yaml, access.bands_metres)."""
    return [int(b) for b in load_yaml(CATALOGUE_DIR / "warm_spaces.yaml")["access"]["bands_metres"]]


def warm_space_coverage(spaces: pd.DataFrame, access: pd.DataFrame, lsoas: pd.DataFrame, wards: pd.DataFrame,
                        committee: str, bands: list[int]) -> dict:
    """Spaces listed in the committee's wards (duplicates counted once), per 1,000 residents, and the residents
    whose neighbourhood point is beyond each straight-line distance band; the same for Leeds beside it."""
    own_spaces = spaces[spaces["duplicate_of"].isna()]
    ward_committee = dict(zip(wards["code"].astype(str), wards["committee_code"].astype(str)))
    in_committee = own_spaces["ward24_code"].astype(str).map(ward_committee) == committee
    people = lsoas[["code", "committee_code", "population"]].merge(access, left_on="code", right_on="lsoa21_code")
    gaps = pd.DataFrame({"Residents (Census 2021)": people["population"],
                         "Straight-line distance to the nearest space (m)": people["distance_m"]})
    beyond = residents_beyond(gaps, bands, {"committee": people["committee_code"].astype(str).eq(committee)})
    leeds, mine = beyond.iloc[0], beyond.iloc[1]
    leeds_residents = float(lsoas["population"].sum())
    mine_residents = float(lsoas.loc[lsoas["committee_code"] == committee, "population"].sum())
    return {"spaces": int(in_committee.sum()), "residents": mine_residents,
            "per_1000": 1000 * int(in_committee.sum()) / mine_residents if mine_residents else np.nan,
            "leeds_spaces": len(own_spaces), "leeds_per_1000": 1000 * len(own_spaces) / leeds_residents,
            "lsoas": int(mine["LSOAs"]),
            "bands": [{"band": b, "residents": int(mine[f"Residents beyond {b:,} m"]),
                       "lsoas": int(mine[f"LSOAs beyond {b:,} m"]),
                       "share": 100 * int(mine[f"Residents beyond {b:,} m"]) / int(mine["Residents"]) if int(mine["Residents"]) else np.nan,
                       "leeds_share": 100 * int(leeds[f"Residents beyond {b:,} m"]) / int(leeds["Residents"])}
                      for b in bands]}


def warm_space_sentences(coverage: dict, place: str) -> list[str]:
    """The coverage in two or three plain sentences (straight-line distances, said so)."""
    out = [f"{place} has {coverage['spaces']} listed warm spaces, {coverage['per_1000']:.2f} per 1,000 residents "
           f"(Leeds {coverage['leeds_spaces']}, {coverage['leeds_per_1000']:.2f} per 1,000)."]
    for band in coverage["bands"]:
        distance = f"{band['band'] / 1000:g} km" if band["band"] >= 1000 else f"{band['band']} m"
        if band["residents"] == 0:
            out.append(f"No neighbourhood of {place} is more than {distance} in a straight line from the nearest space "
                       f"(Leeds: {band['leeds_share']:.1f}% of residents are).")
            continue
        out.append(f"{band['residents']:,} residents ({band['share']:.1f}%, in {band['lsoas']} of its "
                   f"{coverage['lsoas']} neighbourhoods) live more than {distance} in a straight line from the nearest "
                   f"space (Leeds {band['leeds_share']:.1f}%).")
    return out
