"""Warm and welcome spaces: read, check and clean the points file for the store.

    python -m data.pipeline.warm_spaces check FILE   # validate a replacement file; exit 1 and list problems if any

The list is third-party free text (no licence stated, typed by hundreds of venues), so every row is
checked with a pydantic model before it reaches the store: a row that fails is kept aside with the
reason (the page lists them), never dropped silently; a file that cannot be read at all, or lacks a
required column, stops the build with one sentence and leaves the previous store in place.
Text is stored as plain text; whoever shows it escapes it for the medium (HTML tooltip, Markdown).
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from data.catalogue import WarmSpacesConfig, load_areas, load_sources, load_warm_spaces_config
from data.settings import data_dir, DataError
from data.safe_text import plain
from data.pipeline.inputs import read_table
from metrics.warm_spaces import nearest, parse_hours

STORED_COLUMNS = ["space_id", "title", "address", "space_type", "hours_text", "opening_hours_osm", "hours_parsed",
                  "days_open", "weekly_hours", "website", "url_text", "accessibility", "description", "source",
                  "source_label", "snapshot_date", "ward24_code", "ward24_name", "lon", "lat", "row"]
PLACED_COLUMNS = ["lsoa21_code", "easting", "northing"]
BNG = "EPSG:27700"   # British National Grid: distances in metres
REJECTED_COLUMNS = ["row", "title", "problem"]


# ---------------------------------------------------------------- text
def plain_text(value: object, limit: int) -> str:
    """One line of plain text: no control characters, no-break spaces or runs of blanks; at most ``limit``."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = re.sub(r"\s*[\r\n]+\s*", ", ", unicodedata.normalize("NFKC", str(value)).strip())
    return plain(re.sub(r"\s+", " ", plain(text, None)).strip(" ,"), limit)


def website(url: str) -> str | None:
    """The url when it is a plain http(s) address (others, e.g. 'Www.x.org' or 'javascript:', are not links)."""
    return url if re.fullmatch(r"https?://[^\s<>\"']+", url, flags=re.IGNORECASE) else None


# ---------------------------------------------------------------- hours
# ---------------------------------------------------------------- rows
class SpaceRow(BaseModel):
    """One space as the app needs it; the validators say, in a sentence, what is wrong with a row."""

    model_config = ConfigDict(extra="ignore")
    title: str
    address: str = ""
    space_type: str = ""
    hours_text: str = ""
    opening_hours_osm: str = ""
    url: str = ""
    accessibility: str = ""
    description: str = ""
    source: str
    snapshot_date: date
    ward24_code: str
    ward24_name: str = ""
    lon: float
    lat: float

    @field_validator("title")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("the name (title) is blank")
        return value

    @field_validator("ward24_code")
    @classmethod
    def _ward_code(cls, value: str) -> str:
        if not re.fullmatch(r"E05\d{6}", value):
            raise ValueError("not a ward code (E05 and six digits)")
        return value


@dataclass(frozen=True)
class Cleaned:
    spaces: pd.DataFrame     # STORED_COLUMNS, one row per usable space
    rejected: pd.DataFrame   # REJECTED_COLUMNS: file row number (1 = first data row), name, reason


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "row"
        message = "blank (required)" if error["type"] == "missing" else error["msg"].removeprefix("Value error, ")
        parts.append(f"{field}: {message}")
    return "; ".join(parts)


def clean_spaces(raw: pd.DataFrame, leeds_wards: dict[str, str], config: WarmSpacesConfig | None = None) -> Cleaned:
    """Check every row and clean its text; rows that fail are returned in ``rejected`` with the reason.

    ``leeds_wards`` maps ward code -> name (the app's own wards): a space must be in one of them.
    """
    config = config or load_warm_spaces_config()
    box = config.bounds
    kept, rejected = [], []
    for index, record in enumerate(raw.to_dict("records"), start=1):
        text = {k: plain_text(v, config.max_text) for k, v in record.items() if k not in ("lon", "lat")}
        coords = {k: _number(record.get(k)) for k in ("lon", "lat")}
        try:
            row = SpaceRow.model_validate({**{k: v for k, v in text.items() if v != ""}, **coords})
        except ValidationError as exc:
            rejected.append({"row": index, "title": text.get("title", ""), "problem": _describe(exc)})
            continue
        problem = None
        if row.source not in config.sources:
            problem = f"source: {row.source!r} is not one of {', '.join(config.sources)}"
        elif not (box["min_lon"] <= row.lon <= box["max_lon"] and box["min_lat"] <= row.lat <= box["max_lat"]):
            problem = f"lon/lat: {row.lon}, {row.lat} is outside the Leeds area"
        elif row.ward24_code not in leeds_wards:
            problem = f"ward24_code: {row.ward24_code} is not a Leeds ward"
        if problem:
            rejected.append({"row": index, "title": row.title, "problem": problem})
            continue
        hours = parse_hours(row.opening_hours_osm)
        kept.append({
            **row.model_dump(exclude={"url"}), "row": index,
            "ward24_name": leeds_wards[row.ward24_code],
            "hours_parsed": hours.parsed, "days_open": ",".join(hours.days), "weekly_hours": hours.weekly_hours,
            "website": website(row.url), "url_text": row.url, "source_label": config.sources[row.source],
            "snapshot_date": row.snapshot_date.isoformat(),
        })
    spaces = pd.DataFrame(kept, columns=[c for c in STORED_COLUMNS if c != "space_id"])
    spaces.insert(0, "space_id", [f"ws{n:04d}" for n in spaces["row"]])
    spaces["weekly_hours"] = spaces["weekly_hours"].astype("float64")
    spaces["hours_parsed"] = spaces["hours_parsed"].astype(bool)
    return Cleaned(spaces.reset_index(drop=True), pd.DataFrame(rejected, columns=REJECTED_COLUMNS))


