"""Typed loaders for the declarative catalogues: sources.yaml and areas.yaml, and the feature configs the
pipeline and the app both read (warm_spaces.yaml, postcodes.yaml, cities.yaml).

Validating the YAML with pydantic turns a typo in a catalogue into one clear sentence at build time
instead of a KeyError deep inside the pipeline. The feature configs live here, on the vocabulary floor,
so a page reads them without importing the build pipeline.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from data.settings import CATALOGUE_DIR, DataError, DISTRICT_ENV
from data.words import count


class Source(BaseModel):
    """One input file of the data folder and its provenance."""

    model_config = ConfigDict(extra="forbid")
    id: str = ""
    path: str
    publisher: str
    dataset: str
    edition: str
    period: str
    geography: str
    vintage: str
    licence: str
    attribution: str
    url: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    key: str | None
    columns: list[str]
    checks: dict[str, list[str]] = Field(default_factory=dict)
    count_columns: list[str] = Field(default_factory=list)
    apportion_by: str = "population"
    used_by: str = "app"
    leeds_only: bool = False     # covers Leeds alone: left out of a build for another district


class Licence(BaseModel):
    name: str
    url: str


class Conversion(BaseModel):
    """How a source on older boundaries is carried to 2021 areas: a short label and a caveat sentence."""

    model_config = ConfigDict(extra="forbid")
    boundaries: str
    sentence: str

    @property
    def label(self) -> str:
        return f"converted from {self.boundaries}"


class SourceCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversions: dict[str, Conversion] = Field(default_factory=dict)
    licences: dict[str, Licence]
    attribution: dict[str, str]
    sources: dict[str, Source]

    def conversion(self, source_id: str) -> Conversion | None:
        """The boundary conversion a source's figures went through (None when published on 2021 areas)."""
        source = self.sources.get(source_id)
        return self.conversions.get(source.geography) if source is not None else None

    def attribution_text(self, source_id: str) -> str:
        """The attribution sentence to show beside a figure from ``source_id``."""
        source = self.sources[source_id]
        return self.attribution.get(source.attribution, source.attribution)


class Committee(BaseModel):
    code: str
    name: str
    wards: list[str]


class Committees(BaseModel):
    caveat: str
    committees: list[Committee]


class Level(BaseModel):
    label: str
    short: str
    noun: str
    nouns: str
    expected: int

    def count(self, n: int) -> str:
        """'1 ward', '4 wards': the level's own nouns from areas.yaml."""
        return count(n, self.noun, self.nouns)


class NamedArea(BaseModel):
    code: str
    name: str


class AreaCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_committees: Committees
    levels: dict[str, Level]
    leeds: NamedArea
    england: NamedArea

    def committee_of_ward_name(self) -> dict[str, str]:
        """Ward name -> committee code."""
        return {w: c.code for c in self.community_committees.committees for w in c.wards}


def areas_for_home(areas: AreaCatalogue, home: str) -> AreaCatalogue:
    """areas.yaml as another district's atlas shows it: its district level is labelled with its name, not Leeds'."""
    lad = areas.levels["lad"].model_copy(update={"label": home, "short": home})
    return areas.model_copy(update={"levels": {**areas.levels, "lad": lad}})


def load_yaml(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        raise DataError(f"{path.name}: the catalogue file is missing from {path.parent}.") from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path.name}: not valid YAML ({exc.__class__.__name__} near line "
                        f"{getattr(getattr(exc, 'problem_mark', None), 'line', '?')}).") from None


def load_dataclass(path: Path, cls):
    """A YAML file's top-level keys as a dataclass (the fields it names, nothing else); one sentence if unreadable."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__})
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise DataError(f"{path.name}: cannot be read ({exc.__class__.__name__}).") from None


def describe_validation_error(name: str, exc: ValidationError) -> str:
    """Reduce a pydantic error to one sentence naming the first bad field."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{name}: {where}: {first['msg']}."


@lru_cache(maxsize=4)
def load_sources(path: Path = CATALOGUE_DIR / "sources.yaml") -> SourceCatalogue:
    raw = load_yaml(path)
    try:
        catalogue = SourceCatalogue.model_validate(raw)
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name, exc)) from None
    for source_id, source in catalogue.sources.items():
        source.id = source_id
        if source.licence not in catalogue.licences and source.used_by == "app":
            raise DataError(f"{path.name}: source {source_id} names unknown licence {source.licence}.")
    return catalogue


