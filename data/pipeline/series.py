"""The build step for time series: every series of data/series.yaml as one tidy long table (series.parquet).

Parts are read from their sources, 2011-LSOA counts are carried to 2021 LSOAs with the ONS lookup (counts
shared by Census 2021 households, so totals are kept), summed into larger areas where the catalogue says so,
and each row keeps its series id, so no later step can join two definitions.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data.catalogue import SourceCatalogue
from data.settings import DataError
from data.pipeline.inputs import read_table
from data.series import (DROPPED_STATUS, SERIES_COLUMNS, Part, SeriesCatalogue, load_series_catalogue,
                         period_label)
from geo.aggregate import convert_lsoa11_to_lsoa21

def _read_part(part: Part, sources: SourceCatalogue, data_dir: Path, cache: dict) -> pd.DataFrame:
    """The part's rows: area_code, period, period_start and value columns (before geography conversion)."""
    source = sources.sources[part.source]
    if part.source not in cache:
        cache[part.source] = read_table(source, data_dir, check_sha=False)
    raw = cache[part.source]
    for column in part.columns():
        if column not in raw.columns:
            raise DataError(f"{source.path}: series.yaml reads column {column!r}, which the file does not have.")
    mask = pd.Series(True, index=raw.index)
    for column, wanted in part.where.items():
        mask &= raw[column].astype(str) == str(wanted)
    rows = raw.loc[mask]
    if rows.empty:
        raise DataError(f"{source.path}: no rows where {part.where} (series.yaml).")
    out = pd.DataFrame({"area_code": rows[part.code].astype(str).replace(part.recode)})
    labels = {p: period_label(p, part.period_format) for p in rows[part.period].astype(str).unique()}
    period_text = rows[part.period].astype(str)
    out["period"] = period_text.map(lambda p: labels[p][0])
    out["period_start"] = period_text.map(lambda p: labels[p][1])
    num = lambda c: pd.to_numeric(rows[c], errors="coerce") if c else np.nan  # noqa: E731
    out["numerator"] = num(part.numerator or part.count)
    out["denominator"] = num(part.denominator)
    out["value"] = num(part.value) if part.value else np.nan
    out["lower_ci"], out["upper_ci"] = num(part.lower), num(part.upper)
    out["status"] = rows[part.status].fillna("").astype(str) if part.status else ""
    out["provisional"] = rows[part.provisional].astype(str).str.lower().isin(["true", "1"]) if part.provisional else False
    out = out[~out["status"].isin(DROPPED_STATUS)]
    return out.reset_index(drop=True)


def _values_from_counts(frame: pd.DataFrame, part: Part) -> pd.DataFrame:
    """Fill ``value`` where the part defines it by counts (ratio or count); leave published values alone."""
    if part.value:
        return frame
    if part.denominator_from is None and part.denominator is None:
        frame["value"] = frame["numerator"]
    elif part.denominator is not None or part.denominator_from == "mid_year_population":
        den = frame["denominator"]
        frame["value"] = part.scale * frame["numerator"] / den.where(den > 0)
    return frame


def _with_mid_year_denominator(frame: pd.DataFrame, part: Part, level: str, sources: SourceCatalogue,
                               data_dir: Path, cache: dict) -> pd.DataFrame:
    """Keep the periods that have a mid-year estimate and divide by it (LSOA 2011 estimates summed to MSOAs).

    Periods without a matching estimate are dropped: the derived rate exists only where its denominator does.
    """
    if level != "msoa":
        raise DataError(f"series.yaml: mid_year_population denominators are summed to MSOAs only (part of {part.source}).")
    if "lookup_lsoa11_msoa11" not in cache:
        cache["lookup_lsoa11_msoa11"] = read_table(sources.sources["lookup_lsoa11_msoa11"], data_dir, check_sha=False)
    lookup = cache["lookup_lsoa11_msoa11"].set_index("lsoa11_code")["msoa11_code"]
    out = frame[frame["period"].isin(part.denominator_periods)].copy()
    for period, source_id in part.denominator_periods.items():
        key = (source_id, part.denominator_column)
        if key not in cache:
            pop = read_table(sources.sources[source_id], data_dir, [part.denominator_column], check_sha=False)
            cache[key] = pop.groupby(pop["lsoa11_code"].map(lookup))[part.denominator_column].sum()
        rows = out["period"] == period
        out.loc[rows, "denominator"] = out.loc[rows, "area_code"].map(cache[key])
    out["value"] = np.nan
    return out


