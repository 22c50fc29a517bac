"""deploy/config.yaml, checked once: the headers, health route and proxy settings the server and proxy share."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CONFIG_PATH = Path(__file__).resolve().parent / "config.yaml"
_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_DURATION = re.compile(r"^\d+(ms|s|m|h|d)$")  # HAProxy's time format


class DeployConfigError(ValueError):
    """config.yaml is missing, not YAML, or a value is wrong: the message names the field."""


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(pattern=r"^/[a-z0-9_-]+$")

    @field_validator("path")
    @classmethod
    def _not_streamlit(cls, path: str) -> str:
        if path.startswith(("/_stcore", "/media", "/component", "/static")):
            raise ValueError("must not be under a route Streamlit reserves")
        return path


class Replicas(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cookie: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    name_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    tunnel_timeout: str = Field(pattern=_DURATION.pattern)
    health_check_interval: str = Field(pattern=_DURATION.pattern)
    health_check_timeout: str = Field(pattern=_DURATION.pattern)
    health_check_fall: int = Field(ge=1, le=10)
    health_check_rise: int = Field(ge=1, le=10)


class DeployConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    security_headers: dict[str, str]
    health: Health
    replicas: Replicas

    @field_validator("security_headers")
    @classmethod
    def _header_names(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _HEADER_NAME.match(name):
                raise ValueError(f"{name!r} is not an HTTP header name")
            if not value or any(c in value for c in "\r\n"):
                raise ValueError(f"{name}: the value must be one non-empty line")
        return headers


def parse_config(text: str, source: str = "deploy/config.yaml") -> DeployConfig:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DeployConfigError(f"{source} is not valid YAML: {exc}") from None
    try:
        return DeployConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DeployConfigError(f"{source}: {where}: {first['msg']}") from None


@lru_cache(maxsize=1)
def load_config(path: Path = CONFIG_PATH) -> DeployConfig:
    """The deployment settings (read once per process)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise DeployConfigError(f"{path.name} cannot be read; it ships with the app in deploy/") from None
    return parse_config(text, f"deploy/{path.name}")
