"""Counted nouns for sentences a reader sees: '1 ward', '4 wards', never 'ward(s)'."""
from __future__ import annotations

import re


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 ward', '0 wards', '4 wards' (``plural`` defaults to ``singular`` + 's'); thousands get commas."""
    noun = singular if n == 1 else (plural or f"{singular}s")
    return f"{n:,} {noun}"


def ordinal(n: int) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def possessive(name: str) -> str:
    """"Leeds'", "Manchester's": a place name's possessive as the page has always written Leeds'."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


_HOME_PHRASE = re.compile(r"(?P<pre>\b(?:[Ww]ithin-?|to|of|the|among|average|and|or|every)\s?)Leeds(?P<pos>'(?=\s))?"
                          r"|Leeds(?= decile)")
"""Where a catalogue text's "Leeds" names the district the figures are computed in ("decile within Leeds", "the
Leeds average", "Relative to Leeds only"), not a fact about Leeds ("Two Leeds LSOAs are blank") or a Leeds
source ("the council's official Leeds Social Progress Index")."""


def home_text(text: str, home: str = "Leeds") -> str:
    """A catalogue text (indicator label, definition, caveat) for the home district: its method words name that
    district instead of Leeds; facts about Leeds and Leeds sources stay as written."""
    if home == "Leeds" or "Leeds" not in text:
        return text

    def swap(match: re.Match) -> str:
        if match.group("pre") is None:
            return home
        return match.group("pre") + (possessive(home) if match.group("pos") else home)
    return _HOME_PHRASE.sub(swap, text)
