"""Input checks that stop the build with one plain sentence naming the file and the problem.

Each function is pure and raises :class:`DataError`; the build calls them in order, and the unit
tests feed each a small broken frame.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data.errors import DataError


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Every named column is present."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")


def require_unique(frame: pd.DataFrame, key: str, name: str) -> None:
    """No area code appears twice."""
    duplicated = frame.loc[frame[key].duplicated(), key]
    if len(duplicated):
        examples = ", ".join(map(str, duplicated.unique()[:3]))
        raise DataError(f"{name}: {len(duplicated)} duplicate {key} value(s), e.g. {examples}.")


def require_known_codes(codes: pd.Series, known: Iterable[str], name: str, what: str) -> None:
    """Every code is one we know (e.g. a Leeds ward code from the boundary file)."""
    unknown = sorted(set(codes.dropna()) - set(known))
    if unknown:
        raise DataError(f"{name}: {len(unknown)} unknown {what} code(s), e.g. {', '.join(unknown[:3])}.")


def require_deciles(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Decile columns hold whole numbers from 1 to 10 (missing allowed)."""
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[values.notna() & ~values.isin(range(1, 11)), column]
        not_numeric = frame.loc[values.isna() & frame[column].notna(), column]
        if len(bad) or len(not_numeric):
            example = (list(bad) + list(not_numeric))[0]
            raise DataError(f"{name}: column {column} has values outside 1-10 (e.g. {example}).")


def require_numeric(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Columns used as numbers really are numbers (blank cells allowed)."""
    for column in columns:
        if pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(frame[column]):
            continue
        coerced = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[coerced.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != ""), column]
        if len(bad):
            raise DataError(f"{name}: column {column} has text where numbers are expected (e.g. {bad.iloc[0]!r}).")


def require_count(count: int, expected: int, name: str, what: str) -> None:
    """Leeds has the number of areas ONS says it has."""
    if count != expected:
        raise DataError(f"{name}: found {count} Leeds {what}, expected {expected}.")
