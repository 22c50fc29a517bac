"""Controls and side panel of the map explorer, bound to the URL-backed session keys of components/params.py.

Each picker first makes the stored value valid for the current choices (an indicator not published at
this level, a period the indicator lacks, a scheme that does not apply), saying so when it changes
something the reader asked for, and only then draws the widget, so widgets never hold stale values.
"""
from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd
import streamlit as st

from components import store
from components.footer import source_line
from components.map import clicked_code
from components.state import bound_select, bound_widget
from components.user_upload_view import current_indicator
from data.registry import PILLARS, Indicator
from data.safe_text import safe_text
from geo.choropleth import SCHEME_LABELS, default_scheme, key_figures, scheme_label, schemes_for
from geo.classify import MAX_CLASSES, MIN_CLASSES

MAP_KEY = "explorer_map"
KEY_INDICATORS = ["imd_imd_score", "imd_income_score", "imd_health_score", "life_expectancy_female",
                  "life_expectancy_male", "fuel_poverty", "census_hh_deprived_1plus"]
DEFAULT_INDICATOR = "imd_imd_score"
ALL_PILLARS = "All pillars"


def _level_name(level: str, plural: bool = True) -> str:
    short = store.area_catalogue().levels[level].short
    return short.lower() + ("s" if plural else "") if short not in ("LSOA", "MSOA") else short + ("s" if plural else "")


def indicator_picker(level: str) -> Indicator:
    """Pillar filter + searchable indicator list (grouped by theme); the others listed with their reason."""
    registry = store.registry()
    available, reasons = store.indicators_at(level)
    ids = [i.id for i in available]
    current = st.session_state.get("indicator", DEFAULT_INDICATOR)
    if current not in ids:
        fallback = DEFAULT_INDICATOR if DEFAULT_INDICATOR in ids else ids[0]
        if current in reasons:
            st.info(f"**{registry.get(current).label}** is not available for {_level_name(level)}: "
                    f"{reasons[current]} Showing **{registry.get(fallback).label}** instead.",
                    icon=":material/info:")
        st.session_state["indicator"] = fallback
        _reset_for_indicator(registry.get(fallback))
    pillar = st.segmented_control("Pillar", [ALL_PILLARS, *PILLARS], key="explorer_pillar", default=ALL_PILLARS,
                                  help="Narrow the list to one of the Best City Ambition's three pillars.")
    options, labels, unavailable = _cached_picker_choices(level, pillar or ALL_PILLARS)
    if st.session_state["indicator"] not in options:
        options = [st.session_state["indicator"], *options]
    # the choice is "indicator", the widget's key its own (components.state.bound): a change then re-sends no options
    bound_widget(st.selectbox, "Indicator (type to search)", options, format_func=labels.get, state="indicator",
                 then=lambda: _reset_for_indicator(registry.get(st.session_state["indicator"])),
                 help="Grouped by theme. Only indicators published for, or derivable for, this geography are listed.")
    if reasons:
        with st.expander(f"Not available for {_level_name(level)} ({len(reasons)})"):
            st.markdown(unavailable)
    return registry.get(st.session_state["indicator"])


@lru_cache(maxsize=32)
def _cached_picker_choices(level: str, pillar: str) -> tuple[list[str], dict[str, str], str]:
    """The picker's ids (by theme, then label), their labels, and the 'not available' list as Markdown.

    Built once per level and pillar (the registry is fixed per process); callers must not change them.
    """
    available, reasons = store.indicators_at(level)
    chosen = sorted((i for i in available if pillar == ALL_PILLARS or pillar in i.pillars),
                    key=lambda i: (i.theme, i.label))
    labels = {i.id: f"{i.theme}: {i.label}" for i in available}
    registry = store.registry()
    unavailable = "\n".join(f"- **{html.escape(registry.get(i).label)}**: {html.escape(r)}" for i, r in reasons.items())
    return [i.id for i in chosen], labels, unavailable


def _reset_for_indicator(indicator: Indicator) -> None:
    """A new indicator starts at its latest period; decile indicators switch to their fixed deciles."""
    if st.session_state.get("period") not in indicator.periods:
        st.session_state["period"] = indicator.periods[0]
    if indicator.classify == "deciles":
        st.session_state["scheme"] = "national"
    elif st.session_state.get("scheme") == "national" and indicator.classify != "national_deciles":
        st.session_state["scheme"] = "quantiles"


def period_picker(indicator: Indicator) -> str:
    """Period selector (only when the indicator has more than one edition)."""
    if st.session_state.get("period") not in indicator.periods:
        st.session_state["period"] = indicator.periods[0]
    if len(indicator.periods) > 1:
        bound_widget(st.radio, "Period", indicator.periods, state="period", horizontal=True, format_func=indicator.period_label,
                 help="Editions of the same measure. For IMD, compare editions by decile, not by raw rank.")
    return st.session_state["period"]


