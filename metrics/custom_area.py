"""Custom areas: a set of Leeds LSOAs a reader builds, its link, and its figures by the registry's rules.

Pure: no Streamlit, no I/O. The page hands in the store's tables; everything here is tested on tiny frames.

- A selection travels in a link as a bitset over the sorted Leeds LSOA21 codes, base64url, after a
  version letter (``encode_selection`` / ``decode_selection``): 488 LSOAs make 82 characters whatever
  the area's size, and decoding is strict (exact length, no stray bits, at least one LSOA).
- Pasted or uploaded text is read entry by entry (``parse_entries``): 2021 LSOA codes and postcodes
  (resolved offline through the store's postcode table); every entry that is neither is reported.
- ``aggregate_custom`` gives every indicator by its registry rule through ``geo.aggregate.aggregate``
  (counts summed, rates from summed numerators and denominators or population-weighted, IMD scores as
  MHCLG does for districts: the population-weighted average of LSOA scores, never of ranks) and says in a
  sentence why an indicator is not given (deciles and ranks of single LSOAs, MSOA figures, the SPI).
- ``upload_total`` applies the small-number protection of ``metrics.suppression`` to a reader's own
  area: its total of an uploaded count is shown only when the published figures already determine it, so
  no number of custom areas can be differenced to narrow a hidden count.
"""
from __future__ import annotations

import base64
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.query import comparator_value, comparator_values, select
from data.registry import Indicator, Registry
from data.safe_text import plain
from data.words import count
from geo.aggregate import NATIVE_COLUMNS, aggregate
from metrics.postcodes import display as postcode_display
from metrics.profile import Headline, key_indicator_ids
from metrics.spine import NOT_COMPARED_LABEL, spine_row
from metrics.postcodes import tidy as tidy_postcode

