"""The benchmark groups' averages and ranges recomputed from the raw England-wide files with independent code:
the csv module, the district column printed in the IoD file itself (not the lookup the build uses), by hand."""
import csv
from collections import defaultdict

import pytest
import yaml

from data.settings import CATALOGUE_DIR, data_dir
from data.store import read_store_table
from metrics.benchmark import group_summary

pytestmark = pytest.mark.data
CORE = list(yaml.safe_load((CATALOGUE_DIR / "cities.yaml").read_text())["core_cities"])


def _rows(rel):
    with open(data_dir() / rel, newline="") as fh:
        yield from csv.DictReader(fh)


def _summary(processed_store, codes, indicator, period):
    table = group_summary(read_store_table(processed_store, "district_values"), codes, {(indicator, period)})
    assert len(table) == 1
    return table.iloc[0]


def test_core_cities_average_imd_score_from_file_7_and_census_population(processed_store):
    """Population-weighted LSOA scores per district (IoD 2025 File 7's own district column, Census 2021 usual
    residents), then the plain average, lowest and highest of the seven."""
    people = {r["lsoa21_code"]: int(r["usual_residents_census2021"]) for r in _rows("population/population_census2021_lsoa21_ew.csv")}
    weighted, total = defaultdict(float), defaultdict(int)
    for r in _rows("imd/imd2025_lsoa21_england.csv"):
        code = {"E08000039": "E08000019"}.get(r["lad24_code"], r["lad24_code"])
        if code in CORE:
            weighted[code] += float(r["imd_score"]) * people[r["lsoa21_code"]]
            total[code] += people[r["lsoa21_code"]]
    scores = [weighted[c] / total[c] for c in CORE]
    got = _summary(processed_store, CORE, "imd_imd_score", "2025")
    assert got["n"] == 7
    assert got["mean"] == pytest.approx(sum(scores) / 7, abs=1e-6)
    assert (got["low"], got["high"]) == (pytest.approx(min(scores), abs=1e-6), pytest.approx(max(scores), abs=1e-6))


def test_similar_districts_private_renting_from_census_counts(processed_store):
    """Ten nearest districts (from the store's neighbour list), households renting privately / all households,
    summed over each district's LSOAs found through the Census population file's own district column."""
    neighbours = read_store_table(processed_store, "cities_neighbours")
    similar = neighbours[neighbours["rank"].between(1, 10)]["area_code"].astype(str).tolist()
    district = {r["lsoa21_code"]: r["lad24_code"] for r in _rows("population/population_census2021_lsoa21_ew.csv")}
    renting, households = defaultdict(int), defaultdict(int)
    for r in _rows("census/census21_ts054_tenure_lsoa21_ew.csv"):
        code = district.get(r["lsoa21_code"])
        if code in similar:
            renting[code] += int(r["private_rented_private_landlord_or_letting_agency"]) + int(r["private_rented_other_private_rented"])
            households[code] += int(r["total_households"])
    shares = [100 * renting[c] / households[c] for c in similar]
    got = _summary(processed_store, similar, "census_private_rented", "2021")
    assert got["n"] == 10 and got["mean"] == pytest.approx(sum(shares) / 10, abs=1e-9)
    assert got["low"] == pytest.approx(min(shares)) and got["high"] == pytest.approx(max(shares))


@pytest.mark.parametrize("dataset,indicator,start,end", [
    ("employment-rate", "Employment rate", "2004", "2023"),
    ("greenhouse-gas-emissions", "Greenhouse gas emissions", "2005", "2023")])
def test_core_cities_then_and_now_from_the_raw_district_file(processed_store, dataset, indicator, start, end):
    """The change page's group column: each core city's figure at both years from ONS's England-wide district
    file (csv module; Sheffield under either code), averaged by hand."""
    from metrics.benchmark import group_then_now
    import pandas as pd

    found = defaultdict(dict)
    for r in _rows("timeseries/ons_explore_local_statistics_lad_england.csv"):
        code = {"E08000039": "E08000019"}.get(r["area_code"], r["area_code"])
        if r["dataset"] == dataset and r["indicator"] == indicator and code in CORE and r["observation"]:
            year = r["period"][:4]
            if year in (start, end) and r["period"][4:].startswith("-01-01/P1Y"):
                value = float(r["observation"])
                assert found[code].get(year, value) == value, (code, year)   # Sheffield: both codes, one figure
                found[code][year] = value
    both = [c for c in CORE if {start, end} <= set(found[c])]
    series = read_store_table(processed_store, "cities_series")
    got = group_then_now(series, CORE, dataset, indicator, pd.Timestamp(f"{start}-01-01"), pd.Timestamp(f"{end}-01-01"),
                         "E08000035")
    assert got is not None and got[2] == len(both) == 7
    assert got[0] == pytest.approx(sum(found[c][start] for c in both) / 7)
    assert got[1] == pytest.approx(sum(found[c][end] for c in both) / 7)
