"""Similar wards: for one ward, the Leeds wards whose need indicators are closest (issue 19 item 7).

The method is set in data/similar_wards.yaml so it can be read and changed without code: each listed
indicator (at its listed period) is standardised across the level's areas (z-score, population standard
deviation), and areas are ranked by Euclidean distance between their z-scores, ties broken by name. Where
either area lacks an indicator, the distance uses the shared ones, scaled by sqrt(listed / shared) so it
stays on the same footing; areas sharing fewer than ``min_shared`` are left out. Pure: no Streamlit.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from data.catalogue import describe_validation_error, load_yaml
from data.query import select
from data.settings import CATALOGUE_DIR, DataError

CONFIG_PATH = CATALOGUE_DIR / "similar_wards.yaml"
DECIMALS = 9     # distances are rounded before ranking so float noise cannot reorder exact ties


class Listed(BaseModel):
    """One indicator of the method and the period it is taken at."""

    model_config = ConfigDict(extra="forbid")
    id: str
    period: str


class SimilarConfig(BaseModel):
    """The similar-areas method: level, how many neighbours, minimum shared indicators, the indicator list."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    level: str
    neighbours: int = Field(gt=0)
    min_shared: int = Field(gt=0)
    indicators: tuple[Listed, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "SimilarConfig":
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError("an indicator is listed twice")
        if self.min_shared > len(ids):
            raise ValueError(f"min_shared ({self.min_shared}) is more than the {len(ids)} indicators listed")
        return self


@lru_cache(maxsize=4)
def load_config(path: Path = CONFIG_PATH) -> SimilarConfig:
    """The method from data/similar_wards.yaml; a bad file is a DataError naming it."""
    try:
        return SimilarConfig.model_validate(load_yaml(path))
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name, exc)) from None


def indicator_matrix(values: pd.DataFrame, config: SimilarConfig) -> pd.DataFrame:
    """Area code x indicator id of the listed indicators at their periods (NaN where the store has none)."""
    wanted = pd.DataFrame([(i.id, i.period) for i in config.indicators], columns=["indicator_id", "period"])
    at_level = select(values, level=config.level)
    rows = at_level.merge(wanted, on=["indicator_id", "period"])
    codes = at_level["area_code"].astype(str).unique()
    matrix = rows.pivot_table(index="area_code", columns="indicator_id", values="value", aggfunc="first", dropna=False)
    return matrix.reindex(index=sorted(codes), columns=[i.id for i in config.indicators]).astype(float)


def standardise(matrix: pd.DataFrame) -> pd.DataFrame:
    """Z-scores per column over the areas that have a value (population sd); a column with no spread is 0."""
    sd = matrix.std(ddof=0)
    z = (matrix - matrix.mean()) / sd.where(sd > 0, 1.0)     # no spread: every present value is at the mean (0)
    return z.where(matrix.notna())


def distances(z: pd.DataFrame, code: str, min_shared: int) -> pd.DataFrame:
    """Every other area's scaled distance from ``code`` and how many indicators it was computed on.

    Columns: area_code, distance, shared. Areas sharing fewer than ``min_shared`` indicators are dropped."""
    if code not in z.index:
        return pd.DataFrame({"area_code": pd.Series(dtype=str), "distance": pd.Series(dtype=float),
                             "shared": pd.Series(dtype=int)})
    others = z.drop(index=code)
    diff = others - z.loc[code]
    shared = diff.notna().sum(axis=1)
    squares = (diff ** 2).sum(axis=1, skipna=True)
    listed = z.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.sqrt(squares * listed / shared)
    out = pd.DataFrame({"area_code": others.index.astype(str), "distance": scaled.to_numpy(),
                        "shared": shared.to_numpy().astype(int)})
    return out[out["shared"] >= min_shared].reset_index(drop=True)


def most_similar(z: pd.DataFrame, code: str, names: Mapping[str, str], n: int, min_shared: int) -> pd.DataFrame:
    """The ``n`` nearest areas to ``code``: area_code, name, distance, shared; nearest first, ties by name."""
    found = distances(z, code, min_shared)
    found["name"] = found["area_code"].map(lambda c: names.get(c, c))
    found["_rank_distance"] = found["distance"].round(DECIMALS)
    found = found.sort_values(["_rank_distance", "name", "area_code"], kind="mergesort").head(n)
    return found[["area_code", "name", "distance", "shared"]].reset_index(drop=True)


def similar_areas(values: pd.DataFrame, config: SimilarConfig, code: str, names: Mapping[str, str]) -> pd.DataFrame:
    """The configured number of areas most like ``code`` by the configured method (see module docstring)."""
    return most_similar(standardise(indicator_matrix(values, config)), code, names, config.neighbours,
                        config.min_shared)
