"""Build the processed store from the raw open data: ingest -> process -> export.

    python -m data.build [--data-dir DIR] [--out DIR] [--debug]

Every input is checked against data/sources.yaml (checksum, columns, codes, Leeds counts) before it
is used. The store is written to a temporary folder and swapped in only when complete, so a failed
build leaves the previous store untouched.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.catalogue import (AreaCatalogue, SourceCatalogue, home_district, level_ids, load_areas, load_cities_config,
                            load_sources)
from data.settings import data_dir as default_data_dir, DataError, processed_dir as default_processed_dir
from data.pipeline.derived import DerivedContext, run_derived
from data.pipeline.cities import CITY_TABLES, cities_tables
from data.pipeline.england import england_life_expectancy
from data.pipeline.inputs import locate, native_values, read_geo, read_table, require_count, require_known_codes
from data.registry import Indicator, Registry, load_registry
from data.pipeline.series import build_district_series, build_series
from data.series import SERIES_COLUMNS
from data.store import MANIFEST, catalogue_fingerprint
from data.pipeline.postcodes import leeds_postcodes, other_postcodes, read_package_postcodes
from data.pipeline.warm_spaces import access_table, clean_spaces, mark_duplicates, place_spaces, read_spaces_file
from geo.aggregate import aggregate, convert_lsoa11_to_lsoa21, membership, wilson_interval
from geo.boundaries import check_geometries, dissolve_by, simplify_for_display

# Tolerances in metres: BGC wards are 20 m generalised; 75 m is below one screen pixel at city zoom.
SIMPLIFY_METRES = {"lsoa21": 0, "msoa": 0, "ward24": 75, "committee": 100, "lad": 100}
VALUE_COLUMNS = ["area_level", "area_code", "indicator_id", "period", "value", "lower_ci", "upper_ci",
                 "numerator", "denominator", "coverage"]
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Geography:
    """Leeds' LSOAs with every parent code, plus England's LSOAs for comparators."""

    leeds_lsoas: pd.DataFrame      # lsoa21_code, names, msoa21/ward24/committee/lad codes, population, households
    england_lsoas: pd.DataFrame    # lsoa21_code, england_code, population, households (England only)
    layers: dict[str, gpd.GeoDataFrame]
    members: dict[tuple[str, str], pd.DataFrame]   # (from level, to level) -> from_code, to_code, share


# ---------------------------------------------------------------- ingest
def verify_inputs(sources: SourceCatalogue, data_dir: Path) -> dict[str, str]:
    """Check every app input exists and matches its catalogued checksum; return id -> sha256."""
    checked = {}
    for source_id, source in sources.sources.items():
        if source.used_by != "app":
            continue
        locate(source, data_dir, check_sha=True)
        checked[source_id] = source.sha256
    return checked


def input_stats(sources: SourceCatalogue, data_dir: Path) -> dict[str, list[int]]:
    """Size and modification time of every app input when it was checked, so the app can tell that the
    data folder is unchanged from a stat call, without opening (or hashing) a raw file."""
    return {s.path: [(data_dir / s.path).stat().st_size, (data_dir / s.path).stat().st_mtime_ns]
            for s in sources.sources.values() if s.used_by == "app"}


def load_geography(sources: SourceCatalogue, areas: AreaCatalogue, data_dir: Path,
                   district: str | None = None) -> Geography:
    """The home district's areas (Leeds unless ``district`` names another) from the ONS best-fit lookup and
    boundary files, cross-checked against each other. Another district has no community committees; its LSOAs
    come from the England-wide layers and its MSOAs and wards are dissolved from them."""
    src = sources.sources
    leeds_code = district or areas.leeds.code
    lookup = read_table(src["lookup_lsoa21_ward24"], data_dir, check_sha=False)
    leeds = lookup[lookup["lad24_code"] == leeds_code].copy()
    name = src["lookup_lsoa21_ward24"].path
    if leeds_code != areas.leeds.code:
        if leeds.empty:
            raise DataError(f"BCA_DISTRICT {leeds_code}: {name} has no LSOAs in that district; give an English "
                            "district's 2024 code (e.g. E08000003 for Manchester).")
        return other_district_geography(src, areas, data_dir, lookup, leeds, leeds_code)
    require_count(len(leeds), areas.levels["lsoa21"].expected, name, "LSOAs (2021)")
    require_count(leeds["msoa21_code"].nunique(), areas.levels["msoa"].expected, name, "MSOAs")
    require_count(leeds["ward24_code"].nunique(), areas.levels["ward24"].expected, name, "wards")

    wards = read_geo(src["wards24_bgc"], data_dir, check_sha=False)
    require_count(len(wards), areas.levels["ward24"].expected, src["wards24_bgc"].path, "wards")
    require_known_codes(wards["ward24_code"], set(leeds["ward24_code"]), src["wards24_bgc"].path, "ward")
    committee_of = areas.committee_of_ward_name()
    unknown = sorted(set(committee_of) - set(wards["ward24_name"]))
    if unknown:
        raise DataError(f"areas.yaml: ward name(s) not in the ward boundary file: {', '.join(unknown)}.")
    unassigned = sorted(set(wards["ward24_name"]) - set(committee_of))
    if unassigned:
        raise DataError(f"areas.yaml: ward(s) in no community committee: {', '.join(unassigned)}.")
    counts = pd.Series([w for c in areas.community_committees.committees for w in c.wards]).value_counts()
    if (counts > 1).any():
        raise DataError(f"areas.yaml: ward(s) in more than one committee: {', '.join(counts[counts > 1].index)}.")
    require_count(len(areas.community_committees.committees), areas.levels["committee"].expected, "areas.yaml", "community committees")

    population = read_table(src["population_census2021"], data_dir,
                            ["usual_residents_census2021", "households_census2021"], check_sha=False)
    population = population.rename(columns={"usual_residents_census2021": "population", "households_census2021": "households"})
    require_known_codes(leeds["lsoa21_code"], set(population["lsoa21_code"]), src["population_census2021"].path, "missing Leeds LSOA")
    ward_committee = wards.set_index("ward24_code")["ward24_name"].map(committee_of)
    committee_names = {c.code: c.name for c in areas.community_committees.committees}
    leeds = leeds.merge(population[["lsoa21_code", "population", "households"]], on="lsoa21_code", how="left")
    leeds["committee_code"] = leeds["ward24_code"].map(ward_committee)
    leeds["committee_name"] = leeds["committee_code"].map(committee_names)
    leeds["lad_code"] = leeds_code
    leeds["lad_name"] = areas.leeds.name
    england = england_population(population, lookup, areas)

    layers = {
        "lsoa21": read_geo(src["lsoa21_bsc"], data_dir, check_sha=False),
        "msoa": read_geo(src["msoa21_bsc"], data_dir, check_sha=False),
        "ward24": wards,
        "lad": read_geo(src["lad24_bsc"], data_dir, check_sha=False),
    }
    require_count(len(layers["lsoa21"]), areas.levels["lsoa21"].expected, src["lsoa21_bsc"].path, "LSOAs (2021)")
    require_known_codes(layers["lsoa21"]["lsoa21_code"], set(leeds["lsoa21_code"]), src["lsoa21_bsc"].path, "LSOA")
    require_count(len(layers["msoa"]), areas.levels["msoa"].expected, src["msoa21_bsc"].path, "MSOAs")
    require_known_codes(layers["msoa"]["msoa21_code"], set(leeds["msoa21_code"]), src["msoa21_bsc"].path, "MSOA")
    return finish_geography(leeds, england, layers)


def england_population(population: pd.DataFrame, lookup: pd.DataFrame, areas: AreaCatalogue) -> pd.DataFrame:
    """England's LSOAs with population, households and their district (for the England and district figures)."""
    england = population[population["lsoa21_code"].str.startswith("E01")].copy()
    england["england_code"] = areas.england.code
    england["district_code"] = england["lsoa21_code"].map(lookup.set_index("lsoa21_code")["lad24_code"])
    return england


