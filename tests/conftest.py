"""Shared fixtures: the real processed store, built once per test session if missing or stale.

The suite runs in two pytest-xdist workers (pytest.ini): everything a test starts or writes outside its tmp_path is
per worker (``WORKER``: ports from $BCA_PORTS split between the workers, server logs and artifact folders named
after the worker), and the store is built by one worker at a time under a file lock, the others then find it
built."""
from __future__ import annotations

import fcntl
import hashlib
import asyncio
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from data.settings import data_dir, processed_dir
from data.store import store_status
from tests.browser.chromium import chromium_browser  # noqa: F401 - one chromium for browser and deploy tests


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")          # "gw0", "gw1" under xdist; "" in a plain run


def _split_port_range() -> None:
    """Give each xdist worker its own slice of $BCA_PORTS, so two workers never pick the same free port."""
    span, count = os.environ.get("BCA_PORTS", ""), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    low, _, high = span.partition("-")
    if not (WORKER.startswith("gw") and count > 1 and low.isdigit() and high.isdigit()):
        return
    size = (int(high) - int(low) + 1) // count
    start = int(low) + int(WORKER[2:]) * size
    os.environ["BCA_PORTS"] = f"{start}-{start + size - 1}"


_split_port_range()


def worker_name(name: str) -> str:
    """``name`` with the xdist worker's id appended (``name-gw1``), unchanged in a plain run."""
    return f"{name}-{WORKER}" if WORKER else name


@contextmanager
def _store_lock(processed: Path):
    """One builder at a time across processes (xdist workers): an exclusive lock on a file in the temp folder."""
    digest = hashlib.sha256(str(processed).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"bca-store-build-{digest}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pytest_xdist_auto_num_workers(config) -> int:
    """Workers for pytest.ini's ``-n auto``: two (one per core on CI's two) for the suite or a folder; none, one
    process as before, when only files or tests are named (a targeted run would pay a worker's start for nothing).
    $PYTEST_XDIST_AUTO_NUM_WORKERS overrides."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").isdigit():
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    named = [arg.split("::")[0] for arg in config.args]
    if named and all(Path(arg).is_file() for arg in named):
        return 0
    workers = min(2, len(os.sched_getaffinity(0)))
    return workers if workers > 1 else 0


# Whole files go to the two workers in this order of their folders (pytest.ini: --no-loadscope-reorder): the files
# that start servers and browsers or rebuild the store first, the many quick unit files last, where they fill
# whichever worker frees up first instead of a long file starting at the end.
FOLDER_ORDER = ("deploy", "browser", "data", "app", "reference", "unit")


def pytest_collection_modifyitems(items):
    """Under xdist, run the folders in FOLDER_ORDER (a stable sort: the files and tests in each keep their order);
    one process keeps the collection order."""
    if not WORKER:
        return

    def rank(item) -> int:
        parts = Path(str(item.fspath)).relative_to(Path(__file__).parent).parts
        return FOLDER_ORDER.index(parts[0]) if len(parts) > 1 and parts[0] in FOLDER_ORDER else len(FOLDER_ORDER)

    items.sort(key=rank)


def _have_data() -> bool:
    return (data_dir() / "SOURCES.md").is_file()


@pytest.fixture(scope="session")
def processed_store() -> Path:
    """The real store under data/processed (built from BCA_DATA_DIR when needed)."""
    if not _have_data():
        pytest.skip(f"real data folder not found at {data_dir()} (set BCA_DATA_DIR)")
    processed = processed_dir()
    if not store_status(processed).usable:
        with _store_lock(processed):
            if not store_status(processed).usable:        # another worker may have built it while this one waited
                from data.pipeline.build import build

                build()
    return processed


def run_alone(coroutine):
    """Run a coroutine on its own event loop in its own thread: a browser test earlier in the session (Playwright)
    leaves a running loop on the main thread, and asyncio.run refuses to nest inside it."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised on the caller's thread, so pytest.raises sees it
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
