"""The data floor's settings: where the raw data folder and the processed store live (the one setting that
locates them), the home district, and the one error type for data problems a user can fix."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = REPO_ROOT / "data"
DATA_DIR_ENV = "BCA_DATA_DIR"
PROCESSED_DIR_ENV = "BCA_PROCESSED_DIR"
DISTRICT_ENV = "BCA_DISTRICT"        # the home district's code; see data.catalogue.home_district
DEFAULT_DISTRICT = "E08000035"       # Leeds, as in areas.yaml (tests/unit/test_district.py checks they agree)


def data_dir() -> Path:
    """The raw open-data folder: ``$BCA_DATA_DIR`` or ``../shared/data`` beside the repository."""
    return _data_dir(os.environ.get(DATA_DIR_ENV), os.getcwd())


def processed_dir() -> Path:
    """The processed store (git-ignored); ``$BCA_PROCESSED_DIR`` lets tests build elsewhere. Another home district
    (``$BCA_DISTRICT``) gets its own folder, so a Leeds store is never served as another district's."""
    return _processed_dir(os.environ.get(PROCESSED_DIR_ENV), os.environ.get(DISTRICT_ENV, ""), os.getcwd())


# Resolved once per setting (and working folder): the app asks for these folders dozens of times a run, and
# Path.resolve() walks every component of the path with a system call each time.

@lru_cache(maxsize=16)
def _data_dir(configured: str | None, cwd: str) -> Path:
    if configured:
        return Path(configured).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "data").resolve()


@lru_cache(maxsize=16)
def _processed_dir(configured: str | None, district: str, cwd: str) -> Path:
    if configured:
        return Path(configured).expanduser().resolve()
    district = district.strip()
    own = re.fullmatch(r"E0[6-9]\d{6}", district) and district != DEFAULT_DISTRICT
    return REPO_ROOT / "data" / (f"processed-{district}" if own else "processed")   # a malformed value: the build refuses it


class DataError(Exception):
    """A problem with an input file or catalogue, described in one plain sentence.

    The message names the file (or catalogue entry) and what is wrong with it, so that the CLI can
    print it without a traceback and the app can show it instead of a stack trace.
    """
