"""The upload feature's computing floor: the user's indicator (2011 codes converted, small counts
suppressed) and where it meets the app's places (a profile's area, the pillar intersections).

Pure functions on a parsed upload (``data.user_upload.Upload``) and the uploaded table
(``data.user_upload.UserIndicator.table``: code, display_name, value (NaN where hidden or missing),
shown, reason) and the area layers. Nothing here caches or stores the upload: the caller keeps it in the
session.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.query import rank_worst_first
from data.safe_text import plain, safe_text
from data.user_upload import IndicatorOptions, Reference, Upload, UploadError, UserIndicator
from data.words import count as counted
from geo.aggregate import convert_lsoa11_to_lsoa21
from metrics.suppression import CONFIDENTIAL, WHOLE_TABLE, published_totals, suppress_small_counts

LEVEL_ORDER = ["lsoa21", "msoa", "ward24", "committee", "lad"]      # smallest first
PARENT_COLUMN = {"msoa": "msoa21_code", "ward24": "ward24_code", "committee": "committee_code"}
PLURAL = {"lsoa21": "LSOAs", "msoa": "MSOAs", "ward24": "wards", "committee": "committees"}
# The same words for every hidden cell: telling the small counts from the cells hidden to protect them
# would narrow the small ones down again (metrics.suppression).
HIDDEN_WORDS = {"primary": "hidden to protect small numbers", "secondary": "hidden to protect small numbers"}


@dataclass(frozen=True)
class UserDataPlace:
    """The uploaded figures that belong to one place, ready to show.

    ``relation`` says how the upload's areas relate to the place: "same" (one row, the place itself),
    "members" (the smaller areas inside it), "parent" (the larger area it sits in) or "none".
    ``rows`` has Area, Code, Figure and "Rank in <home>" (1 = worst; empty where there is no figure).
    """

    relation: str
    rows: pd.DataFrame
    sentence: str


def ranked(table: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """The upload's table with its rank among the home district's areas (1 = worst; hidden and missing values
    unranked)."""
    out = table.copy()
    out["rank"] = rank_worst_first(out["value"].astype(float), polarity)
    return out


def user_data_for_place(table: pd.DataFrame, upload_level: str, polarity: str, label: str,
                        place_level: str, place_code: str, layers: Mapping[str, pd.DataFrame],
                        home: str = "Leeds") -> UserDataPlace:
    """The uploaded figures for a profile's place, whichever way the two geographies nest (ranks among the
    areas of ``home``, the district the atlas is built for).

    ``layers`` maps a level to its area table (needs ``code`` and the parent-code columns the
    processed store writes: msoa21_code, ward24_code, committee_code). MSOAs sit in wards by the ONS
    best-fit lookup, as everywhere else in the app.
    """
    frame = ranked(table, polarity)
    n_ranked = int(frame["rank"].notna().sum())
    order = "1 = highest" if polarity == "neutral" else "1 = worst"
    if place_level == upload_level:
        rows = frame[frame["code"].astype(str) == str(place_code)]
        return UserDataPlace("same", _rows(rows, home), _one_sentence(rows, label, upload_level, n_ranked, order,
                                                                      home=home))
    if LEVEL_ORDER.index(place_level) > LEVEL_ORDER.index(upload_level):
        members = _member_codes(layers[upload_level], place_level, place_code)
        rows = frame[frame["code"].astype(str).isin(members)].sort_values(["rank", "code"], na_position="last")
        return UserDataPlace("members", _rows(rows, home), _members_sentence(rows, label, upload_level, n_ranked,
                                                                              order, home))
    parent = _parent_code(layers[place_level], place_code, upload_level)
    rows = frame[frame["code"].astype(str) == parent] if parent else frame.iloc[0:0]
    if rows.empty:
        return UserDataPlace("none", _rows(rows, home), f"Your data ({label}) has no {PLURAL[upload_level][:-1]} for this place.")
    return UserDataPlace("parent", _rows(rows, home), "This place lies in " + _one_sentence(
        rows, label, upload_level, n_ranked, order, lead=False, home=home))


def worst_share_flags(values: pd.Series, polarity: str, share: float = 0.2) -> pd.Series:
    """True for areas in the worst ``share`` of those with a figure (highest values when neutral).

    Areas without a figure (hidden or missing) get <NA>: they are neither in nor out. Ties at the
    cut are all in (rank "min"), so the group can be slightly larger than the share.
    """
    ranks = rank_worst_first(values.astype(float), polarity)
    cut = math.ceil(int(ranks.notna().sum()) * share)
    flags = (ranks <= cut).astype("boolean")
    flags[ranks.isna()] = pd.NA
    return flags


def worst_word(polarity: str) -> str:
    """What the top of a worst-first ranking is called: "worst", or "highest" when no direction is better."""
    return "highest" if polarity == "neutral" else "worst"


def overlap_sentence(flags: pd.Series, codes: list[str], label: str, category: str, level_plural: str,
                     polarity: str, share: float = 0.2, home: str = "Leeds") -> str:
    """How many of the areas weak on a pillar combination are also in the worst share of the user's data."""
    part = flags.reindex(pd.Index(codes, dtype=str))
    known = int(part.notna().sum())
    hits = int(part.fillna(False).astype(bool).sum())
    which = worst_word(polarity)
    without = len(codes) - known
    tail = (f" ({without} {'has' if without == 1 else 'have'} no figure in your data or it is hidden)."
            if without else ".")
    return (f"Of the {len(codes)} {level_plural} weak on {category}, {hits} {'is' if hits == 1 else 'are'} also in the {which} "
            f"{round(share * 100)}% of {home} {level_plural} on your data, {label}{tail}")


