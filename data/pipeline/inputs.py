"""Reading input files from the data folder, after checking they are the editions we catalogued."""
from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.catalogue import Source
from data.errors import DataError
from data.pipeline.validate import require_columns, require_deciles, require_numeric, require_unique


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
