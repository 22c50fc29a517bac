"""Exports of one mapped view: tidy CSV (metadata in columns), GeoJSON / GeoPackage, and a board-paper PNG.

Pure functions returning bytes (no Streamlit): the page hands them to download buttons, and tests
read them back. The PNG is drawn with geopandas/matplotlib on the server, not screenshotted from
WebGL, so it is identical for everyone and carries its legend, source and licence inside the image.
"""
from __future__ import annotations

import io
import os
import tempfile
import textwrap
from data.safe_text import csv_safe
from dataclasses import dataclass

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)
from matplotlib.patches import Patch  # noqa: E402
import pandas as pd  # noqa: E402

A4_LANDSCAPE_IN = (11.69, 8.27)
PNG_DPI = 150
DISPLAY_CRS = "EPSG:4326"
AREA_CRS = "EPSG:27700"
NO_DATA_HATCH = "///"


@dataclass(frozen=True)
class Provenance:
    """What every exported figure carries with it."""

    title: str
    source: str       # e.g. "Source: MHCLG, English Indices of Deprivation 2025 (2025). Contains ..."
    period: str
    licence: str      # e.g. "Open Government Licence v3.0 (https://...)"

    def lines(self) -> list[str]:
        return [self.title, self.source, f"Period: {self.period}", f"Licence: {self.licence}"]


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads 'Å' and '–' right), the header on the first line.

    Metadata travels in the table's own columns (see metrics.tidy_export), never as comment lines,
    which break Excel and pandas.
    """
    return csv_safe(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def read_csv_export(data: bytes) -> pd.DataFrame:
    """Read a ``csv_bytes`` export back as a spreadsheet or pandas user would."""
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def export_layer(areas: gpd.GeoDataFrame, table: pd.DataFrame, columns: dict[str, str]) -> gpd.GeoDataFrame:
    """Area geometries joined to the table's columns (renamed to GIS-friendly names), EPSG:4326."""
    keep = [c for c in columns if c in table.columns]
    frame = pd.DataFrame(table[keep]).rename(columns=columns)
    merged = areas[["code", "geometry"]].merge(frame, left_on="code", right_on=columns.get("code", "code"), how="inner")
    if columns.get("code", "code") != "code":
        merged = merged.drop(columns="code")
    out = gpd.GeoDataFrame(merged, geometry="geometry", crs=areas.crs).to_crs(DISPLAY_CRS)
    for column in out.columns:
        if column != "geometry" and isinstance(out[column].dtype, pd.StringDtype | pd.CategoricalDtype):
            out[column] = out[column].astype(object)
        elif column != "geometry" and str(out[column].dtype) == "Int64":
            out[column] = out[column].astype("float64")
    return out


def geojson_bytes(layer: gpd.GeoDataFrame) -> bytes:
    """RFC 7946 GeoJSON (EPSG:4326)."""
    return layer.to_crs(DISPLAY_CRS).to_json(drop_id=True).encode("utf-8")