def finish_geography(leeds: pd.DataFrame, england: pd.DataFrame, layers: dict[str, gpd.GeoDataFrame]) -> Geography:
    for key, layer in layers.items():
        check_geometries(layer, f"{key} boundaries")
    levels = level_ids()
    members = {(a, b): membership(leeds, a, b) for a in ("lsoa21", "msoa") for b in levels[levels.index(a) + 1:]}
    members[("lsoa21", "england")] = membership(england, "lsoa21", "england")
    members[("lsoa21", "district")] = membership(england.dropna(subset=["district_code"]), "lsoa21", "district")
    return Geography(leeds, england, layers, members)


def other_district_geography(src: dict, areas: AreaCatalogue, data_dir: Path, lookup: pd.DataFrame,
                             home: pd.DataFrame, code: str) -> Geography:
    """Another district's areas: its LSOAs from the core-cities layer (or England's, if it is not a core city),
    MSOAs and wards dissolved from those LSOAs by the ONS best-fit lookup (so fills and outlines coincide), its
    outline from England's district layer. No community committees (a Leeds City Council grouping)."""
    population = read_table(src["population_census2021"], data_dir,
                            ["usual_residents_census2021", "households_census2021"], check_sha=False)
    population = population.rename(columns={"usual_residents_census2021": "population", "households_census2021": "households"})
    require_known_codes(home["lsoa21_code"], set(population["lsoa21_code"]), src["population_census2021"].path,
                        "missing LSOA")
    home = home.merge(population[["lsoa21_code", "population", "households"]], on="lsoa21_code", how="left")
    home["committee_code"], home["committee_name"] = None, None
    home["lad_code"], home["lad_name"] = code, str(home["lad24_name"].iloc[0])
    england = england_population(population, lookup, areas)

    core = read_geo(src["lsoa21_bsc_core_cities"], data_dir, check_sha=False)
    layer = src["lsoa21_bsc_core_cities"]
    if code not in set(core["lad24_code"]):
        core, layer = read_geo(src["lsoa21_bsc_england"], data_dir, check_sha=False), src["lsoa21_bsc_england"]
    lsoas = core[core["lad24_code"] == code].reset_index(drop=True)
    require_count(len(lsoas), len(home), layer.path, "LSOAs (2021)")
    require_known_codes(lsoas["lsoa21_code"], set(home["lsoa21_code"]), layer.path, "LSOA")
    by_lookup = lsoas[["lsoa21_code", "geometry"]].merge(home[["lsoa21_code", "msoa21_code", "msoa21_name", "ward24_code",
                                                             "ward24_name"]], on="lsoa21_code")
    msoa = by_lookup.dissolve(by=["msoa21_code", "msoa21_name"]).reset_index()[["msoa21_code", "msoa21_name", "geometry"]]
    wards = by_lookup.dissolve(by=["ward24_code", "ward24_name"]).reset_index()[["ward24_code", "ward24_name", "geometry"]]
    lad = read_geo(src["lad24_bsc_england"], data_dir, check_sha=False)
    lad = lad[lad["lad24_code"] == code].rename(columns={"lad24_code": "ltla24_code", "lad24_name": "ltla24_name"})
    require_count(len(lad), 1, src["lad24_bsc_england"].path, "district outlines")
    layers = {"lsoa21": lsoas, "msoa": msoa, "ward24": wards, "lad": lad}
    return finish_geography(home, england, layers)


