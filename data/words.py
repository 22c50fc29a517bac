"""Counted nouns for sentences a reader sees: '1 ward', '4 wards', never 'ward(s)'."""
from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 ward', '0 wards', '4 wards' (``plural`` defaults to ``singular`` + 's'); thousands get commas."""
    noun = singular if n == 1 else (plural or f"{singular}s")
    return f"{n:,} {noun}"
