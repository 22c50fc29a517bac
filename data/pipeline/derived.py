"""Derived indicator families: figures computed from other indicators after aggregation.

Some measures (the SPI-method index, pillar composites) are built from several registry indicators at
each level, not aggregated from neighbourhoods. Each family is one function named here by dotted path
(``module:function``) with the signature::

    derive(values: pd.DataFrame, indicators: list[Indicator], context: DerivedContext) -> pd.DataFrame

returning rows with the columns of ``data.pipeline.build.VALUE_COLUMNS`` for the indicators it was given (each
indicator's ``editions[0].value.output`` says which figure it is). The families' modules and any YAML
they read are listed so that changing them marks the store stale.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.errors import DataError
from data.paths import REPO_ROOT
from data.registry import Indicator

FAMILIES: dict[str, str] = {
    "spi": "metrics.spi_values:derive",
    "pillars": "metrics.pillar_values:derive",
}
FAMILY_FILES: dict[str, list[str]] = {
    "spi": ["metrics/spi_values.py", "metrics/spi.py", "metrics/spi_framework.py", "data/spi.yaml"],
    "pillars": ["metrics/pillar_values.py"],
}


@dataclass(frozen=True)
class DerivedContext:
    """What a family may need besides the values: the registry and each level's areas and population."""

    registry: object
    areas: dict[str, pd.DataFrame] = field(default_factory=dict)   # level -> code, name, population, parents


def derived_module_files() -> list[Path]:
    return [REPO_ROOT / f for files in FAMILY_FILES.values() for f in files]


def run_derived(values: pd.DataFrame, indicators: list[Indicator], context: DerivedContext) -> list[pd.DataFrame]:
    """Run each family once for all of its indicators; unknown families stop the build with a sentence."""
    by_family: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.derived:
            by_family.setdefault(indicator.derived, []).append(indicator)
    out = []
    for family, members in by_family.items():
        target = FAMILIES.get(family)
        if target is None:
            raise DataError(f"indicators: {members[0].id} names unknown derived family {family!r} "
                            f"(known: {', '.join(FAMILIES)}).")
        module_name, function_name = target.split(":")
        derive = getattr(importlib.import_module(module_name), function_name)
        out.append(derive(values, members, context))
    return out
