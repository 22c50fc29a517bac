"""Counted nouns for sentences a reader sees: '1 ward', '4 wards', never 'ward(s)'."""
from __future__ import annotations


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
