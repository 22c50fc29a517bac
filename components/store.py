"""Every cached loader of the app, in one place (shared across sessions with st.cache_resource).

The store is checked on each run with a cheap manifest read; it is rebuilt (with visible progress)
only when missing, incomplete or stale, and a data problem is shown as one plain sentence.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import streamlit as st

from data.build import build
from data.catalogue import AreaCatalogue, SourceCatalogue, load_areas, load_sources
from data.errors import DataError
from data.inputs import file_sha256
from data.paths import data_dir, processed_dir
from data.query import indicator_frame
from data.registry import Registry, load_registry
from data.store import (StoreStatus, expected_files, read_areas, read_breaks, read_manifest, read_values,
                        store_status)

LEVEL_ORDER = ["lsoa21", "msoa", "ward24", "committee", "lad"]


_BUILD_LOCK = threading.Lock()   # sessions are threads of one server: only one of them builds at a time


def _rebuild_with_progress(processed: Path, reason: str) -> None:
    with _BUILD_LOCK, st.status(f"Preparing the data store: {reason}", expanded=True) as box:
        bar = st.progress(0.0)

        def progress(step: str, fraction: float) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=step)

        try:
            build(out_dir=processed, progress=progress)
        except DataError as exc:
            box.update(label="The data store could not be built", state="error")
            st.error(f"{exc}\n\nThe data folder is set by the environment variable BCA_DATA_DIR "
                     f"(now: {data_dir()}).")
            st.stop()
        box.update(label="Data store ready", state="complete", expanded=False)
    st.cache_resource.clear()
    st.cache_data.clear()


def _input_signature() -> tuple:
    """Size and modification time of every input: cheap to read on each run."""
    root = data_dir()
    signature = []
    for source in load_sources().sources.values():
        if source.used_by != "app":
            continue
        try:
            stat = os.stat(root / source.path)
            signature.append((source.path, stat.st_size, stat.st_mtime_ns))
        except FileNotFoundError:
            signature.append((source.path, None, None))
    return tuple(signature)


@st.cache_data(show_spinner=False, max_entries=4)
def _input_problem(signature: tuple) -> str | None:
    """Checksum the inputs again only when their size or date changed; a sentence if one is wrong."""
    sources = load_sources()
    root = data_dir()
    if not root.is_dir():
        return f"The data folder {root} is not reachable (set BCA_DATA_DIR)."
    for source in sources.sources.values():
        if source.used_by != "app":
            continue
        path = root / source.path
        if not path.is_file():
            return f"{source.path} is missing from the data folder {root}."
        if file_sha256(path) != source.sha256:
            return (f"{source.path} does not match the edition catalogued in data/sources.yaml (checksum differs). "
                    f"Restore the catalogued file, or update its entry if the new edition is intended.")
    return None


def ensure_store() -> Path:
    """The processed store's folder, built or rebuilt first if needed; stops the page on data errors."""
    processed = processed_dir()
    try:
        catalogue_ok = load_registry() is not None and load_areas() is not None
    except DataError as exc:
        st.error(str(exc))
        st.stop()
    problem = _input_problem(_input_signature())
    status = store_status(processed)
    if status.usable and (unreadable := _unreadable_file(processed, built_at())):
        status = StoreStatus("corrupt", f"{unreadable} in the processed store cannot be read.")
    if status.usable:
        if problem:
            st.warning(f"{problem} Showing the data store built {read_manifest(processed).get('built_at', '')}.")
        return processed
    if problem:
        st.error(f"{status.message} It cannot be built: {problem}")
        st.stop()
    if catalogue_ok:
        _rebuild_with_progress(processed, status.message)
    return processed


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    return load_registry()


@st.cache_resource(show_spinner=False)
def sources() -> SourceCatalogue:
    return load_sources()


@st.cache_resource(show_spinner=False)
def area_catalogue() -> AreaCatalogue:
    return load_areas()


@st.cache_resource(show_spinner=False, max_entries=4)
def _unreadable_file(processed: Path, stamp: str) -> str | None:
    """Name of the first store file whose Parquet footer cannot be read (checked once per build)."""
    for name in expected_files():
        if name.endswith(".parquet"):
            try:
                pq.read_metadata(processed / name)
            except (OSError, pa.ArrowException):
                return name
    return None


def _guarded(reader, *args):
    """Read from the store; a file that went bad while the app runs triggers one rebuild, then a rerun."""
    try:
        return reader(*args)
    except DataError as exc:
        if not _input_problem(_input_signature()):
            _rebuild_with_progress(processed_dir(), f"{exc} Rebuilding it")
            st.rerun()
        st.error(str(exc))
        st.stop()


@st.cache_resource(show_spinner=False)
def areas(level: str, built_at: str) -> gpd.GeoDataFrame:
    """Area layer for a level (shared, read-only: copy before changing)."""
    return _guarded(read_areas, processed_dir(), level)


@st.cache_resource(show_spinner=False)
def values(built_at: str) -> pd.DataFrame:
    return _guarded(read_values, processed_dir())


@st.cache_resource(show_spinner=False)
def breaks(built_at: str) -> pd.DataFrame:
    return _guarded(read_breaks, processed_dir())


def built_at() -> str:
    """Identity of the current store; cached loaders key on it so a rebuild invalidates them."""
    return read_manifest(processed_dir()).get("built_at", "")


@st.cache_data(show_spinner=False, max_entries=256)
def indicator_table(indicator_id: str, level: str, period: str, stamp: str) -> pd.DataFrame:
    """Areas of a level with one indicator's values and ranks (cached per view)."""
    return indicator_frame(values(stamp), areas(level, stamp), registry().get(indicator_id), level, period)
