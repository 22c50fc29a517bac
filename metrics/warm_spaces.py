"""Warm spaces on the page: search and filter the stored list, and the plain/escaped text each view needs.

Pure pandas, no Streamlit: the page wires widgets to these, and the unit tests call them directly.
The stored text is plain (data/pipeline/warm_spaces.py cleaned it) and stays plain here: st.dataframe shows
text as text, and Streamlit 1.67 HTML-escapes every value it substitutes into a pydeck tooltip template
(DeckGlJsonChart's createTooltip), so escaping it again would show "&amp;". Never pass it to Markdown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from io import BytesIO

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from data.safe_text import csv_safe, safe_text

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
DAY_NAMES = dict(zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))
SEARCHED = ["title", "address", "space_type", "ward24_name"]
_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_TIME = r"\d{2}:\d{2}-\d{2}:\d{2}"
_RULE = re.compile(rf"^(?P<days>{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*) (?P<times>{_TIME}(?:,{_TIME})*)$")


@dataclass(frozen=True)
class Hours:
    parsed: bool
    days: tuple[str, ...]          # two-letter day codes, Monday first
    weekly_hours: float | None
    intervals: dict[str, tuple[tuple[int, int], ...]]   # day -> (start, end) in minutes


def parse_hours(osm: str) -> Hours:
    """Read simple OpenStreetMap rules ('Mo-Fr 09:00-17:00; Sa 10:00-13:00,14:00-16:00').

    Anything else (PH, week numbers, 'off', blank) counts as not parsed: the page then shows only the
    free text, and says so. An end before its start (past midnight) is not parsed either.
    """
    if not osm.strip():
        return Hours(False, (), None, {})
    intervals: dict[str, list[tuple[int, int]]] = {}
    for rule in osm.split(";"):
        match = _RULE.match(rule.strip())
        if not match:
            return Hours(False, (), None, {})
        spans = []
        for piece in match["times"].split(","):
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in piece.split("-"))
            if not (0 <= start < end <= 24 * 60):
                return Hours(False, (), None, {})
            spans.append((start, end))
        for day in _expand_days(match["days"]):
            intervals.setdefault(day, []).extend(spans)
    days = tuple(d for d in DAYS if d in intervals)
    minutes = sum(end - start for day in days for start, end in _merge(intervals[day]))
    return Hours(True, days, round(minutes / 60, 2), {d: tuple(_merge(intervals[d])) for d in days})


def _expand_days(text: str) -> list[str]:
    out = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        i, j = DAYS.index(first), DAYS.index(last or first)
        out += DAYS[i:j + 1] if i <= j else DAYS[i:] + DAYS[:j + 1]
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def search_spaces(spaces: pd.DataFrame, query: str = "", wards: list[str] | None = None,
                  types: list[str] | None = None, days: list[str] | None = None, at: time | None = None) -> pd.DataFrame:
    """Spaces whose name, address, type or ward contain every word of ``query`` (any case), in the given
    wards and types, and open on every one of ``days`` (by the parsed hours: unparsed rows never match a day);
    with ``at``, open at that time on each of those days (or, with no day chosen, on some day).
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
    if at is not None:
        mask &= spaces["opening_hours_osm"].fillna("").map(lambda osm: open_at(parse_hours(osm), days or [], at))
    return spaces[mask]


def open_at(hours: Hours, days: list[str], at: time) -> bool:
    """Whether parsed hours cover the minute ``at`` on every day in ``days`` (on any day when none is given)."""
    minute = at.hour * 60 + at.minute
    covered = {d for d, spans in hours.intervals.items() if any(start <= minute < end for start, end in spans)}
    return bool(covered) and (set(days) <= covered if days else True)


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


