"""The home page's headline figures for Leeds or for one community committee (with Leeds beside it)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import streamlit as st

from components import store
from components.charts import table_arrow
from components.indicator_map import cached_map_payload, table_for_display, with_leeds_row
from geo.choropleth import within_committee

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
    return cached_headlines(committee, stamp)


@lru_cache(maxsize=32)
def cached_headlines(committee: str, stamp: str) -> Headlines:
    """``headlines``, once per committee and store (each ``store.indicator_table`` call unpickles a copy of its
    table; the result is frozen, so it is shared)."""
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


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_home_table(*, indicator_id: str, level: str, scheme: str, committee: str, stamp: str) -> SimpleNamespace:
    """The numbers behind the home page's map, as shown: ``rows`` (the committee's areas, for the CSV), ``arrow``
    (the on-screen table, a committee's with Leeds first, converted once) and ``count`` (areas shown). Built once per
    view and shared read-only (keyword-only, like the map payload it reads)."""
    payload = cached_map_payload(indicator_id=indicator_id, level=level, period=PERIOD, scheme=scheme, k=5,
                                 committee=committee, outline=False, stamp=stamp)
    indicator = store.registry().get(indicator_id)
    rows = within_committee(payload.table, level, committee)
    table = table_for_display(rows, indicator.short_label, with_ci=False, indicator=indicator)
    count = len(table)
    if committee != "all":
        table = with_leeds_row(table, indicator.short_label, store.comparator(indicator_id, PERIOD, "lad", stamp))
    return SimpleNamespace(rows=rows, arrow=table_arrow(table), count=count)
