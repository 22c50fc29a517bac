"""Schema and loader for the SPI-method framework file (``data/spi.yaml``).

The framework says which registry indicators feed which of the 12 Social Progress
Imperative components, which way each indicator points, and the utopia/dystopia
anchors that turn standardised values into 0-100 scores. It is validated here, once,
so the engine in :mod:`metrics.spi` can trust its shape: exactly 3 dimensions of 4
components, unique ids, anchors that differ and sit on the right side of each other.

Example (fake ids)::

    name: Example index
    dimensions:
      - id: basic_needs
        name: Basic Human Needs
        components:
          - id: shelter
            name: Shelter
            indicators:
              - id: overcrowding_pct
                direction: lower_is_better
                transform: {cap: [0, 50]}
                utopia: 0
                dystopia: 40
                reason: "0% is no overcrowding; 40% is beyond the worst English LSOA."
          - id: water
            name: Water and Sanitation
            missing: "No open small-area data on water access."
          ...
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

DIMENSION_COUNT = 3
COMPONENTS_PER_DIMENSION = 4

Direction = Literal["higher_is_better", "lower_is_better"]

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


class CapTransform(BaseModel):
    """Clip raw values to ``[lo, hi]`` before standardising, so outliers cannot dominate."""

    model_config = _MODEL_CONFIG

    cap: tuple[float, float]

    @model_validator(mode="after")
    def _lower_below_upper(self) -> CapTransform:
        low, high = self.cap
        if not low < high:
            raise ValueError(f"cap bounds must be [lower, upper] with lower < upper, not [{low}, {high}]")
        return self


class FrameworkIndicator(BaseModel):
    """One indicator within a component, with anchors in the indicator's own units (the registry's
    data.registry.Indicator says what the measure is; this says where it sits in the SPI framework).

    ``utopia`` and ``dystopia`` are the best and worst plausible raw values; they get the
    same transform and orientation as the data, so a score of 100 means "at utopia".
    """

    model_config = _MODEL_CONFIG

    id: str
    direction: Direction
    transform: Literal["log"] | CapTransform | None = None
    utopia: float
    dystopia: float
    reason: str

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("indicator id must not be empty")
        return value

    @field_validator("reason")
    @classmethod
    def _reason_is_one_line(cls, value: str) -> str:
        if not value or "\n" in value:
            raise ValueError("reason must be one non-empty line explaining the utopia and dystopia values")
        return value

    @field_validator("transform", mode="before")
    @classmethod
    def _known_transform(cls, value: Any) -> Any:
        is_cap_mapping = isinstance(value, dict) and set(value) == {"cap"}
        if value is None or value == "log" or is_cap_mapping or isinstance(value, CapTransform):
            return value
        raise ValueError(f"transform must be 'log' or {{cap: [lower, upper]}}, not {value!r}")

    @model_validator(mode="after")
    def _anchors_make_sense(self) -> FrameworkIndicator:
        if self.utopia == self.dystopia:
            raise ValueError(
                f"indicator {self.id} has utopia equal to dystopia ({self.utopia}), so it cannot be scaled"
            )
        utopia_is_higher = self.utopia > self.dystopia
        if utopia_is_higher != (self.direction == "higher_is_better"):
            expected = "above" if self.direction == "higher_is_better" else "below"
            raise ValueError(
                f"indicator {self.id} is {self.direction} so utopia ({self.utopia}) must be {expected} "
                f"dystopia ({self.dystopia})"
            )
        if self.transform == "log" and min(self.utopia, self.dystopia) <= 0:
            raise ValueError(f"indicator {self.id} is log-transformed so utopia and dystopia must be positive")
        if isinstance(self.transform, CapTransform):
            low, high = self.transform.cap
            if not (low <= self.utopia <= high and low <= self.dystopia <= high):
                raise ValueError(
                    f"indicator {self.id} has utopia and dystopia outside its cap [{low}, {high}], "
                    "so capping would move the anchors"
                )
        return self


class Component(BaseModel):
    """A component either lists indicators or says, in ``missing``, why it has none."""

    model_config = _MODEL_CONFIG

    id: str
    name: str
    indicators: tuple[FrameworkIndicator, ...] = ()
    missing: str | None = None

    @model_validator(mode="after")
    def _indicators_or_missing_reason(self) -> Component:
        has_reason = bool(self.missing)
        if self.indicators and has_reason:
            raise ValueError(f"component {self.id} lists indicators and is also marked missing; choose one")
        if not self.indicators and not has_reason:
            raise ValueError(f"component {self.id} has no indicators and no `missing` reason")
        return self

    @property
    def is_measured(self) -> bool:
        """True when the component has indicators (i.e. is not declared missing)."""
        return bool(self.indicators)


class Dimension(BaseModel):
    """One of the three SPI dimensions, always with exactly four components."""

    model_config = _MODEL_CONFIG

    id: str
    name: str
    components: tuple[Component, ...]

    @field_validator("components")
    @classmethod
    def _four_components(cls, value: tuple[Component, ...]) -> tuple[Component, ...]:
        if len(value) != COMPONENTS_PER_DIMENSION:
            raise ValueError(f"a dimension needs exactly {COMPONENTS_PER_DIMENSION} components, found {len(value)}")
        return value

    @property
    def measured_components(self) -> tuple[Component, ...]:
        """Components that have indicators; the dimension score averages over these."""
        return tuple(component for component in self.components if component.is_measured)


class Framework(BaseModel):
    """The whole SPI-method framework: 3 dimensions x 4 components x indicators."""

    model_config = _MODEL_CONFIG

    name: str = "SPI-method index"
    description: str | None = None
    dimensions: tuple[Dimension, ...]

    @field_validator("dimensions")
    @classmethod
    def _three_dimensions(cls, value: tuple[Dimension, ...]) -> tuple[Dimension, ...]:
        if len(value) != DIMENSION_COUNT:
            raise ValueError(f"a framework needs exactly {DIMENSION_COUNT} dimensions, found {len(value)}")
        return value

    @model_validator(mode="after")
    def _ids_unique(self) -> Framework:
        _raise_on_duplicates("dimension", [dimension.id for dimension in self.dimensions])
        _raise_on_duplicates("component", [component.id for component in self.components])
        _raise_on_duplicates("indicator", self.indicator_ids)
        return self

    @property
    def components(self) -> tuple[Component, ...]:
        """All 12 components in framework order."""
        return tuple(component for dimension in self.dimensions for component in dimension.components)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Every indicator id used, in framework order."""
        return tuple(indicator.id for component in self.components for indicator in component.indicators)


