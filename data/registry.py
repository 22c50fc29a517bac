"""The indicator registry (indicators.yaml) as typed objects.

Every figure the app shows is defined here: label, unit, polarity, pillars, source and the rule that
carries it from its native geography to wards, committees and Leeds.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from data.catalogue import load_yaml, describe_validation_error, load_sources
from data.settings import CATALOGUE_DIR, DataError
from data.words import home_text

PILLARS = ("Health and Wellbeing", "Inclusive Growth", "Zero Carbon")
Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]


class Ratio(BaseModel):
    model_config = ConfigDict(extra="forbid")
    numerator: list[str]
    denominator: str | list[str]

    def denominator_columns(self) -> list[str]:
        return [self.denominator] if isinstance(self.denominator, str) else list(self.denominator)


class ShareWhere(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str
    equals: float


METHOD_NAMES = ("column", "ratio", "percentile_of_rank", "leeds_decile_of_rank", "share_where", "derived")


class ValueSpec(BaseModel):
    """How one edition's value is computed from its source columns (exactly one method)."""

    model_config = ConfigDict(extra="forbid")
    column: str | None = None
    ratio: Ratio | None = None
    percentile_of_rank: str | None = None
    leeds_decile_of_rank: str | None = None
    share_where: ShareWhere | None = None
    derived: str | None = None
    output: str | None = None
    scale: float = 1.0
    where: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _exactly_one_method(self) -> "ValueSpec":
        methods = [m for m in METHOD_NAMES if getattr(self, m) is not None]
        if len(methods) != 1:
            raise ValueError(f"give exactly one of {', '.join(METHOD_NAMES)} (found {methods or 'none'})")
        if self.derived is not None and not self.output:
            raise ValueError("a derived value needs `output`, the name of the figure its family computes")
        return self

    @property
    def method(self) -> str:
        return next(m for m in METHOD_NAMES if getattr(self, m) is not None)

    def source_columns(self) -> list[str]:
        """Columns this spec reads from its source file."""
        if self.ratio is not None:
            return self.ratio.numerator + self.ratio.denominator_columns()
        if self.share_where is not None:
            return [self.share_where.column]
        if self.derived is not None:
            return []
        return [self.column or self.percentile_of_rank or self.leeds_decile_of_rank] + list(self.where)


class Edition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str
    source: str
    value: ValueSpec
    lower_column: str | None = None
    upper_column: str | None = None
    weight_column: str | None = None
    numerator_column: str | None = None
    conversion: str = ""          # filled from sources.yaml at load: e.g. "converted from 2011 LSOAs"


class Aggregation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: Literal["weighted_mean", "sum_ratio", "sum", "none"]
    weight: Literal["population", "households", "person_years"] | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _rule_needs(self) -> "Aggregation":
        if self.rule == "weighted_mean" and self.weight is None:
            raise ValueError("weighted_mean needs a weight")
        if self.rule == "none" and not self.reason:
            raise ValueError("rule none needs a reason the user can read")
        return self

    def describe(self, native_level: str) -> str:
        """Plain-English sentence on how values above the native level were derived."""
        native = {"lsoa21": "LSOA", "msoa": "MSOA"}[native_level]
        return {
            "weighted_mean": f"{(self.weight or '').replace('_', '-')}-weighted mean of {native} values",
            "sum_ratio": f"sum of {native} numerators divided by the sum of {native} denominators",
            "sum": f"sum of {native} counts",
            "none": f"not aggregated: {self.reason}",
        }[self.rule]


class CoverageRule(BaseModel):
    """The one rule deciding when a larger area's figure is published from smaller areas with gaps."""

    model_config = ConfigDict(extra="forbid")
    min_share: float = Field(default=0.9, gt=0, le=1)
    statement: str = ("Coverage rule: a figure for a larger area is shown when the smaller areas with a value hold at "
                      "least {share} of its residents.")

    @property
    def sentence(self) -> str:
        return self.statement.replace("{share}", f"{self.min_share:.0%}")

    def is_partial(self, coverage: float | None) -> bool:
        """True when a shown figure rests on fewer than all residents (coverage below 100%)."""
        return coverage is not None and coverage == coverage and coverage < 1 - 1e-9


