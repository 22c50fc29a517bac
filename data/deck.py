"""A meeting deck: an ordered, named list of scenes, each a page's view as its URL state (page + parameters).

Pure (no Streamlit). Decks travel two ways, both validated strictly here: as one compact link value
(JSON, zlib, base64url; bounded before and after decompression) and as a small JSON file. The parameter
*values* are checked by the caller against the app's own URL parameters (components/params.py), so a deck
can only hold views a link could open. Limits and the pages a scene may show are in data/deck.yaml.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Callable

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from data.catalogue import load_yaml
from data.settings import DataError

CONFIG_PATH = Path(__file__).with_name("deck.yaml")
LINK_PREFIX = "d1"                      # format version: a later format gets a new prefix
FILE_KIND = "best-city-atlas-deck"
_LINK = re.compile(r"d1[A-Za-z0-9_-]+")


class PageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    title: str


class DeckConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_scenes: int = Field(ge=1, le=40)
    max_params: int = Field(ge=1, le=60)
    max_name: int = Field(ge=1, le=200)
    max_link_chars: int = Field(ge=100, le=8000)
    max_json_bytes: int = Field(ge=1000, le=100_000)
    max_file_bytes: int = Field(ge=1000, le=1_000_000)
    pages: dict[str, PageConfig]
    trend_measures: list[str] = Field(min_length=1)
    default_indicator: str


@lru_cache(maxsize=2)
def load_config(path: Path = CONFIG_PATH) -> DeckConfig:
    try:
        return DeckConfig.model_validate(load_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError(f"{path.name}: {'.'.join(map(str, first['loc']))}: {first['msg']}.") from None


CONFIG = load_config()
ParamName = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,30}$")]
ParamValue = Annotated[str, StringConstraints(max_length=100)]


class Scene(BaseModel):
    """One view: the page's URL path ("" = home) and its link parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    page: str = Field(max_length=30)
    params: dict[ParamName, ParamValue] = Field(default_factory=dict, max_length=CONFIG.max_params)

    @field_validator("page")
    @classmethod
    def _known_page(cls, page: str) -> str:
        if page not in CONFIG.pages:
            raise ValueError(f"'{page[:30]}' is not a page that can be a scene")
        return page

    @property
    def kind(self) -> str:
        return CONFIG.pages[self.page].kind


class Deck(BaseModel):
    """A named, ordered list of at most ``max_scenes`` scenes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(default="Meeting deck", min_length=1, max_length=CONFIG.max_name)
    scenes: tuple[Scene, ...] = Field(default=(), max_length=CONFIG.max_scenes)

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        if not name.strip() or not all(ch.isprintable() for ch in name):
            raise ValueError("a deck's name is one line of printable text")
        return name.strip()


class DeckError(DataError):
    """A link or file that is not a deck this app wrote, described in one sentence."""


ParamCheck = Callable[[dict[str, str]], list[str]]
"""Returns a notice per parameter the app's URL rules refuse (empty when all are valid)."""


