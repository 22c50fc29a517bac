"""What an area profile says: headline figures, spine rows, trends, comparisons and place search.

Every number comes from the processed store's ``values`` table; where a figure cannot be given for an
area (a decile for a ward, the social progress index before it is built) the result says why instead
of a number. Pure: no Streamlit.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.catalogue import level_ids, load_areas
from data.query import comparator_value, comparator_values, select
from data.registry import Indicator, Registry
from metrics.spine import BETTER, HIGHER, LOWER, SIMILAR_LABEL, WORSE, ci_count, comparison_counts, group_level_values, spine_table

LEVEL_NAMES = {"lsoa21": "neighbourhood (LSOA)", "msoa": "MSOA", "ward24": "ward", "committee": "community committee",
               "lad": "Leeds"}
KEY_INDICATORS = ["census_hh_deprived_1plus", "imd_income_score", "imd_employment_score", "fuel_poverty"]
SPI_NOT_AVAILABLE = "Not available yet: the open-data social progress index has not been built."
POSTCODE = re.compile(r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$|^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*$")
POSTCODE_MESSAGE = ("Postcode search is not available: the data folder holds no postcode lookup. "
                    "Type a ward, neighbourhood (LSOA) or MSOA name or code instead.")


@dataclass(frozen=True)
class Headline:
    """One headline card: a label, the formatted figure (or why there is none) and its provenance."""

    key: str
    label: str
    text: str
    value: float | None
    period: str | None
    source_id: str | None
    note: str
    pillars: tuple[str, ...] = ()


def value_row(values: pd.DataFrame, indicator_id: str, level: str, code: str, period: str) -> pd.Series | None:
    """The stored row for one area, indicator and period, or None."""
    rows = select(values, indicator_id, level, period, code)
    return None if rows.empty or pd.isna(rows["value"].iloc[0]) else rows.iloc[0]


def _headline(values: pd.DataFrame, indicator: Indicator, level: str, code: str, label: str | None = None,
              note: str = "", home: str = "Leeds") -> Headline:
    period = indicator.latest.period
    reason = indicator.unavailable_reason(level, level_ids())
    if reason is not None:
        return Headline(indicator.id, label or indicator.short_label, "Not available for this area", None, period,
                        indicator.latest.source, reason, tuple(indicator.pillars))
    row = value_row(values, indicator.id, level, code, period)
    value = None if row is None else float(row["value"])
    parts = [note] if note else []
    if level != "lad":
        leeds = comparator_value(values, indicator.id, period, "lad")
        if leeds is not None:
            parts.append(f"{home} {indicator.format_value(leeds)}")
    if indicator.england:
        england = comparator_value(values, indicator.id, period, "england")
        if england is not None:
            parts.append(f"England {indicator.format_value(england)}")
    return Headline(indicator.id, label or indicator.short_label, indicator.format_value(value), value, period,
                    indicator.latest.source, "; ".join(parts), tuple(indicator.pillars))


def headline_figures(values: pd.DataFrame, registry: Registry, level: str, code: str,
                     home: str = "Leeds") -> list[Headline]:
    """Population, IMD, the social progress index, life expectancy by sex and key pillar indicators (each with the
    home district's and England's figure)."""
    values = pd.concat([select(select(values, level=level), code=code), select(values, level=["lad", "england"])])
    cards = [_headline(values, registry.get("population"), level, code, "Residents (Census 2021)", home=home),
             _headline(values, registry.get("imd_imd_score"), level, code, "IMD 2025 score",
                       "higher = more deprived" + ("" if level == "lsoa21" else "; population-weighted average"),
                       home=home)]
    if level == "lsoa21":
        cards.append(_headline(values, registry.get("imd_imd_decile"), level, code, "IMD 2025 national decile",
                               "1 = England's most deprived 10%", home=home))
    else:
        cards.append(_headline(values, registry.get("imd_imd_pct_most_deprived"), level, code,
                               "Residents in England's most deprived 10%", home=home))
    cards.append(_spi_headline(values, registry, level, code, home))
    approx = {"ward24": "approximation: population-weighted mean of MSOA values",
              "committee": "approximation: population-weighted mean of MSOA values",
              "lad": "population-weighted mean of MSOA values"}.get(level, "")
    for sex in ("female", "male"):
        indicator = registry.get(f"life_expectancy_{sex}")
        cards.append(_headline(values, indicator, level, code, f"Life expectancy, {'women' if sex == 'female' else 'men'}",
                               approx, home=home))
    for indicator_id in key_indicator_ids(registry):
        indicator = registry.get(indicator_id)
        lead_of = [p for p, kpis in registry.pillar_kpis.items() if kpis.lead.id == indicator_id]
        note = f"{lead_of[0]} lead KPI (open-data proxy)" if lead_of else ""
        cards.append(_headline(values, indicator, level, code, note=note, home=home))
    return cards


def key_indicator_ids(registry: Registry) -> list[str]:
    """Each pillar's lead KPI (registry pillar_kpis) then the fixed key list, without repeats."""
    leads = [kpis.lead.id for kpis in registry.pillar_kpis.values()]
    return [i for i in dict.fromkeys(leads + KEY_INDICATORS) if i in registry.ids]