class CatalogueMeasure(BaseModel):
    """What an indicator (indicators.yaml) and a trend (series.yaml) share: names, unit and format, direction,
    pillars and theme, and the one way their figures are written (:func:`format_figure`)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    short_label: str
    unit: str
    format: str
    polarity: Polarity
    pillars: list[Literal["Health and Wellbeing", "Inclusive Growth", "Zero Carbon"]]
    theme: str

    def format_value(self, value: float | None) -> str:
        return format_figure(value, self.format, self.unit)


class Indicator(CatalogueMeasure):
    native_level: Literal["lsoa21", "msoa"]
    editions: list[Edition] = Field(min_length=1)
    aggregation: Aggregation
    definition: str
    caveat: str
    classify: Literal["national_deciles", "deciles"] | None = None
    aggregated_only: bool = False
    england: bool = True
    ci: Literal["none", "wilson", "published"] = "none"
    derived_levels: list[Literal["lsoa21", "msoa", "ward24", "committee", "lad"]] = Field(default_factory=list)
    polarity_reason: str | None = None

    @model_validator(mode="after")
    def _neutral_says_why(self) -> "Indicator":
        if self.polarity == "neutral" and not self.polarity_reason:
            raise ValueError("a neutral indicator needs polarity_reason: why neither direction is better")
        return self

    @property
    def derived(self) -> str | None:
        """Name of the derived family (e.g. ``spi``) computing this indicator from other indicators, if any."""
        return self.latest.value.derived

    @property
    def periods(self) -> list[str]:
        """Periods newest first (editions are listed newest first in the YAML)."""
        return [e.period for e in self.editions]

    @property
    def latest(self) -> Edition:
        return self.editions[0]

    def edition(self, period: str) -> Edition:
        for edition in self.editions:
            if edition.period == period:
                return edition
        raise KeyError(f"{self.id} has no period {period!r}; it has {', '.join(self.periods)}.")

    def levels(self, all_levels: list[str]) -> list[str]:
        """Levels at which this indicator has values, finest first."""
        if self.derived:
            return [lv for lv in all_levels if lv in self.derived_levels]
        if self.aggregation.rule == "none":
            return [self.native_level]
        start = all_levels.index(self.native_level)
        usable = all_levels[start:]
        return [lv for lv in usable if not (self.aggregated_only and lv == "lsoa21")]

    def unavailable_reason(self, level: str, all_levels: list[str]) -> str | None:
        """Why this indicator cannot be shown at ``level`` (None when it can)."""
        if level in self.levels(all_levels):
            return None
        if self.derived:
            return f"Computed for {', '.join(self.derived_levels)} only."
        if self.aggregation.rule == "none":
            return self.aggregation.reason
        if self.aggregated_only and level == "lsoa21":
            return "Shown for areas made of several LSOAs; a single LSOA is either 0% or 100%."
        return f"Published for {self.native_level.upper()}s; it cannot be split into smaller areas."

    def titled(self, *details: str) -> str:
        """The short label with details in one bracket: 'Life expectancy (women, years)', not '(women) (years)'."""
        extra = ", ".join(d for d in details if d)
        if not extra:
            return self.short_label
        if self.short_label.endswith(")") and "(" in self.short_label:
            return f"{self.short_label[:-1]}, {extra})"
        return f"{self.short_label} ({extra})"

    def coverage_tag(self, coverage: float | None) -> str:
        """' (partial: 94.8% of residents)' for a table cell beside the value; '' when complete."""
        if not self.coverage_note(coverage):
            return ""
        share = f"{math.floor(coverage * 1000) / 10:.1f}%"
        return f" (partial: {share} of {self._parts if self.derived else 'residents'})"

    @property
    def _parts(self) -> str:
        """What a derived score averages: the SPI's measured components, a pillar composite's KPIs."""
        return {"pillars": "KPIs"}.get(self.derived or "", "measured components")

    def period_label(self, period: str) -> str:
        """'2019 (converted from 2011 LSOAs)' for a converted edition, else the period itself."""
        try:
            conversion = self.edition(period).conversion
        except KeyError:
            return period
        return f"{period} ({conversion})" if conversion else period

    def coverage_note(self, coverage: float | None) -> str:
        """'' for a figure resting on all of its area; else the plain sentence that it is partial, and how.

        Shares are rounded down (99.7% never reads as 100%). Derived scores store the share of their
        measured components instead of residents, so they say that.
        """
        if coverage is None or coverage != coverage or coverage >= 1 - 1e-9 or coverage <= 0:
            return ""
        share = f"{math.floor(coverage * 1000) / 10:.1f}%"
        if self.derived:
            return f"Partial: averages {share} of its {self._parts} (one or more has no value here)"
        return f"Partial: the smaller areas with a value hold {share} of residents"


# Units that name a scale, not a quantity: the label already says what the number is ('IMD score', 'decile'),
# and £ is in the format itself. Every other unit is written after the figure.
SCALE_UNITS = frozenset({"", "£", "decile", "percentile", "rank", "score", "score 0-100", "index", "z-score", "ratio",
                         "rate"})


def unit_after(unit: str) -> str:
    """What follows a figure: '%' attached, nothing for a scale, else the unit after a space ('80.1 years')."""
    return "%" if unit == "%" else "" if unit in SCALE_UNITS else f" {unit}"


def format_figure(value: float | None, fmt: str, unit: str) -> str:
    """The one number-formatting rule for indicators, trends and uploads: the catalogue's format, then
    :func:`unit_after`; 'no data' for a missing value."""
    if value is None or value != value:
        return "no data"
    return fmt.format(value) + unit_after(unit)


class Kpi(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    rationale: str


class PillarKpis(BaseModel):
    """One pillar's proxy KPI set: a lead indicator and a basket of supporting ones."""

    model_config = ConfigDict(extra="forbid")
    lead: Kpi
    supporting: list[Kpi]
    note: str = ""


