"""The per-page bench scenarios (bench/scenarios.yaml): which page, which widget, which options in turn.

Kept apart from the protocol code so the table can be edited (and checked) without a server.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SCENARIOS_PATH = Path(__file__).resolve().parent / "scenarios.yaml"
SINGLE_KINDS = ("selectbox", "radio")           # the value is one option's text
MULTI_KINDS = ("multiselect", "button_group")   # the value is a list of options' texts
BUTTON_KINDS = ("button",)                      # the value is the button's label: each entry is one press
KEYS = {"page", "query", "widget", "cycle", "url_param", "note"}


class ScenarioError(ValueError):
    """bench/scenarios.yaml is malformed: the message says where."""


@dataclass(frozen=True)
class Scenario:
    """One page's bench: open `page?query`, then set the widget (kind, label) to each value of `cycle` in turn."""

    name: str
    page: str                              # URL path as in app.py ("" = the home page)
    query: str                             # the query string of the first view
    kind: str
    label: str
    cycle: tuple[tuple[str, ...], ...]     # every value is a tuple of option texts (one for a selectbox)
    url_param: str = ""                    # if set, every change must change this URL parameter
    note: str = ""

    def describe(self) -> str:
        return f"/{self.page}?{self.query}, {self.kind} '{self.label}', {len(self.cycle)} values"


def next_value(cycle: tuple[tuple[str, ...], ...], position: int,
               current: tuple[str, ...] | None) -> tuple[tuple[str, ...], int]:
    """The cycle's value at `position`, or the next one if that is what the widget shows already (choosing
    the shown option is no change: a browser sends nothing); returns it and the position after it."""
    value = cycle[position % len(cycle)]
    if current is not None and value == tuple(current):
        position += 1
        value = cycle[position % len(cycle)]
    return value, position + 1


def _value(name: str, kind: str, raw) -> tuple[str, ...]:
    if kind in SINGLE_KINDS + BUTTON_KINDS:
        if not isinstance(raw, str):
            raise ScenarioError(f"{name}: a {kind} takes one option's text per cycle entry, not {raw!r}")
        return (raw,)
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ScenarioError(f"{name}: a {kind} takes a list of options' texts per cycle entry, not {raw!r}")
    return tuple(items)


def parse_scenario(name: str, raw: dict) -> Scenario:
    """One entry of the YAML mapping, checked."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{name}: expected a mapping with page, query, widget and cycle")
    unknown = set(raw) - KEYS
    if unknown:
        raise ScenarioError(f"{name}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    missing = [k for k in ("page", "widget", "cycle") if k not in raw]
    if missing:
        raise ScenarioError(f"{name}: missing {', '.join(missing)}")
    widget = raw["widget"]
    if not isinstance(widget, dict) or set(widget) != {"kind", "label"}:
        raise ScenarioError(f"{name}: widget must be {{kind: ..., label: ...}}")
    kind, label = widget["kind"], widget["label"]
    kinds = SINGLE_KINDS + MULTI_KINDS + BUTTON_KINDS
    if kind not in kinds:
        raise ScenarioError(f"{name}: widget kind '{kind}' is not one of {', '.join(kinds)}")
    if not isinstance(label, str) or not label:
        raise ScenarioError(f"{name}: the widget needs its label, as the page shows it")
    if not isinstance(raw["cycle"], list):
        raise ScenarioError(f"{name}: cycle must be a list of values")
    cycle = tuple(_value(name, kind, v) for v in raw["cycle"])
    if kind in BUTTON_KINDS:
        if set(cycle) != {(label,)}:
            raise ScenarioError(f"{name}: a button's cycle lists its label once per press ('{label}')")
        if not raw.get("url_param"):
            raise ScenarioError(f"{name}: a button scenario needs url_param, to prove every press changed the view")
    elif len(set(cycle)) < 2:
        raise ScenarioError(f"{name}: cycle needs at least two different values, so every change is a change")
    page, query = raw["page"] or "", raw.get("query") or ""
    if not isinstance(page, str) or page.startswith("/") or "?" in page:
        raise ScenarioError(f"{name}: page is the URL path without slash or query, e.g. 'explorer' ('' = home)")
    if not isinstance(query, str) or query.startswith("?"):
        raise ScenarioError(f"{name}: query is the query string without '?', e.g. 'level=ward24'")
    return Scenario(name, page, query, kind, label, cycle, str(raw.get("url_param") or ""), str(raw.get("note") or ""))


def parse_scenarios(text: str) -> dict[str, Scenario]:
    """All scenarios of a YAML text, in file order."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise ScenarioError("expected a mapping of scenario names to scenarios")
    return {str(name): parse_scenario(str(name), raw) for name, raw in data.items()}


def load_scenarios(path: Path = SCENARIOS_PATH) -> dict[str, Scenario]:
    return parse_scenarios(path.read_text(encoding="utf-8"))