def _spi_headline(values: pd.DataFrame, registry: Registry, level: str, code: str, home: str = "Leeds") -> Headline:
    """Our open-data SPI-method index where the store holds it for this area, else why not."""
    if "spi_index" not in registry.ids:
        return Headline("spi", "Social progress index", "Not available yet", None, None, None, SPI_NOT_AVAILABLE)
    indicator = registry.get("spi_index")
    card = _headline(values, indicator, level, code, "SPI-method index (open data)",
                     "our open-data index, 0-100, higher = better; " + ("not the council's official Leeds SPI"
                                                                       if home == "Leeds" else "not an official index"),
                     home=home)
    if card.value is None and indicator.unavailable_reason(level, level_ids()) is None:
        return Headline("spi", card.label, "Not available yet", None, card.period, card.source_id,
                        "The SPI-method index has no value for this area in the current data store.")
    return Headline("spi", card.label, card.text, card.value, card.period, card.source_id, card.note, card.pillars)


def latest_level_values(values: pd.DataFrame, registry: Registry, level: str) -> pd.DataFrame:
    """Every indicator's latest-period values for all Leeds areas of ``level`` (for the spine)."""
    latest = pd.DataFrame({"indicator_id": registry.ids, "period": [i.latest.period for i in registry.indicators]})
    sel = select(values, level=level)[["indicator_id", "area_code", "period", "value", "lower_ci", "upper_ci"]]
    sel = sel.astype({"indicator_id": str, "period": str})
    return sel.merge(latest, on=["indicator_id", "period"])


@dataclass(frozen=True)
class SpineInputs:
    """What every area's spine at one level shares (computed once per level, reused per area)."""

    level_values: dict
    polarity: dict[str, str]
    leeds: dict[str, float]
    england: dict[str, float]


def spine_inputs(values: pd.DataFrame, registry: Registry, level: str) -> SpineInputs:
    """Latest values of every Leeds area at ``level`` plus the Leeds and England comparators.

    Leeds as a whole has no peers within Leeds, so its spine places it on the range of the wards.
    """
    level_values = latest_level_values(values, registry, level)
    if level == "lad":
        level_values = pd.concat([latest_level_values(values, registry, "ward24"), level_values], ignore_index=True)
    comparators = select(values, level=["lad", "england"]).astype(
        {"indicator_id": str, "period": str, "area_level": str})
    latest = {i.id: i.latest.period for i in registry.indicators}
    comparators = comparators[comparators["period"] == comparators["indicator_id"].map(latest)]
    leeds = comparators[comparators["area_level"] == "lad"].set_index("indicator_id")["value"].to_dict()
    england = comparators[comparators["area_level"] == "england"].set_index("indicator_id")["value"].to_dict()
    polarity = {i: registry.get(i).polarity for i in level_values["indicator_id"].unique()}
    return SpineInputs(group_level_values(level_values), polarity, leeds, england)


