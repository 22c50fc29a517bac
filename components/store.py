"""The store's loaders, in one place: the only UI module that reads data/processed/ (shared across sessions
with st.cache_resource).

The rule for caches (ARCHITECTURE.md): store loaders live here; a feature's cached wrappers sit beside that
feature in components/ and are named ``cached_*`` (their results are shared read-only across sessions).
tests/unit/test_architecture.py checks both.

The store is checked on each run with a cheap manifest read; it is rebuilt (with visible progress)
only when missing, incomplete or stale, and a data problem is shown as one plain sentence.
"""
from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import streamlit as st

from components.errors import LOG, public_text, show_problem
from data.pipeline.build import build
from data.catalogue import AreaCatalogue, SourceCatalogue, areas_for_home, load_areas, load_sources
from data.settings import DISTRICT_ENV, data_dir, DataError, processed_dir
from data.pipeline.inputs import file_sha256
from data.query import comparator_value, indicator_frame, indicators_for_level
from data.registry import Registry, for_home, load_registry
from data.store import (MANIFEST, StoreStatus, expected_files, fingerprinted_files, read_areas, read_breaks,
                        read_manifest, read_series, read_store_rows, read_store_table, read_values, store_status)


_BUILD_LOCK = threading.Lock()   # sessions are threads of one server: only one of them builds at a time


def _rebuild_with_progress(processed: Path, reason: str) -> None:
    """Build the store once, even when many sessions find it missing together (a herd).

    Sessions are threads of one server: they queue on the lock, and each checks again after taking it,
    so only the first builds; the others find the fresh store and go on (without the check each rebuilt
    in turn, > 150 s each under load). "Fresh" means its manifest was rewritten while this session waited:
    a store that merely looks usable may be the corrupt one this session was asked to rebuild.
    """
    seen = _manifest_stamp(processed)
    with _BUILD_LOCK:
        if _manifest_stamp(processed) != seen and store_status(processed).usable:
            st.cache_resource.clear()            # another session built it while this one waited
            st.cache_data.clear()
            return
        with st.status(f"Preparing the data store: {public_text(reason)}", expanded=True) as box:
            bar = st.progress(0.0)

            def progress(step: str, fraction: float) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=step)

            try:
                build(out_dir=processed, progress=progress)
            except DataError as exc:
                box.update(label="The data store could not be built", state="error")
                LOG.warning("the store could not be built: %s (data folder %s, set by BCA_DATA_DIR)", exc,
                            data_dir())
                show_problem(st.error, str(exc))
                st.stop()
            box.update(label="Data store ready", state="complete", expanded=False)
    st.cache_resource.clear()
    st.cache_data.clear()


def _manifest_stamp(processed: Path) -> tuple | None:
    """Size and date of the store's manifest, which every build rewrites last (None when there is none)."""
    try:
        stat = os.stat(processed / MANIFEST)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


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


def _built_from(signature: tuple) -> bool:
    """True when every input has the size and date recorded in the store's manifest at build time."""
    try:
        stats = read_manifest(processed_dir()).get("input_stats") or {}
    except (OSError, ValueError):
        return False
    return bool(stats) and all(stats.get(path) == [size, mtime] for path, size, mtime in signature)


@st.cache_data(show_spinner=False, max_entries=4)
def _input_problem(signature: tuple) -> str | None:
    """Checksum the inputs again only when their size or date changed; a sentence if one is wrong.

    Inputs with the size and date they had when the store was built (and checksummed) are not opened:
    the app reads only its store while the data folder is unchanged.
    """
    sources = load_sources()
    root = data_dir()
    if not root.is_dir():
        return f"The data folder {root} is not reachable (set BCA_DATA_DIR)."
    if _built_from(signature):
        return None
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


_CHECKED_OK: dict[tuple[str, str], tuple] = {}
"""Per (store folder, data folder): the file signature at the last check that found everything in order."""


def _check_signature(processed: Path) -> tuple:
    """Size and date of every file the store check reads: inputs, store files and fingerprinted code/catalogues.

    About fifty stat calls, so a run can tell in well under a millisecond that nothing changed since the
    last full check (which reads the manifest and hashes the catalogues: too dear for every rerun).
    """
    def stat(path: Path) -> tuple:
        try:
            st_ = os.stat(path)
            return (str(path), st_.st_size, st_.st_mtime_ns)
        except OSError:
            return (str(path), None, None)

    store_files = [stat(processed / name) for name in expected_files()]
    code_files = [stat(path) for path in fingerprinted_files()]
    return (_input_signature(), tuple(store_files), tuple(code_files))


def ensure_store() -> Path:
    """The processed store's folder, built or rebuilt first if needed; stops the page on data errors.

    The full check runs when any file it depends on changed size or date since the last good check
    (or on the first run of the process); otherwise the store is known to be in order.
    """
    processed = processed_dir()
    key = (str(processed), str(data_dir()))
    signature = _check_signature(processed)
    if _CHECKED_OK.get(key) == signature:
        return processed
    _CHECKED_OK.pop(key, None)
    try:
        catalogue_ok = load_registry() is not None and load_areas() is not None
    except DataError as exc:
        show_problem(st.error, str(exc))
        st.stop()
    problem = _input_problem(_input_signature())
    status = store_status(processed)
    if status.usable and (unreadable := _unreadable_file(processed, built_at())):
        status = StoreStatus("corrupt", f"{unreadable} in the processed store cannot be read.")
    if status.usable:
        if problem:
            show_problem(st.warning, f"{problem} Showing the data store built {read_manifest(processed).get('built_at', '')}.")
        else:
            _CHECKED_OK[key] = signature
        return processed
    if problem:
        show_problem(st.error, f"{status.message} It cannot be built: {problem}")
        st.stop()
    if catalogue_ok:
        _rebuild_with_progress(processed, status.message)
    return processed


