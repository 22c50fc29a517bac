"""Time series (series.yaml) as typed objects (the build step is data/pipeline/series.py).

A *series* is one measure under one definition on one comparable geography; a *break* between two series
is catalogue data, so no chart, change figure or export can join values across it by accident (every row
carries its ``series_id``). Rates keep their basis: the publisher's own figure, a ratio of the publisher's
counts, a count, or a rate the atlas derives with a named denominator from another source.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from data.catalogue import SourceCatalogue, load_yaml, describe_validation_error, load_sources
from data.settings import CATALOGUE_DIR, DataError
from data.registry import CatalogueMeasure, PillarKpis  # a pillar's history has the same shape: a lead and its basket

SERIES_COLUMNS = ["trend_id", "series_id", "area_level", "area_code", "period", "period_start", "value", "lower_ci",
                  "upper_ci", "numerator", "denominator", "coverage", "status", "provisional", "converted", "source"]
AREA_LEVELS = ("lsoa21", "msoa", "ward24", "committee", "lad", "region", "england")
DROPPED_STATUS = {"x", "z", "c"}   # ONS: not available, not applicable, confidential (no usable value)
Rate = Literal["published", "published_counts", "count", "derived"]


class Part(BaseModel):
    """How one source's rows become rows of a series."""

    model_config = ConfigDict(extra="forbid")
    source: str
    where: dict[str, str] = Field(default_factory=dict)
    geography: Literal["lsoa11", "lsoa21", "msoa", "ward24", "area"]
    code: str
    recode: dict[str, str] = Field(default_factory=dict)
    areas: dict[str, Literal["lad", "region", "england"]] = Field(default_factory=dict)
    period: str
    period_format: Literal["year", "financial_year", "month", "quarter_end", "iso_interval"]
    value: str | None = None
    count: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    denominator_from: Literal["census2021_households", "mid_year_population"] | None = None
    denominator_column: str | None = None            # mid_year_population: the age column, e.g. age_0_15
    denominator_periods: dict[str, str] = Field(default_factory=dict)   # period label -> population source id
    scale: float = 1.0
    lower: str | None = None
    upper: str | None = None
    status: str | None = None
    provisional: str | None = None
    aggregate: Literal["sum_ratio", "sum", "none"] = "none"
    levels: list[Literal["msoa", "ward24", "committee", "lad"]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_value_method(self) -> "Part":
        if self.geography == "area" and not self.areas:
            raise ValueError("an `area` part lists the codes it keeps in `areas`")
        has_ratio = self.numerator is not None or self.denominator is not None
        if has_ratio and (self.numerator is None or self.denominator is None):
            raise ValueError("give both numerator and denominator columns")
        if not (self.value or self.count or has_ratio):
            raise ValueError("give value, count, or numerator and denominator")
        if self.denominator_from and not self.count:
            raise ValueError("denominator_from divides a `count` column")
        if self.denominator_from == "mid_year_population" and not (self.denominator_column and self.denominator_periods):
            raise ValueError("mid_year_population needs denominator_column and denominator_periods (period -> source)")
        if self.aggregate == "sum_ratio" and not (has_ratio or self.denominator_from):
            raise ValueError("sum_ratio needs a numerator and a denominator")
        if self.aggregate == "sum" and not self.count:
            raise ValueError("sum adds up a `count` column")
        if self.levels and self.aggregate == "none":
            raise ValueError("levels need an aggregate rule")
        return self

    def columns(self) -> list[str]:
        cols = [self.code, self.period, *self.where]
        cols += [c for c in (self.value, self.count, self.numerator, self.denominator, self.lower, self.upper,
                             self.status, self.provisional) if c]
        return list(dict.fromkeys(cols))


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = ""
    definition: str
    rate: Rate
    denominator_label: str | None = None
    parts: list[Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _derived_names_its_denominator(self) -> "Series":
        derived = any(p.denominator_from for p in self.parts)
        if derived and self.rate != "derived":
            raise ValueError(f"{self.id}: a rate with a denominator from another source must say rate: derived")
        if self.rate == "derived" and not self.denominator_label:
            raise ValueError(f"{self.id}: a derived rate must name its denominator (denominator_label)")
        return self


class Break(BaseModel):
    model_config = ConfigDict(extra="forbid")
    before: str
    after: str
    kind: Literal["definition", "geography", "coverage"]
    reason: str


class ChangeRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["ci_overlap", "threshold", "modelled", "none"]
    text: str
    min_change: float | None = None
    min_relative: float | None = None
    noise_levels: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _threshold_given(self) -> "ChangeRule":
        if self.method in ("threshold", "modelled") and self.min_change is None and self.min_relative is None:
            raise ValueError(f"{self.method} needs min_change or min_relative")
        return self


class Trend(CatalogueMeasure):
    indicator: str | None = None
    change_rule: ChangeRule
    caveat: str
    series: list[Series] = Field(min_length=1)
    breaks: list[Break] = Field(default_factory=list)

    @model_validator(mode="after")
    def _breaks_name_series(self) -> "Trend":
        ids = [s.id for s in self.series]
        for brk in self.breaks:
            for sid in (brk.before, brk.after):
                if sid not in ids:
                    raise ValueError(f"break names unknown series {sid}")
        return self

    def get_series(self, series_id: str) -> Series:
        return next(s for s in self.series if s.id == series_id)


class SeriesCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trends: list[Trend]
    pillar_history: dict[Literal["Health and Wellbeing", "Inclusive Growth", "Zero Carbon"], PillarKpis] = \
        Field(default_factory=dict)
    other_district_sources: dict[str, str] = Field(default_factory=dict)   # source id -> England-wide source id

    @model_validator(mode="after")
    def _unique(self) -> "SeriesCatalogue":
        for kind, ids in (("trend", [t.id for t in self.trends]),
                          ("series", [s.id for t in self.trends for s in t.series])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} id {', '.join(dupes)}")
        known = {t.id for t in self.trends}
        for pillar, kpis in self.pillar_history.items():
            for kpi in [kpis.lead, *kpis.supporting]:
                if kpi.id not in known:
                    raise ValueError(f"pillar_history: {pillar} names unknown trend {kpi.id}")
        return self

    def get(self, trend_id: str) -> Trend:
        for trend in self.trends:
            if trend.id == trend_id:
                return trend
        raise KeyError(f"Unknown trend {trend_id!r}.")

    def sources(self) -> list[str]:
        """Every source a series reads, denominators included."""
        ids = []
        for part in (p for t in self.trends for s in t.series for p in s.parts):
            ids += [part.source, *part.denominator_periods.values()]
        if any(p.denominator_from == "mid_year_population" for t in self.trends for s in t.series for p in s.parts):
            ids.append("lookup_lsoa11_msoa11")
        return list(dict.fromkeys(ids + list(self.other_district_sources.values())))


@lru_cache(maxsize=4)
def load_series_catalogue(path: Path = CATALOGUE_DIR / "series.yaml") -> SeriesCatalogue:
    """Load and validate series.yaml; every source must be catalogued in sources.yaml."""
    try:
        catalogue = SeriesCatalogue.model_validate(load_yaml(path) or {})
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name, exc)) from None
    known = load_sources().sources
    for source_id in catalogue.sources():
        if source_id not in known:
            raise DataError(f"{path.name}: unknown source {source_id}.")
    return catalogue