def overlay_rows(spaces: pd.DataFrame) -> list[dict]:
    """One record per space for the warm-spaces layer any choropleth can show: a position and the two tooltip
    fields that layer's tooltip reads (a title, and type, hours and ward on separate lines). Text goes through
    data.safe_text for the deck (plain and shortened: Streamlit escapes tooltip values itself)."""
    def text(series: pd.Series) -> list[str]:
        return [str(v) for v in series.fillna("")]

    rows = []
    for sid, x, y, name, kind, hours, ward in zip(spaces["space_id"], spaces["lon"], spaces["lat"],
                                                  text(spaces["title"]), text(spaces["space_type"]),
                                                  text(spaces["hours_text"]), text(spaces["ward24_name"])):
        body = [f"Warm space: {safe_text(kind or 'warm or welcome space', 'deck', 60)}",
                f"Hours: {safe_text(hours or 'not given', 'deck', 120)}", f"Ward: {safe_text(ward, 'deck', 60)}"]
        rows.append({"space_id": str(sid), "position": [round(float(x), 5), round(float(y), 5)],
                     "tip_head": safe_text(name, "deck", 80), "tip_body": "\n".join(body)})
    return rows


def nearest(x: np.ndarray, y: np.ndarray, target_x: np.ndarray, target_y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each point, the index of the nearest target and the straight-line distance to it (same units:
    metres on a projected grid such as EPSG:27700)."""
    tree = cKDTree(np.column_stack([target_x, target_y]))
    distance, index = tree.query(np.column_stack([x, y]), k=1)
    return index, distance


def distance_band(metres: pd.Series, bands: list[int]) -> pd.Series:
    """0 for within the first band, 1 for the next ... len(bands) for beyond the last (straight-line metres)."""
    return pd.Series(np.searchsorted(np.asarray(bands, dtype=float), metres.to_numpy(), side="left"),
                     index=metres.index)


def band_labels(bands: list[int]) -> list[str]:
    """'Up to 800 m', '800 m to 1.5 km', 'Over 1.5 km' for bands [800, 1500]."""
    def fmt(m: int) -> str:
        return f"{m / 1000:g} km" if m >= 1000 else f"{m} m"

    edges = [fmt(b) for b in bands]
    return [f"Up to {edges[0]}"] + [f"{a} to {b}" for a, b in zip(edges, edges[1:])] + [f"Over {edges[-1]}"]


def gap_table(access: pd.DataFrame, lsoas: pd.DataFrame, spaces: pd.DataFrame, need: dict[str, pd.Series]) -> pd.DataFrame:
    """One row per LSOA, farthest first: its distance to the nearest space, residents, ward, committee and
    the need figures given (name -> Series indexed by LSOA code)."""
    names = spaces.set_index("space_id")["title"]
    table = access.merge(lsoas[["code", "name", "ward24_name", "committee_name", "population"]],
                         left_on="lsoa21_code", right_on="code")
    out = pd.DataFrame({"LSOA": table["name"], "Code": table["lsoa21_code"], "Ward": table["ward24_name"],
                        "Committee": table["committee_name"], "Residents (Census 2021)": table["population"],
                        "Straight-line distance to the nearest space (m)": table["distance_m"],
                        "Nearest space": table["nearest_space_id"].map(names)})
    for label, series in need.items():
        out[label] = out["Code"].map(series)
    return out.sort_values("Straight-line distance to the nearest space (m)", ascending=False).reset_index(drop=True)


def residents_beyond(gaps: pd.DataFrame, bands: list[int], masks: dict[str, pd.Series]) -> pd.DataFrame:
    """Residents whose LSOA point is beyond each distance, in all LSOAs and in each group (name -> bool mask)."""
    distance = gaps["Straight-line distance to the nearest space (m)"]
    residents = gaps["Residents (Census 2021)"]
    rows = []
    for group, mask in {"All LSOAs": pd.Series(True, index=gaps.index), **masks}.items():
        mask = mask.reindex(gaps.index, fill_value=False)
        row = {"Neighbourhoods": group, "LSOAs": int(mask.sum()), "Residents": int(residents[mask].sum())}
        for band in bands:
            beyond = mask & (distance > band)
            row[f"LSOAs beyond {band:,} m"] = int(beyond.sum())
            row[f"Residents beyond {band:,} m"] = int(residents[beyond].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def response_by_area(spaces: pd.DataFrame, areas: pd.DataFrame, area_of_ward: dict[str, str] | None = None) -> pd.DataFrame:
    """Per ward (or, with ``area_of_ward``, per committee): spaces counted in their own right, spaces per 1,000
    residents (Census 2021) and the weekly opening hours of those whose hours parse (with how many did not)."""
    own = spaces[spaces["duplicate_of"].isna()]
    key = own["ward24_code"].map(area_of_ward) if area_of_ward else own["ward24_code"]
    grouped = own.assign(area=key, unparsed=~own["hours_parsed"]).groupby("area")
    counts = grouped.size()
    out = pd.DataFrame({"code": areas["code"], "name": areas["name"], "population": areas["population"]})
    out["spaces"] = out["code"].map(counts).fillna(0).astype(int)
    out["spaces_per_1000"] = out["spaces"] / out["population"] * 1000
    out["weekly_hours"] = out["code"].map(grouped["weekly_hours"].sum()).fillna(0.0)
    out["hours_not_parsed"] = out["code"].map(grouped["unparsed"].sum()).fillna(0).astype(int)
    return out


@dataclass(frozen=True)
class Figure:
    """One demand column: values by area code, with the period and source ids that every figure carries."""
    label: str
    values: pd.Series
    period: str
    sources: tuple[str, ...]
    provisional: bool = False
    decimals: int = 1


def latest_figure(series: pd.DataFrame, trend_id: str, level: str, label: str, months_before: int = 0,
                  decimals: int = 1) -> Figure | None:
    """The latest period of a stored trend at a level (or the period ``months_before`` it), by area code."""
    rows = series[(series["trend_id"] == trend_id) & (series["area_level"] == level)]
    if rows.empty:
        return None
    latest = rows["period_start"].max()
    when = latest - pd.DateOffset(months=months_before) if months_before else latest
    rows = rows[rows["period_start"] == when]
    if rows.empty:
        return None
    return Figure(label, rows.set_index("area_code")["value"], str(rows["period"].iloc[0]),
                  tuple(sorted(rows["source"].astype(str).unique())), bool(rows["provisional"].any()), decimals)


HOURS = "Weekly opening hours (parsed)"
UNPARSED = "Spaces whose hours did not parse (left out of the hours)"
HOURS_PER_1000 = "Weekly opening hours per 1,000 residents"
COVERAGE = "Coverage of need: weekly opening hours per 1,000 residents in"


def demand_table(response: pd.DataFrame, figures: list[Figure], uc_now: Figure | None, uc_before: Figure | None,
                 need_group: str = "need") -> pd.DataFrame:
    """Demand beside response, one row per area; every demand column names its period. With coverage in
    ``response`` (``with_coverage``), hours per 1,000 residents and per 1,000 residents in ``need_group``."""
    out = pd.DataFrame({"Area": response["name"], "Code": response["code"],
                        "Residents (Census 2021)": response["population"],
                        "Warm spaces": response["spaces"],
                        "Spaces per 1,000 residents": response["spaces_per_1000"].round(2),
                        HOURS: response["weekly_hours"].round(1),
                        UNPARSED: response["hours_not_parsed"]})
    if "hours_per_1000" in response:
        out[HOURS_PER_1000] = response["hours_per_1000"].round(1).to_numpy()
        out[f"Residents in {need_group}"] = response["need_residents"].to_numpy()
        out[f"{COVERAGE} {need_group}"] = response["hours_per_1000_need"].round(1).to_numpy()
    if uc_now is not None:
        note = ", provisional" if uc_now.provisional else ""
        out[f"UC households ({uc_now.period}{note})"] = out["Code"].map(uc_now.values).round(0)
        if uc_before is not None:
            change = out["Code"].map(uc_now.values) - out["Code"].map(uc_before.values)
            out[f"UC households, change {uc_before.period} to {uc_now.period}"] = change.round(0)
            out[f"UC households, % change {uc_before.period} to {uc_now.period}"] = \
                (change / out["Code"].map(uc_before.values) * 100).round(1)
    for figure in figures:
        out[f"{figure.label} ({figure.period}{', provisional' if figure.provisional else ''})"] = \
            out["Code"].map(figure.values).round(figure.decimals)
    return out


def recent_series(series: pd.DataFrame, trend_id: str, level: str, months: int = 24) -> tuple[dict[str, list[float]], str]:
    """Each area's last ``months`` monthly values of a stored trend (oldest first), for a sparkline, and the
    span they cover ("2021-12 to 2023-11"); empty when the trend is not stored at the level."""
    rows = series[(series["trend_id"] == trend_id) & (series["area_level"] == level)]
    if rows.empty:
        return {}, ""
    starts = sorted(rows["period_start"].unique())[-months:]
    rows = rows[rows["period_start"].isin(starts)].sort_values("period_start")
    periods = rows.drop_duplicates("period_start")["period"].astype(str).tolist()
    lists = {str(code): [None if pd.isna(v) else float(v) for v in group["value"]]
             for code, group in rows.groupby("area_code", observed=True, sort=False)}
    return lists, f"{periods[0]} to {periods[-1]}"


def table_xlsx(table: pd.DataFrame, sheet: str, source_lines: list[str]) -> bytes:
    """The table as an Excel workbook: the figures on one sheet, the sources and periods on a second. Text a
    spreadsheet would run as a formula is neutralised as in the CSV (openpyxl writes "=..." as a formula)."""
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        csv_safe(table).to_excel(writer, sheet_name=sheet[:31], index=False)
        csv_safe(pd.DataFrame({"Sources and periods": source_lines})).to_excel(writer, sheet_name="Sources", index=False)
    return buffer.getvalue()


def nearest_spaces(spaces: pd.DataFrame, easting: float, northing: float, n: int = 5) -> pd.DataFrame:
    """The ``n`` spaces nearest a point on the British National Grid, with straight-line metres (plain text)."""
    metres = np.hypot(spaces["easting"] - easting, spaces["northing"] - northing)
    order = metres.sort_values(kind="stable").index[:n]
    return pd.DataFrame({"Name": spaces.loc[order, "title"], "Ward": spaces.loc[order, "ward24_name"],
                         "Straight-line distance (m)": metres[order].round(-1).astype(int),
                         "Open on (parsed)": [days_label(d, p) for d, p in zip(spaces.loc[order, "days_open"].fillna(""),
                                                                               spaces.loc[order, "hours_parsed"])],
                         "Opening hours as given": spaces.loc[order, "hours_text"].fillna("")}).reset_index(drop=True)


def readings(table: pd.DataFrame) -> list[str]:
    """One plain-English sentence per area of a demand-and-response table: response, then demand, with ranks."""
    def column(prefix: str) -> str | None:
        return next((c for c in table.columns if c.startswith(prefix)), None)

    n = len(table)
    per_1000 = table["Spaces per 1,000 residents"]
    response_rank = per_1000.rank(ascending=False, method="min")
    change, fuel = column("UC households, % change"), column("Households in fuel poverty")
    fuel_rank = table[fuel].rank(ascending=False, method="min") if fuel else None
    coverage = column(COVERAGE)
    coverage_rank = table[coverage].rank(ascending=False, method="min") if coverage else None
    coverage_n = int(table[coverage].notna().sum()) if coverage else 0
    out = []
    for i, row in table.iterrows():
        plural = "" if row["Warm spaces"] == 1 else "s"
        parts = [f"{row['Area']}: {row['Warm spaces']} warm space{plural}, {row['Spaces per 1,000 residents']:.2f} per 1,000 "
                 f"residents ({_ordinal(response_rank[i])} most of {n})"]
        if HOURS in table:
            unparsed = int(row[UNPARSED]) if UNPARSED in table else 0
            left = f", {unparsed} space{'' if unparsed == 1 else 's'} with unparsed hours left out" if unparsed else ""
            parts.append(f"{row[HOURS]:,.1f} opening hours a week{left}")
        if coverage and pd.notna(row[coverage]):
            parts.append(f"{row[coverage]:,.1f} hours a week per 1,000 residents in {coverage[len(COVERAGE) + 1:]} "
                         f"({_ordinal(coverage_rank[i])} most of {coverage_n})")
        elif coverage:
            parts.append(f"no residents in {coverage[len(COVERAGE) + 1:]}")
        if change and pd.notna(row[change]):
            parts.append(f"households on Universal Credit {'up' if row[change] >= 0 else 'down'} "
                         f"{abs(row[change]):.1f}% ({change.split('change ')[-1]})")
        if fuel and pd.notna(row[fuel]):
            parts.append(f"fuel poverty {row[fuel]:.1f}% ({_ordinal(fuel_rank[i])} highest of {n})")
        out.append("; ".join(parts) + ".")
    return out


def _ordinal(rank: float) -> str:
    number = int(rank)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True)
class SeriesNeed:
    """A need layer from a stored time series: the latest period's value for every area of a level (NaN where
    the store has none), with what the figure is, its period and sources. ``period`` is None when the store
    holds no period of the series at that level (the page then says so and draws no figure)."""
    label: str
    kind: str
    values: pd.Series
    period: str | None
    sources: tuple[str, ...]
    provisional: bool

    @property
    def missing(self) -> list[str]:
        return [str(code) for code in self.values.index[self.values.isna()]]

    @property
    def title(self) -> str:
        when = f"{self.period}{', provisional' if self.provisional else ''}" if self.period else "no period in the store"
        return f"{self.label} ({when}; {self.kind.split(' (')[0]}, by MSOA)"

    def note(self) -> str:
        """One plain sentence on what is drawn: period, kind, and the areas without a figure."""
        if self.period is None:
            return f"{self.label}: no period of this series is in the store for MSOAs, so no figure is drawn."
        n, gaps = len(self.values), len(self.missing)
        blank = f"{gaps} of {n} MSOAs have no figure for {self.period} and are shown as no data." if gaps else \
            f"All {n} MSOAs have a figure for {self.period}."
        return f"{self.label}, {self.period}{' (provisional)' if self.provisional else ''}: a {self.kind}. {blank}"


def series_need(series: pd.DataFrame, trend_id: str, codes: list[str], label: str, kind: str,
                level: str = "msoa") -> SeriesNeed:
    """The latest period of a stored trend for each of ``codes`` (a blank, never a filled-in figure, where the
    store has none): the need layers the registry cannot offer because they exist only as series."""
    figure = latest_figure(series, trend_id, level, label)
    if figure is None:
        return SeriesNeed(label, kind, pd.Series(np.nan, index=pd.Index(codes, name="code"), dtype=float), None, (), False)
    values = figure.values.groupby(level=0).first().reindex(codes).astype(float)
    values.index.name = "code"
    return SeriesNeed(label, kind, values, figure.period, figure.sources, figure.provisional)


def need_residents(lsoas: pd.DataFrame, decile: pd.Series, deciles: list[int], area_of_ward: dict[str, str] | None = None) -> pd.Series:
    """Residents (Census 2021) of the LSOAs whose national decile is in ``deciles``, by ward (each LSOA in its
    best-fit ward) or, with ``area_of_ward``, by committee."""
    chosen = lsoas[lsoas["code"].map(decile).isin(deciles)]
    key = chosen["ward24_code"].map(area_of_ward) if area_of_ward else chosen["ward24_code"]
    return chosen.groupby(key)["population"].sum()


def with_coverage(response: pd.DataFrame, in_need: pd.Series) -> pd.DataFrame:
    """Response per area plus weekly parsed hours per 1,000 residents and per 1,000 residents in need (blank,
    never zero or infinite, where an area has no resident in need)."""
    out = response.copy()
    out["hours_per_1000"] = out["weekly_hours"] / out["population"] * 1000
    out["need_residents"] = out["code"].map(in_need).fillna(0).astype(int)
    out["hours_per_1000_need"] = (out["weekly_hours"] / out["need_residents"].where(out["need_residents"] > 0) * 1000)
    return out