@lru_cache(maxsize=4)
def load_areas(path: Path = CATALOGUE_DIR / "areas.yaml") -> AreaCatalogue:
    raw = load_yaml(path)
    try:
        return AreaCatalogue.model_validate(raw)
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name, exc)) from None


def level_ids() -> list[str]:
    """The geography levels, finest first, as areas.yaml declares them: the one list of levels."""
    return list(load_areas().levels)


class CouncilFigure(BaseModel):
    """A figure the council quotes but the open data cannot reproduce, and how the app's measures relate to it."""

    model_config = ConfigDict(extra="forbid")
    quote: str
    source: str
    relation: str


@lru_cache(maxsize=4)
def load_council_figures(path: Path = CATALOGUE_DIR / "council_figures.yaml") -> dict[str, CouncilFigure]:
    try:
        return {key: CouncilFigure.model_validate(item) for key, item in (load_yaml(path) or {}).items()}
    except ValidationError as exc:
        raise DataError(describe_validation_error(path.name, exc)) from None


@dataclass(frozen=True)
class WarmSpacesConfig:
    columns: dict[str, str]
    required: list[str]
    sources: dict[str, str]
    bounds: dict[str, float]
    max_text: int
    caveat: str
    source: str
    dedupe: dict
    access: dict
    need_series: dict
    coverage: dict


@lru_cache(maxsize=2)
def load_warm_spaces_config(path: Path = CATALOGUE_DIR / "warm_spaces.yaml") -> WarmSpacesConfig:
    """The warm spaces points file's columns, checks and caveat."""
    return load_dataclass(path, WarmSpacesConfig)


@dataclass(frozen=True)
class PostcodeConfig:
    package: str
    version: str
    edition: str
    publisher: str
    licence: str
    attribution: str
    excluded_areas: list[str]
    caveat: str


@lru_cache(maxsize=2)
def load_postcode_config(path: Path = CATALOGUE_DIR / "postcodes.yaml") -> PostcodeConfig:
    """The pinned postcode package, its edition and its attribution."""
    return load_dataclass(path, PostcodeConfig)


CITIES_KEYS = ("home", "region", "england", "core_cities", "neighbours", "deprivation_shares")


@lru_cache(maxsize=4)
def load_cities_config(path: Path = CATALOGUE_DIR / "cities.yaml") -> dict:
    """cities.yaml: the comparison's settings (areas, bands, neighbour variables); a clear sentence when malformed.
    Shared and cached: callers must not change it."""
    try:
        config = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path.name} cannot be read ({exc.__class__.__name__}).") from None
    for key in CITIES_KEYS:
        if key not in (config or {}):
            raise DataError(f"{path.name} lacks the setting {key!r}.")
    return config


DISTRICT_CODE = re.compile(r"E0[6-9]\d{6}")


def home_district() -> str:
    """The district the atlas is built for: ``$BCA_DISTRICT`` (an English district's LAD 2024 code), default Leeds
    (areas.yaml). A malformed value is refused with a sentence (the build checks that the lookup knows it)."""
    value = os.environ.get(DISTRICT_ENV, "").strip()
    if not value:
        return load_areas().leeds.code
    if not DISTRICT_CODE.fullmatch(value):
        raise DataError(f"{DISTRICT_ENV} must be an English district code such as E08000035 (Leeds) or E08000003 "
                        "(Manchester); the value given is not one.")
    return value


def cities_config_for(config: dict, home: dict | None) -> dict:
    """The comparison's settings for the home district ``home`` ({code, name, region_code, region_name}; None or
    Leeds: cities.yaml as it is). Another district's core cities are the eight less itself (Leeds among them)."""
    if not home or home["code"] == config["home"]["code"]:
        return config
    core = {config["home"]["code"]: config["home"]["name"], **config["core_cities"]}
    core.pop(home["code"], None)
    out = {**config, "home": {"code": home["code"], "name": home["name"]},
           "region": {"code": home["region_code"], "name": home["region_name"]}, "core_cities": core}
    if "neighbours" in config:          # the method names the district the distances are measured from
        neighbours = config["neighbours"]
        out["neighbours"] = {**neighbours, "method": neighbours["method"].replace(
            f"from {config['home']['name']} ", f"from {home['name']} ")}
    return out
