"""The benchmark setting (?benchmark=england|core|similar): which group a Leeds figure is compared with.

One setting for every page, chosen in the sidebar and carried in the URL (components/params.py). England stays
in every table; choosing core cities or similar districts adds the group's average and range of its *district*
figures (store table ``district_values``: the build's own aggregation of England's LSOA data by district, the same
rule as the Leeds figure). The groups come from the cities page's configuration (``cities_view.group_for``). Cached results are shared
read-only across sessions (cache_resource: no copy per rerun; callers never change them).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from components import store
from components import trend_view as tv
from components.cities_view import CORE, ENGLAND, SIMILAR, group_for
from data.catalogue import cities_config_for, load_cities_config
from data.words import possessive
from metrics.benchmark import group_summary, group_then_now, summary_text
from metrics.spine import oriented_position

CHOICES = {ENGLAND: "England", CORE: "Core cities", SIMILAR: "Similar districts"}
KEY = "benchmark"


def current() -> str:
    """The chosen benchmark (England when nothing was chosen)."""
    chosen = st.session_state.get(KEY, ENGLAND)
    return chosen if chosen in CHOICES else ENGLAND


def picker() -> None:
    """The sidebar's radio, bound to the session key the URL parameter fills."""
    st.radio(f"Compare {store.home_name()} with", list(CHOICES), key=KEY, format_func=CHOICES.get, horizontal=True,
             help="England is always shown. Core cities: the seven other English core cities. Similar districts: "
                  f"the districts nearest {store.home_name()} by the method on the cities page. A group's figure is the average "
                  "(and range) of its districts' figures.")


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_group(choice: str, stamp: str) -> tuple[str, dict[str, str]]:
    """(name, code -> district name) of the group; England has no group."""
    if choice == ENGLAND:
        return "England", {}
    group = group_for(choice, cities_config(stamp), store.table("cities_neighbours", stamp))
    return group.name, dict(group.peers)


def cities_config(stamp: str) -> dict:
    """cities.yaml for the store's home district (Leeds as written; another district: its own peers and region)."""
    return cities_config_for(load_cities_config(), store.home(stamp))


def column_name(choice: str) -> str:
    return f"{CHOICES[choice]} (average, range)"


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_cells(choice: str, wanted: tuple[tuple[str, str], ...], stamp: str) -> dict[tuple[str, str], str]:
    """(indicator id, period) -> 'average (range; n districts)' of the group at the indicator's period; indicators the
    districts have no figure for are left out (the caller shows 'no district figure')."""
    if choice == ENGLAND:
        return {}
    _, peers = cached_group(choice, stamp)
    summary = _cached_summary(choice, wanted, stamp)
    return {(r.indicator_id, r.period): summary_text(r.mean, r.low, r.high, int(r.n), len(peers)) for r in summary.itertuples()}


def cells_for(ids: pd.Series, periods: pd.Series, stamp: str, choice: str | None = None) -> list[str]:
    """The group's text for each (indicator, period) row; 'no district figure' where the districts have none."""
    choice = choice or current()
    wanted = tuple(sorted(set(zip(ids.astype(str), periods.astype(str)))))
    found = cached_cells(choice, wanted, stamp) if wanted else {}
    return [found.get(pair, "no district figure") for pair in zip(ids.astype(str), periods.astype(str))]


def add_column(table: pd.DataFrame, ids: pd.Series, periods: pd.Series, stamp: str, after: str,
               choice: str | None = None) -> pd.DataFrame:
    """``table`` with the group's column inserted after ``after`` (unchanged when the benchmark is England)."""
    choice = choice or current()
    if choice == ENGLAND:
        return table
    out = table.copy()
    out.insert(out.columns.get_loc(after) + 1, column_name(choice), cells_for(ids, periods, stamp, choice))
    return out


def note(level: str, stamp: str) -> str:
    """The sentence under a table that shows the group: who is in it and what kind of figure it is."""
    choice = current()
    if choice == ENGLAND:
        return ""
    name, peers = cached_group(choice, stamp)
    first = (f"{CHOICES[choice]}: district figures" if level == "lad"
             else f"{CHOICES[choice]}: district figures; no {_level_word(level)} comparator")
    return (f"{first}. The group is {name} ({', '.join(peers.values())}); its average counts each district once "
            "and its range runs from its lowest to its highest district. Each district's figure is computed from "
            f"England's neighbourhood (LSOA) data by the same rule as the {store.home(stamp)['name']} figure, at the "
            "same period; "
            "indicators published only for Leeds have no district figure.")


def _level_word(level: str) -> str:
    return {"lsoa21": "neighbourhood (LSOA)", "msoa": "MSOA", "ward24": "ward", "committee": "committee"}.get(level, "area")


