"""Map colours: palettes from data/palettes.yaml, polarity-aware class colours, legends, contrast.

Palettes are data (with their sources) rather than code, so an officer can swap a palette without
touching Python. The one rule enforced here: whatever the indicator's polarity, the "worse" end of
the scale is always the dark / intense colour, so readers never have to re-learn a map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from geo.classify import MAX_CLASSES, MIN_CLASSES, NO_DATA_LABEL, Classification

DEFAULT_PALETTES_PATH = Path(__file__).resolve().parents[1] / "data" / "palettes.yaml"

POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
CLASS_PALETTES = ("sequential", "diverging")
RAMP_KEYS = ("sequential", "sequential_neutral", "diverging")
CATEGORICAL_SIZE = 8
BIVARIATE_SIZE = 3

BLACK = "#000000"
WHITE = "#ffffff"
WCAG_AA_TEXT_CONTRAST = 4.5

_HEX_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class PaletteBook:
    """All palettes from the YAML, validated; ramps map class count -> colours (better/light first)."""

    sequential: dict[int, tuple[str, ...]]
    sequential_neutral: dict[int, tuple[str, ...]]
    diverging: dict[int, tuple[str, ...]]
    no_data: str
    categorical: tuple[str, ...]
    bivariate: tuple[tuple[str, ...], ...]


def is_hex_colour(text: object) -> bool:
    """True for a ``"#rrggbb"`` string (either case), the only colour form used in the app."""
    return isinstance(text, str) and bool(_HEX_PATTERN.match(text))


@lru_cache(maxsize=4)
def load_palettes(path: Path = DEFAULT_PALETTES_PATH) -> PaletteBook:
    """Read and validate the palette file once; colours are returned in lower case.

    Raises
    ------
    ValueError
        If a palette is missing, a colour is not ``#rrggbb``, or a ramp lacks a list of exactly
        n colours for every n from 3 to 10.
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"Palette file {path} does not hold a mapping of palettes.")
    ramps = {key: _ramp(raw, key, path) for key in RAMP_KEYS}
    return PaletteBook(
        **ramps,
        no_data=_colour(_section(raw, "no_data", path).get("colour"), "no_data", path),
        categorical=_categorical(raw, path),
        bivariate=_bivariate(raw, path),
    )