def _aggregate(native: pd.DataFrame, members: pd.DataFrame, rule: str, scale: float) -> pd.DataFrame:
    """Sum native counts (and denominators) into larger areas, period by period.

    An area gets a value only when every member with a share in it has one (coverage 1); its coverage
    is kept so the app can say why an area is blank.
    """
    periods = native[["period", "period_start"]].drop_duplicates()
    grid = periods.merge(members, how="cross")
    data = grid.merge(native.drop(columns="period_start"), left_on=["period", "from_code"],
                      right_on=["period", "area_code"], how="left")
    share = data["share"]
    keys = [data["period"], data["to_code"]]
    has = data["numerator"].notna() & (data["denominator"].notna() if rule == "sum_ratio" else True)
    weight = data["coverage_weight"].fillna(0) * share
    covered = weight.where(has, 0).groupby(keys).sum()
    total = weight.groupby(keys).sum()
    num = (data["numerator"] * share).groupby(keys).sum(min_count=1)
    out = pd.DataFrame({"numerator": num, "coverage": covered / total.replace(0, np.nan)})
    if rule == "sum_ratio":
        den = (data["denominator"] * share).groupby(keys).sum(min_count=1)
        out["denominator"] = den
        out["value"] = scale * num / den.where(den > 0)
    else:
        out["denominator"] = np.nan
        out["value"] = num
    incomplete = out["coverage"].fillna(0) < 1 - 1e-9
    out.loc[incomplete, ["value", "numerator", "denominator"]] = np.nan
    out = out.reset_index().rename(columns={"to_code": "area_code"})
    prov = native.groupby("period")["provisional"].any()
    out["provisional"] = out["period"].map(prov).fillna(False).astype(bool)
    return out.merge(periods, on="period")


def build_series(geography, layers: dict[str, pd.DataFrame], sources: SourceCatalogue, data_dir: Path,
                 lookup11: pd.DataFrame, catalogue: SeriesCatalogue | None = None) -> pd.DataFrame:
    """Every series of series.yaml as one long table (``SERIES_COLUMNS``), Leeds areas and comparators.

    ``geography`` is the build's Geography (Leeds LSOAs with parent codes and memberships); ``layers`` are the
    area tables (for Census 2021 households, the denominator of derived rates).
    """
    catalogue = catalogue or load_series_catalogue()
    leeds = geography.leeds_lsoas
    leeds_code = str(leeds["lad_code"].iloc[0])
    households21 = leeds.set_index("lsoa21_code")["households"]
    population = {"lsoa21": leeds.set_index("lsoa21_code")["population"],
                  "msoa": leeds.groupby("msoa21_code")["population"].sum()}
    households = {level: layer.set_index("code")["households"] for level, layer in layers.items()}
    cache: dict[str, pd.DataFrame] = {}
    pieces = []
    for trend in catalogue.trends:
        for series in trend.series:
            for part in series.parts:
                frame = _read_part(part, sources, data_dir, cache)
                native_level = {"lsoa11": "lsoa21", "lsoa21": "lsoa21", "msoa": "msoa", "ward24": "ward24"}.get(part.geography)
                frame["converted"] = False
                if part.geography == "lsoa11":
                    frame = _convert_lsoa11(frame, lookup11, leeds_code, households21, convert_lsoa11_to_lsoa21)
                if part.geography == "area":
                    frame = frame[frame["area_code"].isin(part.areas)].copy()
                    frame["area_level"] = frame["area_code"].map(part.areas)
                else:
                    known = set(layers[native_level]["code"])
                    frame = frame[frame["area_code"].isin(known)].copy()
                    frame["area_level"] = native_level
                if frame.empty:
                    raise DataError(f"series.yaml: {series.id} reads no Leeds rows from {part.source}.")
                if part.denominator_from == "census2021_households":
                    frame["denominator"] = frame["area_code"].map(households[native_level])
                    frame["value"] = part.scale * frame["numerator"] / frame["denominator"]
                if part.denominator_from == "mid_year_population":
                    frame = _with_mid_year_denominator(frame, part, native_level, sources, data_dir, cache)
                frame = _values_from_counts(frame, part)
                rows = [frame]
                if part.levels:
                    native = frame.assign(coverage_weight=frame["area_code"].map(population[native_level]))
                    rule = "sum_ratio" if part.aggregate == "sum_ratio" else "sum"
                    for level in part.levels:
                        agg = _aggregate(native, geography.members[(native_level, level)], rule, part.scale)
                        if part.denominator_from == "census2021_households":
                            agg["denominator"] = agg["area_code"].map(households[level]).where(agg["value"].notna())
                            agg["value"] = part.scale * agg["numerator"] / agg["denominator"]
                        agg["converted"] = bool(frame["converted"].any())
                        rows.append(agg.assign(area_level=level))
                for piece in rows:
                    pieces.append(piece.assign(trend_id=trend.id, series_id=series.id, source=part.source))
    return _series_table(pieces)