def source_columns(registry: Registry, source_id: str) -> list[str]:
    """Every column the registry reads from one source."""
    columns: list[str] = []
    for indicator in registry.indicators:
        for edition in indicator.editions:
            if edition.source == source_id:
                columns += edition.value.source_columns()
                columns += [c for c in (edition.lower_column, edition.upper_column, edition.weight_column,
                                        edition.numerator_column) if c]
    return list(dict.fromkeys(columns))


def load_source_frame(source_id: str, registry: Registry, sources: SourceCatalogue, geography: Geography,
                      data_dir: Path, lsoa11_lookup: pd.DataFrame, lsoa11_population: pd.Series) -> tuple[pd.DataFrame, int]:
    """A source at its native 2021 geography, keyed by ``area_code``, with population and households.

    Returns the frame and the national row count (for percentiles of rank).
    """
    source = sources.sources[source_id]
    wanted = source_columns(registry, source_id)
    numeric = [c for c in wanted if c not in ("sex",)]
    raw = read_table(source, data_dir, numeric, check_sha=False)
    n_rows = len(raw)
    national = pd.concat([geography.england_lsoas, geography.leeds_lsoas[["lsoa21_code", "population", "households"]]]
                         ).drop_duplicates("lsoa21_code").set_index("lsoa21_code")
    if source.geography == "lsoa11":
        home = str(geography.leeds_lsoas["lad_code"].iloc[0])
        leeds11 = set(lsoa11_lookup.loc[lsoa11_lookup["lad22_code"] == home, "lsoa11_code"])
        require_known_codes(pd.Series(sorted(leeds11)), set(raw["lsoa11_code"]), source.path, "missing Leeds LSOA (2011)")
        ranks = {c: n_rows for c in raw.columns if c.endswith("_rank")}
        frame = convert_lsoa11_to_lsoa21(raw, lsoa11_lookup, count_columns=source.count_columns,
                                         child_weight=national[source.apportion_by], parent_weight=lsoa11_population,
                                         rank_totals=ranks)
        frame = frame.rename(columns={"lsoa21_code": "area_code"})
    elif source.geography == "lsoa21":
        frame = raw.rename(columns={"lsoa21_code": "area_code"})
        require_known_codes(geography.leeds_lsoas["lsoa21_code"], set(frame["area_code"]), source.path, "missing Leeds LSOA")
    elif source.geography in ("msoa21", "msoa11"):
        frame = raw.rename(columns={source.key: "area_code"})
        leeds_msoas = set(geography.leeds_lsoas["msoa21_code"])
        frame = frame[frame["area_code"].isin(leeds_msoas)]
        if source.geography == "msoa21" or str(geography.leeds_lsoas["lad_code"].iloc[0]) == load_areas().leeds.code:
            require_known_codes(pd.Series(sorted(leeds_msoas)), set(frame["area_code"]), source.path, "missing Leeds MSOA")
        # else: another district's MSOAs changed in 2021 are not in a 2011-MSOA file (Leeds' did not change); they
        # stay without a value, and the coverage rule marks the larger areas that contain them
        msoa_pop = geography.leeds_lsoas.groupby("msoa21_code")[["population", "households"]].sum().add_prefix("weight_")
        frame = frame.merge(msoa_pop, left_on="area_code", right_index=True, how="left")
        return mark_membership(frame, geography, "msoa21_code"), n_rows
    else:
        raise DataError(f"sources.yaml: {source_id} has geography {source.geography}, which the build cannot use.")
    weights = national[["population", "households"]].add_prefix("weight_")
    frame = frame.merge(weights, left_on="area_code", right_index=True, how="left")
    return mark_membership(frame, geography, "lsoa21_code"), n_rows


