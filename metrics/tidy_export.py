"""One mapped view as a tidy table in the column model of OHID's Fingertips exports.

Why: officers open downloads in Excel or pandas. Comment lines above the header break both, and
unrounded values (41.436272388255574) claim a precision the sources never published. So the header is
the first line, values are rounded as displayed, and the metadata (source, licence, caveat, edition)
travels in the file's own columns, one value per row, as in Fingertips.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.registry import Indicator
from metrics.gaps import NOT_COMPARED, SIGNIFICANTLY_HIGHER, SIMILAR, compare_to_benchmark

def tidy_columns(home: str = "Leeds") -> list[str]:
    """The export's columns; the comparison and rank columns name the home district."""
    return ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
            "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator", "Unit",
            "Value note", "Comparator", "Comparator value", f"Compared to {home} value", f"Rank in {home}", "Rank order",
            "Areas ranked", "Source", "Licence", "Caveat"]


TIDY_COLUMNS = tidy_columns()


@dataclass(frozen=True)
class ExportContext:
    """What a row needs besides the figures: where the area sits and where the figure comes from."""

    area_type: str              # e.g. "Wards (2024)"
    leeds: tuple[str, str]      # name and code of the home district (Leeds unless the store was built for another)
    england: tuple[str, str]
    leeds_value: float | None
    england_value: float | None
    source: str                 # the source line shown under the map
    licence: str


def decimals(fmt: str) -> int | None:
    """Decimal places of a registry format ('{:.1f}' -> 1, '{:,.0f}' -> 0); None when it has none."""
    found = re.search(r"\.(\d+)[f%]", fmt)
    return int(found.group(1)) if found else None


def rounded(values: pd.Series, indicator: Indicator) -> pd.Series:
    places = decimals(indicator.format)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    return numbers.round(places) if places is not None else numbers


def compared_to_leeds(table: pd.DataFrame, indicator: Indicator, leeds: float | None) -> pd.Series:
    """Fingertips wording: Better / Similar / Worse (Higher / Lower without a direction), 95% CI only."""
    if leeds is None or "lower_ci" not in table:
        return pd.Series(NOT_COMPARED, index=table.index)
    raw = compare_to_benchmark(table["value"], table["lower_ci"], table["upper_ci"], float(leeds)).astype(str)
    higher_is = {"higher_is_better": "Better 95%", "lower_is_better": "Worse 95%"}.get(indicator.polarity, "Higher 95%")
    lower_is = {"higher_is_better": "Worse 95%", "lower_is_better": "Better 95%"}.get(indicator.polarity, "Lower 95%")
    words = {SIGNIFICANTLY_HIGHER: higher_is, SIMILAR: "Similar", NOT_COMPARED: NOT_COMPARED}
    return raw.map(lambda r: words.get(r, lower_is)).set_axis(table.index)


def tidy_table(table: pd.DataFrame, indicator: Indicator, period: str, context: ExportContext) -> pd.DataFrame:
    """One row per area of the view (rounded as displayed), then the home district and England where published;
    the comparison and rank columns name the home district."""
    n, home = len(table), context.leeds[0]
    column = lambda name: table[name] if name in table else pd.Series(np.nan, index=table.index)  # noqa: E731
    notes = column("coverage").map(indicator.coverage_note).fillna("")
    conversion = indicator.edition(period).conversion
    if conversion:
        notes = notes.map(lambda note: "; ".join(filter(None, [note, f"Edition {conversion}"])))
    parent_code = column("committee_code") if "committee_code" in table else column("ward24_code")
    parent_name = column("committee_name") if "committee_name" in table else column("ward24_name")
    rank = column("rank")
    rows = pd.DataFrame({
        "Indicator ID": indicator.id,
        "Indicator Name": indicator.label,
        "Parent Code": parent_code.to_numpy(),
        "Parent Name": parent_name.to_numpy(),
        "Area Code": table["code"].to_numpy(),
        "Area Name": column("display_name").to_numpy(),
        "Area Type": context.area_type,
        "Time period": indicator.period_label(period),
        "Value": rounded(column("value"), indicator).to_numpy(),
        "Lower CI 95.0 limit": rounded(column("lower_ci"), indicator).to_numpy(),
        "Upper CI 95.0 limit": rounded(column("upper_ci"), indicator).to_numpy(),
        "Count": column("numerator").round(0).to_numpy() if indicator.aggregation.rule == "sum_ratio" else np.nan,
        "Denominator": column("denominator").round(0).to_numpy() if indicator.aggregation.rule == "sum_ratio" else np.nan,
        "Unit": indicator.unit,
        "Value note": notes.to_numpy(),
        "Comparator": context.leeds[0] if context.leeds_value is not None else "",
        "Comparator value": np.nan if context.leeds_value is None else rounded(pd.Series([context.leeds_value]), indicator)[0],
        f"Compared to {home} value": compared_to_leeds(table, indicator, context.leeds_value).to_numpy(),
        f"Rank in {home}": pd.array(rank.to_numpy(), dtype="Int64") if n else [],
        "Rank order": "1 = highest" if indicator.polarity == "neutral" else "1 = worst",
        "Areas ranked": int(rank.notna().sum()),
        "Source": context.source,
        "Licence": context.licence,
        "Caveat": indicator.caveat,
    })
    extra = []
    for (name, code), value, area_type in ((context.leeds, context.leeds_value, "Local authority district"),
                                           (context.england, context.england_value, "Country")):
        if value is None:
            continue
        extra.append({"Indicator ID": indicator.id, "Indicator Name": indicator.label, "Area Code": code,
                      "Area Name": name, "Area Type": area_type, "Time period": indicator.period_label(period),
                      "Value": rounded(pd.Series([value]), indicator)[0], "Unit": indicator.unit,
                      "Value note": f"Edition {conversion}" if conversion else "",
                      f"Compared to {home} value": NOT_COMPARED, "Source": context.source,
                      "Licence": context.licence, "Caveat": indicator.caveat})
    out = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True) if extra else rows
    out[f"Rank in {home}"] = out[f"Rank in {home}"].astype("Int64")
    out["Areas ranked"] = out["Areas ranked"].astype("Int64")
    return out.reindex(columns=tidy_columns(home))
