"""An input file on its way into the store: read (after checking it is the edition we catalogued), checked,
and turned into its indicator values at the native level.

The checks stop the build with one plain sentence naming the file and the problem (each is pure and
raises :class:`DataError`; the unit tests feed each a small broken frame). The value methods form a
registry (name -> function) rather than an if/elif chain, like mapclassify's schemes: adding a method to
the indicator YAML means adding one function here.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from data.catalogue import Source
from data.settings import DataError
from data.registry import Edition, ValueSpec


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate(source: Source, data_dir: Path, check_sha: bool = True) -> Path:
    """The file's path, once it exists and its checksum matches sources.yaml."""
    if not data_dir.is_dir():
        raise DataError(f"The data folder {data_dir} does not exist; set BCA_DATA_DIR to the folder that holds "
                        f"the open data (see README).")
    path = data_dir / source.path
    if not path.is_file():
        raise DataError(f"{source.path}: file is missing from the data folder {data_dir}.")
    if check_sha:
        actual = file_sha256(path)
        if actual != source.sha256:
            raise DataError(f"{source.path}: checksum mismatch (sha256 {actual[:12]}…, expected "
                            f"{source.sha256[:12]}…): this is not the edition in sources.yaml. Restore the file, "
                            f"or update its entry in data/sources.yaml if the new edition is intended.")
    return path


def read_table(source: Source, data_dir: Path, columns: list[str] | None = None, check_sha: bool = True) -> pd.DataFrame:
    """Read a CSV input, check its required columns, key uniqueness, numbers and deciles."""
    path = locate(source, data_dir, check_sha)
    try:
        header = pd.read_csv(path, nrows=0).columns
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{source.path}: cannot be read as CSV ({exc.__class__.__name__}).") from None
    wanted = list(dict.fromkeys(source.columns + (columns or []) + sum(source.checks.values(), [])))
    require_columns(pd.DataFrame(columns=header), wanted, source.path)
    dtypes = {c: object for c in wanted if c.endswith("_code") or c.endswith("_name") or c == "sex"}
    try:
        frame = pd.read_csv(path, usecols=wanted, dtype=dtypes)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{source.path}: cannot be read as CSV ({exc}).") from None
    if source.key and source.key in frame.columns and "sex" not in frame.columns:
        require_unique(frame, source.key, source.path)
    numeric = [c for c in (columns or []) if c not in dtypes]
    require_numeric(frame, numeric, source.path)
    require_deciles(frame, source.checks.get("deciles", []), source.path)
    return frame


def read_geo(source: Source, data_dir: Path, check_sha: bool = True) -> gpd.GeoDataFrame:
    """Read a GeoJSON boundary input and check its properties."""
    path = locate(source, data_dir, check_sha)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several driver-specific types; all mean "unreadable"
        raise DataError(f"{source.path}: cannot be read as GeoJSON ({exc.__class__.__name__}).") from None
    require_columns(frame, source.columns, source.path)
    if source.key:
        require_unique(frame, source.key, source.path)
    return frame


# ---------------------------------------------------------------- checks
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


# ---------------------------------------------------------------- values at the native level
# frame: the source table at native level, keyed by ``area_code``, with ``in_leeds``/``in_england`` flags, with ``population`` and
# ``households`` Census 2021 weights joined as ``weight_population`` and ``weight_households``; context: {"n_rows": national row count}
Method = Callable[[pd.DataFrame, ValueSpec, dict], pd.DataFrame]


def _column(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    return pd.DataFrame({"value": pd.to_numeric(frame[spec.column], errors="coerce") * spec.scale})


def _ratio(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    num = frame[spec.ratio.numerator].sum(axis=1, min_count=1)
    den = frame[spec.ratio.denominator_columns()].sum(axis=1, min_count=1)
    return pd.DataFrame({"value": spec.scale * num / den.where(den > 0), "numerator": num, "denominator": den})


def _percentile_of_rank(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    return pd.DataFrame({"value": 100.0 * frame[spec.percentile_of_rank] / context["n_rows"]})


def _leeds_decile_of_rank(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    """Decile among Leeds LSOAs by count: rank within Leeds, cut into ten equal-count groups."""
    in_leeds = frame["in_leeds"]
    ranks = frame.loc[in_leeds, spec.leeds_decile_of_rank].rank(method="first")
    decile = np.ceil(ranks * 10 / ranks.notna().sum())
    return pd.DataFrame({"value": decile.reindex(frame.index)})


def _share_where(frame: pd.DataFrame, spec: ValueSpec, context: dict) -> pd.DataFrame:
    flag = frame[spec.share_where.column] == spec.share_where.equals
    population = frame["weight_population"]
    numerator = population.where(flag, 0.0).where(frame[spec.share_where.column].notna())
    return pd.DataFrame({"value": spec.scale * flag.astype(float).where(frame[spec.share_where.column].notna()),
                         "numerator": numerator, "denominator": population})


METHODS: dict[str, Method] = {
    "column": _column,
    "ratio": _ratio,
    "percentile_of_rank": _percentile_of_rank,
    "leeds_decile_of_rank": _leeds_decile_of_rank,
    "share_where": _share_where,
}


def native_values(frame: pd.DataFrame, edition: Edition, weight: str | None, context: dict) -> pd.DataFrame:
    """One edition's values for every row of ``frame`` (columns of ``geo.aggregate.NATIVE_COLUMNS``)."""
    spec = edition.value
    rows = frame
    for column, wanted in spec.where.items():
        rows = rows[rows[column] == wanted]
    rows = rows.reset_index(drop=True)
    out = METHODS[spec.method](rows, spec, context)
    out.insert(0, "area_code", rows["area_code"].to_numpy())
    out["in_leeds"] = rows["in_leeds"].to_numpy()
    out["in_england"] = rows["in_england"].to_numpy()
    for column in ("numerator", "denominator"):
        if column not in out:
            out[column] = np.nan
    if edition.numerator_column:
        out["numerator"] = rows[edition.numerator_column].to_numpy()
    weights = {"population": rows["weight_population"], "households": rows["weight_households"],
               "person_years": rows[edition.weight_column] if edition.weight_column else rows["weight_population"]}
    out["weight"] = weights[weight].to_numpy() if weight else rows["weight_population"].to_numpy()
    out["lower_ci"] = rows[edition.lower_column].to_numpy() if edition.lower_column else np.nan
    out["upper_ci"] = rows[edition.upper_column].to_numpy() if edition.upper_column else np.nan
    out["coverage_weight"] = rows["weight_population"].to_numpy()
    return out