def mark_membership(frame: pd.DataFrame, geography: Geography, leeds_column: str) -> pd.DataFrame:
    """Flag Leeds and England rows once, so later steps filter with a mask, not a string lookup."""
    codes = frame["area_code"].astype(object)
    frame["in_leeds"] = codes.isin(frozenset(geography.leeds_lsoas[leeds_column].astype(object)))
    frame["in_england"] = codes.str.startswith("E01") if leeds_column == "lsoa21_code" else False
    return frame


# ---------------------------------------------------------------- process
def indicator_values(indicator: Indicator, frames: dict[str, tuple[pd.DataFrame, int]], geography: Geography,
                     min_share: float) -> list[pd.DataFrame]:
    """All values of one indicator: every edition at its native level and every level above it.

    ``min_share`` is the registry's one coverage rule, applied alike to every level, Leeds and England.
    """
    native_level = indicator.native_level
    agg = indicator.aggregation
    out = []
    for edition in indicator.editions:
        frame, n_rows = frames[edition.source]
        native = native_values(frame, edition, agg.weight, {"n_rows": n_rows})
        leeds_native = native[native["in_leeds"]].copy()
        if indicator.ci == "wilson":
            lo, hi = wilson_interval(leeds_native["numerator"], leeds_native["denominator"])
            leeds_native["lower_ci"], leeds_native["upper_ci"] = edition.value.scale * lo, edition.value.scale * hi
        pieces = []
        if not indicator.aggregated_only:
            pieces.append(leeds_native.assign(area_level=native_level, coverage=leeds_native["value"].notna().astype(float)))
        if agg.rule != "none":
            for level in indicator.levels(level_ids()):
                if level == native_level:
                    continue
                members = geography.members[(native_level, level)]
                pieces.append(aggregate(leeds_native, members, agg.rule, scale=edition.value.scale,
                                        min_coverage=min_share, ci=indicator.ci).assign(area_level=level))
            if indicator.england and native_level == "lsoa21":
                england_native = native[native["in_england"]]
                pieces.append(aggregate(england_native, geography.members[("lsoa21", "england")], agg.rule, scale=edition.value.scale,
                                        min_coverage=min_share, ci=indicator.ci).assign(area_level="england"))
                # every English district by the same rule, for the benchmark groups (stored apart: district_values)
                pieces.append(aggregate(england_native, geography.members[("lsoa21", "district")], agg.rule,
                                        scale=edition.value.scale, min_coverage=min_share,
                                        ci=indicator.ci).assign(area_level="district"))
        for piece in pieces:
            out.append(piece.assign(indicator_id=indicator.id, period=edition.period).reindex(columns=VALUE_COLUMNS))
    return out


