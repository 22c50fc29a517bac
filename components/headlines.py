"""The home page's headline figures for Leeds or for one community committee (with Leeds beside it)."""
from __future__ import annotations

from dataclasses import dataclass

from components import store

PERIOD = "2025"


@dataclass(frozen=True)
class Headlines:
    place: str                  # "Leeds" or the committee's name
    in_decile_1: int            # its neighbourhoods (LSOAs) in England's most deprived 10%
    neighbourhoods: int         # all its neighbourhoods
    share: float                # % of its residents living in them
    people: float               # how many residents that is
    score: float                # its population-weighted average IMD score
    leeds_score: float
    england_score: float
    leeds_share: float


def headlines(committee: str, stamp: str) -> Headlines:
    """The three headline figures for the chosen committee ('all' = Leeds), from the store's own tables."""
    deciles = store.indicator_table("imd_imd_decile", "lsoa21", PERIOD, stamp)
    share_leeds = store.indicator_table("imd_imd_pct_most_deprived", "lad", PERIOD, stamp).iloc[0]
    leeds_score = store.comparator("imd_imd_score", PERIOD, "lad", stamp)
    england_score = store.comparator("imd_imd_score", PERIOD, "england", stamp)
    if committee == "all":
        place, share_row, score = store.home(stamp)["name"], share_leeds, leeds_score
    else:
        deciles = deciles[deciles["committee_code"] == committee]
        shares = store.indicator_table("imd_imd_pct_most_deprived", "committee", PERIOD, stamp)
        share_row = shares[shares["code"] == committee].iloc[0]
        scores = store.indicator_table("imd_imd_score", "committee", PERIOD, stamp)
        score = float(scores.loc[scores["code"] == committee, "value"].iloc[0])
        place = str(share_row["display_name"])
    return Headlines(place=place, in_decile_1=int((deciles["value"] == 1).sum()), neighbourhoods=len(deciles),
                     share=float(share_row["value"]), people=float(share_row["numerator"]), score=score,
                     leeds_score=float(leeds_score), england_score=float(england_score),
                     leeds_share=float(share_leeds["value"]))