def build_district_series(home_code: str, region_code: str, sources: SourceCatalogue, data_dir: Path,
                          catalogue: SeriesCatalogue | None = None) -> pd.DataFrame:
    """Another home district's series (BCA_DISTRICT): only the parts published per district, region and England
    (``geography: area``); the small-area files are Leeds' only. In a part's ``areas`` the district level stands for
    the home district and the region level for its region (England stays England); a part read from the core-cities
    extract is read from the England-wide file instead (series.yaml ``other_district_sources``: the extract holds
    only Yorkshire and The Humber). A part with no rows for the district (a Leeds-only file) is left out, never
    filled in, so its series is simply absent."""
    catalogue = catalogue or load_series_catalogue()
    stand_in = {"lad": home_code, "region": region_code}
    cache: dict[str, pd.DataFrame] = {}
    pieces = []
    for trend in catalogue.trends:
        for series in trend.series:
            for part in series.parts:
                if part.geography != "area":
                    continue
                areas = {stand_in.get(level, code): level for code, level in part.areas.items()}
                part = part.model_copy(update={"areas": areas, "recode": {},     # recode: Leeds' pre-2013 code
                                               "source": catalogue.other_district_sources.get(part.source, part.source)})
                frame = _read_part(part, sources, data_dir, cache)
                frame = frame[frame["area_code"].isin(areas)].copy()
                if frame.empty:
                    continue
                frame["area_level"] = frame["area_code"].map(areas)
                frame["converted"] = False
                frame = _values_from_counts(frame, part)
                pieces.append(frame.assign(trend_id=trend.id, series_id=series.id, source=part.source))
    return _series_table(pieces) if pieces else pd.DataFrame(columns=SERIES_COLUMNS)


def _series_table(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """The pieces as one long table: plain defaults, no two values for one area and period, sorted."""
    table = pd.concat(pieces, ignore_index=True).reindex(columns=SERIES_COLUMNS)
    if "coverage" in table:
        table["coverage"] = table["coverage"].fillna(1.0)
    table["status"] = table["status"].fillna("").astype(str)
    table["provisional"] = table["provisional"].fillna(False).astype(bool)
    table["converted"] = table["converted"].fillna(False).astype(bool)
    duplicated = table.duplicated(["series_id", "area_level", "area_code", "period"], keep=False)
    if duplicated.any():
        row = table[duplicated].iloc[0]
        raise DataError(f"series.yaml: {row['series_id']} has two values for {row['area_code']} in {row['period']} "
                        f"(two parts cover the same area and period).")
    for column in ("trend_id", "series_id", "area_level", "period", "status", "source"):
        table[column] = table[column].astype("category")
    return table.sort_values(["trend_id", "series_id", "area_level", "area_code", "period_start"]).reset_index(drop=True)


def _convert_lsoa11(frame: pd.DataFrame, lookup11: pd.DataFrame, leeds_code: str, households21: pd.Series,
                    convert) -> pd.DataFrame:
    """Carry counts on 2011 LSOAs to 2021 LSOAs period by period (households share out split LSOAs)."""
    leeds_lookup = lookup11[lookup11["lad22_code"] == leeds_code]
    out = []
    for (period, start), group in frame.groupby(["period", "period_start"], sort=False):
        counts = group.rename(columns={"area_code": "lsoa11_code"})[["lsoa11_code", "numerator", "denominator"]]
        converted = convert(counts, leeds_lookup, count_columns=["numerator", "denominator"],
                            child_weight=households21, parent_weight=counts.set_index("lsoa11_code")["denominator"])
        converted = converted.rename(columns={"lsoa21_code": "area_code"}).drop(columns="change_code")
        out.append(converted.assign(period=period, period_start=start, value=np.nan, lower_ci=np.nan, upper_ci=np.nan,
                                    status="", provisional=bool(group["provisional"].any()), converted=True))
    return pd.concat(out, ignore_index=True)