def national_breaks(indicator: Indicator, frames: dict[str, tuple[pd.DataFrame, int]]) -> pd.DataFrame:
    """Score ranges of England's LSOA deciles, so larger areas can be coloured on the national scale."""
    edition = indicator.latest
    frame, _ = frames[edition.source]
    decile_column = edition.value.column.replace("_score", "_decile")
    values = pd.to_numeric(frame[edition.value.column], errors="coerce") * edition.value.scale
    table = pd.DataFrame({"value": values, "decile": frame[decile_column]}).dropna()
    ranges = table.groupby("decile")["value"].agg(["min", "max"]).reset_index()
    return ranges.assign(indicator_id=indicator.id, period=edition.period)


def area_layers(geography: Geography, areas: AreaCatalogue) -> dict[str, gpd.GeoDataFrame]:
    """Display-ready GeoDataFrames for every level: code, name, parent codes, population, geometry."""
    lsoas = geography.leeds_lsoas
    sums = ["population", "households"]

    def majority(child: str, parent: str) -> pd.DataFrame:
        shares = lsoas.groupby([child, parent], as_index=False)["population"].sum()
        return shares.sort_values("population", ascending=False).drop_duplicates(child)[[child, parent]]

    lsoa = geography.layers["lsoa21"][["lsoa21_code", "geometry"]].merge(lsoas, on="lsoa21_code")
    lsoa = lsoa.rename(columns={"lsoa21_code": "code", "lsoa21_name": "name"})
    lsoa["display_name"] = lsoa["name"] + " (" + lsoa["ward24_name"] + ")"
    msoa = geography.layers["msoa"][["msoa21_code", "msoa21_name", "geometry"]]
    msoa = msoa.merge(lsoas.groupby("msoa21_code")[sums].sum().reset_index(), on="msoa21_code")
    msoa = msoa.merge(majority("msoa21_code", "ward24_code"), on="msoa21_code")
    msoa = msoa.merge(lsoas.drop_duplicates("ward24_code")[["ward24_code", "ward24_name", "committee_code", "committee_name"]], on="ward24_code")
    msoa = msoa.rename(columns={"msoa21_code": "code", "msoa21_name": "name"})
    msoa["display_name"] = msoa["name"] + " (mainly " + msoa["ward24_name"] + ")"
    ward = geography.layers["ward24"][["ward24_code", "ward24_name", "geometry"]]
    ward = ward.merge(lsoas.groupby(["ward24_code", "committee_code", "committee_name"], dropna=False)[sums].sum()
                      .reset_index(), on="ward24_code")   # dropna=False: another district's wards have no committee
    ward = ward.rename(columns={"ward24_code": "code", "ward24_name": "name"})
    if ward["committee_code"].notna().any():
        committee = dissolve_by(ward, "committee_code").rename(columns={"committee_code": "code"})
        committee = committee.merge(lsoas.groupby(["committee_code", "committee_name"])[sums].sum().reset_index()
                                    .rename(columns={"committee_code": "code", "committee_name": "name"}), on="code")
        committee["wards"] = committee["code"].map(ward.groupby("committee_code")["name"].apply(lambda s: ", ".join(sorted(s))))
    else:   # another district: no community committees (an empty layer with the same columns)
        committee = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ("code", "name", "wards")} |
                                     {c: pd.Series(dtype=float) for c in sums}, geometry=gpd.GeoSeries(crs="EPSG:4326"))
    lad = geography.layers["lad"].rename(columns={"ltla24_code": "code", "ltla24_name": "name"})[["code", "name", "geometry"]]
    lad["population"], lad["households"] = lsoas["population"].sum(), lsoas["households"].sum()
    layers = {"lsoa21": lsoa, "msoa": msoa, "ward24": ward, "committee": committee, "lad": lad}
    out = {}
    for level, frame in layers.items():
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
        frame = simplify_for_display(frame, SIMPLIFY_METRES[level])
        if "display_name" not in frame:
            frame["display_name"] = frame["name"]
        out[level] = frame.sort_values("code").reset_index(drop=True)
    out["lsoa21"]["lsoa11_change"] = out["lsoa21"]["code"].map(geography.leeds_lsoas.set_index("lsoa21_code").get("lsoa11_change"))
    return out