def _describe(what: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "deck"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{what} is not a valid deck ({where}: {message})."


def _checked(deck: Deck, check: ParamCheck | None, what: str) -> Deck:
    if check is not None:
        for number, scene in enumerate(deck.scenes, 1):
            notices = check(dict(scene.params))
            if notices:
                raise DeckError(f"{what} is not a valid deck: scene {number}: {notices[0]}")
    return deck


def _compact(deck: Deck) -> dict:
    return {"n": deck.name, "s": [[s.page, dict(s.params)] for s in deck.scenes]}


def encode_link(deck: Deck) -> str:
    """The deck as one URL-safe value ('d1' + base64url of zlib-compressed compact JSON)."""
    raw = json.dumps(_compact(deck), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text = LINK_PREFIX + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
    if len(text) > CONFIG.max_link_chars:
        raise DeckError(f"This deck is too long for a link ({len(text):,} characters, at most "
                        f"{CONFIG.max_link_chars:,}); save it as a file instead.")
    return text


def decode_link(text: str, check: ParamCheck | None = None) -> Deck:
    """The deck in a link value; DeckError with one sentence when it is not one this app wrote."""
    what = "The deck in this link"
    if len(text) > CONFIG.max_link_chars:
        raise DeckError(f"{what} is too long ({len(text):,} characters; at most {CONFIG.max_link_chars:,}).")
    if not _LINK.fullmatch(text):
        raise DeckError(f"{what} is not one this app wrote (it must start with '{LINK_PREFIX}' followed by "
                        "letters, digits, '-' and '_').")
    try:
        body = text[len(LINK_PREFIX):]
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, CONFIG.max_json_bytes)
        if inflate.unconsumed_tail:
            raise DeckError(f"{what} unpacks to more than {CONFIG.max_json_bytes:,} bytes.")
        if not inflate.eof:
            raise DeckError(f"{what} is cut short (part of the link is missing).")
        data = json.loads(raw.decode("utf-8"))
    except DeckError:
        raise
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        raise DeckError(f"{what} is damaged (it could not be unpacked); ask for the link again.") from None
    if not (isinstance(data, dict) and set(data) == {"n", "s"} and isinstance(data["s"], list)
            and all(isinstance(s, list) and len(s) == 2 for s in data["s"][: CONFIG.max_scenes + 1])):
        raise DeckError(f"{what} is not one this app wrote (unexpected layout).")
    try:
        deck = Deck.model_validate({"name": data["n"], "scenes": [{"page": p, "params": q} for p, q in data["s"]]})
    except ValidationError as exc:
        raise DeckError(_describe(what, exc)) from None
    return _checked(deck, check, what)


def to_file(deck: Deck) -> bytes:
    """The deck as a small JSON file (reopened with :func:`from_file`)."""
    body = {"kind": FILE_KIND, "version": 1, "name": deck.name,
            "scenes": [{"page": s.page, "params": dict(s.params)} for s in deck.scenes]}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class _DeckFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    version: int
    name: str
    scenes: list[Scene] = Field(max_length=CONFIG.max_scenes)


def from_file(data: bytes, file_name: str = "the file", check: ParamCheck | None = None) -> Deck:
    """The deck in a file written by :func:`to_file`; DeckError with one sentence otherwise."""
    what = f"'{str(file_name)[:60]}'"
    if len(data) > CONFIG.max_file_bytes:
        raise DeckError(f"{what} is too large for a deck ({len(data):,} bytes; at most {CONFIG.max_file_bytes:,}).")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise DeckError(f"{what} is not a deck file (it is not JSON text). Save a deck from the Meeting deck "
                        "page and open that file.") from None
    if not isinstance(body, dict) or body.get("kind") != FILE_KIND:
        raise DeckError(f"{what} is not a deck file from this app (no \"kind\": \"{FILE_KIND}\").")
    if body.get("version") != 1:
        raise DeckError(f"{what} is a deck file of a version this app does not read (version 1 expected).")
    try:
        parsed = _DeckFile.model_validate(body)
        deck = Deck(name=parsed.name, scenes=tuple(parsed.scenes))
    except ValidationError as exc:
        raise DeckError(_describe(what, exc)) from None
    return _checked(deck, check, what)


@dataclass(frozen=True)
class Edit:
    """Pure edits on a deck (each returns a new deck; the session keeps the link value)."""

    @staticmethod
    def add(deck: Deck, scene: Scene) -> Deck:
        if len(deck.scenes) >= CONFIG.max_scenes:
            raise DeckError(f"A deck holds at most {CONFIG.max_scenes} scenes; remove one first.")
        return deck.model_copy(update={"scenes": deck.scenes + (scene,)})

    @staticmethod
    def move(deck: Deck, index: int, delta: int) -> Deck:
        scenes = list(deck.scenes)
        target = index + delta
        if 0 <= index < len(scenes) and 0 <= target < len(scenes):
            scenes[index], scenes[target] = scenes[target], scenes[index]
        return deck.model_copy(update={"scenes": tuple(scenes)})

    @staticmethod
    def remove(deck: Deck, index: int) -> Deck:
        return deck.model_copy(update={"scenes": tuple(s for n, s in enumerate(deck.scenes) if n != index)})

    @staticmethod
    def rename(deck: Deck, name: str) -> Deck:
        return Deck(name=name, scenes=deck.scenes)
