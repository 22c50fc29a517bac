"""Warm spaces on the page: search and filter the stored list, and the plain/escaped text each view needs.

Pure pandas, no Streamlit: the page wires widgets to these, and the unit tests call them directly.
The stored text is plain (data/pipeline/warm_spaces.py cleaned it) and stays plain here: st.dataframe shows
text as text, and Streamlit 1.67 HTML-escapes every value it substitutes into a pydeck tooltip template
(DeckGlJsonChart's createTooltip), so escaping it again would show "&amp;". Never pass it to Markdown.
"""
from __future__ import annotations

import pandas as pd

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
DAY_NAMES = dict(zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))
SEARCHED = ["title", "address", "space_type", "ward24_name"]


def search_spaces(spaces: pd.DataFrame, query: str = "", wards: list[str] | None = None,
                  types: list[str] | None = None, days: list[str] | None = None) -> pd.DataFrame:
    """Spaces whose name, address, type or ward contain every word of ``query`` (any case), in the given
    wards and types, and open on every one of ``days`` (by the parsed hours: unparsed rows never match a day).
    """
    mask = pd.Series(True, index=spaces.index)
    words = query.casefold().split()
    if words:
        haystack = spaces[SEARCHED].fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
    if wards:
        mask &= spaces["ward24_name"].isin(wards)
    if types:
        mask &= spaces["space_type"].fillna("").isin(types)
    for day in days or []:
        mask &= spaces["days_open"].fillna("").str.split(",").map(lambda open_days, d=day: d in open_days)
    return spaces[mask]


def days_label(days_open: str, parsed: bool) -> str:
    """'Mon, Wed, Fri' from the parsed hours, or a plain note when they could not be parsed."""
    if not parsed:
        return "Not parsed: see the hours as given"
    return ", ".join(DAY_NAMES[d][:3] for d in days_open.split(",") if d)


def list_table(spaces: pd.DataFrame) -> pd.DataFrame:
    """The searchable list as shown (plain text; st.dataframe does not render Markdown or HTML)."""
    return pd.DataFrame({
        "Name": spaces["title"],
        "Type": spaces["space_type"].fillna(""),
        "Ward": spaces["ward24_name"],
        "Open on (parsed)": [days_label(d, p) for d, p in zip(spaces["days_open"].fillna(""), spaces["hours_parsed"])],
        "Hours a week (parsed)": spaces["weekly_hours"],
        "Opening hours as given": spaces["hours_text"].fillna(""),
        "Address": spaces["address"].fillna(""),
        "Website": spaces["website"],
        "Listed by": spaces["source_label"],
    }).sort_values(["Ward", "Name"]).reset_index(drop=True)


def point_rows(spaces: pd.DataFrame) -> list[dict]:
    """One record per space for the deck.gl layer, text as plain strings (the tooltip escapes them)."""
    def text(series: pd.Series) -> list[str]:
        return [str(v) for v in series.fillna("")]

    kind = spaces["space_type"].fillna("").where(spaces["space_type"].fillna("") != "", "Warm space")
    hours = spaces["hours_text"].fillna("").where(spaces["hours_text"].fillna("") != "", "hours not given")
    return [{"space_id": sid, "position": [round(float(x), 5), round(float(y), 5)], "name": name,
             "value_text": f"{k} · {h}", "context_text": f"Ward: {w}", "decile_text": ""}
            for sid, x, y, name, k, h, w in zip(spaces["space_id"], spaces["lon"], spaces["lat"], text(spaces["title"]),
                                                text(kind), text(hours), text(spaces["ward24_name"]))]