# ---------------------------------------------------------------- periods
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:/P(\d+)Y)?$")


def period_label(raw: str, fmt: str) -> tuple[str, pd.Timestamp]:
    """A period's display label and its start date (for ordering and charts)."""
    text = str(raw).strip()
    if fmt == "year":
        year = int(float(text))
        return str(year), pd.Timestamp(year=year, month=1, day=1)
    if fmt == "financial_year":           # "2014/15"
        year = int(text[:4])
        return f"{year}/{(year + 1) % 100:02d}", pd.Timestamp(year=year, month=4, day=1)
    if fmt == "month":                    # "2015-08"
        stamp = pd.Timestamp(text + "-01")
        return stamp.strftime("%Y-%m"), stamp
    if fmt == "quarter_end":              # "2023-03-01": the year ending that month
        stamp = pd.Timestamp(text)
        return f"year to {stamp.strftime('%b %Y')}", stamp
    match = _ISO.match(text)
    if not match:
        raise DataError(f"period {text!r} is not an ISO 8601 date or interval.")
    year, month, span = int(match[1]), int(match[2]), int(match[4] or 1)
    stamp = pd.Timestamp(year=year, month=month, day=int(match[3]))
    if span > 1:
        return f"{year}-{year + span - 1}", stamp
    if month in (4, 8, 9) and match[4]:
        return f"{year}/{(year + 1) % 100:02d}", stamp
    return str(year), stamp