def classification_controls(indicator: Indicator, has_national: bool, has_centre: bool) -> tuple[str, int]:
    """Scheme and number of classes (fixed-decile schemes set their own classes)."""
    allowed = schemes_for(indicator, has_national, has_centre)
    if st.session_state.get("scheme") not in allowed:
        asked = st.session_state.get("scheme")
        st.session_state["scheme"] = default_scheme(indicator, asked, allowed)
        if asked in SCHEME_LABELS and asked != "quantiles":
            st.caption(f"“{scheme_label(asked, store.home_name())}” does not apply to this indicator; using "
                       f"“{scheme_label(st.session_state['scheme'], store.home_name())}”.")
    bound_widget(st.selectbox, "Classes by", allowed, state="scheme", format_func=lambda s: scheme_label(s, store.home_name()),
                 help="Quantiles put the same number of areas in each class; natural breaks group similar values; "
                      f"national deciles use England's fixed cut-offs; diverging shows distance from the {store.home_name()} value.")
    fixed = st.session_state["scheme"] == "national"
    bound_widget(st.slider, "Number of classes", MIN_CLASSES, MAX_CLASSES, state="classes", disabled=fixed,
                 help="Fixed at 10 for national deciles." if fixed else "3 to 10 classes.")
    return st.session_state["scheme"], int(st.session_state["classes"])


def outline_toggle() -> bool:
    """'Deprived Leeds' outline, stored as '0'/'1' so it round-trips through the URL."""
    bound_widget(st.toggle, f"Outline “Deprived {store.home_name()}”", state="outline_deprived",
                 encode=lambda on: "1" if on else "0", value=st.session_state.get("outline_deprived") == "1",
                 help="LSOAs in England's most deprived 10% (IMD 2025 decile 1), outlined in black on white.")
    return st.session_state.get("outline_deprived") == "1"


def take_map_click() -> None:
    """on_select callback: a click on the map selects that area (a click on empty space clears it)."""
    st.session_state["area"] = clicked_code(st.session_state.get(MAP_KEY))


def area_picker(level: str) -> str | None:
    """Searchable list of areas: the keyboard path to the same selection as a map click."""
    names, options = _cached_area_choices(level, store.built_at())
    return bound_select(f"Select {_level_name(level, plural=False)} (type to search, or click the map)", options,
                        "area", format_func=lambda c: "No area selected" if c is None else names[c],
                        placeholder="No area selected")


@lru_cache(maxsize=16)
def _cached_area_choices(level: str, stamp: str) -> tuple[dict[str, str], list[str | None]]:
    """Code -> name of every area of a level, and the picker's options sorted by name (none first)."""
    layer = store.areas(level, stamp)
    names = dict(zip(layer["code"].astype(str), layer["display_name"].astype(str)))
    return names, [None, *sorted(names, key=names.get)]


def side_panel(code: str, level: str, table: pd.DataFrame, indicator: Indicator, period: str) -> None:
    """The selected area: this indicator's value and rank, key figures against Leeds and England, profile link."""
    row = table[table["code"] == code].iloc[0]
    st.subheader(str(row["display_name"]))
    rank = "not ranked" if pd.isna(row["rank"]) else f"{int(row['rank'])} of {int(table['rank'].notna().sum())}"
    value = indicator.format_value(None if pd.isna(row["value"]) else float(row["value"]))
    home = store.home_name()
    st.metric(indicator.titled(period), value, help=f"Rank in {home} (1 = worst): {rank}.")
    st.caption(f"Rank in {home}: {rank} (1 = worst). Class: {row['class']}.")
    registry = store.registry()
    all_levels = list(store.area_catalogue().levels)
    wanted = [indicator.id] + [i for i in KEY_INDICATORS if i != indicator.id and i in registry.ids]
    figures = key_figures(store.values(store.built_at()),
                          [registry.get(i) for i in wanted if registry.get(i).unavailable_reason(level, all_levels) is None],
                          level, code)
    st.markdown(key_figures_html(figures, home), unsafe_allow_html=True)
    st.caption("Latest period of each measure. Sources: " + " ".join(
        dict.fromkeys(source_line(s, p) for s, p in zip(figures["source_id"], figures["Period"]))))
    st.page_link("app_pages/profile.py", label=f"Open the profile of {row['display_name']}", icon=":material/location_city:",
                 query_params={"level": level, "area": code})


def key_figures_html(figures: pd.DataFrame, home: str = "Leeds") -> str:
    """The key figures as a small HTML table whose cells wrap (a data grid squeezed into the side column showed
    one character per value). The period joins the measure's name so four short columns remain."""
    table = pd.DataFrame({"Measure": figures["Indicator"] + " (" + figures["Period"].astype(str) + ")",
                          "Here": figures["This area"], home: figures["Leeds"], "England": figures["England"]})
    return f'<div class="bca-key-figures">{table.to_html(index=False, escape=True, border=0)}</div>'


def user_data_choice(level: str):
    """This session's uploaded indicator when it is at ``level`` and the reader asks to see it, else None.

    Uploads stay in the session (never written to disk); the explorer offers them beside the registry's
    indicators so officers can read their own figures on the same map.
    """
    user = current_indicator()
    if user is None:
        return None
    if user.level != level:
        st.caption(f"Your uploaded data ({safe_text(user.label, limit=80)}) is by {user.level}; switch the geography "
                   f"to map it here.")
        return None
    label = f"Show your uploaded data: {safe_text(user.label, limit=80)} (this session only)"
    return user if st.toggle(label, key="explorer_user_data") else None