def area_spine(values: pd.DataFrame, registry: Registry, level: str, code: str,
               inputs: SpineInputs | None = None) -> pd.DataFrame:
    """Spine rows for one area, with labels, theme, period, source and formatted values."""
    inputs = inputs or spine_inputs(values, registry, level)
    spine = spine_table(inputs.level_values, code, inputs.polarity, inputs.leeds, inputs.england)
    order = {ind.id: n for n, ind in enumerate(registry.indicators)}
    meta = pd.DataFrame([{"indicator_id": ind.id, "label": ind.short_label, "theme": ind.theme,
                          "pillars": "; ".join(ind.pillars), "period": ind.latest.period, "source_id": ind.latest.source,
                          "unit": ind.unit} for ind in registry.indicators])
    spine = spine.merge(meta, on="indicator_id", how="left")
    for column in ("value", "leeds", "england", "left_value", "right_value"):
        spine[f"{column}_text"] = [registry.get(i).format_value(None if pd.isna(v) else float(v))
                                   for i, v in zip(spine["indicator_id"], spine[column])]
    own = select(select(values, level=level), code=code)
    own = own.astype({"indicator_id": str, "period": str}).set_index(["indicator_id", "period"])["coverage"]
    coverage = [own.get((i, p)) for i, p in zip(spine["indicator_id"], spine["period"])]
    spine["value_text"] = [text + registry.get(i).coverage_tag(None if c is None or pd.isna(c) else float(c))
                           for text, i, c in zip(spine["value_text"], spine["indicator_id"], coverage)]
    spine["order"] = spine["indicator_id"].map(order)
    return spine.sort_values("order").drop(columns="order").reset_index(drop=True)