def _number(value: object) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if pd.notna(number) and abs(number) != float("inf") else None


def read_spaces_file(path: Path, config: WarmSpacesConfig | None = None) -> pd.DataFrame:
    """The raw file as text columns; a file that cannot be read or lacks a required column is a DataError."""
    config = config or load_warm_spaces_config()
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path.name}: the warm spaces file is missing.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path.name}: cannot be read as a UTF-8 CSV file ({exc.__class__.__name__}).") from None
    missing = [c for c in config.required if c not in raw.columns]
    if missing:
        raise DataError(f"{path.name}: required column(s) missing: {', '.join(missing)} "
                        f"(see data/warm_spaces.yaml for the columns).")
    if raw.empty:
        raise DataError(f"{path.name}: the file has no rows.")
    return raw


def place_spaces(spaces: pd.DataFrame, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Add each space's LSOA (the polygon it falls in, else the nearest: the boundaries are generalised)
    and its British National Grid easting/northing, for distances in metres."""
    points = gpd.GeoDataFrame(spaces, geometry=gpd.points_from_xy(spaces["lon"], spaces["lat"]), crs="EPSG:4326")
    points = points.to_crs(BNG)
    polygons = lsoas[["lsoa21_code", "geometry"]].to_crs(BNG)
    joined = gpd.sjoin_nearest(points, polygons, how="left").groupby(level=0).first()
    out = spaces.copy()
    out["lsoa21_code"] = joined["lsoa21_code"].reindex(out.index).to_numpy()
    out["easting"] = points.geometry.x.round(1).to_numpy()
    out["northing"] = points.geometry.y.round(1).to_numpy()
    return out


def name_words(name: str, common: set[str]) -> frozenset[str]:
    """The distinctive words of a name: lower case, no punctuation or trailing 's, common words dropped."""
    words = re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", name.casefold())
    return frozenset(w for w in (re.sub(r"['’]s?$", "", w) for w in words) if w and w not in common)


def _normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def mark_duplicates(spaces: pd.DataFrame, config: WarmSpacesConfig | None = None) -> pd.DataFrame:
    """Add ``duplicate_of``: the id of the entry a listing repeats (None for a space counted in its own right).

    The rule and its parameters are in data/warm_spaces.yaml (dedupe); it needs easting/northing.
    """
    rule = (config or load_warm_spaces_config()).dedupe
    common = set(rule["common_words"])
    keep = spaces[spaces["source"] == rule["keep"]]
    out = spaces.copy()
    out["duplicate_of"] = None
    if keep.empty:
        return out
    keep_xy = keep[["easting", "northing"]].to_numpy()
    keep_words = [name_words(t, common) for t in keep["title"]]
    for index, row in spaces[spaces["source"] == rule["merge"]].iterrows():
        distance = ((keep_xy - [row["easting"], row["northing"]]) ** 2).sum(axis=1) ** 0.5
        words = name_words(row["title"], common)
        for k in distance.argsort():
            if distance[k] > rule["max_metres"]:
                break
            if words & keep_words[k] or _normalised(row["title"]) == _normalised(keep["title"].iloc[k]):
                out.at[index, "duplicate_of"] = keep["space_id"].iloc[k]
                break
    return out


def access_table(spaces: pd.DataFrame, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per LSOA: its point (see data/warm_spaces.yaml, access) and the straight-line distance in metres
    to the nearest space counted in its own right (duplicates left out)."""
    polygons = lsoas[["lsoa21_code", "geometry"]].to_crs(BNG)
    points = polygons.geometry.representative_point()
    own = spaces[spaces["duplicate_of"].isna()]
    index, metres = nearest(points.x.to_numpy(), points.y.to_numpy(),
                            own["easting"].to_numpy(), own["northing"].to_numpy())
    return pd.DataFrame({"lsoa21_code": polygons["lsoa21_code"].to_numpy(),
                         "point_easting": points.x.round(1).to_numpy(), "point_northing": points.y.round(1).to_numpy(),
                         "nearest_space_id": own["space_id"].to_numpy()[index], "distance_m": metres.round(0)})


def main(argv: list[str] | None = None) -> int:
    """Check a replacement file against the Leeds wards in the data folder's ward lookup."""
    parser = argparse.ArgumentParser(prog="python -m data.pipeline.warm_spaces", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate a warm spaces CSV; exit 1 on any problem")
    check.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        wards = leeds_wards_from_lookup()
        cleaned = clean_spaces(read_spaces_file(args.file), wards)
    except DataError as exc:
        print(f"Check failed: {exc}", file=sys.stderr)
        return 1
    for row in cleaned.rejected.itertuples():
        print(f"row {row.row} ({row.title or 'no name'}): {row.problem}", file=sys.stderr)
    unparsed = int((~cleaned.spaces["hours_parsed"]).sum())
    print(f"{len(cleaned.spaces)} spaces usable, {len(cleaned.rejected)} rejected; opening hours not parsed "
          f"for {unparsed} (their free text is shown instead).")
    return 1 if len(cleaned.rejected) else 0


def leeds_wards_from_lookup() -> dict[str, str]:
    """Leeds ward code -> name from the catalogued ONS lookup (for the CLI check; the build uses its own layers)."""
    lookup = read_table(load_sources().sources["lookup_lsoa21_ward24"], data_dir(), check_sha=False)
    leeds = lookup[lookup["lad24_code"] == load_areas().leeds.code]
    return dict(zip(leeds["ward24_code"], leeds["ward24_name"]))


if __name__ == "__main__":
    sys.exit(main())