# ---------------------------------------------------------------- export
def warm_spaces_tables(sources: SourceCatalogue, geography: Geography, data_dir: Path) -> dict[str, pd.DataFrame]:
    """The warm spaces points, checked row by row and placed in their LSOA; rejected rows kept with reasons."""
    path = locate(sources.sources["warm_spaces"], data_dir, check_sha=True)
    wards = geography.layers["ward24"].set_index("ward24_code")["ward24_name"].to_dict()
    cleaned = clean_spaces(read_spaces_file(path), wards)
    spaces = mark_duplicates(place_spaces(cleaned.spaces, geography.layers["lsoa21"]))
    return {"warm_spaces": spaces, "warm_spaces_rejected": cleaned.rejected,
            "warm_space_access": access_table(spaces, geography.layers["lsoa21"])}


def postcode_tables(sources: SourceCatalogue, areas: AreaCatalogue, geography: Geography,
                    data_dir: Path) -> dict[str, pd.DataFrame]:
    """Leeds postcodes placed in the atlas' LSOAs, and every other postcode's district, for the offline search."""
    postcodes = read_package_postcodes()
    parents = geography.leeds_lsoas[["lsoa21_code", "lsoa21_name", "msoa21_code", "ward24_code", "ward24_name",
                                     "committee_code", "committee_name"]]
    summaries = read_table(sources.sources["imd2025_lad_summaries"], data_dir, check_sha=False)
    names = dict(zip(summaries["ltla24_code"], summaries["ltla24_name"]))
    home = str(geography.leeds_lsoas["lad_code"].iloc[0])
    return {"postcodes_leeds": leeds_postcodes(postcodes, home, geography.layers["lsoa21"], parents),
            "postcodes_other": other_postcodes(postcodes, home, names)}