class Registry(BaseModel):
    indicators: list[Indicator]
    coverage: CoverageRule = Field(default_factory=CoverageRule)
    pillar_kpis: dict[Literal["Health and Wellbeing", "Inclusive Growth", "Zero Carbon"], PillarKpis] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Registry":
        seen: set[str] = set()
        for ind in self.indicators:
            if ind.id in seen:
                raise ValueError(f"duplicate indicator id {ind.id}")
            seen.add(ind.id)
        return self

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"Unknown indicator {indicator_id!r}.")

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def registry_files(path: Path = CATALOGUE_DIR / "indicators.yaml") -> list[Path]:
    """The main registry file and the fragments in indicators.d/ (one per derived family or team)."""
    return [path] + sorted((path.parent / "indicators.d").glob("*.yaml"))


def for_home(registry: Registry, home: str) -> Registry:
    """The registry as another district's atlas shows it: labels, definitions and caveats name that district where
    their "Leeds" is the district the figures are computed in (data.words.home_text); Leeds' registry unchanged."""
    if home == "Leeds":
        return registry
    fields = ("label", "short_label", "definition", "caveat")
    indicators = [i.model_copy(update={f: home_text(getattr(i, f), home) for f in fields} | {
        "aggregation": i.aggregation.model_copy(update={"reason": home_text(i.aggregation.reason, home)})
        if i.aggregation.reason else i.aggregation}) for i in registry.indicators]
    return registry.model_copy(update={"indicators": indicators})


@lru_cache(maxsize=4)
def load_registry(path: Path = CATALOGUE_DIR / "indicators.yaml") -> Registry:
    """Load and validate the registry (main file plus fragments); every source id must exist in sources.yaml."""
    merged: dict = {"indicators": [], "pillar_kpis": {}}
    for part in registry_files(path):
        raw = load_yaml(part) or {}
        merged["indicators"] += raw.get("indicators", [])
        merged["pillar_kpis"].update(raw.get("pillar_kpis", {}))
        if "coverage" in raw:
            merged["coverage"] = raw["coverage"]
    try:
        registry = Registry.model_validate(merged)
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name + " (or indicators.d/)", exc)) from None
    known = set(registry.ids)
    for pillar, kpis in registry.pillar_kpis.items():
        for kpi in [kpis.lead, *kpis.supporting]:
            if kpi.id not in known:
                raise DataError(f"pillar_kpis: {pillar} names unknown indicator {kpi.id}.")
    sources = load_sources()
    for ind in registry.indicators:
        for edition in ind.editions:
            if edition.source not in sources.sources:
                raise DataError(f"{path.name}: indicator {ind.id} names unknown source {edition.source}.")
    return with_coverage_caveats(with_conversions(registry, sources))


def with_conversions(registry: Registry, sources) -> Registry:
    """Mark editions from sources on older boundaries (sources.yaml ``conversions``) and say so in the caveat."""
    indicators = []
    for ind in registry.indicators:
        editions, sentences = [], []
        for edition in ind.editions:
            conversion = sources.conversion(edition.source)
            if conversion is None:
                editions.append(edition)
                continue
            editions.append(edition.model_copy(update={"conversion": conversion.label}))
            if conversion.boundaries not in ind.caveat:
                sentences.append(" ".join(conversion.sentence.replace("{period}", edition.period).split()))
        caveat = " ".join([ind.caveat.rstrip(), *dict.fromkeys(sentences)])
        indicators.append(ind.model_copy(update={"editions": editions, "caveat": caveat}))
    return registry.model_copy(update={"indicators": indicators})


def with_coverage_caveats(registry: Registry) -> Registry:
    """Every aggregated indicator's caveat ends with the coverage rule, so each place a caveat shows states it."""
    sentence = registry.coverage.sentence
    indicators = [ind.model_copy(update={"caveat": f"{ind.caveat.rstrip()} {sentence}"})
                  if ind.aggregation.rule != "none" and not ind.derived and sentence not in ind.caveat else ind
                  for ind in registry.indicators]
    return registry.model_copy(update={"indicators": indicators})
