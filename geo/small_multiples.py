"""Small-multiple choropleths as PNG bytes: one picture per place, every picture at the same scale and size.

Why pictures: eight cities' 2,700 LSOAs as map data would send ~0.5 MB to every reader on every full rerun; a
PNG drawn once by the build is sent by URL (the browser fetches it once and caches it), and each picture can
carry its own alt text. Drawn with matplotlib on the server (as geo/exports.py), British National Grid metres,
so a kilometre is the same length in every panel.
"""
from __future__ import annotations

import io

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

PLANAR_CRS = "EPSG:27700"


def shared_box(layers: dict[str, gpd.GeoDataFrame], margin_m: float) -> tuple[float, float]:
    """Width and height (metres) of the one frame every panel uses: the widest and tallest place plus a margin."""
    spans = [layer.to_crs(PLANAR_CRS).total_bounds for layer in layers.values()]
    return (max(b[2] - b[0] for b in spans) + 2 * margin_m, max(b[3] - b[1] for b in spans) + 2 * margin_m)


def panel_png(layer: gpd.GeoDataFrame, colours: list[str], box: tuple[float, float], px_per_km: float,
              edge: str = "#ffffff") -> bytes:
    """One place's areas filled with ``colours`` (one per row), centred in a ``box``-sized frame at ``px_per_km``;
    a palette PNG (few colours, small file)."""
    planar = layer.to_crs(PLANAR_CRS)
    minx, miny, maxx, maxy = planar.total_bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    width_in, height_in = box[0] / 1000 * px_per_km / 100, box[1] / 1000 * px_per_km / 100
    figure = plt.figure(figsize=(width_in, height_in), dpi=100)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    planar.plot(ax=axes, color=colours, edgecolor=edge, linewidth=0.15)
    axes.set_xlim(cx - box[0] / 2, cx + box[0] / 2)
    axes.set_ylim(cy - box[1] / 2, cy + box[1] / 2)
    axes.set_aspect("equal")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, facecolor="white")
    plt.close(figure)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").quantize(colors=64, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes."""
    return Image.open(io.BytesIO(data)).size


def decile_colours(deciles, ramp: list[str], missing: str) -> list[str]:
    """Decile 1..n -> ramp[decile - 1]; blank -> the no-data colour."""
    return [missing if d is None or (isinstance(d, float) and np.isnan(d)) else ramp[int(d) - 1] for d in deciles]