def write_store(out_dir: Path, layers: dict[str, gpd.GeoDataFrame], values: pd.DataFrame, breaks: pd.DataFrame,
                manifest: dict, series: pd.DataFrame | None = None,
                tables: dict[str, pd.DataFrame] | None = None) -> None:
    """Write everything into a temporary sibling folder, then swap it in whole."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".processed-build-", dir=out_dir.parent))
    try:
        for level, layer in layers.items():
            layer.to_parquet(tmp / f"areas_{level}.parquet", index=False)
        values.to_parquet(tmp / "values.parquet", index=False)
        breaks.to_parquet(tmp / "national_breaks.parquet", index=False)
        if series is not None:
            series.to_parquet(tmp / "series.parquet", index=False)
        for name, table in (tables or {}).items():
            table.to_parquet(tmp / f"{name}.parquet", index=False, row_group_size=65_536)   # small groups: a postcode lookup reads one
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
        old = out_dir.with_name(out_dir.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            out_dir.rename(old)
        tmp.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def build(data_dir: Path | None = None, out_dir: Path | None = None, progress: Progress | None = None,
          only: set[str] | None = None) -> dict:
    """Run the whole pipeline; returns the manifest. Raises DataError with a plain sentence on bad input.

    ``only`` (tests): build just these indicators, without derived families, time series, postcodes or the cities
    tables (written empty; the manifest lists ``only``), to prove a district's pages in seconds rather than minutes."""
    started = time.perf_counter()
    data_dir = data_dir or default_data_dir()
    out_dir = out_dir or default_processed_dir()
    report = progress or (lambda step, fraction: None)
    sources, registry, areas = load_sources(), load_registry(), load_areas()
    district = home_district()
    is_leeds = district == areas.leeds.code

    report("Checking input files", 0.02)
    checksums = verify_inputs(sources, data_dir)
    report("Reading boundaries and lookups", 0.15)
    geography = load_geography(sources, areas, data_dir, district)
    lookup11 = read_table(sources.sources["lookup_lsoa11_lsoa21"], data_dir, check_sha=False)
    pop11 = read_table(sources.sources["population_mid2020_lsoa11"], data_dir, ["total_population"], check_sha=False)
    pop11 = pop11.set_index("lsoa11_code")["total_population"]
    change = lookup11[lookup11["lad22_code"] == district].groupby("lsoa21_code")["change_code"].agg(
        lambda s: "M" if len(s) > 1 else s.iloc[0])
    geography.leeds_lsoas["lsoa11_change"] = geography.leeds_lsoas["lsoa21_code"].map(change)

    wanted = [i for i in registry.indicators if only is None or i.id in only]
    used = list(dict.fromkeys(e.source for i in wanted for e in i.editions))
    if not is_leeds:     # Leeds-only files (sources.yaml leeds_only) have nothing for another district
        used = [u for u in used if not sources.sources[u].leeds_only]
    frames = {}
    for n, source_id in enumerate(used):
        report(f"Reading {sources.sources[source_id].path}", 0.2 + 0.4 * n / len(used))
        frames[source_id] = load_source_frame(source_id, registry, sources, geography, data_dir, lookup11, pop11)

    report("Computing and aggregating indicators", 0.65)
    pieces, breaks = [], []
    for indicator in wanted:
        if indicator.derived or any(e.source not in frames for e in indicator.editions):
            continue
        pieces += indicator_values(indicator, frames, geography, registry.coverage.min_share)
        if indicator.classify == "national_deciles":
            breaks.append(national_breaks(indicator, frames))
    values = pd.concat(pieces, ignore_index=True)
    districts = values["area_level"] == "district"
    district_values = values.loc[districts, ["area_code", "indicator_id", "period", "value"]].reset_index(drop=True)
    values = values[~districts].reset_index(drop=True)
    report("Preparing map layers", 0.8)
    layers = area_layers(geography, areas)
    report("Checking the warm spaces list", 0.82)
    tables = warm_spaces_tables(sources, geography, data_dir) if is_leeds else \
        {name: pd.DataFrame() for name in ("warm_spaces", "warm_spaces_rejected", "warm_space_access")}
    report("Placing the district's postcodes", 0.83)
    tables |= postcode_tables(sources, areas, geography, data_dir) if only is None else \
        {"postcodes_leeds": pd.DataFrame(), "postcodes_other": pd.DataFrame()}     # half a quick build's time
    report("Computing derived indicators", 0.85)
    context = DerivedContext(registry, {level: pd.DataFrame(layer.drop(columns="geometry")) for level, layer in layers.items()})
    left_out: dict[str, str] | None = None if is_leeds and only is None else {}
    derived = [d.reindex(columns=VALUE_COLUMNS) for d in run_derived(values, wanted, context, left_out)]
    values = pd.concat([values, *derived], ignore_index=True)
    report("Building time series", 0.9)
    if only is not None:
        series = pd.DataFrame(columns=SERIES_COLUMNS)
    elif is_leeds:
        series = build_series(geography, context.areas, sources, data_dir, lookup11)
    else:   # the small-area series are Leeds-only files: another district gets its district, region and England series
        first = geography.leeds_lsoas.iloc[0]
        series = build_district_series(district, str(first["region24_code"]), sources, data_dir)
    report("Storing England-wide inputs and lookups", 0.92)
    tables["england_le_msoa"] = england_life_expectancy(sources, data_dir)
    first, outline = geography.leeds_lsoas.iloc[0], geography.layers["lad"]
    home = {"code": district, "name": str(first["lad_name"]), "region_code": str(first["region24_code"]),
            "region_name": str(outline["region24_name"].iloc[0]) if "region24_name" in outline
            else load_cities_config()["region"]["name"]}
    report(f"Comparing {home['name']} with England's cities", 0.93)
    tables.update(cities_tables(sources, data_dir, lookup11, None if is_leeds else home, tables["england_le_msoa"])
                  if only is None else {name: pd.DataFrame() for name in CITY_TABLES})
    tables["district_values"] = district_values
    tables["lookup_lsoa11_lsoa21"] = lookup11.loc[lookup11["lad22_code"] == district,
                                                  ["lsoa11_code", "lsoa21_code", "change_code"]].reset_index(drop=True)
    values["area_level"] = values["area_level"].astype("category")
    values["indicator_id"] = values["indicator_id"].astype("category")
    values["period"] = values["period"].astype("category")

    manifest = {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "district": home,
        "only": sorted(only) if only is not None else None,
        "left_out": {"families": left_out or {}, "leeds_only_sources": [] if is_leeds else sorted(
            sid for sid, src in sources.sources.items() if src.leeds_only)},
        "build_seconds": round(time.perf_counter() - started, 2),
        "data_dir": str(data_dir),
        "inputs": checksums,
        "input_stats": input_stats(sources, data_dir),
        "fingerprint": catalogue_fingerprint(),
        "counts": {level: int(len(layer)) for level, layer in layers.items()},
        "indicators": len(registry.indicators),
        "value_rows": int(len(values)),
        "series_rows": int(len(series)),
        "warm_spaces": {"kept": int(len(tables["warm_spaces"])), "rejected": int(len(tables["warm_spaces_rejected"]))},
    }
    report("Writing the processed store", 0.95)
    write_store(out_dir, layers, values, pd.concat(breaks, ignore_index=True), manifest, series, tables)
    report("Done", 1.0)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="raw data folder (default: $BCA_DATA_DIR or ../shared/data)")
    parser.add_argument("--out", type=Path, help="processed store folder (default: data/processed)")
    parser.add_argument("--debug", action="store_true", help="show a traceback on failure")
    args = parser.parse_args(argv)
    from tqdm import tqdm

    bar = tqdm(total=100, desc="Building", unit="%", file=sys.stderr, bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def progress(step: str, fraction: float) -> None:
        bar.n = int(fraction * 100)
        bar.set_postfix_str(step)
        bar.refresh()

    try:
        manifest = build(args.data_dir, args.out, progress)
    except DataError as exc:
        bar.close()
        if args.debug:
            raise
        print(f"Build failed: {exc}", file=sys.stderr)
        return 1
    bar.close()
    print(f"Built {manifest['indicators']} indicators, {manifest['value_rows']:,} values, areas "
          f"{manifest['counts']} in {manifest['build_seconds']} s -> {args.out or default_processed_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