def geopackage_bytes(layer: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """A one-layer GeoPackage in EPSG:27700 (British National Grid, what Leeds' GIS teams use)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.gpkg")
        layer.to_crs(AREA_CRS).to_file(path, layer=layer_name, driver="GPKG")
        with open(path, "rb") as handle:
            return handle.read()


def label_text(name: str) -> str:
    """A ward name on at most two lines ('Hunslet &\nRiverside'), so labels take less width."""
    if " & " in name:
        first, rest = name.split(" & ", 1)
        return f"{first} &\n{rest}"
    return "\n".join(textwrap.wrap(name, 14)[:2]) if len(name) > 14 else name


def place_labels(ax, points: gpd.GeoDataFrame, fontsize: float = 6.5) -> list[str]:
    """Names at their points, dark on a white halo (contrast on any fill), never overlapping one another.

    Each label tries its own point, then nudges above, below, left and right; a label that fits nowhere
    is left off and returned, so the caller can say so. Larger areas are placed first.
    """
    from matplotlib import patheffects

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed, skipped = [], []
    for row in points.itertuples():
        text = ax.annotate(label_text(str(row.name)), (row.geometry.x, row.geometry.y), ha="center", va="center",
                           fontsize=fontsize, color="#111111", weight="bold", xytext=(0, 0),
                           textcoords="offset points",
                           path_effects=[patheffects.withStroke(linewidth=2.4, foreground="white")])
        tries = [(size, (dx, dy)) for size in (fontsize, fontsize * 0.8)
                 for dx, dy in ((0, 0), (0, 6), (0, -6), (-12, 0), (12, 0), (0, 11), (0, -11), (-10, 8), (10, -8))]
        for size, (dx, dy) in tries:
            text.set_fontsize(size)
            text.set_position((dx, dy))
            box = text.get_window_extent(renderer).expanded(1.03, 1.05)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
        else:
            text.remove()
            skipped.append(str(row.name))
    return skipped


def map_png(areas: gpd.GeoDataFrame, fills: pd.Series, legend: pd.DataFrame, provenance: Provenance,
            outlines: gpd.GeoDataFrame | None = None, legend_title: str = "",
            dpi: int = PNG_DPI, labels: gpd.GeoDataFrame | None = None,
            highlight: gpd.GeoDataFrame | None = None, highlight_name: str = "") -> bytes:
    """The classified map on A4 landscape: title, legend with counts, source and OGL attribution.

    Parameters
    ----------
    areas : GeoDataFrame
        One polygon per area (any CRS; drawn in British National Grid so shapes are true).
    fills : Series
        Hex colour per area (aligned with ``areas``); None/NaN for no data (grey, hatched).
    legend : DataFrame
        ``colour``, ``label``, ``count`` rows as drawn on screen (``geo.palettes.legend_rows``).
    labels : GeoDataFrame, optional
        Polygons with a ``name`` (e.g. wards): each is named at a point inside it, on a halo.
    highlight : GeoDataFrame, optional
        The selected area(s): a thick black line on a white casing, so it shows on any colour.
    """
    drawn = areas.to_crs(AREA_CRS).assign(fill=list(fills))
    missing = drawn["fill"].isna()
    no_data_colour = legend["colour"].iloc[-1] if len(legend) else "#bdbdbd"
    fig = plt.figure(figsize=A4_LANDSCAPE_IN, dpi=dpi)
    ax = fig.add_axes((0.02, 0.12, 0.62, 0.76))
    ax.set_axis_off()
    if (~missing).any():
        drawn[~missing].plot(ax=ax, color=drawn.loc[~missing, "fill"].tolist(), edgecolor="white", linewidth=0.3)
    if missing.any():
        drawn[missing].plot(ax=ax, color=no_data_colour, edgecolor="#555555", linewidth=0.3, hatch=NO_DATA_HATCH)
    if outlines is not None:
        outlines.to_crs(AREA_CRS).boundary.plot(ax=ax, color="#1e1e1e", linewidth=0.8)
    if highlight is not None and not highlight.empty:
        edge = highlight.to_crs(AREA_CRS).boundary
        edge.plot(ax=ax, color="white", linewidth=4.2)
        edge.plot(ax=ax, color="#000000", linewidth=2.2)
    ax.set_aspect("equal")
    skipped: list[str] = []
    if labels is not None and not labels.empty:
        projected = labels.to_crs(AREA_CRS)
        order = projected.area.sort_values(ascending=False).index
        points = gpd.GeoDataFrame({"name": projected.loc[order, "name"].to_numpy()},
                                  geometry=projected.loc[order].geometry.representative_point().to_numpy(), crs=AREA_CRS)
        skipped = place_labels(ax, points)
    fig.text(0.02, 0.95, "\n".join(textwrap.wrap(provenance.title, 95)), fontsize=17, weight="bold", va="top")
    handles = [Patch(facecolor=r.colour, edgecolor="#555555", label=f"{r.label} ({int(r.count)})",
                     hatch=NO_DATA_HATCH if i == len(legend) - 1 else None)
               for i, r in enumerate(legend.itertuples())]
    if highlight is not None and not highlight.empty:
        handles.append(Patch(facecolor="none", edgecolor="#000000", linewidth=2.2,
                             label=f"Selected: {highlight_name}" if highlight_name else "Selected area"))
    legend_ax = fig.add_axes((0.66, 0.12, 0.32, 0.76))
    legend_ax.set_axis_off()
    legend_ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=11,
                     title="\n".join(textwrap.wrap(legend_title or "Classes (number of areas)", 40)),
                     title_fontsize=12, alignment="left")
    footer = [provenance.source, f"Licence: {provenance.licence}. Contains OS data © Crown copyright and "
              "database right 2024. Boundaries: Office for National Statistics licensed under the Open Government "
              "Licence v3.0."]
    if skipped:
        footer.append(f"Names left off where they would overlap: {', '.join(skipped)}.")
    wrapped = "\n".join(line for text in footer for line in textwrap.wrap(text, 170))
    fig.text(0.02, 0.02, wrapped, fontsize=8.5, va="bottom", color="#222222")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    plt.close(fig)
    return buffer.getvalue()