def _member_codes(children: pd.DataFrame, place_level: str, place_code: str) -> set[str]:
    if place_level == "lad":
        return set(children["code"].astype(str))
    column = PARENT_COLUMN.get(place_level)
    if column is None or column not in children:
        return set()
    return set(children.loc[children[column].astype(str) == str(place_code), "code"].astype(str))


def _parent_code(places: pd.DataFrame, place_code: str, upload_level: str) -> str | None:
    column = PARENT_COLUMN.get(upload_level)
    row = places[places["code"].astype(str) == str(place_code)]
    if column is None or column not in places or row.empty or pd.isna(row[column].iloc[0]):
        return None
    return str(row[column].iloc[0])


def _figure(shown: str, reason: str) -> str:
    return f"{shown} ({HIDDEN_WORDS[reason]})" if reason in HIDDEN_WORDS else shown


def _rows(frame: pd.DataFrame, home: str = "Leeds") -> pd.DataFrame:
    return pd.DataFrame({
        "Area": frame["display_name"].astype(str).to_numpy(),
        "Code": frame["code"].astype(str).to_numpy(),
        "Figure": [_figure(s, r) for s, r in zip(frame["shown"].astype(str), frame["reason"].fillna("").astype(str))],
        f"Rank in {home}": frame["rank"].to_numpy(),
    })


def _one_sentence(rows: pd.DataFrame, label: str, level: str, n_ranked: int, order: str, lead: bool = True,
                  home: str = "Leeds") -> str:
    if rows.empty:
        return f"Your data ({label}) has no row for this place."
    row = rows.iloc[0]
    text = ("" if lead else f"{row['display_name']}: ") + f"your data, {label}: " + \
        _figure(str(row["shown"]), str(row["reason"] or ""))
    if pd.notna(row["rank"]):
        text += f", ranking {int(row['rank'])} of {n_ranked} {home} {PLURAL[level]} ({order})"
    return text[0].upper() + text[1:] + "."


def _members_sentence(rows: pd.DataFrame, label: str, level: str, n_ranked: int, order: str,
                      home: str = "Leeds") -> str:
    if rows.empty:
        return f"Your data ({label}) has no {PLURAL[level]} inside this place."
    with_rank = rows[rows["rank"].notna()]
    text = f"Your data, {label}, for the {len(rows)} {PLURAL[level]} in this place: {len(with_rank)} have a figure"
    if not with_rank.empty:
        first = with_rank.iloc[0]
        text += (f"; the first listed, {first['display_name']}, ranks {int(first['rank'])} of {n_ranked} in {home} "
                 f"({order})")
    return text + "."