def member_lsoas(lsoas: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    """LSOAs that make up an area (wards and committees by the ONS best-fit lookup)."""
    column = {"lsoa21": "code", "msoa": "msoa21_code", "ward24": "ward24_code", "committee": "committee_code"}.get(level)
    return lsoas if column is None else lsoas[lsoas[column] == code]


def deprived_neighbourhoods(values: pd.DataFrame, lsoas: pd.DataFrame, level: str, code: str,
                            period: str = "2025") -> pd.DataFrame:
    """The area's "Deprived Leeds" LSOAs: those in England's most deprived IMD decile, most deprived first."""
    members = member_lsoas(lsoas, level, code)
    sel = select(values, ["imd_imd_decile", "imd_imd_percentile", "imd_imd_score"], "lsoa21", period)
    wide = sel.pivot_table(index="area_code", columns="indicator_id", values="value", observed=True)
    frame = pd.DataFrame(members[["code", "display_name", "population"]]).merge(wide, left_on="code",
                                                                               right_index=True, how="left")
    if "imd_imd_decile" not in frame:
        return frame.iloc[0:0]
    return frame[frame["imd_imd_decile"] == 1].sort_values(["imd_imd_percentile", "code"]).reset_index(drop=True)


def trend_frame(values: pd.DataFrame, registry: Registry, level: str, code: str, home: str = "Leeds") -> pd.DataFrame:
    """Values over time for every indicator with more than one period, for the area and for the home district."""
    multi = [i for i in registry.indicators if len(i.periods) > 1 and i.unavailable_reason(level, level_ids()) is None]
    ids = [i.id for i in multi]
    rows = pd.concat([select(select(values, ids, level), code=code), select(values, ids, "lad")])
    rows = rows[rows["value"].notna()].astype({"indicator_id": str, "period": str, "area_level": str})
    rows["series"] = rows["area_level"].map(lambda lv: home if lv == "lad" and level != "lad" else "This area")
    rows = rows.drop_duplicates(["indicator_id", "period", "series"])
    labels = {i.id: i.short_label for i in multi}
    rows["label"] = rows["indicator_id"].map(labels)
    return rows[["indicator_id", "label", "period", "series", "value"]].sort_values(["indicator_id", "period", "series"])


def find_places(query: str, layers: Mapping[str, pd.DataFrame], limit: int = 12) -> tuple[pd.DataFrame, str | None]:
    """Areas whose code equals, or whose name contains, the query; and a message when none can match.

    ``layers`` maps level -> frame with ``code``, ``name`` and ``display_name``. Exact code and exact
    name matches come first, then wards, committees, MSOAs and LSOAs in that order.
    """
    text = " ".join(str(query).split())[:80]
    columns = ["level", "code", "name", "display_name"]
    if len(text) < 2:
        return pd.DataFrame(columns=columns), "Type at least two letters of a place name or code."
    if POSTCODE.match(text) and not any(text.upper() == str(c).upper() for f in layers.values() for c in f["code"]):
        return pd.DataFrame(columns=columns), POSTCODE_MESSAGE
    lowered = text.lower()
    found = []
    preference = {"ward24": 0, "committee": 1, "lad": 2, "msoa": 3, "lsoa21": 4}
    for level, frame in layers.items():
        names = frame["name"].astype(str).str.lower()
        display = frame["display_name"].astype(str).str.lower()
        codes = frame["code"].astype(str).str.lower()
        hit = (codes == lowered) | names.str.contains(lowered, regex=False) | display.str.contains(lowered, regex=False)
        for _, row in frame[hit.to_numpy()].iterrows():
            exact = str(row["code"]).lower() == lowered or str(row["name"]).lower() == lowered
            found.append({"level": level, "code": str(row["code"]), "name": str(row["name"]),
                          "display_name": str(row["display_name"]), "_key": (0 if exact else 1, preference.get(level, 9),
                                                                             str(row["display_name"]))})
    if not found:
        return pd.DataFrame(columns=columns), f"No ward, committee, MSOA or LSOA matches '{text}'."
    found.sort(key=lambda r: r["_key"])
    return pd.DataFrame(found[:limit])[columns], None


def headline_sentence(name: str, level: str, headlines: list[Headline], spine: pd.DataFrame,
                      home: str = "Leeds") -> str:
    """One plain sentence for a meeting slide or the PDF, built only from computed figures (``home``: the district
    the spine compares with)."""
    cards = {h.key: h for h in headlines}
    parts = []
    score = cards.get("imd_imd_score")
    if score is not None and score.value is not None:
        parts.append(f"an IMD 2025 score of {score.text}")
    share = cards.get("imd_imd_pct_most_deprived")
    if share is not None and share.value is not None:
        parts.append(f"{share.text} of residents living in England's most deprived 10% of neighbourhoods")
    decile = cards.get("imd_imd_decile")
    if decile is not None and decile.value is not None:
        parts.append(f"national IMD decile {decile.text} (1 = most deprived)")
    sentence = f"{name} has " + " and ".join(parts) + "." if parts else f"{name}: no IMD figures are available."
    counts = comparison_counts(spine)
    tested = ci_count(spine)
    if tested and level != "lad":
        sentence += (f" Of the {tested} indicators with a 95% confidence interval, it is significantly worse than "
                     f"{home} on {counts[WORSE]}, similar on {counts[SIMILAR_LABEL]} and better on {counts[BETTER]}")
        if counts[HIGHER] or counts[LOWER]:
            sentence += (f"; of those with no better or worse direction, {counts[HIGHER]} are higher than {home} and "
                         f"{counts[LOWER]} lower")
        sentence += "."
    return sentence


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd' ("7th worst of 33" says which end is which)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def key_sentences(name: str, level: str, headlines: list[Headline], spine: pd.DataFrame, n: int = 3,
                  home: str = "Leeds") -> list[str]:
    """The headline sentence plus the indicators where the area sits at the worst end of the home district."""
    sentences = [headline_sentence(name, level, headlines, spine, home)]
    # only real "worst ends": the indicator varies across Leeds, the area is not tied at the best end
    # (e.g. the 0% most wards share) and it sits in the worse half
    ranked = spine[(spine["polarity"] != "neutral") & spine["rank"].notna() & (spine["n_areas"] > 1)
                   & ~spine["unit"].isin(["rank", "decile", "percentile"])
                   & ~np.isclose(spine["left_value"], spine["right_value"], rtol=1e-9, atol=1e-9)
                   & ~np.isclose(spine["value"], spine["right_value"], rtol=1e-9, atol=1e-9)
                   & (spine["rank"] <= spine["n_areas"] / 2)]
    worst = ranked.sort_values("rank", kind="stable").head(n)
    if not worst.empty and level != "lad":
        items = [f"{r.label} {r.value_text} ({ordinal(int(r.rank))} worst of {int(r.n_areas)}"
                 + (f", {home} {r.leeds_text})" if pd.notna(r.leeds) else ")") for r in worst.itertuples()]
        sentences.append(f"Where it ranks worst among {home} {load_areas().levels[level].nouns}: " + "; ".join(items) + ".")
    return sentences
