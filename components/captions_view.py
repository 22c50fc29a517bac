"""Headline sentences above maps and profiles (issue 19, item 3): the words come from metrics.captions, the figures
from the same cached tables the map or profile draws, so the sentence states what is on screen. Cached per view
(shared, read-only): a rerun costs a lookup."""
from __future__ import annotations

import streamlit as st

from components import store
from components.indicator_map import cached_map_payload, committee_name
from data.query import values_by_area
from data.words import possessive
from geo.choropleth import within_committee
from metrics import captions

DEPRIVATION_PERIOD = "2025"
LSOA_PARENT = {"msoa": "msoa21_code", "ward24": "ward24_code", "committee": "committee_code"}


def _nouns(level: str) -> tuple[str, str]:
    spec = store.area_catalogue().levels[level]
    return spec.noun, spec.nouns


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_map_sentence(*, indicator_id: str, level: str, period: str, scheme: str, k: int, committee: str,
                        outline: bool, stamp: str) -> str:
    """'<measure>: worst in A (v) and best in B (v) of Leeds' 33 wards; n of the 33 are worse than Leeds as a whole
    (v).' From the map's own cached table (the chosen committee's areas only when one is chosen)."""
    indicator = store.registry().get(indicator_id)
    table = cached_map_payload(indicator_id=indicator_id, level=level, period=period, scheme=scheme, k=k,
                               committee=committee, outline=outline, stamp=stamp).table
    shown = within_committee(table, level, committee)
    where = possessive(store.home_name()) if committee == "all" else f"{committee_name(committee)}'s"
    leeds = store.comparator(indicator_id, period, "lad", stamp) if committee == "all" else None
    return captions.extremes_sentence(shown, measure=indicator.titled(period),
                                      polarity=indicator.polarity, nouns=_nouns(level), fmt=indicator.format_value,
                                      leeds=leeds, where=where, name_col="display_name", home=store.home_name())


def map_headline(indicator_id: str, level: str, period: str, *, scheme: str = "quantiles", k: int = 5,
                 committee: str = "all", outline: bool = False) -> None:
    """The map's headline, drawn above it."""
    st.markdown("**" + cached_map_sentence(indicator_id=indicator_id, level=level, period=period, scheme=scheme, k=k,
                                           committee=committee, outline=bool(outline), stamp=store.built_at())
                .replace("*", "\\*") + "**")


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_deprivation_sentence(*, level: str, code: str, name: str, stamp: str) -> str | None:
    """'<area>: 9 of its 10 neighbourhoods are in England's most deprived 10%; the 2nd most deprived of Leeds' 33
    wards.' For areas made of neighbourhoods (MSOA, ward, committee: best-fit membership); None otherwise."""
    if level not in LSOA_PARENT:
        return None
    values = store.values(stamp)
    lsoas = store.areas("lsoa21", stamp)
    inside = lsoas.loc[lsoas[LSOA_PARENT[level]].astype(str) == code, "code"].astype(str)
    deciles = values_by_area(values, "imd_imd_decile", "lsoa21", DEPRIVATION_PERIOD).reindex(inside)
    scores = values_by_area(values, "imd_imd_score", level, DEPRIVATION_PERIOD)
    return captions.deprivation_sentence(name, deciles, scores, code, _nouns(level), store.home_name())


def deprivation_headline(level: str, code: str, name: str) -> None:
    """The profile's first line, in plain words (nothing for a single neighbourhood or all of Leeds)."""
    sentence = cached_deprivation_sentence(level=level, code=code, name=name, stamp=store.built_at())
    if sentence:
        st.markdown(f"**{sentence.replace('*', chr(92) + '*')}**")
