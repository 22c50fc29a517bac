"""Postcode search, pure: tidy what a reader typed, check its shape, and say in one sentence what was found.

No Streamlit and no I/O: the component looks the tidy postcode up in the store's tables and passes the rows
here. Sentences quote the postcode only in its tidy form (letters, digits and one space), never the raw
input, so nothing a reader types can become Markdown or HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# The shape of a UK postcode (outward code: area letters, district digit(s) and an optional letter; inward
# code: a digit and two letters), after spaces are removed and letters upper-cased.
POSTCODE_SHAPE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
MAX_INPUT = 20


@dataclass(frozen=True)
class PostcodeResult:
    kind: str                 # "leeds" | "elsewhere" | "unknown" | "malformed" | "empty"
    sentence: str             # plain text, safe to show as Markdown only through safe_text
    postcode: str = ""        # tidy form, e.g. "LS1 1UR"
    lsoa21_code: str | None = None
    msoa21_code: str | None = None
    ward24_code: str | None = None
    committee_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    easting: float | None = None
    northing: float | None = None


def tidy(raw: str) -> str | None:
    """'ls1 1ur', ' LS11UR ' -> 'LS11UR'; None when it does not have a postcode's shape."""
    compact = re.sub(r"\s+", "", str(raw or "")[:MAX_INPUT * 2]).upper()
    return compact if len(compact) <= 7 and POSTCODE_SHAPE.match(compact) else None


def display(compact: str) -> str:
    """'LS11UR' -> 'LS1 1UR' (outward code, one space, inward code)."""
    return f"{compact[:-3]} {compact[-3:]}"


def classify(raw: str, leeds_row: dict | None, other_row: dict | None, home: str = "Leeds") -> PostcodeResult:
    """One result per input: a postcode of the home district (``leeds_row``; Leeds unless BCA_DISTRICT) with its
    areas, or a sentence for each kind of miss."""
    if not str(raw or "").strip():
        return PostcodeResult("empty", "Type a postcode, for example LS1 1UR.")
    compact = tidy(raw)
    if compact is None:
        return PostcodeResult("malformed", "That is not a UK postcode: a postcode looks like LS1 1UR or LS6 2AA "
                                           "(letters and a number, a space, then a number and two letters).")
    shown = display(compact)
    if leeds_row is not None:
        row = {k: (None if pd.isna(v) else v) for k, v in leeds_row.items()}
        return PostcodeResult(
            "leeds", f"{shown} is in {row['lsoa21_name']} (LSOA), {row['ward24_name']} ward"
                     + (f", {row['committee_name']} community committee." if row.get("committee_name") else "."),
            shown, row["lsoa21_code"], row["msoa21_code"], row["ward24_code"], row["committee_code"],
            row["lon"], row["lat"], row["easting"], row["northing"])
    if other_row is not None:
        name = other_row.get("lad_name")
        code = other_row.get("lad_code")
        if isinstance(name, str) and name:
            where = name
        elif isinstance(code, str) and code:
            where = f"the local authority with code {code}"
        else:
            where = "no local authority the directory records"
        return PostcodeResult("elsewhere", f"{shown} is in {where}, not in {home}: this atlas covers {home} only.",
                              shown)
    if compact.startswith("BT"):
        return PostcodeResult("elsewhere", f"{shown} is a Northern Ireland postcode, not in {home}: this atlas "
                                           f"covers {home} only (Northern Ireland postcodes are not in its copy of the directory).",
                              shown)
    return PostcodeResult("unknown", f"{shown} is not in the ONS Postcode Directory (November 2025) this atlas uses: "
                                     "check it, or try a neighbour's postcode.", shown)