def _convert_2011(values: pd.Series, options: IndicatorOptions, reference: Reference) -> tuple[pd.Series, list[str]]:
    if reference.lsoa11 is None:
        raise UploadError("The file uses 2011 LSOA codes, and the ONS 2011 -> 2021 lookup is not available to "
                          "convert them" + (f" ({reference.lsoa11_problem})" if reference.lsoa11_problem else "") + ".")
    if not options.convert_2011:
        raise UploadError("The file uses 2011 LSOA codes. The app maps 2021 LSOAs: tick 'Convert 2011 LSOAs to "
                          "2021' to convert them with the ONS lookup.")
    population = reference.areas["lsoa21"].set_index("code")["population"].astype(float)
    frame = values.rename("v").rename_axis("lsoa11_code").reset_index().dropna()
    counts = ["v"] if options.kind == "count" else []
    converted = convert_lsoa11_to_lsoa21(frame, reference.lsoa11, count_columns=counts, child_weight=population,
                                         parent_weight=pd.Series(dtype=float))
    out = converted.set_index("lsoa21_code")["v"]
    out = out[out.index.isin(population.index)]
    if options.kind == "count":
        out = out.round()
        how = ("Counts were shared among the 2021 LSOAs each 2011 LSOA became, by Census 2021 population, and "
               "rounded to whole numbers: they are estimates.")
    else:
        how = ("Rates were carried to 2021 LSOAs with the ONS lookup; a 2021 LSOA formed by merging 2011 LSOAs gets "
               "the simple average of their rates (an approximation).")
    return out, [f"Converted from 2011 to 2021 LSOAs with the ONS lookup. {how}"]


def make_indicator(upload: Upload, options: IndicatorOptions, reference: Reference) -> UserIndicator:
    """Apply the user's choices: convert 2011 LSOAs if asked, check counts, suppress small counts."""
    if options.value_column not in upload.values:
        raise UploadError(f"There is no value column '{plain(options.value_column)}' in the file.")
    if isinstance(options.threshold, bool) or not isinstance(options.threshold, int) or not 1 <= options.threshold <= 100:
        raise UploadError("The suppression threshold must be a whole number from 1 to 100.")
    notices: list[str] = []
    values = upload.values[options.value_column]
    numerators = upload.values[options.numerator_column] if options.numerator_column else None
    level = upload.level
    if level == "lsoa11":
        values, more = _convert_2011(values, options, reference)
        notices += more
        if numerators is not None:
            numerators, _ = _convert_2011(numerators, IndicatorOptions(options.numerator_column, "count",
                                                                       convert_2011=True), reference)
        level = "lsoa21"
    areas = reference.areas[level].set_index("code")
    values = values.reindex(areas.index)
    checked = values if options.kind == "count" else numerators
    table = areas[["name", "display_name", "ward24_code"]].copy()
    table["value"] = values
    table["reason"] = ""
    n_primary = n_secondary = 0
    known_totals: tuple = ()
    if checked is not None:
        name = "counts" if options.kind == "count" else f"counts in '{plain(options.numerator_column)}'"
        checked = checked.reindex(areas.index)
        given = checked.dropna()
        if (given < 0).any() or (given % 1 != 0).any():
            bad = given[(given < 0) | (given % 1 != 0)]
            raise UploadError(f"The {name} must be whole numbers of 0 or more; {plain(bad.index[0])} has "
                              f"{bad.iloc[0]:g}. Choose 'rate' if the column holds rates or percentages.")
        ward_names = dict(zip(reference.areas["ward24"]["code"], reference.areas["ward24"]["name"]))
        groups = _published_groups(areas, level, given.index, ward_names)
        result = suppress_small_counts(given.astype("int64"), options.threshold, groups)
        if options.kind == "count":
            known_totals = tuple((name, tuple(map(str, members)), float(given[members].sum()))
                                 for name, members in published_totals(given.index, groups)
                                 if name not in result.unprotected_groups)
        hidden = result.mask[result.mask].index
        table.loc[hidden, "value"] = np.nan
        table.loc[hidden, "reason"] = result.reason[hidden].astype(str)
        n_primary = int((result.reason == "primary").sum())
        n_secondary = int((result.reason == "secondary").sum())
        if n_primary + n_secondary:
            notices.append(protection_sentence(options.threshold, n_primary + n_secondary, reference.home))
        if result.unprotected_groups:
            notices.append("Do not publish totals for: " + ", ".join(plain(_total_name(g, reference.home)) for g in
                                                                    result.unprotected_groups)
                           + " (a hidden count could be worked out from them).")
    else:
        notices.append("No counts behind these rates were given, so small numbers could not be checked: choose "
                       "the column of counts (numerators) if you have one.")
    fmt = "{:,.0f}" if options.kind == "count" else "{:,.1f}"
    table["shown"] = [CONFIDENTIAL if r else ("no data" if pd.isna(v) else fmt.format(v))
                      for v, r in zip(table["value"], table["reason"])]
    missing = int((table["value"].isna() & (table["reason"] == "")).sum())
    if missing:
        notices.append(f"{missing} of {len(table)} {reference.home} areas have no value in the file and show as no data.")
    label = (options.label or options.value_column).strip()[:80] or options.value_column
    return UserIndicator(level, label, options.kind, options.polarity, options.threshold, fmt,
                         table.reset_index(), upload.notices + notices, n_primary, n_secondary, known_totals)


