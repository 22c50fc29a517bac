"""The dashboard's weekly hours for one ward and a need layer's value for one MSOA, recomputed from the raw files
with independent code (csv module, minute sets) rather than the build or metrics/warm_spaces.py's parser."""
import csv
import re

import pandas as pd
import pytest

from data.catalogue import load_sources, load_warm_spaces_config
from data.settings import data_dir
from data.store import read_store_table
from metrics.warm_spaces import response_by_area, series_need

pytestmark = pytest.mark.data
DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
RULE = re.compile(r"^([A-Z][a-z](?:-[A-Z][a-z])?(?:,[A-Z][a-z](?:-[A-Z][a-z])?)*) (\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$")


def _weekly_hours(osm: str) -> float | None:
    """Hours a week as the union of open minutes per day; None when any rule is not a plain day/time rule."""
    open_minutes: dict[str, set[int]] = {}
    if not osm.strip():
        return None
    for rule in osm.split(";"):
        match = RULE.match(rule.strip())
        if not match:
            return None
        days = []
        for part in match[1].split(","):
            a, _, b = part.partition("-")
            i, j = DAYS.index(a), DAYS.index(b or a)
            days += [DAYS[(i + n) % 7] for n in range((j - i) % 7 + 1)]
        for span in match[2].split(","):
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in span.split("-"))
            if not start < end <= 1440:
                return None
            for day in days:
                open_minutes.setdefault(day, set()).update(range(start, end))
    return sum(len(m) for m in open_minutes.values()) / 60


def test_one_wards_weekly_hours_from_the_raw_file(processed_store):
    with open(data_dir() / load_sources().sources["warm_spaces"].path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    council_only = {r["ward24_code"] for r in rows} - {r["ward24_code"] for r in rows if r["source"] == "warm_welcome"}
    ward = max(sorted(council_only), key=lambda w: sum(r["ward24_code"] == w for r in rows))
    hours = [_weekly_hours(r["opening_hours_osm"]) for r in rows if r["ward24_code"] == ward]
    spaces = read_store_table(processed_store, "warm_spaces")
    wards = pd.read_parquet(processed_store / "areas_ward24.parquet", columns=["code", "name", "population"])
    got = response_by_area(spaces, wards).set_index("code").loc[ward]
    assert got["spaces"] == len(hours) >= 5
    assert got["hours_not_parsed"] == sum(h is None for h in hours)
    assert got["weekly_hours"] == pytest.approx(sum(h for h in hours if h is not None), abs=0.05)


def test_one_msoas_need_values_from_the_raw_files(processed_store):
    series = pd.read_parquet(processed_store / "series.parquet")
    config = load_warm_spaces_config().need_series
    msoa = "E02002330"
    sources = load_sources().sources
    with open(data_dir() / sources["children_low_income_msoa_series"].path, encoding="utf-8", newline="") as fh:
        children = {r["financial_year"]: float(r["children_in_relative_low_income_families"])
                    for r in csv.DictReader(fh) if r["msoa11_code"] == msoa}
    need = series_need(series, config["dwp_children"]["trend"], [msoa], "c", "count")
    assert need.period == max(children) == "2021/22" and need.values[msoa] == children["2021/22"]
    with open(data_dir() / sources["universal_credit_msoa_series"].path, encoding="utf-8", newline="") as fh:
        uc = {r["month"]: r["households_on_universal_credit"] for r in csv.DictReader(fh) if r["msoa11_code"] == msoa}
    need = series_need(series, config["dwp_uc_per_100"]["trend"], [msoa], "u", "rate")
    households = pd.read_parquet(processed_store / "areas_msoa.parquet", columns=["code", "households"]).set_index("code").loc[msoa, "households"]
    assert need.period == max(uc) == "2023-11"
    assert need.values[msoa] == pytest.approx(float(uc["2023-11"]) / households * 100, rel=1e-6)
