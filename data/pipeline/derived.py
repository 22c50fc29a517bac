"""Derived indicator families: figures computed from other indicators after aggregation.

Some measures (the SPI-method index, pillar composites) are built from several registry indicators at
each level, not aggregated from neighbourhoods. Each family is one function, imported here (no module is
loaded by a name string), with the signature::

    derive(values: pd.DataFrame, indicators: list[Indicator], context: DerivedContext) -> pd.DataFrame

returning rows with the columns of ``data.pipeline.build.VALUE_COLUMNS`` for the indicators it was given (each
indicator's ``editions[0].value.output`` says which figure it is). The families' modules and any YAML
they read are listed in data/store.py DERIVED_FILES, so that changing them marks the store stale.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from data.settings import DataError
from data.registry import Indicator
from metrics import pillar_values, spi_values

FAMILIES: dict[str, Callable] = {
    "spi": spi_values.derive,
    "pillars": pillar_values.derive,
}


@dataclass(frozen=True)
class DerivedContext:
    """What a family may need besides the values: the registry and each level's areas and population."""

    registry: object
    areas: dict[str, pd.DataFrame] = field(default_factory=dict)   # level -> code, name, population, parents


def run_derived(values: pd.DataFrame, indicators: list[Indicator], context: DerivedContext,
                left_out: dict[str, str] | None = None) -> list[pd.DataFrame]:
    """Run each family once for all of its indicators; unknown families stop the build with a sentence.

    With ``left_out`` (a build for another district, where Leeds-only inputs are missing) a family that cannot be
    computed is left out and its reason recorded there instead of stopping the build."""
    by_family: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.derived:
            by_family.setdefault(indicator.derived, []).append(indicator)
    out = []
    for family, members in by_family.items():
        derive = FAMILIES.get(family)
        if derive is None:
            raise DataError(f"indicators: {members[0].id} names unknown derived family {family!r} "
                            f"(known: {', '.join(FAMILIES)}).")
        try:
            out.append(derive(values, members, context))
        except DataError as exc:
            if left_out is None:
                raise
            left_out[family] = str(exc)
    return out
