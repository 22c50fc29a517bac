"""Read the processed store and tell whether it is usable, missing, stale or corrupt.

The store is stale when the catalogues (sources, indicators, areas) or the code that builds the store
have changed since it was built: the fingerprint in its manifest no longer matches.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data.catalogue import level_ids
from data.settings import CATALOGUE_DIR, DataError, DEFAULT_DISTRICT, DISTRICT_ENV, REPO_ROOT

MANIFEST = "manifest.json"
# Plain tables the build stores besides areas and values: the warm spaces (and rows rejected from them); England
# MSOA life expectancy with ONS person-years and population-weighted IMD score (the England SII, Leeds MSOA
# weights; data/pipeline/england.py); the Leeds LSOA 2011 -> 2021 lookup (uploads keyed by 2011 codes).
# The cities page's tables (data/pipeline/cities.py): district series, IoD bands per city, similar districts.
TABLES = ("warm_spaces", "warm_spaces_rejected", "warm_space_access", "postcodes_leeds", "postcodes_other", "england_le_msoa",
          "lookup_lsoa11_lsoa21", "cities_series", "cities_deprivation", "cities_neighbours",
          "cities_file10", "cities_le_sii", "cities_map", "district_values")
FINGERPRINTED = [CATALOGUE_DIR / "sources.yaml", CATALOGUE_DIR / "indicators.yaml", CATALOGUE_DIR / "areas.yaml",
                 CATALOGUE_DIR / "series.yaml", REPO_ROOT / "data" / "series.py", REPO_ROOT / "data" / "pipeline" / "series.py",
                 REPO_ROOT / "data" / "pipeline" / "build.py",
                 REPO_ROOT / "data" / "pipeline" / "inputs.py", REPO_ROOT / "data" / "pipeline" / "derived.py",
                 REPO_ROOT / "data" / "pipeline" / "warm_spaces.py", CATALOGUE_DIR / "warm_spaces.yaml",
                 REPO_ROOT / "data" / "pipeline" / "postcodes.py", CATALOGUE_DIR / "postcodes.yaml",
                 REPO_ROOT / "data" / "pipeline" / "england.py",
                 REPO_ROOT / "data" / "pipeline" / "cities.py", CATALOGUE_DIR / "cities.yaml",
                 REPO_ROOT / "metrics" / "district_summaries.py", REPO_ROOT / "metrics" / "sii.py",
                 REPO_ROOT / "geo" / "small_multiples.py",
                 REPO_ROOT / "geo" / "aggregate.py", REPO_ROOT / "geo" / "boundaries.py"]
# Code and YAML of the derived families (data/pipeline/derived.py FAMILIES; a unit test checks every family's
# module is listed): changing them marks the store stale.
DERIVED_FILES = [REPO_ROOT / "metrics" / "spi_values.py", REPO_ROOT / "metrics" / "spi.py",
                 REPO_ROOT / "metrics" / "spi_framework.py", CATALOGUE_DIR / "spi.yaml",
                 REPO_ROOT / "metrics" / "pillar_values.py"]


def fingerprinted_files() -> list[Path]:
    """Files whose content decides the store: catalogues, registry fragments, build and derived code."""
    extra = sorted((CATALOGUE_DIR / "indicators.d").glob("*.yaml")) + DERIVED_FILES
    return FINGERPRINTED + [p for p in extra if p.is_file()]


def catalogue_fingerprint() -> str:
    """Hash of everything that decides the store's content except the raw inputs (checked separately)."""
    digest = hashlib.sha256()
    for path in fingerprinted_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    district = os.environ.get(DISTRICT_ENV, "").strip()
    if district and district != DEFAULT_DISTRICT:           # another home district: a store of its own (Leeds' unchanged)
        digest.update(f"district:{district}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class StoreStatus:
    state: str          # "ok" | "missing" | "stale" | "corrupt"
    message: str

    @property
    def usable(self) -> bool:
        return self.state == "ok"


def expected_files() -> list[str]:
    return [f"areas_{level}.parquet" for level in level_ids()] + ["values.parquet", "national_breaks.parquet", "series.parquet", MANIFEST] \
        + [f"{name}.parquet" for name in TABLES]


def store_status(processed: Path) -> StoreStatus:
    """Cheap check (no data read): is the store there, complete and built from the current catalogues?"""
    manifest_path = processed / MANIFEST
    if not manifest_path.is_file():
        return StoreStatus("missing", f"The processed store {processed} has not been built yet.")
    missing = [name for name in expected_files() if not (processed / name).is_file()]
    if missing:
        return StoreStatus("corrupt", f"The processed store is incomplete (missing {', '.join(missing)}).")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return StoreStatus("corrupt", f"{manifest_path.name} in the processed store is not valid JSON.")
    if manifest.get("fingerprint") != catalogue_fingerprint():
        return StoreStatus("stale", "The catalogues or build code changed since the store was built.")
    return StoreStatus("ok", f"Built {manifest.get('built_at', '?')}.")


def read_manifest(processed: Path) -> dict:
    return json.loads((processed / MANIFEST).read_text())


def build_stamp(processed: Path) -> str:
    """Identity of the store in ``processed`` (its build stamp; "" when there is none): caches key on it."""
    path = processed / MANIFEST
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return _build_stamp(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _build_stamp(path: str, size: int, mtime_ns: int) -> str:
    """The manifest's build stamp, read again only when the manifest file changes (size or date)."""
    try:
        return str(read_manifest(Path(path).parent).get("built_at", ""))
    except (OSError, ValueError):
        return ""


def _read(path: Path, reader):
    try:
        return reader(path)
    except FileNotFoundError:
        raise DataError(f"{path.name} is missing from the processed store; rebuild with `python -m data.build`.") from None
    except (OSError, ValueError, pa.ArrowException) as exc:  # truncated or foreign files: ArrowInvalid, OSError
        raise DataError(f"{path.name} in the processed store cannot be read ({exc.__class__.__name__}); "
                        f"rebuild with `python -m data.build`.") from None


def read_areas(processed: Path, level: str) -> gpd.GeoDataFrame:
    """Area layer for one level (EPSG:4326) with code, name, parent codes and population."""
    if level not in level_ids():
        raise DataError(f"Unknown geography level {level!r}; use one of {', '.join(level_ids())}.")
    return _read(processed / f"areas_{level}.parquet", gpd.read_parquet)


def read_values(processed: Path) -> pd.DataFrame:
    """The tidy long table of every value the app shows."""
    return _read(processed / "values.parquet", pd.read_parquet)


def read_breaks(processed: Path) -> pd.DataFrame:
    return _read(processed / "national_breaks.parquet", pd.read_parquet)


def read_series(processed: Path) -> pd.DataFrame:
    """The tidy long table of every time series (one row per series, area and period; see data/series.yaml)."""
    return _read(processed / "series.parquet", pd.read_parquet)


def read_store_table(processed: Path, name: str) -> pd.DataFrame:
    """One of the store's plain tables (``TABLES``: e.g. the warm spaces and the rows rejected from them)."""
    if name not in TABLES:
        raise DataError(f"Unknown store table {name!r}; use one of {', '.join(TABLES)}.")
    return _read(processed / f"{name}.parquet", pd.read_parquet)


def read_store_rows(processed: Path, name: str, column: str, value: str) -> pd.DataFrame:
    """The rows of a store table whose ``column`` equals ``value``, reading only the row groups that can hold
    it (the build writes small row groups), e.g. one postcode out of 2.7 million."""
    if name not in TABLES:
        raise DataError(f"Unknown store table {name!r}; use one of {', '.join(TABLES)}.")
    return _read(processed / f"{name}.parquet", lambda path: pq.read_table(path, filters=[(column, "==", value)]).to_pandas())