def protection_sentence(threshold: int, n_hidden: int, home: str = "Leeds") -> str:
    """The one sentence that says exactly what the small-number protection guarantees (see
    metrics.suppression: protection intervals checked by linear programming over every total)."""
    return (f"{counted(n_hidden, 'area is', 'areas are')} shown as \"{CONFIDENTIAL}\": every count from 1 to {threshold - 1} is hidden, and "
            f"enough other areas are hidden that, from every figure shown and every ward, "
            f"{'committee and ' if home == 'Leeds' else ''}{home} total, "
            f"each hidden small count could be any number from 1 to {threshold}.")


def _published_groups(areas: pd.DataFrame, level: str, index: pd.Index,
                      ward_names: dict[str, str] | None = None) -> dict[str, pd.Series]:
    """The totals a reader may know for an upload at ``level``: its ward (LSOAs, and MSOAs by the ONS
    best fit), its community committee and Leeds (the whole table, added by the suppression). Groups are
    named as a reader knows them, so a "do not publish" notice names places, not codes."""
    groups = {}
    if level != "ward24" and "ward24_code" in areas:
        wards = areas.loc[index, "ward24_code"]
        groups["ward"] = wards.map(ward_names).fillna(wards) if ward_names else wards
    for column in ("committee_name", "committee_code"):
        if column in areas and areas.loc[index, column].notna().all():
            groups["committee"] = areas.loc[index, column]
            break
    return groups


def _total_name(name: object, home: str = "Leeds") -> str:
    """How a notice names a total: the home district ("Leeds") for the whole table, else "<place> <ward|committee>"."""
    if name == WHOLE_TABLE:
        return home
    kind, _, place = str(name).partition(" ")
    return f"{place} {kind}" if place else str(name)


def display_properties(ind: UserIndicator) -> pd.DataFrame:
    """Per-area text for the map tooltip, HTML-escaped (deck.gl tooltips are HTML): code, name, label,
    shown ("[c]", "no data" or the figure) and note (why a figure is hidden)."""
    table = ind.table
    return pd.DataFrame({
        "code": table["code"].to_numpy(),
        "name": table["display_name"].fillna(table["name"]).map(lambda v: safe_text(v, "deck", None)).to_numpy(),
        "label": safe_text(ind.label, "deck", None),
        "shown": table["shown"].map(lambda v: safe_text(v, "deck", None)).to_numpy(),
        "note": ["Hidden to protect privacy" if r else "" for r in table["reason"]],
    })
