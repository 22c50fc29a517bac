"""Pure choropleth preparation: classes, colours and tooltip text for one indicator on one level."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.registry import Indicator
from geo.classify import Classification, classify, diverging_classes
from geo.palettes import class_colours, hex_to_rgba, no_data_colour

DIM_ALPHA = 50
FULL_ALPHA = 235


@dataclass(frozen=True)
class ClassedValues:
    classification: Classification
    colours: list[str]          # one per class, class 0 = lowest values
    labels: list[str]           # one per class (and a final "No data")
    scheme_label: str


def decile_labels(deciles: list[int]) -> list[str]:
    names = {1: "1 (most deprived 10%)", 10: "10 (least deprived 10%)"}
    return [f"Decile {names.get(d, str(d))}" for d in deciles]


def classify_indicator(values: pd.Series, indicator: Indicator, scheme: str, k: int,
                       national: tuple[list[float], list[int]] | None = None,
                       centre: float | None = None) -> ClassedValues:
    """Classify values by the chosen scheme; deciles and national decile breaks get decile labels."""
    if indicator.classify == "deciles":
        classification = classify(values, "fixed", fixed_breaks=[float(d) for d in range(1, 10)])
        colours = class_colours(10, indicator.polarity)
        return ClassedValues(classification, colours, decile_labels(list(range(1, 11))) + ["No data"], "National deciles")
    if scheme == "national" and national is not None:
        uppers, deciles = national
        classification = classify(values, "fixed", fixed_breaks=uppers)
        colours = class_colours(len(deciles), indicator.polarity)
        labels = [f"{lab} (score {rng})" for lab, rng in zip(decile_labels(deciles), classification.range_labels(indicator.format))]
        return ClassedValues(classification, colours, labels + ["No data"],
                             "England's LSOA deciles of this score")
    if scheme == "diverging" and centre is not None:
        classification = diverging_classes(values, centre, k)
        colours = class_colours(classification.n_classes, indicator.polarity, palette="diverging")
        return ClassedValues(classification, colours, classification.labels(indicator.format),
                             f"Difference from the Leeds value ({indicator.format_value(centre)})")
    classification = classify(values, scheme, k)
    colours = class_colours(classification.n_classes, indicator.polarity)
    names = {"quantiles": "Quantiles", "natural_breaks": "Natural breaks (Fisher-Jenks)", "equal_interval": "Equal intervals"}
    return ClassedValues(classification, colours, classification.labels(indicator.format), names.get(scheme, scheme))


def fill_colours(class_of: pd.Series, colours: list[str], dimmed: pd.Series | None = None) -> list[list[int]]:
    """RGBA per area: class colour (grey for no data), faded where ``dimmed`` is True."""
    grey = no_data_colour()
    out = []
    dim = dimmed if dimmed is not None else pd.Series(False, index=class_of.index)
    for cls, faded in zip(class_of.to_numpy(), dim.to_numpy()):
        colour = colours[cls] if cls >= 0 else grey
        out.append(hex_to_rgba(colour, DIM_ALPHA if faded else FULL_ALPHA))
    return out


def class_label_per_area(class_of: pd.Series, labels: list[str]) -> pd.Series:
    """The legend label of each area's class ('No data' for missing)."""
    return class_of.map(lambda c: labels[c] if c >= 0 else "No data")


def rank_text(rank: pd.Series, total: int) -> pd.Series:
    return rank.map(lambda r: f"{int(r)} of {total}" if pd.notna(r) else "not ranked")


def dimmed_outside(frame: pd.DataFrame, level: str, committee: str) -> pd.Series:
    """True for areas outside the chosen committee (nothing is dimmed for 'all')."""
    if committee == "all":
        return pd.Series(False, index=frame.index)
    column = "code" if level == "committee" else "committee_code"
    return frame[column] != committee if column in frame else pd.Series(False, index=frame.index)


def finite_values(values: pd.Series) -> pd.Series:
    return values.replace([np.inf, -np.inf], np.nan)
