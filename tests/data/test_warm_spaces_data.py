"""The stored warm spaces against the real file, recomputed independently (csv module + shapely, not the build)."""
import csv
import json
import re
from collections import Counter

import pytest
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from data.catalogue import load_sources
from data.settings import data_dir
from data.store import read_store_table
from data.pipeline.warm_spaces import main as check_cli

pytestmark = pytest.mark.data
OSM_RULE = re.compile(r"^[A-Z][a-z](-[A-Z][a-z])?(,[A-Z][a-z](-[A-Z][a-z])?)* \d\d:\d\d-\d\d:\d\d(,\d\d:\d\d-\d\d:\d\d)*$")


@pytest.fixture(scope="module")
def raw_rows():
    path = data_dir() / load_sources().sources["warm_spaces"].path
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def stored(processed_store):
    return read_store_table(processed_store, "warm_spaces"), read_store_table(processed_store, "warm_spaces_rejected")


def _polygons(relative: str, code: str):
    with open(data_dir() / relative, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return [f["properties"][code] for f in features], [shape(f["geometry"]) for f in features]


def test_every_row_of_the_file_is_stored_or_reported(raw_rows, stored):
    spaces, rejected = stored
    assert len(raw_rows) == 226                                   # SOURCES.md: 226 spaces, 5 Dec 2025
    assert Counter(r["source"] for r in raw_rows) == {"leeds_city_council": 188, "warm_welcome": 38}
    assert len(spaces) + len(rejected) == len(raw_rows)
    assert len(rejected) == 0 and spaces["space_id"].is_unique
    assert Counter(spaces["source"]) == Counter(r["source"] for r in raw_rows)
    assert sorted(spaces["title"]) == sorted(" ".join(r["title"].split()) for r in raw_rows)


def test_positions_and_wards_match_the_file_and_the_boundaries(raw_rows, stored):
    spaces, _ = stored
    by_row = spaces.set_index("row")
    codes, wards = _polygons("geo/leeds_wards_2024_bgc.geojson", "ward24_code")
    tree = STRtree(wards)
    inside = 0
    for number, raw in enumerate(raw_rows, start=1):
        space = by_row.loc[number]
        assert (space["lon"], space["lat"]) == (float(raw["lon"]), float(raw["lat"]))
        assert space["ward24_code"] == raw["ward24_code"]
        hits = [codes[i] for i in tree.query(Point(float(raw["lon"]), float(raw["lat"])), predicate="within")]
        if hits:
            inside += 1
            assert hits == [raw["ward24_code"]], raw["title"]
    assert inside >= 220                                           # a few sit just outside the generalised lines
    assert spaces["ward24_code"].nunique() == 33                  # SOURCES.md: every ward has at least one


def test_lsoa_of_each_space_is_the_polygon_it_falls_in(stored):
    spaces, _ = stored
    codes, lsoas = _polygons("geo/leeds_lsoa21_2021_bsc.geojson", "lsoa21_code")
    tree = STRtree(lsoas)
    checked = 0
    for space in spaces.itertuples():
        hits = [codes[i] for i in tree.query(Point(space.lon, space.lat), predicate="within")]
        if hits:
            checked += 1
            assert space.lsoa21_code == hits[0], space.title
    assert checked >= 220 and spaces["lsoa21_code"].notna().all()


def test_hours_parse_exactly_where_the_rules_are_simple(raw_rows, stored):
    spaces, _ = stored
    simple = {n for n, r in enumerate(raw_rows, start=1)
              if r["opening_hours_osm"].strip() and all(OSM_RULE.match(p.strip()) for p in r["opening_hours_osm"].split(";"))}
    assert set(spaces.loc[spaces["hours_parsed"], "row"]) == simple
    assert len(simple) == 219                                      # 7 rows have no parsed hours in the file
    care_home = spaces[spaces["title"] == "Alexandra Court Care Home"].iloc[0]
    assert care_home["weekly_hours"] == 7 * 12 and care_home["days_open"] == "Mo,Tu,We,Th,Fr,Sa,Su"


def test_check_cli_passes_the_real_file_and_fails_a_bad_one(tmp_path, raw_rows, capsys):
    real = data_dir() / load_sources().sources["warm_spaces"].path
    assert check_cli(["check", str(real)]) == 0
    assert "226 spaces usable, 0 rejected" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(raw_rows[0]))
        writer.writeheader()
        writer.writerow(raw_rows[0] | {"title": "Test Fake Hall", "lat": "51.5"})
    assert check_cli(["check", str(bad)]) == 1
    assert "row 1 (Test Fake Hall): lon/lat" in capsys.readouterr().err


def test_duplicates_and_distances_recomputed_independently(stored, processed_store):
    """Each LSOA's straight-line distance, recomputed with pyproj + shapely + brute force (no KD-tree, no store)."""
    from pyproj import Transformer

    spaces, _ = stored
    access = read_store_table(processed_store, "warm_space_access").set_index("lsoa21_code")
    merged = spaces[spaces["duplicate_of"].notna()]
    assert len(merged) == 14 and set(merged["source"]) == {"warm_welcome"}
    assert set(spaces.set_index("space_id").loc[merged["duplicate_of"], "source"]) == {"leeds_city_council"}
    own = spaces[spaces["duplicate_of"].isna()]
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    sx, sy = to_bng.transform(own["lon"].to_numpy(), own["lat"].to_numpy())
    codes, lsoas = _polygons("geo/leeds_lsoa21_2021_bsc.geojson", "lsoa21_code")
    assert len(access) == 488 and set(access.index) == set(codes)
    for code, polygon in zip(codes, lsoas):
        bng = shape({"type": "Polygon", "coordinates": [list(zip(*to_bng.transform(*zip(*polygon.exterior.coords))))]}) \
            if polygon.geom_type == "Polygon" else None
        if bng is None:
            continue                                   # multipolygons: covered by the build's own geometry code
        point = bng.representative_point()
        best = min(((x - point.x) ** 2 + (y - point.y) ** 2) ** 0.5 for x, y in zip(sx, sy))
        assert abs(access.loc[code, "distance_m"] - best) <= 15, code   # representative points may differ slightly
    assert access["distance_m"].between(0, 6000).all()
