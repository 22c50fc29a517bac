"""Time series (series.yaml) as typed objects, and the build step that turns them into one tidy table.

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

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from data.catalogue import SourceCatalogue, _load_yaml, describe_validation_error, load_sources
from data.errors import DataError
from data.pipeline.inputs import read_table
from data.paths import CATALOGUE_DIR

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
    denominator_from: Literal["census2021_households"] | None = None
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


class Trend(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    short_label: str
    unit: str
    format: str
    polarity: Literal["higher_is_better", "lower_is_better", "neutral"]
    pillars: list[Literal["Health and Wellbeing", "Inclusive Growth", "Zero Carbon"]]
    theme: str
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

    def format_value(self, value: float | None) -> str:
        if value is None or value != value:
            return "no data"
        text = self.format.format(value)
        return f"{text}%" if self.unit == "%" else text if self.unit in ("£", "ratio") else f"{text} {self.unit}"


class SeriesCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trends: list[Trend]

    @model_validator(mode="after")
    def _unique(self) -> "SeriesCatalogue":
        for kind, ids in (("trend", [t.id for t in self.trends]),
                          ("series", [s.id for t in self.trends for s in t.series])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} id {', '.join(dupes)}")
        return self

    def get(self, trend_id: str) -> Trend:
        for trend in self.trends:
            if trend.id == trend_id:
                return trend
        raise KeyError(f"Unknown trend {trend_id!r}.")

    def sources(self) -> list[str]:
        return list(dict.fromkeys(p.source for t in self.trends for s in t.series for p in s.parts))


@lru_cache(maxsize=4)
def load_series_catalogue(path: Path = CATALOGUE_DIR / "series.yaml") -> SeriesCatalogue:
    """Load and validate series.yaml; every source must be catalogued in sources.yaml."""
    try:
        catalogue = SeriesCatalogue.model_validate(_load_yaml(path) or {})
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


# ---------------------------------------------------------------- build
def _read_part(part: Part, sources: SourceCatalogue, data_dir: Path, cache: dict) -> pd.DataFrame:
    """The part's rows: area_code, period, period_start and value columns (before geography conversion)."""
    source = sources.sources[part.source]
    if part.source not in cache:
        cache[part.source] = read_table(source, data_dir, check_sha=False)
    raw = cache[part.source]
    for column in part.columns():
        if column not in raw.columns:
            raise DataError(f"{source.path}: series.yaml reads column {column!r}, which the file does not have.")
    mask = pd.Series(True, index=raw.index)
    for column, wanted in part.where.items():
        mask &= raw[column].astype(str) == str(wanted)
    rows = raw.loc[mask]
    if rows.empty:
        raise DataError(f"{source.path}: no rows where {part.where} (series.yaml).")
    out = pd.DataFrame({"area_code": rows[part.code].astype(str).replace(part.recode)})
    labels = {p: period_label(p, part.period_format) for p in rows[part.period].astype(str).unique()}
    period_text = rows[part.period].astype(str)
    out["period"] = period_text.map(lambda p: labels[p][0])
    out["period_start"] = period_text.map(lambda p: labels[p][1])
    num = lambda c: pd.to_numeric(rows[c], errors="coerce") if c else np.nan  # noqa: E731
    out["numerator"] = num(part.numerator or part.count)
    out["denominator"] = num(part.denominator)
    out["value"] = num(part.value) if part.value else np.nan
    out["lower_ci"], out["upper_ci"] = num(part.lower), num(part.upper)
    out["status"] = rows[part.status].fillna("").astype(str) if part.status else ""
    out["provisional"] = rows[part.provisional].astype(str).str.lower().isin(["true", "1"]) if part.provisional else False
    out = out[~out["status"].isin(DROPPED_STATUS)]
    return out.reset_index(drop=True)


def _values_from_counts(frame: pd.DataFrame, part: Part) -> pd.DataFrame:
    """Fill ``value`` where the part defines it by counts (ratio or count); leave published values alone."""
    if part.value:
        return frame
    if part.denominator_from is None and part.denominator is None:
        frame["value"] = frame["numerator"]
    elif part.denominator is not None:
        den = frame["denominator"]
        frame["value"] = part.scale * frame["numerator"] / den.where(den > 0)
    return frame


def _aggregate(native: pd.DataFrame, members: pd.DataFrame, rule: str, scale: float) -> pd.DataFrame:
    """Sum native counts (and denominators) into larger areas, period by period.

    An area gets a value only when every member with a share in it has one (coverage 1); its coverage
    is kept so the app can say why an area is blank.
    """
    periods = native[["period", "period_start"]].drop_duplicates()
    grid = periods.merge(members, how="cross")
    data = grid.merge(native.drop(columns="period_start"), left_on=["period", "from_code"],
                      right_on=["period", "area_code"], how="left")
    share = data["share"]
    keys = [data["period"], data["to_code"]]
    has = data["numerator"].notna() & (data["denominator"].notna() if rule == "sum_ratio" else True)
    weight = data["coverage_weight"].fillna(0) * share
    covered = weight.where(has, 0).groupby(keys).sum()
    total = weight.groupby(keys).sum()
    num = (data["numerator"] * share).groupby(keys).sum(min_count=1)
    out = pd.DataFrame({"numerator": num, "coverage": covered / total.replace(0, np.nan)})
    if rule == "sum_ratio":
        den = (data["denominator"] * share).groupby(keys).sum(min_count=1)
        out["denominator"] = den
        out["value"] = scale * num / den.where(den > 0)
    else:
        out["denominator"] = np.nan
        out["value"] = num
    incomplete = out["coverage"].fillna(0) < 1 - 1e-9
    out.loc[incomplete, ["value", "numerator", "denominator"]] = np.nan
    out = out.reset_index().rename(columns={"to_code": "area_code"})
    prov = native.groupby("period")["provisional"].any()
    out["provisional"] = out["period"].map(prov).fillna(False).astype(bool)
    return out.merge(periods, on="period")


