"""Where a session's uploaded indicator meets the app's places: a profile's area and the pillar intersections.

Pure functions on the uploaded table (``data.upload.UserIndicator.table``: code, display_name, value
(NaN where hidden or missing), shown, reason) and the area layers. Nothing here caches or stores the
upload: the caller keeps it in the session.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from data.query import rank_worst_first

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
    ``rows`` has Area, Code, Figure and "Rank in Leeds" (1 = worst; empty where there is no figure).
    """

    relation: str
    rows: pd.DataFrame
    sentence: str


def ranked(table: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """The upload's table with its rank among Leeds areas (1 = worst; hidden and missing values unranked)."""
    out = table.copy()
    out["rank"] = rank_worst_first(out["value"].astype(float), polarity)
    return out


def user_data_for_place(table: pd.DataFrame, upload_level: str, polarity: str, label: str,
                        place_level: str, place_code: str, layers: Mapping[str, pd.DataFrame]) -> UserDataPlace:
    """The uploaded figures for a profile's place, whichever way the two geographies nest.

    ``layers`` maps a level to its area table (needs ``code`` and the parent-code columns the
    processed store writes: msoa21_code, ward24_code, committee_code). MSOAs sit in wards by the ONS
    best-fit lookup, as everywhere else in the app.
    """
    frame = ranked(table, polarity)
    n_ranked = int(frame["rank"].notna().sum())
    order = "1 = highest" if polarity == "neutral" else "1 = worst"
    if place_level == upload_level:
        rows = frame[frame["code"].astype(str) == str(place_code)]
        return UserDataPlace("same", _rows(rows), _one_sentence(rows, label, upload_level, n_ranked, order))
    if LEVEL_ORDER.index(place_level) > LEVEL_ORDER.index(upload_level):
        members = _member_codes(layers[upload_level], place_level, place_code)
        rows = frame[frame["code"].astype(str).isin(members)].sort_values(["rank", "code"], na_position="last")
        return UserDataPlace("members", _rows(rows), _members_sentence(rows, label, upload_level, n_ranked, order))
    parent = _parent_code(layers[place_level], place_code, upload_level)
    rows = frame[frame["code"].astype(str) == parent] if parent else frame.iloc[0:0]
    if rows.empty:
        return UserDataPlace("none", _rows(rows), f"Your data ({label}) has no {PLURAL[upload_level][:-1]} for this place.")
    return UserDataPlace("parent", _rows(rows), "This place lies in " + _one_sentence(rows, label, upload_level,
                                                                                        n_ranked, order, lead=False))


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
                     polarity: str, share: float = 0.2) -> str:
    """How many of the areas weak on a pillar combination are also in the worst share of the user's data."""
    part = flags.reindex(pd.Index(codes, dtype=str))
    known = int(part.notna().sum())
    hits = int(part.fillna(False).astype(bool).sum())
    which = worst_word(polarity)
    without = len(codes) - known
    tail = (f" ({without} {'has' if without == 1 else 'have'} no figure in your data or it is hidden)."
            if without else ".")
    return (f"Of the {len(codes)} {level_plural} weak on {category}, {hits} {'is' if hits == 1 else 'are'} also in the {which} "
            f"{round(share * 100)}% of Leeds {level_plural} on your data, {label}{tail}")


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


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Area": frame["display_name"].astype(str).to_numpy(),
        "Code": frame["code"].astype(str).to_numpy(),
        "Figure": [_figure(s, r) for s, r in zip(frame["shown"].astype(str), frame["reason"].fillna("").astype(str))],
        "Rank in Leeds": frame["rank"].to_numpy(),
    })


def _one_sentence(rows: pd.DataFrame, label: str, level: str, n_ranked: int, order: str, lead: bool = True) -> str:
    if rows.empty:
        return f"Your data ({label}) has no row for this place."
    row = rows.iloc[0]
    text = ("" if lead else f"{row['display_name']}: ") + f"your data, {label}: " + \
        _figure(str(row["shown"]), str(row["reason"] or ""))
    if pd.notna(row["rank"]):
        text += f", ranking {int(row['rank'])} of {n_ranked} Leeds {PLURAL[level]} ({order})"
    return text[0].upper() + text[1:] + "."


def _members_sentence(rows: pd.DataFrame, label: str, level: str, n_ranked: int, order: str) -> str:
    if rows.empty:
        return f"Your data ({label}) has no {PLURAL[level]} inside this place."
    with_rank = rows[rows["rank"].notna()]
    text = f"Your data, {label}, for the {len(rows)} {PLURAL[level]} in this place: {len(with_rank)} have a figure"
    if not with_rank.empty:
        first = with_rank.iloc[0]
        text += (f"; the first listed, {first['display_name']}, ranks {int(first['rank'])} of {n_ranked} in Leeds "
                 f"({order})")
    return text + "."