TOKEN_VERSION = "a"              # the universe: Leeds' 2021 LSOAs, sorted by code
MAX_TOKEN = 100                  # components.state.MAX_VALUE_LENGTH: a link value is at most this long
MAX_NAME = 60
MAX_ENTRIES = 2000               # a paste or an upload is read up to this many entries
MAX_TEXT = 100_000               # characters read from a paste or an upload
DEFAULT_NAME = "My area"
LSOA_CODE = re.compile(r"E01\d{6}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_SPLIT = re.compile(r"[,;\t|\r\n]+")
CUSTOM = "custom"                # the custom area's code in aggregated tables


# ---------------------------------------------------------------- the link

def encode_selection(codes: Iterable[str], universe: Sequence[str]) -> str:
    """The set as version letter + base64url bitset over ``universe`` (sorted codes); '' for an empty set."""
    position = {code: i for i, code in enumerate(universe)}
    bits = bytearray(math.ceil(len(universe) / 8))
    chosen = [position[c] for c in set(codes) if c in position]
    if not chosen:
        return ""
    for i in chosen:
        bits[i // 8] |= 0x80 >> (i % 8)
    return TOKEN_VERSION + base64.urlsafe_b64encode(bytes(bits)).decode("ascii").rstrip("=")


def token_length(universe_size: int) -> int:
    """The exact length of every token over a universe of this size."""
    return 1 + math.ceil(math.ceil(universe_size / 8) * 4 / 3)


def decode_selection(token: str, universe: Sequence[str]) -> list[str] | None:
    """The sorted codes a token names, or None unless it is exactly a token this version writes."""
    if not isinstance(token, str) or len(token) != token_length(len(universe)) or len(token) > MAX_TOKEN:
        return None
    if token[0] != TOKEN_VERSION or not _TOKEN.fullmatch(token[1:]):
        return None
    body = token[1:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != math.ceil(len(universe) / 8):
        return None
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != body:   # no second spelling of the same bits
        return None
    chosen = [i for i in range(len(raw) * 8) if raw[i // 8] & (0x80 >> (i % 8))]
    if not chosen or chosen[-1] >= len(universe):
        return None
    return [universe[i] for i in chosen]


def clean_name(raw: object) -> str | None:
    """A reader's name for the area: 1-60 printable characters after trimming; None when it is not one.

    Kept plain here; each place it is shown escapes it (data.safe_text)."""
    if not isinstance(raw, str) or len(raw) > MAX_NAME * 2:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in raw):
        return None
    text = " ".join(raw.split())
    return text if 0 < len(text) <= MAX_NAME else None


# ---------------------------------------------------------------- paste and upload

@dataclass(frozen=True)
class ParsedEntries:
    """What a paste or an upload named: Leeds LSOA codes in order of appearance, and plain notes."""

    codes: list[str]
    notes: list[str] = field(default_factory=list)


def _quoted(items: list[str], most: int = 5) -> str:
    shown = ", ".join(f"'{plain(i, 30)}'" for i in items[:most])
    return shown + (f" and {len(items) - most:,} more" if len(items) > most else "")


def parse_entries(text: str, universe: Iterable[str], leeds_postcodes: Mapping[str, str],
                  home: str = "Leeds") -> ParsedEntries:
    """Read LSOA codes and postcodes, one or more per line (commas, semicolons, tabs or spaces between
    codes). ``leeds_postcodes`` maps a tidy postcode ('LS11UR') to its LSOA21 code."""
    known = set(universe)
    text = str(text or "")
    notes: list[str] = []
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
        notes.append(f"Only the first {MAX_TEXT:,} characters were read.")
    pieces = [p.strip().strip('"').strip("'").strip() for p in _SPLIT.split(text)]
    pieces = [p for p in pieces if p]
    if len(pieces) > MAX_ENTRIES:
        notes.append(f"Only the first {MAX_ENTRIES:,} of {len(pieces):,} entries were read.")
        pieces = pieces[:MAX_ENTRIES]
    codes: list[str] = []
    outside, not_leeds_pc, unknown = [], [], []
    from_postcodes = 0
    for piece in pieces:
        words = piece.split()
        if all(LSOA_CODE.fullmatch(w.upper()) for w in words):
            for word in (w.upper() for w in words):
                (codes if word in known else outside).append(word)
            continue
        compact = tidy_postcode(piece)
        if compact is not None:
            lsoa = leeds_postcodes.get(compact)
            if lsoa is not None and lsoa in known:
                codes.append(lsoa)
                from_postcodes += 1
            else:
                not_leeds_pc.append(postcode_display(compact))
            continue
        unknown.append(piece)
    unique = list(dict.fromkeys(codes))
    if unique:
        via = f" ({count(from_postcodes, 'entry was a postcode', 'entries were postcodes')})" if from_postcodes else ""
        notes.insert(0, f"Found {count(len(unique), f'{home} neighbourhood (LSOA)', f'{home} neighbourhoods (LSOAs)')}"
                        f"{via}.")
    elif pieces:
        notes.insert(0, f"Found no {home} neighbourhood (LSOA) in what was given.")
    elif home == "Leeds":
        notes.insert(0, "Nothing was given: paste 2021 LSOA codes (like E01011264) or Leeds postcodes (like LS1 1UR).")
    else:
        notes.insert(0, f"Nothing was given: paste 2021 LSOA codes (E01…) or {home} postcodes.")
    if outside:
        notes.append(f"{count(len(outside), f'code is not a {home} 2021 LSOA', f'codes are not {home} 2021 LSOAs')} and "
                     f"left out: {_quoted(outside)}.")
    if not_leeds_pc:
        notes.append(f"{count(len(not_leeds_pc), f'postcode is not a {home} postcode', f'postcodes are not {home} postcodes')}"
                     f" in the ONS Postcode Directory and left out: {_quoted(not_leeds_pc)}.")
    if unknown:
        notes.append(f"{count(len(unknown), 'entry is neither a 2021 LSOA code nor a postcode', 'entries are neither 2021 LSOA codes nor postcodes')}"
                     f" and left out: {_quoted(unknown)}.")
    return ParsedEntries(unique, notes)


# ---------------------------------------------------------------- the figures

NOT_GIVEN_SPI = ("Scored for fixed areas (LSOAs, wards, committees) against fixed reference points; an average of "
                 "those scores is not the score of the combined area, so it is not given for a custom area.")
NOT_GIVEN_MSOA = ("Published for MSOAs (groups of about five LSOAs); a custom area need not follow MSOA boundaries, "
                  "so it is not estimated here.")
NOT_GIVEN_SOURCE = "The LSOA figures it is counted from are not in the data store."
RESULT_COLUMNS = ["indicator_id", "period", "value", "lower_ci", "upper_ci", "numerator", "denominator", "coverage"]


def why_not_given(indicator: Indicator) -> str | None:
    """Why an indicator has no figure for a custom area (None when it has one by its registry rule)."""
    if indicator.derived:
        return NOT_GIVEN_SPI
    if indicator.aggregation.rule == "none":
        return indicator.aggregation.reason or "Its registry rule does not combine areas."
    if indicator.native_level != "lsoa21":
        return NOT_GIVEN_MSOA
    return None


def _share_source(registry: Registry, indicator: Indicator, period: str) -> str | None:
    """For a 'share of people where X' indicator (stored only for areas of several LSOAs), the indicator
    holding X for single LSOAs: the same source, period and column (e.g. the IMD decile)."""
    edition = indicator.edition(period)
    rule = edition.value.share_where
    for other in registry.indicators:
        if other.id == indicator.id or other.native_level != "lsoa21":
            continue
        for candidate in other.editions:
            if (candidate.period == period and candidate.source == edition.source
                    and candidate.value.column == rule.column and candidate.value.scale == 1.0
                    and not candidate.value.where):
                return other.id
    return None


def aggregate_custom(values: pd.DataFrame, registry: Registry, members: pd.DataFrame,
                     min_coverage: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator's figures for the area made of ``members`` (rows of the LSOA layer: code,
    population, households), each edition by its registry rule.

    Returns (figures, not_given): figures has ``RESULT_COLUMNS`` (one row per indicator and period, for
    the indicators the rules combine); not_given has indicator_id and reason for the others.
    ``values`` is the store's long table (only its lsoa21 rows of the members are read). The native rows
    of every indicator are built in one frame keyed "indicator|period|lsoa" and handed to
    ``geo.aggregate.aggregate`` once per (rule, scale, CI method), the build's own aggregation.
    """
    min_coverage = registry.coverage.min_share if min_coverage is None else min_coverage
    base = pd.DataFrame({"area_code": members["code"].astype(str).to_numpy(),
                         "population": members["population"].astype(float).to_numpy(),
                         "households": members["households"].astype(float).to_numpy()})
    keys, not_given = [], []
    for indicator in registry.indicators:
        reason = why_not_given(indicator)
        for period in ([] if reason else indicator.periods):
            spec = indicator.edition(period).value
            read = _share_source(registry, indicator, period) if spec.share_where is not None else indicator.id
            if read is None:
                reason = NOT_GIVEN_SOURCE
                break
            keys.append({"key": f"{indicator.id}|{period}", "read_id": read, "period": period,
                         "rule": indicator.aggregation.rule, "scale": spec.scale, "ci": indicator.ci,
                         "by_households": indicator.aggregation.weight == "households",
                         "equals": spec.share_where.equals if spec.share_where is not None else np.nan})
        if reason is not None:
            keys = [k for k in keys if not k["key"].startswith(indicator.id + "|")]
            not_given.append({"indicator_id": indicator.id, "reason": reason})
    not_given = pd.DataFrame(not_given, columns=["indicator_id", "reason"])
    if not keys or base.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS), not_given
    stored = select(values, [k["read_id"] for k in keys], "lsoa21", code=base["area_code"].tolist())
    stored = pd.DataFrame({"read_id": stored["indicator_id"].astype(str).to_numpy(),
                           "period": stored["period"].astype(str).to_numpy(),
                           "area_code": stored["area_code"].astype(str).to_numpy(),
                           **{c: stored[c].to_numpy() for c in ("value", "lower_ci", "upper_ci", "numerator",
                                                                "denominator")}})
    native = pd.DataFrame(keys).merge(base, how="cross").merge(stored, on=["read_id", "period", "area_code"],
                                                               how="left")
    shared = native["equals"].notna()
    if shared.any():                      # 'share of people where X' (as the build's share_where method)
        flag = (native["value"] == native["equals"]).astype(float).where(native["value"].notna())
        native.loc[shared, "numerator"] = native["population"].where(flag == 1, 0.0).where(flag.notna())[shared]
        native.loc[shared, "denominator"] = native.loc[shared, "population"]
        native.loc[shared, "value"] = (native["scale"] * flag)[shared]
        native.loc[shared, ["lower_ci", "upper_ci"]] = np.nan
    native["weight"] = np.where(native["by_households"].astype(bool), native["households"], native["population"])
    native["coverage_weight"] = native["population"]
    native["to_code"] = native["key"]
    native["area_code"] = native["key"] + "|" + native["area_code"]
    pieces = []
    for (rule, scale, ci), group in native.groupby(["rule", "scale", "ci"], sort=False):
        membership = pd.DataFrame({"from_code": group["area_code"], "to_code": group["to_code"], "share": 1.0})
        pieces.append(aggregate(group[NATIVE_COLUMNS], membership, rule, scale=scale, min_coverage=min_coverage,
                                ci=ci))
    figures = pd.concat(pieces, ignore_index=True)
    split = figures["area_code"].str.split("|", n=1, expand=True)
    figures["indicator_id"], figures["period"] = split[0], split[1]
    order = {ind.id: n for n, ind in enumerate(registry.indicators)}
    figures = figures.reindex(columns=RESULT_COLUMNS)
    figures = figures.assign(_o=figures["indicator_id"].map(order)).sort_values(["_o", "period"])
    return figures.drop(columns="_o").reset_index(drop=True), not_given


# ---------------------------------------------------------------- small-number protection

@dataclass(frozen=True)
class UploadTotal:
    """A custom area's total of an uploaded count: the figure, or None with the sentence saying why."""

    value: float | None
    sentence: str


def _combination(hidden_cells: list[str], wanted: set[str],
                 known_totals: Sequence[tuple[object, Sequence[str], float]]) -> np.ndarray | None:
    """Weights x with sum(x_k * hidden part of total k) == the sum of the ``wanted`` hidden cells, or None
    when no combination of the known totals fixes that sum (then publishing it would tell a reader something
    new: differencing custom areas could narrow a hidden count)."""
    column = {code: i for i, code in enumerate(hidden_cells)}
    matrix = np.zeros((len(known_totals), len(hidden_cells)))
    for row, (_, members, _) in enumerate(known_totals):
        for code in members:
            if code in column:
                matrix[row, column[code]] = 1.0
    target = np.zeros(len(hidden_cells))
    for code in wanted:
        target[column[code]] = 1.0
    if not len(known_totals):
        return None
    solution, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
    return solution if np.allclose(matrix.T @ solution, target, atol=1e-8) else None


def upload_total(table: pd.DataFrame, known_totals: Sequence[tuple[object, Sequence[str], float]],
                 codes: Iterable[str], label: str, home: str = "Leeds") -> UploadTotal:
    """The area's total of an uploaded LSOA count, under the protection rule of metrics.suppression.

    ``table`` is the upload's published table (code, value: NaN where hidden or missing, reason:
    non-empty where hidden); ``known_totals`` the totals a reader may know, as (name, member codes, total):
    ward, committee and Leeds, without those the suppression could not protect. The total is shown only
    when the shown cells and those totals already fix it, so it adds nothing a reader could not work out:
    however many custom areas are built and differenced, every hidden count keeps its protection interval.
    """
    codes = set(map(str, codes))
    frame = table.assign(code=table["code"].astype(str))
    is_hidden = frame["reason"].fillna("").astype(str) != ""
    rows = frame[frame["code"].isin(codes)]
    hidden = is_hidden[rows.index]
    missing = rows["value"].isna() & ~hidden
    if missing.any():
        return UploadTotal(None, f"No total of {label} for this area: {int(missing.sum()):,} of its "
                                 f"{len(rows):,} neighbourhoods have no figure in your data.")
    shown_total = float(rows.loc[~hidden, "value"].sum())
    wanted = set(rows.loc[hidden, "code"])
    if not wanted:
        return UploadTotal(shown_total, f"Total of {label} for this area: the sum of its {len(rows):,} "
                                        "neighbourhoods' figures.")
    hidden_cells = frame.loc[is_hidden, "code"].tolist()
    weights = _combination(hidden_cells, wanted, known_totals)
    if weights is None:
        return UploadTotal(None, f"No total of {label} for this area: {len(wanted):,} of its neighbourhoods are "
                                 "hidden to protect small numbers, and a total for this area, set against the "
                                 "figures already shown, would narrow them down. Add or remove neighbourhoods so "
                                 "that it holds whole wards' hidden neighbourhoods, or none.")
    shown_value = frame["value"].where(~is_hidden, 0.0).fillna(0.0)
    hidden_sum = sum(w * (total - float(shown_value[frame["code"].isin(set(members))].sum()))
                     for w, (_, members, total) in zip(weights, known_totals) if abs(w) > 1e-12)
    return UploadTotal(float(round(shown_total + hidden_sum)),
                       f"Total of {label} for this area: {len(wanted):,} of its neighbourhoods are hidden to protect "
                       "small numbers, but their sum already follows from the published ward, "
                       + ("committee and Leeds " if home == "Leeds" else f"and {home} ")
                       + "totals, so the area's total is shown.")


# ---------------------------------------------------------------- what the page shows

HEADLINE_NOTES = {
    "imd_imd_score": "population-weighted average of its LSOAs' scores (the MHCLG method for districts); "
                     "higher = more deprived",
    "imd_imd_pct_most_deprived": "people living in LSOAs in England's most deprived 10%",
}


def _latest(figures: pd.DataFrame, indicator: Indicator) -> pd.Series | None:
    rows = figures[(figures["indicator_id"] == indicator.id) & (figures["period"] == indicator.latest.period)]
    return None if rows.empty else rows.iloc[0]


def custom_headlines(figures: pd.DataFrame, not_given: pd.DataFrame, values: pd.DataFrame,
                     registry: Registry, home: str = "Leeds") -> list[Headline]:
    """The profile's headline cards for a custom area: residents, IMD the MHCLG way, the share in England's
    most deprived 10%, the SPI and life expectancy (with why they are not given) and the key indicators."""
    reasons = dict(zip(not_given["indicator_id"], not_given["reason"]))
    wanted = [("population", "Residents (Census 2021)"), ("imd_imd_score", "IMD 2025 score"),
              ("imd_imd_pct_most_deprived", "Residents in England's most deprived 10%"),
              ("spi_index", "SPI-method index (open data)"), ("life_expectancy_female", "Life expectancy, women"),
              ("life_expectancy_male", "Life expectancy, men")]
    wanted += [(i, None) for i in key_indicator_ids(registry) if i not in dict(wanted)]
    cards = []
    for indicator_id, label in wanted:
        if indicator_id not in registry.ids:
            continue
        indicator = registry.get(indicator_id)
        period = indicator.latest.period
        if indicator_id in reasons:
            cards.append(Headline(indicator_id, label or indicator.short_label, "Not given", None,
                                  period, indicator.latest.source, reasons[indicator_id], tuple(indicator.pillars)))
            continue
        row = _latest(figures, indicator)
        value = None if row is None or pd.isna(row["value"]) else float(row["value"])
        parts = [HEADLINE_NOTES.get(indicator_id, "")]
        for level, word in (("lad", home), ("england", "England")):
            other = comparator_value(values, indicator_id, period, level)
            if other is not None:
                parts.append(f"{word} {indicator.format_value(other)}")
        note = "; ".join(p for p in parts if p)
        if row is not None:
            note = "; ".join(p for p in (indicator.coverage_note(row["coverage"]), note) if p)
        cards.append(Headline(indicator_id, label or indicator.short_label, indicator.format_value(value), value,
                              period, indicator.latest.source, note, tuple(indicator.pillars)))
    return cards


def custom_table(figures: pd.DataFrame, values: pd.DataFrame, registry: Registry, home: str = "Leeds") -> pd.DataFrame:
    """One row per indicator at its latest period: the area, Leeds, England, the test against Leeds where a
    95% confidence interval exists, how the LSOA figures were combined, theme and source id."""
    rows = []
    periods = {i.id: i.latest.period for i in registry.indicators}
    ids = sorted(set(figures["indicator_id"]))
    leeds_of, england_of = (comparator_values(values, ids, periods, level) for level in ("lad", "england"))
    for indicator in registry.indicators:
        row = _latest(figures, indicator)
        if row is None:
            continue
        period = indicator.latest.period
        leeds, england = leeds_of[indicator.id], england_of[indicator.id]
        value = None if pd.isna(row["value"]) else float(row["value"])
        compared = spine_row(np.array([]), np.nan if value is None else value, row["lower_ci"], row["upper_ci"],
                             leeds, england, indicator.polarity)["comparison"]
        rows.append({"Indicator": indicator.short_label, "Period": indicator.period_label(period),
                     "This area": indicator.format_value(value) + indicator.coverage_tag(row["coverage"]),
                     home: indicator.format_value(leeds), "England": indicator.format_value(england),
                     f"Compared with {home} (95% CI)": "" if compared == NOT_COMPARED_LABEL else compared,
                     "How combined": indicator.aggregation.describe(indicator.native_level),
                     "Theme": indicator.theme, "source_id": indicator.edition(period).source,
                     "period": period, "indicator_id": indicator.id})
    return pd.DataFrame(rows)


def not_given_groups(not_given: pd.DataFrame, registry: Registry) -> list[tuple[str, list[str]]]:
    """Indicators without a custom-area figure grouped by their one reason: (reason, short labels)."""
    groups: dict[str, list[str]] = {}
    for indicator_id, reason in zip(not_given["indicator_id"], not_given["reason"]):
        groups.setdefault(reason, []).append(registry.get(indicator_id).short_label)
    return list(groups.items())
