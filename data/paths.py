"""Where things live: the one setting that locates the raw data folder, and the processed store."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = REPO_ROOT / "data"
DATA_DIR_ENV = "BCA_DATA_DIR"
PROCESSED_DIR_ENV = "BCA_PROCESSED_DIR"


def data_dir() -> Path:
    """The raw open-data folder: ``$BCA_DATA_DIR`` or ``../shared/data`` beside the repository."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "data").resolve()


def processed_dir() -> Path:
    """The processed store (git-ignored); ``$BCA_PROCESSED_DIR`` lets tests build elsewhere."""
    configured = os.environ.get(PROCESSED_DIR_ENV)
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / "data" / "processed"