# The catalogues are read once per process by their lru-cached loaders; these plain calls are what pages
# use many times per run, so they skip st.cache_resource's per-call argument hashing.
def registry() -> Registry:
    """The indicator catalogue, its method words naming the home district (data.registry.for_home)."""
    return _for_home(load_registry, for_home)


def _for_home(load, adapt):
    """The catalogue ``load()`` as the home district's atlas shows it: itself for Leeds, else ``adapt(catalogue, home
    name)``, made once per catalogue and district. Cheap on purpose (pages call it hundreds of times a run): the
    district is the setting, which the store follows (its fingerprint includes it), and its name is read from the
    store's manifest once."""
    code = os.environ.get(DISTRICT_ENV, "").strip()
    if not code or code == load_areas().leeds.code:
        return load()
    name = _HOME_NAMES.get(code) or _manifest_home_name(code)
    if name is None:                    # no store for this district yet: the catalogue as written
        return load()
    return _adapted(load, adapt, name)


@lru_cache(maxsize=8)
def _adapted(load, adapt, name: str):
    """``adapt(load(), name)``, once per loader, adaptation and district (the loaders are lru-cached themselves)."""
    return adapt(load(), name)


_HOME_NAMES: dict[str, str] = {}


def _manifest_home_name(code: str) -> str | None:
    """The district's name from the store built for it (remembered once found)."""
    stamp = built_at()
    found = home(stamp) if stamp else {}
    if found.get("code") != code:
        return None
    _HOME_NAMES[code] = found["name"]
    return found["name"]


def sources() -> SourceCatalogue:
    return load_sources()


def area_catalogue() -> AreaCatalogue:
    """areas.yaml, the district level (``lad``) labelled with the home district's name (data.catalogue.for_home)."""
    return _for_home(load_areas, areas_for_home)


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
        show_problem(st.error, str(exc))
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


@st.cache_resource(show_spinner=False)
def series(built_at: str) -> pd.DataFrame:
    """The tidy long table of every time series (data/series.yaml; shared, read-only: copy before changing)."""
    return _guarded(read_series, processed_dir())


def manifest() -> dict:
    """The store's manifest (when and from what it was built), for the Data sources page."""
    return _guarded(read_manifest, processed_dir())


def home(built_at: str) -> dict:
    """The district this store was built for ({code, name, region_code, region_name}; BCA_DISTRICT at build time).
    A store built before the setting existed is Leeds'. (A copy: callers may change it.)"""
    return dict(_home(str(processed_dir()), built_at))


@lru_cache(maxsize=8)
def _home(processed: str, built_at: str) -> dict:
    """``home``, read once per store (a run asks for it a dozen times; st.cache_data hashed the key and unpickled
    the answer each time)."""
    found = manifest().get("district")
    if found:
        return dict(found)
    leeds = load_areas().leeds
    return {"code": leeds.code, "name": leeds.name, "region_code": "E12000003", "region_name": "Yorkshire and The Humber"}


def home_name() -> str:
    """The home district's name for a sentence ("Leeds" unless the store was built for another district)."""
    return home(built_at())["name"]


def file_stem(built_at: str) -> str:
    """The home district as a download file name's first word ("leeds", "newcastle_upon_tyne")."""
    return re.sub(r"[^a-z0-9]+", "_", home(built_at)["name"].lower()).strip("_") or "district"


def home_is_leeds(built_at: str) -> bool:
    """Leeds-only features (community committees, warm spaces, the council's SPI file) exist only for Leeds."""
    return home(built_at)["code"] == load_areas().leeds.code


@st.cache_resource(show_spinner=False)
def table(name: str, built_at: str) -> pd.DataFrame:
    """One of the store's plain tables, e.g. ``warm_spaces`` (shared, read-only: copy before changing)."""
    return _guarded(read_store_table, processed_dir(), name)


def rows(name: str, column: str, value: str) -> pd.DataFrame:
    """The rows of a store table where ``column`` equals ``value``, read from only the row groups that can hold
    it; not cached (one postcode out of 2.7 million: a cache would hold every lookup)."""
    return _guarded(read_store_rows, processed_dir(), name, column, value)


def built_at() -> str:
    """Identity of the current store; cached loaders key on it so a rebuild invalidates them."""
    path = processed_dir() / MANIFEST
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return _built_at(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _built_at(path: str, size: int, mtime_ns: int) -> str:
    """The manifest's build stamp, read again only when the manifest file changes (size or date)."""
    return read_manifest(Path(path).parent).get("built_at", "")


@st.cache_data(show_spinner=False, max_entries=256)
def indicator_table(indicator_id: str, level: str, period: str, stamp: str) -> pd.DataFrame:
    """Areas of a level with one indicator's values and ranks (cached per view)."""
    return indicator_frame(values(stamp), areas(level, stamp), registry().get(indicator_id), level, period)


# Small lookups that pages make on every rerun are memoised with functools.lru_cache, not st.cache_*:
# they are cheap to compute once, and Streamlit's argument hashing would cost more than the lookup itself.

@lru_cache(maxsize=1024)
def comparator(indicator_id: str, period: str, level: str, stamp: str) -> float | None:
    """The Leeds (``lad``) or England value of an indicator, looked up once per store (the long table is large)."""
    return comparator_value(values(stamp), indicator_id, period, level)


@lru_cache(maxsize=16)
def indicators_at(level: str) -> tuple[list, dict[str, str]]:
    """Indicators available at a level and, for the others, why not (the registry is fixed per process)."""
    return indicators_for_level(registry().indicators, list(area_catalogue().levels), level)