def class_colours(n_classes: int, polarity: str, palette: str = "sequential") -> list[str]:
    """Colours for classes 0 (lowest values) upward, with "worse" always at the dark/intense end.

    Parameters
    ----------
    n_classes : int
        Classes to colour, 0 to 10. One or two classes (few distinct values) take the middle, or
        the two ends, of the 3-class list.
    polarity : str
        "lower_is_better" keeps the stored order (high values dark); "higher_is_better" reverses it
        (low values dark); "neutral" uses the neutral sequential palette, dark meaning "more".
    palette : str
        "sequential" or "diverging" (classes from ``diverging_classes``; the orange side is worse).
        A neutral diverging map keeps the stored purple-to-orange order without meaning good or bad.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"Unknown polarity {polarity!r}; choose one of: {', '.join(POLARITIES)}.")
    if palette not in CLASS_PALETTES:
        raise ValueError(f"Unknown class palette {palette!r}; choose one of: {', '.join(CLASS_PALETTES)}.")
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or not 0 <= n_classes <= MAX_CLASSES:
        raise ValueError(f"n_classes must be a whole number from 0 to {MAX_CLASSES}; got {n_classes!r}.")
    book = load_palettes()
    if palette == "diverging":
        ramp = book.diverging
    elif polarity == "neutral":
        ramp = book.sequential_neutral
    else:
        ramp = book.sequential
    colours = _pick(ramp, n_classes)
    return colours[::-1] if polarity == "higher_is_better" else colours


def no_data_colour() -> str:
    """Grey used for areas with no value, in maps and legends alike."""
    return load_palettes().no_data


def categorical_colours() -> list[str]:
    """The 8 Okabe-Ito colours, for unordered categories such as pillar intersections."""
    return list(load_palettes().categorical)


def bivariate_colour(x_class: int, y_class: int) -> str:
    """Colour of one cell of the 3x3 bivariate grid; classes are 0 (lowest third) to 2."""
    for name, value in (("x_class", x_class), ("y_class", y_class)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < BIVARIATE_SIZE:
            raise ValueError(f"{name} must be 0, 1 or 2; got {value!r}.")
    return load_palettes().bivariate[y_class][x_class]


def hex_to_rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    """``"#rrggbb"`` -> ``[r, g, b, alpha]`` with 0-255 integers, the form pydeck layers take."""
    if not is_hex_colour(hex_colour):
        raise ValueError(f"Colour must look like '#1a2b3c'; got {hex_colour!r}.")
    if isinstance(alpha, bool) or not isinstance(alpha, int) or not 0 <= alpha <= 255:
        raise ValueError(f"alpha must be a whole number from 0 to 255; got {alpha!r}.")
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)] + [alpha]


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance (0 = black, 1 = white) of an sRGB colour.

    Uses the sRGB linearisation threshold 0.04045 as in WCAG 2.2 (older texts print 0.03928; no
    8-bit colour is affected by the difference).
    """
    red, green, blue, _ = hex_to_rgba(hex_colour)

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(hex_a: str, hex_b: str) -> float:
    """WCAG 2.x contrast ratio, from 1 (same colour) to 21 (black on white); order does not matter."""
    lighter, darker = sorted((relative_luminance(hex_a), relative_luminance(hex_b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_for(background_hex: str) -> str:
    """Black or white, whichever reads better on the background (labels on map polygons, legend chips).

    For any colour one of the two reaches at least 4.58:1 (the worst case is a background whose
    contrast with both is sqrt(21)), so the result always meets WCAG AA's 4.5:1 for normal text.
    """
    on_black = contrast_ratio(background_hex, BLACK)
    on_white = contrast_ratio(background_hex, WHITE)
    return BLACK if on_black >= on_white else WHITE


def legend_rows(
    classification: Classification, colours: list[str], unit: str = "", fmt: str = "{:.1f}"
) -> pd.DataFrame:
    """One row per class plus a "No data" row: the drawn legend and its text alternative share it.

    Parameters
    ----------
    classification : Classification
        From ``classify`` or ``diverging_classes``.
    colours : list of str
        One colour per class, e.g. ``class_colours(classification.n_classes, polarity)``.
    unit : str
        Appended to each range ("%" without a space, anything else after a space); "" for none.
    fmt : str
        ``str.format`` pattern for the numbers, e.g. ``"{:.1f}"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``colour``, ``label``, ``count``; lowest class first, "No data" (grey, with its count)
        always last so the legend looks the same whether or not any area lacks a value.
    """
    if len(colours) != classification.n_classes:
        raise ValueError(
            f"Got {len(colours)} colours for {classification.n_classes} classes; pass one colour per class."
        )
    bad = [c for c in colours if not is_hex_colour(c)]
    if bad:
        raise ValueError(f"Colours must look like '#1a2b3c'; got {bad!r}.")
    labels = [_with_unit(label, unit) for label in classification.range_labels(fmt)]
    return pd.DataFrame(
        {
            "colour": [*colours, no_data_colour()],
            "label": [*labels, NO_DATA_LABEL],
            "count": [*classification.counts, classification.no_data_count],
        }
    ).astype({"count": "int64"})


def _with_unit(label: str, unit: str) -> str:
    if not unit:
        return label
    return f"{label}{unit}" if unit == "%" else f"{label} {unit}"


def _pick(ramp: dict[int, tuple[str, ...]], n_classes: int) -> list[str]:
    if n_classes >= MIN_CLASSES:
        return list(ramp[n_classes])
    smallest = ramp[MIN_CLASSES]
    chosen = {0: [], 1: [smallest[1]], 2: [smallest[0], smallest[-1]]}
    return list(chosen[n_classes])


def _section(raw: dict, key: str, path: Path) -> dict:
    section = raw.get(key)
    if not isinstance(section, dict):
        raise ValueError(f"Palette file {path} has no {key!r} section.")
    return section


def _colour(value: object, where: str, path: Path) -> str:
    if not is_hex_colour(value):
        raise ValueError(f"Palette {where!r} in {path} has {value!r}, which is not a '#rrggbb' colour.")
    return str(value).lower()


def _ramp(raw: dict, key: str, path: Path) -> dict[int, tuple[str, ...]]:
    classes = _section(raw, key, path).get("classes")
    if not isinstance(classes, dict):
        raise ValueError(f"Palette {key!r} in {path} has no 'classes' lists.")
    ramp = {}
    for n in range(MIN_CLASSES, MAX_CLASSES + 1):
        colours = classes.get(n)
        if not isinstance(colours, list) or len(colours) != n:
            raise ValueError(
                f"Palette {key!r} in {path} needs exactly {n} colours for {n} classes; got {colours!r}."
            )
        ramp[n] = tuple(_colour(c, f"{key}[{n}]", path) for c in colours)
    return ramp


def _categorical(raw: dict, path: Path) -> tuple[str, ...]:
    entries = _section(raw, "categorical", path).get("colours")
    if not isinstance(entries, list) or len(entries) != CATEGORICAL_SIZE:
        raise ValueError(
            f"Palette 'categorical' in {path} needs {CATEGORICAL_SIZE} colours; got {entries!r}."
        )
    hexes = [entry.get("hex") if isinstance(entry, dict) else entry for entry in entries]
    return tuple(_colour(hex_colour, "categorical", path) for hex_colour in hexes)


def _bivariate(raw: dict, path: Path) -> tuple[tuple[str, ...], ...]:
    grid = _section(raw, "bivariate", path).get("grid")
    if (
        not isinstance(grid, list)
        or len(grid) != BIVARIATE_SIZE
        or any(not isinstance(row, list) or len(row) != BIVARIATE_SIZE for row in grid)
    ):
        raise ValueError(f"Palette 'bivariate' in {path} needs a 3x3 grid of colours; got {grid!r}.")
    return tuple(tuple(_colour(c, "bivariate", path) for c in row) for row in grid)
