"""Change in deprivation between IoD2019 and IoD2025, neighbourhood by neighbourhood (LSOA 2021).

Editions are compared by national decile and percentile, never by score or raw rank (2019 ranks are
out of 32,844 LSOAs, 2025 out of 33,755). The 2019 values were carried from 2011 to 2021 LSOAs with
the ONS lookup when the store was built; ``lsoa11_change`` on the LSOA layer says how each 2021 LSOA
relates to 2011 ones (U unchanged, S split from a 2011 LSOA, M merged from several, X irregular),
and those that are not unchanged are flagged because their 2019 value is inherited or averaged.

The "slipped back" rule is the council's own test: a neighbourhood slipped back when its national
percentile band in 2025 is more deprived than in 2019, with bands "1% most deprived" (percentile
<= 1), "1-3%" (<= 3), "3-10%" (<= 10) and "rest of England" (> 10). Pure: no Streamlit.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.query import select

BAND_LIMITS = (1.0, 3.0, 10.0)
BAND_LABELS = ("1% most deprived", "1-3% most deprived", "3-10% most deprived", "Rest of England")
CHANGE_LABELS = {"U": "Unchanged", "S": "Split from a 2011 LSOA", "M": "Merged from 2011 LSOAs",
                 "X": "Irregular change"}
SLIPPED_RULE = ("A neighbourhood 'slipped back' when its national IMD percentile band in 2025 is more deprived than in "
                "2019. Bands: 1% most deprived (percentile ≤ 1), 1-3% (≤ 3), 3-10% (≤ 10), rest of England. "
                "Percentile = 100 × rank ÷ number of LSOAs in England, so the two editions are comparable.")


def national_band(percentile: pd.Series) -> pd.Series:
    """Band index 0 (1% most deprived) .. 3 (rest of England); missing stays missing."""
    bands = pd.Series(np.select([percentile <= BAND_LIMITS[0], percentile <= BAND_LIMITS[1],
                                 percentile <= BAND_LIMITS[2]], [0, 1, 2], default=3), index=percentile.index)
    return bands.where(percentile.notna()).astype("Int64")


def imd_change(values: pd.DataFrame, lsoas: pd.DataFrame, old: str = "2019", new: str = "2025") -> pd.DataFrame:
    """One row per LSOA: IMD decile and percentile in both editions, their movement and bands.

    ``decile_change`` and ``percentile_change`` are new minus old, so a negative figure means the
    neighbourhood moved towards the most deprived end of England.
    """
    sel = select(values, ["imd_imd_decile", "imd_imd_percentile"], "lsoa21", [old, new])
    wide = sel.pivot_table(index="area_code", columns=["indicator_id", "period"], values="value", observed=True)
    wide.columns = [f"{'decile' if 'decile' in str(i) else 'percentile'}_{p}" for i, p in wide.columns]
    keep = [c for c in ("code", "name", "display_name", "ward24_code", "ward24_name", "committee_name", "population",
                        "lsoa11_change") if c in lsoas.columns]
    frame = pd.DataFrame(lsoas[keep]).merge(wide, left_on="code", right_index=True, how="left")
    for column in (f"decile_{old}", f"decile_{new}", f"percentile_{old}", f"percentile_{new}"):
        if column not in frame:
            frame[column] = np.nan
    frame["decile_change"] = frame[f"decile_{new}"] - frame[f"decile_{old}"]
    frame["percentile_change"] = frame[f"percentile_{new}"] - frame[f"percentile_{old}"]
    frame[f"band_{old}"] = national_band(frame[f"percentile_{old}"])
    frame[f"band_{new}"] = national_band(frame[f"percentile_{new}"])
    frame["slipped_back"] = (frame[f"band_{new}"] < frame[f"band_{old}"]).fillna(False).astype(bool)
    frame["lookup_flag"] = frame["lsoa11_change"].astype(str).map(CHANGE_LABELS).fillna("Unknown") \
        if "lsoa11_change" in frame else "Unknown"
    frame["direction"] = np.select([frame["decile_change"] < 0, frame["decile_change"] > 0,
                                    frame["decile_change"] == 0],
                                   ["More deprived decile", "Less deprived decile", "Same decile"], default="No data")
    return frame


def slipped_back(change: pd.DataFrame, old: str = "2019", new: str = "2025") -> pd.DataFrame:
    """Neighbourhoods that moved into a more deprived national band, most deprived first."""
    rows = change[change["slipped_back"]].copy()
    rows[f"band_{old}_label"] = rows[f"band_{old}"].map(lambda b: BAND_LABELS[int(b)])
    rows[f"band_{new}_label"] = rows[f"band_{new}"].map(lambda b: BAND_LABELS[int(b)])
    return rows.sort_values([f"percentile_{new}", "code"])


def lookup_counts(lsoas: pd.DataFrame) -> dict[str, int]:
    """How many 2021 LSOAs are unchanged, split or merged relative to 2011 (every code present)."""
    counts = lsoas["lsoa11_change"].astype(str).value_counts()
    return {code: int(counts.get(code, 0)) for code in CHANGE_LABELS} | \
        {code: int(n) for code, n in counts.items() if code not in CHANGE_LABELS}


def decile_movement(change: pd.DataFrame, old: str = "2019", new: str = "2025") -> pd.DataFrame:
    """Cross-table of LSOA counts: 2019 decile (rows) by 2025 decile (columns)."""
    present = change.dropna(subset=[f"decile_{old}", f"decile_{new}"])
    table = pd.crosstab(present[f"decile_{old}"].astype(int), present[f"decile_{new}"].astype(int))
    table.index.name, table.columns.name = f"Decile {old}", f"Decile {new}"
    return table


def movement_summary(change: pd.DataFrame) -> dict[str, int]:
    """Counts of LSOAs by decile direction, and of those that slipped back a band."""
    counts = change["direction"].value_counts()
    return {label: int(counts.get(label, 0)) for label in
            ("More deprived decile", "Same decile", "Less deprived decile", "No data")} | \
        {"Slipped back a band": int(change["slipped_back"].sum())}


def ward_share_change(values: pd.DataFrame, wards: pd.DataFrame, old: str = "2019", new: str = "2025") -> pd.DataFrame:
    """Each ward's share of residents in England's most deprived 10% of LSOAs, then and now."""
    sel = select(values, "imd_imd_pct_most_deprived", "ward24", [old, new])
    wide = sel.pivot_table(index="area_code", columns="period", values="value", observed=True)
    wide = wide.reindex(columns=[old, new])
    wide.columns = [f"share_{old}", f"share_{new}"]
    frame = pd.DataFrame(wards[["code", "name", "committee_name"]]).merge(wide, left_on="code", right_index=True,
                                                                         how="left")
    frame["share_change"] = frame[f"share_{new}"] - frame[f"share_{old}"]
    return frame.sort_values([f"share_{new}", "name"], ascending=[False, True]).reset_index(drop=True)
