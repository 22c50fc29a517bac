"""Shared fixtures: the real processed store, built once per test session if missing or stale."""
from __future__ import annotations

from pathlib import Path

import pytest

from data.settings import data_dir, processed_dir
from data.store import store_status
from tests.browser.chromium import chromium_browser  # noqa: F401 - one chromium for browser and deploy tests


def _have_data() -> bool:
    return (data_dir() / "SOURCES.md").is_file()


@pytest.fixture(scope="session")
def processed_store() -> Path:
    """The real store under data/processed (built from BCA_DATA_DIR when needed)."""
    if not _have_data():
        pytest.skip(f"real data folder not found at {data_dir()} (set BCA_DATA_DIR)")
    processed = processed_dir()
    if not store_status(processed).usable:
        from data.pipeline.build import build

        build()
    return processed
