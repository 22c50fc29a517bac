"""The cities tables recomputed from the raw files with independent code (csv module, other lookups)."""
import csv
import math

import pandas as pd
import pytest

from data.settings import data_dir
from data.store import read_store_table

pytestmark = pytest.mark.data
LEEDS = "E08000035"


def _rows(rel):
    with open(data_dir() / rel, newline="") as fh:
        yield from csv.DictReader(fh)


def test_latest_series_values_match_the_core_cities_file(processed_store):
    """The store reads the England-wide file; ONS's own core-cities subset must give the same numbers."""
    series = read_store_table(processed_store, "cities_series")
    wanted = {("claimant-count", "Claimant Count", "2025-01-01/P1Y"),
              ("greenhouse-gas-emissions", "Greenhouse gas emissions", "2023-01-01/P1Y")}
    raw = {(r["dataset"], r["area_code"], r["period"]): float(r["observation"])
           for r in _rows("timeseries/ons_explore_local_statistics_core_cities.csv")
           if (r["dataset"], r["indicator"], r["period"]) in wanted and r["observation"]}
    checked = 0
    for (dataset, code, period), value in raw.items():
        code = "E08000019" if code == "E08000039" else code
        got = series[(series["dataset"] == dataset) & (series["area_code"] == code) & (series["period"] == period)]
        assert len(got) == 1 and got["observation"].iloc[0] == pytest.approx(value), (dataset, code, period)
        checked += 1
    assert checked >= 2 * 10     # eight cities, region and England for both measures


def test_iod_shares_match_a_count_of_deciles_and_ranks(processed_store):
    """Leeds' 2019 LSOAs found through the IoD 2019 denominators file (its own district column), 2025 through File 7."""
    table = read_store_table(processed_store, "cities_deprivation").set_index(["area_code", "edition"])
    leeds19 = {r["lsoa11_code"] for r in _rows("imd/iod2019_population_denominators_lsoa11_england.csv")
               if r["lad19_code"] == LEEDS}
    ranks19 = [int(r["imd_rank"]) for r in _rows("imd/imd2019_lsoa11_england.csv") if r["lsoa11_code"] in leeds19]
    deciles19 = [int(r["imd_decile"]) for r in _rows("imd/imd2019_lsoa11_england.csv") if r["lsoa11_code"] in leeds19]
    rows25 = [r for r in _rows("imd/imd2025_lsoa21_england.csv") if r["lad24_code"] == LEEDS]
    assert table.loc[(LEEDS, "2019"), "lsoas"] == len(ranks19) == 482
    assert table.loc[(LEEDS, "2019"), "in_10pct"] == sum(d == 1 for d in deciles19)
    assert table.loc[(LEEDS, "2019"), "in_1pct"] == sum(r <= 328 for r in ranks19)      # 1% of 32,844
    assert table.loc[(LEEDS, "2025"), "in_10pct"] == sum(r["imd_decile"] == "1" for r in rows25)
    assert table.loc[(LEEDS, "2025"), "in_3pct"] == sum(int(r["imd_rank"]) <= 1012 for r in rows25)   # 3% of 33,755
    assert table.loc[(LEEDS, "2025"), "share_10pct"] == pytest.approx(
        100 * sum(r["imd_decile"] == "1" for r in rows25) / len(rows25))


def test_slip_test_counts_by_hand_for_leeds(processed_store):
    table = read_store_table(processed_store, "cities_deprivation").set_index(["area_code", "edition"])
    unchanged = {r["lsoa11_code"]: r["lsoa21_code"] for r in _rows("lookups/lookup_lsoa11_lsoa21_lad22_ew.csv")
                 if r["change_code"] == "U" and r["lad22_code"] == LEEDS}
    rank25 = {r["lsoa21_code"]: int(r["imd_rank"]) for r in _rows("imd/imd2025_lsoa21_england.csv")}
    base = [code for r in _rows("imd/imd2019_lsoa11_england.csv")
            if 328 < int(r["imd_rank"]) <= 985 and (code := unchanged.get(r["lsoa11_code"]))]
    assert table.loc[(LEEDS, "2025"), "slip_base"] == len(base) > 0
    assert table.loc[(LEEDS, "2025"), "slip_3_to_1"] == sum(rank25[c] <= 337 for c in base)


def test_nearest_neighbour_distance_recomputed(processed_store):
    """Salford's distance from Leeds from the raw England file, z-scores over the same complete districts."""
    import yaml

    from data.settings import CATALOGUE_DIR

    config = yaml.safe_load((CATALOGUE_DIR / "cities.yaml").read_text())
    neighbours = read_store_table(processed_store, "cities_neighbours").set_index("area_code")
    raw = pd.read_csv(data_dir() / "timeseries/ons_explore_local_statistics_lad_england.csv",
                      usecols=["dataset", "indicator", "area_code", "period", "observation"])
    newer = {"E08000039": "E08000019", "E08000038": "E08000016"}     # Sheffield, Barnsley: 2025 codes, newer wins
    raw["newer"] = raw["area_code"].isin(newer)
    raw["area_code"] = raw["area_code"].replace(newer)
    raw = raw.sort_values("newer")
    columns = []
    for var in config["neighbours"]["variables"]:
        rows = raw[(raw["dataset"] == var["dataset"]) & (raw["indicator"] == var["indicator"])
                   & (raw["period"] == var["period"])]
        columns.append(rows.groupby("area_code")["observation"].last().reindex(neighbours.index))
    frame = pd.concat(columns, axis=1, keys=range(len(columns)))
    assert not frame.isna().any().any()
    z = (frame - frame.mean()) / frame.std(ddof=0)
    salford = "E08000006"
    expected = math.sqrt(sum((z.loc[salford, c] - z.loc[LEEDS, c]) ** 2 for c in z.columns))
    assert neighbours.loc[salford, "distance"] == pytest.approx(expected)
    assert neighbours.loc[LEEDS, "rank"] == 0 and neighbours["rank"].is_unique


def test_our_2025_ten_percent_share_equals_file_10_for_every_city(processed_store):
    """File 10's published share of LSOAs in the most deprived 10% against the share counted from File 7."""
    deprivation = read_store_table(processed_store, "cities_deprivation")
    ours = deprivation[deprivation["edition"] == "2025"].set_index("area_code")["share_10pct"]
    published = {r["ltla24_code"]: float(r["imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"])
                 for r in _rows("imd/imd2025_lad24_summaries_england.csv")}
    cities = ["E08000035", "E08000025", "E06000023", "E08000012", "E08000003", "E08000021", "E06000018"]
    sheffield = published.get("E08000039", published.get("E08000019"))
    for code in cities:
        assert ours[code] == pytest.approx(100 * published[code], abs=0.006), code
    assert ours["E08000019"] == pytest.approx(100 * sheffield, abs=0.006)
