"""Change over time within one series: comparable periods, the change, its direction and a plain judgement.

Pure functions over the store's series table (data/series.py). A change is only ever computed between two
periods of the same series, so it never spans a definition break; the judgement follows the trend's stated
rule (the publisher's confidence intervals where they exist, otherwise a threshold written in series.yaml).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

IMPROVED, WORSENED, NO_CLEAR = "improved", "worsened", "no clear change"
ROSE, FELL = "rose", "fell"
NOISE = "within the noise"
NOT_TESTED = "not tested (no interval)"
JUDGEMENTS = (IMPROVED, WORSENED, ROSE, FELL, NO_CLEAR, NOISE, NOT_TESTED)


class BreakError(ValueError):
    """Raised when a change is asked for across two series (a definition or geography break)."""


@dataclass(frozen=True)
class Rule:
    """How a change is judged (a trend's ``change_rule`` from series.yaml, as plain values)."""

    method: str                       # ci_overlap | threshold | modelled | none
    min_change: float | None = None
    min_relative: float | None = None
    noise_levels: tuple[str, ...] = ()

    @classmethod
    def of(cls, change_rule) -> "Rule":
        return cls(change_rule.method, change_rule.min_change, change_rule.min_relative,
                   tuple(change_rule.noise_levels))


def series_periods(table: pd.DataFrame, series_id: str) -> list[str]:
    """The periods of one series, oldest first (by period start date)."""
    rows = table[table["series_id"] == series_id]
    order = rows.drop_duplicates("period").sort_values("period_start")
    return [str(p) for p in order["period"]]


def series_of_trend(table: pd.DataFrame, trend_id: str) -> list[str]:
    """Series ids of one trend, oldest first."""
    rows = table[table["trend_id"] == trend_id]
    first = rows.groupby("series_id", observed=True)["period_start"].min().sort_values()
    return [str(s) for s in first.index]


def default_pair(periods: list[str], months_back: int = 12) -> tuple[str, str] | None:
    """The periods a change is shown between by default: the earliest and the latest of a series.

    Monthly series (YYYY-MM) compare the latest month with the same month a year earlier when it exists.
    None when the series has fewer than two periods.
    """
    if len(periods) < 2:
        return None
    latest = periods[-1]
    if len(latest) == 7 and latest[4] == "-":
        year, month = int(latest[:4]), int(latest[5:])
        total = year * 12 + month - 1 - months_back
        earlier = f"{total // 12:04d}-{total % 12 + 1:02d}"
        if earlier in periods:
            return earlier, latest
    return periods[0], latest


def judge(start: float, end: float, polarity: str, rule: Rule, level: str,
          start_ci: tuple[float, float] | None = None, end_ci: tuple[float, float] | None = None) -> str:
    """One of ``JUDGEMENTS`` for a change from ``start`` to ``end`` under ``rule``.

    ci_overlap: a clear change when the two 95% intervals do not overlap (not tested without intervals).
    threshold: a clear change when |end - start| >= min_change, or >= min_relative x |start|.
    modelled: 'within the noise' at the rule's noise levels, otherwise as threshold.
    The direction is 'improved'/'worsened' by the polarity, 'rose'/'fell' for neutral measures.
    """
    if start != start or end != end:
        return NO_CLEAR
    if rule.method == "none":
        clear = end != start
    elif rule.method == "ci_overlap":
        if not start_ci or not end_ci or any(v != v for v in (*start_ci, *end_ci)):
            return NOT_TESTED
        clear = start_ci[0] > end_ci[1] or end_ci[0] > start_ci[1]
    else:
        if rule.method == "modelled" and level in rule.noise_levels:
            return NOISE
        clear = _beyond_threshold(start, end, rule)
    if not clear:
        return NO_CLEAR
    up = end > start
    if polarity == "neutral":
        return ROSE if up else FELL
    better = up if polarity == "higher_is_better" else not up
    return IMPROVED if better else WORSENED


def _beyond_threshold(start: float, end: float, rule: Rule) -> bool:
    delta = abs(end - start)
    if rule.min_change is not None and delta + 1e-12 >= rule.min_change:
        return True
    if rule.min_relative is not None and start != 0 and delta + 1e-12 >= rule.min_relative * abs(start):
        return True
    return False


def change_table(table: pd.DataFrame, series_id: str, level: str, start: str, end: str, polarity: str,
                 rule: Rule) -> pd.DataFrame:
    """Per area of ``level``: value at ``start`` and ``end`` of one series, the change and its judgement.

    Raises BreakError if either period is not a period of ``series_id`` (asking across a break).
    Areas missing a value in either period get a NaN change and 'no clear change'.
    """
    periods = series_periods(table, series_id)
    for period in (start, end):
        if period not in periods:
            raise BreakError(f"{period} is not a period of series {series_id}: a change cannot span a break "
                             f"(its periods: {', '.join(periods) or 'none'}).")
    rows = table[(table["series_id"] == series_id) & (table["area_level"] == level)]
    cols = ["area_code", "value", "lower_ci", "upper_ci"]
    out = rows[rows["period"] == start][cols].merge(rows[rows["period"] == end][cols], on="area_code", how="outer",
                                                     suffixes=("_start", "_end")).set_index("area_code")
    out["change"] = out["value_end"] - out["value_start"]
    out["judgement"] = [
        judge(r.value_start, r.value_end, polarity, rule, level, (r.lower_ci_start, r.upper_ci_start),
              (r.lower_ci_end, r.upper_ci_end))
        for r in out.itertuples()]
    out["period_start"], out["period_end"] = start, end
    return out.reset_index()


def summarise(changes: pd.DataFrame) -> dict[str, int]:
    """How many areas fall under each judgement (every judgement listed, zeros included)."""
    counts = changes["judgement"].value_counts()
    return {j: int(counts.get(j, 0)) for j in JUDGEMENTS}


def line_segments(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows ready for a line chart: one line per area and series, never joined across a break or a gap.

    Adds ``segment``: the series id, plus a counter that moves on where periods are missing (a step more than
    1.5 times the series' usual step, e.g. months absent from the data), so a chart drawing ``detail=segment``
    neither bridges two series nor draws a straight line through months it has no figures for.
    """
    out = rows.sort_values("period_start").copy()
    out["segment"] = out["series_id"].astype(str)
    if out.empty:
        return out
    parts = []
    for _, group in out.groupby(["area_code", "series_id"], sort=False, observed=True):
        steps = group["period_start"].diff()
        usual = steps.median()
        gap = (steps > usual * 1.5) if pd.notna(usual) else pd.Series(False, index=group.index)
        parts.append(group["series_id"].astype(str) + "/" + gap.cumsum().astype(int).astype(str))
    out["segment"] = pd.concat(parts).reindex(out.index)
    return out


def percent_change(start: float, end: float) -> float:
    """Relative change in percent (NaN when the start is 0 or missing)."""
    if start is None or end is None or start != start or end != end or start == 0:
        return np.nan
    return 100.0 * (end - start) / abs(start)


def break_marks(table: pd.DataFrame, breaks: list) -> pd.DataFrame:
    """Where each break falls on a time axis (midway between the two series) and its reason.

    ``breaks`` are series.yaml Break objects (before, after, kind, reason). Columns: date, kind, reason, label.
    """
    rows = []
    for brk in breaks:
        before = table[table["series_id"] == brk.before]["period_start"]
        after = table[table["series_id"] == brk.after]["period_start"]
        if before.empty or after.empty:
            continue
        last, first = before.max(), after.min()
        rows.append({"date": last + (first - last) / 2, "kind": brk.kind, "reason": brk.reason,
                     "label": f"{brk.kind.capitalize()} changed"})
    return pd.DataFrame(rows, columns=["date", "kind", "reason", "label"])


def leeds_changes(table: pd.DataFrame, trend, level: str = "lad", code: str | None = None) -> list[dict]:
    """The change for one area (Leeds by default) in every series of a trend with two or more periods.

    One dict per series: series_id, start, end, value_start, value_end, change, judgement. A trend with a
    break gives one entry per side of it, never one across it.
    """
    out = []
    rule = Rule.of(trend.change_rule)
    rows = table[(table["trend_id"] == trend.id) & (table["area_level"] == level)]
    if code is not None:
        rows = rows[rows["area_code"] == code]
    for series_id in series_of_trend(rows, trend.id):
        own = rows[(rows["series_id"] == series_id) & rows["value"].notna()]
        pair = default_pair(series_periods(own, series_id))
        if pair is None:
            continue
        start, end = (own[own["period"] == p].iloc[0] for p in pair)
        out.append({"series_id": series_id, "start": pair[0], "end": pair[1], "value_start": start["value"],
                    "value_end": end["value"], "change": end["value"] - start["value"],
                    "judgement": judge(start["value"], end["value"], trend.polarity, rule, level,
                                       (start["lower_ci"], start["upper_ci"]), (end["lower_ci"], end["upper_ci"]))})
    return out


def summary_table(table: pd.DataFrame, catalogue, home: str = "Leeds") -> pd.DataFrame:
    """One row per trend and series: the home district's change (level ``lad``; and England's, where published) over
    the latest series; trends with no district rows (another district: Leeds-only files) are left out.

    The headline of 'is Leeds getting better?': only the latest series of each trend (its current definition).
    """
    rows = []
    for trend in catalogue.trends:
        leeds = leeds_changes(table, trend, "lad")
        if not leeds and home != "Leeds" and not (table["trend_id"] == trend.id).any():
            continue                          # no series of this measure for another district: not "one period"
        if not leeds:
            rows.append({"trend_id": trend.id, "Measure": trend.short_label, "Judgement": "one period only"})
            continue
        latest = leeds[-1]
        england = [c for c in leeds_changes(table, trend, "england") if c["series_id"] == latest["series_id"]]
        eng = next((c for c in england if (c["start"], c["end"]) == (latest["start"], latest["end"])), None)
        rows.append({"trend_id": trend.id, "Measure": trend.short_label, "series_id": latest["series_id"],
                     "From": latest["start"], "To": latest["end"], f"{home} then": trend.format_value(latest["value_start"]),
                     f"{home} now": trend.format_value(latest["value_end"]), "change": latest["change"],
                     "Judgement": latest["judgement"],
                     "England": eng["judgement"] if eng else "no England figure for these periods"})
    return pd.DataFrame(rows)


def rank_changes(changes: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """Areas ordered from the most improved to the most worsened (neutral: largest rise first)."""
    ascending = polarity == "lower_is_better"
    key = changes["change"] if polarity != "neutral" else -changes["change"]
    order = key.sort_values(ascending=ascending if polarity != "neutral" else True, na_position="last").index
    return changes.loc[order].reset_index(drop=True)


def area_trend_rows(table: pd.DataFrame, catalogue, level: str, code: str) -> pd.DataFrame:
    """One row per trend with values for an area: its latest series' values (for a sparkline), the change over
    that series and its judgement, and the home district's (level ``lad``: the store holds one) judgement over the
    same periods (column "Leeds", renamed by the page). Never spans a break.
    """
    rows = []
    mine = table[(table["area_level"] == level) & (table["area_code"] == code)]
    for trend in catalogue.trends:
        own = mine[(mine["trend_id"] == trend.id) & mine["value"].notna()]
        if own.empty:
            continue
        series_id = series_of_trend(own, trend.id)[-1]
        points = own[own["series_id"] == series_id].sort_values("period_start")
        changes = [c for c in leeds_changes(own, trend, level, code) if c["series_id"] == series_id]
        change = changes[0] if changes else None
        leeds = None
        if change is not None and level != "lad":
            leeds_rows = table[(table["trend_id"] == trend.id) & (table["area_level"] == "lad")]
            leeds_pair = change_table(leeds_rows, series_id, "lad", change["start"], change["end"], trend.polarity,
                                      Rule.of(trend.change_rule)) if {change["start"], change["end"]} <= set(
                series_periods(leeds_rows, series_id)) else None
            if leeds_pair is not None and len(leeds_pair):
                leeds = leeds_pair["judgement"].iloc[0]
        rows.append({"trend_id": trend.id, "Measure": trend.short_label, "series_id": series_id,
                     "values": points["value"].astype(float).tolist(), "periods": len(points),
                     "From": change["start"] if change else points["period"].iloc[0],
                     "To": change["end"] if change else points["period"].iloc[-1],
                     "Latest": trend.format_value(points["value"].iloc[-1]),
                     "change": change["change"] if change else np.nan,
                     "Judgement": change["judgement"] if change else "one period only",
                     "Leeds": leeds or ("" if level == "lad" else "–")})
    return pd.DataFrame(rows)


def _same_periods(table: pd.DataFrame, trend, level: str, series_id: str, start: str, end: str) -> str:
    """A comparator's judgement over exactly the Leeds periods of one series ('not published' otherwise)."""
    rows = table[(table["trend_id"] == trend.id) & (table["area_level"] == level) & (table["series_id"] == series_id)]
    if not {start, end} <= set(rows[rows["value"].notna()]["period"]):
        return "not published"
    out = change_table(rows, series_id, level, start, end, trend.polarity, Rule.of(trend.change_rule))
    return glance(out["change"].iloc[0], out["judgement"].iloc[0])


def glance(change: float, judgement: str) -> str:
    """Direction of travel in one glance without colour: an arrow for the value's direction and the judgement."""
    if change != change:
        return judgement
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    return f"{arrow} {judgement}"


def kpi_history(table: pd.DataFrame, catalogue, pillar: str, home: str = "Leeds",
                region: str = "Yorkshire and The Humber") -> pd.DataFrame:
    """A pillar's KPIs with history: the home district's values (level ``lad``) over its latest series, its change and
    its judgement, and the judgements of England and its region over the same periods (where published). ``home`` and
    ``region`` name the columns."""
    kpis = catalogue.pillar_history[pillar]
    rows = []
    for role, kpi in [("Lead", kpis.lead), *[("Supporting", k) for k in kpis.supporting]]:
        trend = catalogue.get(kpi.id)
        changes = leeds_changes(table, trend, "lad")
        if not changes:
            rows.append({"trend_id": trend.id, "KPI": f"{role}: {trend.short_label}", "values": [], home: "one period only",
                         "Why": kpi.rationale})
            continue
        c = changes[-1]
        leeds_rows = table[(table["trend_id"] == trend.id) & (table["area_level"] == "lad") &
                           (table["series_id"] == c["series_id"])].sort_values("period_start")
        rows.append({"trend_id": trend.id, "KPI": f"{role}: {trend.short_label}",
                     "values": leeds_rows["value"].dropna().astype(float).tolist(),
                     "From": c["start"], "To": c["end"], f"{home} now": trend.format_value(c["value_end"]),
                     home: glance(c["change"], c["judgement"]),
                     "England": _same_periods(table, trend, "england", c["series_id"], c["start"], c["end"]),
                     region: _same_periods(table, trend, "region", c["series_id"], c["start"], c["end"]),
                     "Why": kpi.rationale})
    return pd.DataFrame(rows)