def group_value(indicator_id: str, period: str, stamp: str) -> tuple[float, float, float, int, int] | None:
    """(mean, low, high, n, of) of the chosen group for one indicator, or None (England chosen, or no figure)."""
    choice = current()
    if choice == ENGLAND:
        return None
    _, peers = cached_group(choice, stamp)
    summary = _cached_summary(choice, ((indicator_id, period),), stamp)
    if summary.empty:
        return None
    r = summary.iloc[0]
    return float(r["mean"]), float(r["low"]), float(r["high"]), int(r["n"]), len(peers)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_summary(choice: str, wanted: tuple[tuple[str, str], ...], stamp: str) -> pd.DataFrame:
    _, peers = cached_group(choice, stamp)
    return group_summary(store.table("district_values", stamp), peers, wanted)


def with_spine_group(spine: pd.DataFrame, stamp: str) -> pd.DataFrame:
    """The spine rows with the group's average placed on each row's Leeds scale (``pos_group``) and its text;
    unchanged when the benchmark is England. Rows whose districts have no figure get no diamond."""
    choice = current()
    if choice == ENGLAND or spine.empty:
        return spine
    _, peers = cached_group(choice, stamp)
    wanted = tuple(sorted(set(zip(spine["indicator_id"].astype(str), spine["period"].astype(str)))))
    summary = _cached_summary(choice, wanted, stamp).set_index(["indicator_id", "period"])["mean"]
    means = [summary.get(pair, np.nan) for pair in zip(spine["indicator_id"].astype(str), spine["period"].astype(str))]
    out = spine.assign(group_text=cells_for(spine["indicator_id"], spine["period"], stamp, choice))
    out["pos_group"] = [float(np.clip(oriented_position(m, lo, hi), -0.06, 1.06)) if pd.notna(m) else np.nan
                        for m, lo, hi in zip(means, spine["left_value"], spine["right_value"])]
    return out


def headline_sentence(indicator_id: str, period: str, label: str, leeds: float, stamp: str) -> str:
    """One sentence under a headline figure: Leeds beside the chosen group's average and range ('' for England)."""
    choice = current()
    if choice == ENGLAND:
        return ""
    name, _ = cached_group(choice, stamp)
    found = group_value(indicator_id, period, stamp)
    if found is None:
        return f"{CHOICES[choice]}: no district figure for this measure."
    mean, low, high, n, of = found
    return (f"{label}, {period}: {store.home_name()} {leeds:,.1f}; {CHOICES[choice].lower()} ({name}, district figures) "
            f"average {summary_text(mean, low, high, n, of)}.")


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_trend_cells(choice: str, rows: tuple[tuple[str, str, str, str], ...], stamp: str) -> list[str]:
    """For each (trend id, series id, from, to) of the change page's summary: the group's average then -> now from
    the ONS district series, where the trend's series comes from ONS Explore Local Statistics; otherwise a sentence."""
    _, peers = cached_group(choice, stamp)
    table, catalogue = tv.cached_series_table(stamp), tv.catalogue()
    series = store.table("cities_series", stamp)
    home = store.home(stamp)["code"]
    out = []
    for trend_id, series_id, start, end in rows:
        trend = next((t for t in catalogue.trends if t.id == trend_id), None)
        where = next((p.where for s in (trend.series if trend else []) if s.id == series_id for p in s.parts
                      if {"dataset", "indicator"} <= set(p.where)), None)
        if where is None:
            out.append("no district series")
            continue
        lad = table[(table["series_id"] == series_id) & (table["area_level"] == "lad")].set_index("period")
        if start not in lad.index or end not in lad.index:
            out.append("no district series")
            continue
        found = group_then_now(series, peers, where["dataset"], where["indicator"], lad.loc[start, "period_start"],
                               lad.loc[end, "period_start"], home, float(lad.loc[start, "value"]))
        out.append("no district figures for these periods" if found is None else
                   f"{trend.format_value(found[0])} → {trend.format_value(found[1])} ({found[2]} of {len(peers)} districts)")
    return out


def trend_column(table: pd.DataFrame, stamp: str, after: str) -> pd.DataFrame:
    """The change page's summary with the group's average then -> now beside England (unchanged for England)."""
    choice = current()
    if choice == ENGLAND or table.empty:
        return table
    keys = tuple((str(t), str(s), str(a), str(b)) for t, s, a, b in
                 zip(table["trend_id"], table.get("series_id", ""), table.get("From", ""), table.get("To", "")))
    out = table.copy()
    out.insert(out.columns.get_loc(after) + 1, f"{CHOICES[choice]} then → now (average)",
               cached_trend_cells(choice, keys, stamp))
    return out


def trend_note(stamp: str) -> str:
    """What the change page's group column is, and where it has no figure."""
    choice = current()
    name, peers = cached_group(choice, stamp)
    home = store.home(stamp)["name"]
    return (f"{CHOICES[choice]}: district figures. {name[0].upper() + name[1:]} ({', '.join(peers.values())}): "
            f"the plain average of the districts with a figure at both periods, over {possessive(home)} periods, from ONS "
            f"Explore Local Statistics' England-wide file (the same release as the {home} series). Measures whose {home} "
            "series comes from another "
            "source (ward or neighbourhood data, DWP, Land Registry) have no district series in the atlas: “no "
            "district series”.")