def build_series(geography, layers: dict[str, pd.DataFrame], sources: SourceCatalogue, data_dir: Path,
                 lookup11: pd.DataFrame, catalogue: SeriesCatalogue | None = None) -> pd.DataFrame:
    """Every series of series.yaml as one long table (``SERIES_COLUMNS``), Leeds areas and comparators.

    ``geography`` is the build's Geography (Leeds LSOAs with parent codes and memberships); ``layers`` are the
    area tables (for Census 2021 households, the denominator of derived rates).
    """
    from geo.lookups import convert_lsoa11_to_lsoa21

    catalogue = catalogue or load_series_catalogue()
    leeds = geography.leeds_lsoas
    leeds_code = str(leeds["lad_code"].iloc[0])
    households21 = leeds.set_index("lsoa21_code")["households"]
    population = {"lsoa21": leeds.set_index("lsoa21_code")["population"],
                  "msoa": leeds.groupby("msoa21_code")["population"].sum()}
    households = {level: layer.set_index("code")["households"] for level, layer in layers.items()}
    cache: dict[str, pd.DataFrame] = {}
    pieces = []
    for trend in catalogue.trends:
        for series in trend.series:
            for part in series.parts:
                frame = _read_part(part, sources, data_dir, cache)
                native_level = {"lsoa11": "lsoa21", "lsoa21": "lsoa21", "msoa": "msoa", "ward24": "ward24"}.get(part.geography)
                frame["converted"] = False
                if part.geography == "lsoa11":
                    frame = _convert_lsoa11(frame, lookup11, leeds_code, households21, convert_lsoa11_to_lsoa21)
                if part.geography == "area":
                    frame = frame[frame["area_code"].isin(part.areas)].copy()
                    frame["area_level"] = frame["area_code"].map(part.areas)
                else:
                    known = set(layers[native_level]["code"])
                    frame = frame[frame["area_code"].isin(known)].copy()
                    frame["area_level"] = native_level
                if frame.empty:
                    raise DataError(f"series.yaml: {series.id} reads no Leeds rows from {part.source}.")
                if part.denominator_from == "census2021_households":
                    frame["denominator"] = frame["area_code"].map(households[native_level])
                    frame["value"] = part.scale * frame["numerator"] / frame["denominator"]
                frame = _values_from_counts(frame, part)
                rows = [frame]
                if part.levels:
                    native = frame.assign(coverage_weight=frame["area_code"].map(population[native_level]))
                    rule = "sum_ratio" if part.aggregate == "sum_ratio" else "sum"
                    for level in part.levels:
                        agg = _aggregate(native, geography.members[(native_level, level)], rule, part.scale)
                        if part.denominator_from == "census2021_households":
                            agg["denominator"] = agg["area_code"].map(households[level]).where(agg["value"].notna())
                            agg["value"] = part.scale * agg["numerator"] / agg["denominator"]
                        agg["converted"] = bool(frame["converted"].any())
                        rows.append(agg.assign(area_level=level))
                for piece in rows:
                    pieces.append(piece.assign(trend_id=trend.id, series_id=series.id, source=part.source))
    table = pd.concat(pieces, ignore_index=True).reindex(columns=SERIES_COLUMNS)
    if "coverage" in table:
        table["coverage"] = table["coverage"].fillna(1.0)
    table["status"] = table["status"].fillna("").astype(str)
    table["provisional"] = table["provisional"].fillna(False).astype(bool)
    table["converted"] = table["converted"].fillna(False).astype(bool)
    duplicated = table.duplicated(["series_id", "area_level", "area_code", "period"], keep=False)
    if duplicated.any():
        row = table[duplicated].iloc[0]
        raise DataError(f"series.yaml: {row['series_id']} has two values for {row['area_code']} in {row['period']} "
                        f"(two parts cover the same area and period).")
    for column in ("trend_id", "series_id", "area_level", "period", "status", "source"):
        table[column] = table[column].astype("category")
    return table.sort_values(["trend_id", "series_id", "area_level", "area_code", "period_start"]).reset_index(drop=True)


def _convert_lsoa11(frame: pd.DataFrame, lookup11: pd.DataFrame, leeds_code: str, households21: pd.Series,
                    convert) -> pd.DataFrame:
    """Carry counts on 2011 LSOAs to 2021 LSOAs period by period (households share out split LSOAs)."""
    leeds_lookup = lookup11[lookup11["lad22_code"] == leeds_code]
    out = []
    for (period, start), group in frame.groupby(["period", "period_start"], sort=False):
        counts = group.rename(columns={"area_code": "lsoa11_code"})[["lsoa11_code", "numerator", "denominator"]]
        converted = convert(counts, leeds_lookup, count_columns=["numerator", "denominator"],
                            child_weight=households21, parent_weight=counts.set_index("lsoa11_code")["denominator"])
        converted = converted.rename(columns={"lsoa21_code": "area_code"}).drop(columns="change_code")
        out.append(converted.assign(period=period, period_start=start, value=np.nan, lower_ci=np.nan, upper_ci=np.nan,
                                    status="", provisional=bool(group["provisional"].any()), converted=True))
    return pd.concat(out, ignore_index=True)