def _raise_on_duplicates(kind: str, ids: list[str] | tuple[str, ...]) -> None:
    duplicates = sorted(item for item, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise ValueError(f"{kind} ids must be unique, but these repeat: {', '.join(duplicates)}")


def parse_framework(yaml_text: str, source: str = "framework text") -> Framework:
    """Parse and validate framework YAML, turning any problem into one plain ValueError.

    Parameters
    ----------
    yaml_text
        The YAML document.
    source
        How to name the input in error messages (usually the file path).
    """
    try:
        raw = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{source} is not valid YAML ({_first_line(str(exc))}).") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{source} must be a YAML mapping with a `dimensions` list.")
    try:
        return Framework.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise ValueError(_one_sentence(source, exc)) from exc


def load_framework(path: str | Path) -> Framework:
    """Read and validate ``spi.yaml``; raise ValueError with one plain sentence on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"Cannot read SPI framework file {path} ({exc.strerror}).") from exc
    return parse_framework(text, source=str(path))


def _one_sentence(source: str, error: pydantic.ValidationError) -> str:
    problems = error.errors(include_url=False)
    first = problems[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    location = ".".join(str(part) for part in first["loc"])
    where = f" at {location}" if location else ""
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"{source} is not a valid SPI framework{where}: {_first_line(message)}{more}."


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].rstrip(".") if text.strip() else "unknown problem"
