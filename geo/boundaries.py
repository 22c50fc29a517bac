"""Boundary preparation: validate, simplify for display in metres, and keep the payload small.

Simplifying with ``simplify_coverage`` keeps shared edges shared, so neighbouring wards never open
gaps or overlaps; coordinates are snapped to 5 decimal places (about 1 m) for a compact GeoJSON.
"""
from __future__ import annotations

import geopandas as gpd
import shapely

from data.settings import DataError

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"


def check_geometries(frame: gpd.GeoDataFrame, name: str) -> None:
    """Every geometry is present, polygonal and valid."""
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise DataError(f"{name}: {int((frame.geometry.isna() | frame.geometry.is_empty).sum())} feature(s) have no geometry.")
    kinds = set(frame.geom_type.unique()) - {"Polygon", "MultiPolygon"}
    if kinds:
        raise DataError(f"{name}: expected polygons, found {', '.join(sorted(kinds))}.")
    if not frame.geometry.is_valid.all():
        raise DataError(f"{name}: {int((~frame.geometry.is_valid).sum())} invalid polygon(s).")


def simplify_for_display(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify as a coverage in British National Grid metres, then return to rounded WGS84."""
    projected = frame.to_crs(BNG)
    if tolerance_m > 0:
        projected = projected.set_geometry(projected.geometry.simplify_coverage(tolerance_m))
    out = projected.to_crs(WGS84)
    snapped = shapely.set_precision(out.geometry.values, grid_size=1e-5)
    out = out.set_geometry(gpd.GeoSeries(shapely.make_valid(snapped), index=out.index, crs=WGS84))
    return out


def dissolve_by(frame: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """Union member polygons into their groups (e.g. wards into committees)."""
    return frame[[by, "geometry"]].dissolve(by=by).reset_index()


BEST_FIT_COLUMN = {"lsoa21": "code", "msoa": "msoa21_code", "ward24": "ward24_code", "committee": "committee_code"}
"""The LSOA layer's column that places each LSOA in an area of that level (ONS best-fit lookup)."""


def best_fit_outlines(lsoas: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    """Outlines of ``level``'s areas dissolved from their best-fit LSOAs (columns code, name, geometry).

    LSOA fills drawn inside an official ward boundary (20 m, another generalisation) leave holes and spill
    over it; outlines made from the very LSOAs that are filled coincide with them exactly.
    """
    column = BEST_FIT_COLUMN[level]
    name_column = {"code": "name", "msoa21_code": "msoa21_name", "ward24_code": "ward24_name",
                   "committee_code": "committee_name"}[column]
    dissolved = lsoas[[column, name_column, "geometry"]].dissolve(by=column, aggfunc="first").reset_index()
    return dissolved.rename(columns={column: "code", name_column: "name"})[["code", "name", "geometry"]]
