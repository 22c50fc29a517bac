"""BCA_DISTRICT (issue 17 item 4): the atlas built for another core city (Manchester) from the same mirror.

A quick build (``build(only=...)``: four indicators, no derived families, series, postcodes or cities tables;
~10 s CPU) into a temporary folder, then the home page and the map explorer rendered on it, with the sentences
that say what Leeds-only features are not available there. The Manchester figures are checked against IoD 2025
File 7 read with the csv module (its own district column, not the lookup the build uses)."""
import csv
import os

import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT, data_dir

pytestmark = pytest.mark.data
MANCHESTER = "E08000003"
QUICK = {"imd_imd_score", "imd_imd_decile", "imd_imd_pct_most_deprived", "census_private_rented"}


@pytest.fixture(scope="module")
def manchester_store(tmp_path_factory):
    """Manchester's quick store; BCA_DISTRICT set only while it builds (and, per test, while the app runs)."""
    from data.pipeline.build import build

    if not (data_dir() / "SOURCES.md").is_file():
        pytest.skip(f"real data folder not found at {data_dir()} (set BCA_DATA_DIR)")

    out = tmp_path_factory.mktemp("district") / "processed-manchester"
    before = os.environ.get("BCA_DISTRICT")
    os.environ["BCA_DISTRICT"] = MANCHESTER
    try:
        manifest = build(out_dir=out, only=QUICK)
    finally:
        if before is None:
            os.environ.pop("BCA_DISTRICT")
        else:
            os.environ["BCA_DISTRICT"] = before
    assert manifest["district"]["name"] == "Manchester" and manifest["only"] == sorted(QUICK)
    return out, manifest


@pytest.fixture()
def manchester_app(manchester_store, monkeypatch):
    monkeypatch.setenv("BCA_DISTRICT", MANCHESTER)
    monkeypatch.setenv("BCA_PROCESSED_DIR", str(manchester_store[0]))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _file7():
    with open(data_dir() / "imd/imd2025_lsoa21_england.csv", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["lad24_code"] == MANCHESTER]


def test_the_build_takes_the_districts_areas_from_the_lookup_and_england_wide_layers(manchester_store):
    _, manifest = manchester_store
    lsoas = _file7()
    assert manifest["counts"]["lsoa21"] == len(lsoas) == 295
    assert manifest["counts"]["committee"] == 0 and manifest["counts"]["ward24"] > 0
    assert "warm_spaces" in manifest["left_out"]["leeds_only_sources"]


def test_home_page_and_map_explorer_are_manchesters_and_say_there_are_no_committees(manchester_app):
    at = manchester_app
    assert at.title[0].value == "Where deprivation is deepest in Manchester"
    in_decile_1 = sum(r["imd_decile"] == "1" for r in _file7())
    first = at.metric[0]
    assert first.label == "Manchester neighbourhoods in England's most deprived 10%"
    assert first.value.startswith(f"{in_decile_1} of 295 ")
    captions = " ".join(c.value for c in at.caption) + " ".join(c.value for c in at.sidebar.caption)
    assert "Community committees are a Leeds City Council grouping of wards: Manchester has none" in captions
    assert not [s for s in at.sidebar.selectbox if s.key == "committee"]
    assert at.sidebar.radio(key="benchmark").label == "Compare Manchester with"

    at.switch_page("app_pages/explorer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Map explorer"
    assert at.toggle(key="explorer_outline").label == "Outline “Deprived Manchester”"
    assert at.get("deck_gl_json_chart"), "the map is drawn"

    for page, sentence in (("app_pages/warm_spaces.py", "Not available for Manchester: the warm and welcome spaces list "
                                                         "is Leeds City Council's"),
                           ("app_pages/change.py", "Not available for Manchester: the time series mix Leeds-only files")):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any(i.value.startswith(sentence) for i in at.info), page
