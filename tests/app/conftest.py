"""Fixtures for the AppTest suites: a fresh app session on the real store."""
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT


@pytest.fixture()
def app(processed_store):
    """A fresh session per test, started on the front page without an exception."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _build_district(code: str, out):
    """Another district's full store (BCA_DISTRICT set only while it builds)."""
    import os

    from data.pipeline.build import build

    before = os.environ.get("BCA_DISTRICT")
    os.environ["BCA_DISTRICT"] = code
    try:
        return out, build(out_dir=out)
    finally:
        if before is None:
            os.environ.pop("BCA_DISTRICT")
        else:
            os.environ["BCA_DISTRICT"] = before


@pytest.fixture(scope="session")
def district_store(tmp_path_factory):
    """code -> (store folder, manifest): another core city's full store (issue 17 item 4), built once per session
    for every test that asks for it (~25 s CPU each)."""
    from data.settings import data_dir

    if not (data_dir() / "SOURCES.md").is_file():
        pytest.skip(f"real data folder not found at {data_dir()} (set BCA_DATA_DIR)")
    built: dict = {}

    def get(code: str):
        if code not in built:
            built[code] = _build_district(code, tmp_path_factory.mktemp(f"processed-{code}"))
        return built[code]
    return get
