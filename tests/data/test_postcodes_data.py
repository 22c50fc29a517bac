"""The stored postcode tables against the pinned package, recomputed independently (shapely, not the build)."""
import statistics
import time

import pytest
from pyproj import Transformer
from shapely.geometry import Point
from shapely.strtree import STRtree

from data.pipeline.postcodes import read_package_postcodes
from data.store import read_store_table
from tests.data.test_warm_spaces_data import _polygons

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def package():
    return read_package_postcodes()


@pytest.fixture(scope="module")
def leeds(processed_store):
    return read_store_table(processed_store, "postcodes_leeds")


def test_every_leeds_postcode_of_the_package_is_stored_once(leeds, package):
    expected = package[(package["lad_code"] == "E08000035") & package["easting"].notna()]
    assert len(leeds) == len(expected) == 30_876 and leeds["postcode"].is_unique
    assert set(leeds["postcode"]) == set(expected["postcode"])
    assert leeds[["lsoa21_code", "ward24_code", "committee_code"]].notna().all().all()
    assert not package["postcode"].str.startswith("BT").any()            # Northern Ireland left out (licence)


def test_lsoa_of_a_sample_of_postcodes_is_the_polygon_it_falls_in(leeds):
    codes, polygons = _polygons("geo/leeds_lsoa21_2021_bsc.geojson", "lsoa21_code")
    tree = STRtree(polygons)
    to_lonlat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    sample = leeds.sample(400, random_state=18)
    checked = 0
    for row in sample.itertuples():
        lon, lat = to_lonlat.transform(row.easting, row.northing)
        hits = [codes[i] for i in tree.query(Point(lon, lat), predicate="within")]
        if hits:
            checked += 1
            assert row.lsoa21_code == hits[0], row.postcode
    assert checked >= 380


def test_known_postcodes_and_lookup_time(processed_store, leeds):
    from components.postcode_search import find

    stamp = "test"
    assert find("ls1 1ur", stamp).kind == "leeds"
    assert find("SW1A 1AA", stamp).sentence.startswith("SW1A 1AA is in Westminster, not in Leeds")
    assert find("ZZ1 1ZZ", stamp).kind == "unknown"
    timings = []
    for postcode in list(leeds["postcode"].sample(50, random_state=1)) + ["SW1A1AA", "M11AE", "B11AA"] * 16 + ["ZZ11ZZ"] * 2:
        started = time.perf_counter()
        find(postcode, stamp)
        timings.append(time.perf_counter() - started)
    print(f"postcode lookup: median {statistics.median(timings) * 1000:.1f} ms over {len(timings)}")
    assert statistics.median(timings) < 1.0
