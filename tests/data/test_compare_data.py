"""The compare table's calls on the real store, recomputed independently: plain Python over the stored rows
(csv-style dicts, no numpy rule), for every ward against Leeds and against each committee, on every indicator."""
import math

import pytest

from data.registry import load_registry
from data.store import read_values
from metrics.compare import compare_long

pytestmark = pytest.mark.data
LEEDS = ("lad", "E08000035")


def _independent_call(row: dict, comp: dict | None, polarity: str) -> str:
    def missing(x):
        return x is None or (isinstance(x, float) and math.isnan(x))
    if comp is None or missing(row["value"]) or missing(row["lower_ci"]) or missing(row["upper_ci"]) \
            or missing(comp["value"]):
        return "not compared"
    low, high = (comp["lower_ci"], comp["upper_ci"]) if not (missing(comp["lower_ci"]) or missing(comp["upper_ci"])) \
        else (comp["value"], comp["value"])
    if row["lower_ci"] > high:
        direction = "higher"
    elif row["upper_ci"] < low:
        direction = "lower"
    else:
        return "similar"
    if polarity == "neutral":
        return direction
    good = "higher" if polarity == "higher_is_better" else "lower"
    return "better" if direction == good else "worse"


def test_every_ward_call_matches_an_independent_recomputation(processed_store):
    registry = load_registry()
    values = read_values(processed_store)
    records = values.astype({"area_level": str, "area_code": str, "indicator_id": str, "period": str}).to_dict("records")
    latest = {i.id: i.latest.period for i in registry.indicators}
    by_key = {(r["area_level"], r["area_code"], r["indicator_id"]): r for r in records
              if r["period"] == latest.get(r["indicator_id"])}
    wards = sorted({r["area_code"] for r in records if r["area_level"] == "ward24"})
    with_ci = sorted({r["indicator_id"] for r in records if r["area_level"] == "ward24"
                      and not math.isnan(r["lower_ci"]) and r["period"] == latest.get(r["indicator_id"])})
    without_ci = ["imd_imd_score", "fuel_poverty"]
    indicators = with_ci + without_ci
    assert len(wards) == 33 and len(with_ci) >= 10
    committees = sorted({r["area_code"] for r in records if r["area_level"] == "committee"})
    tallies = {}
    for comp_level, comp_code in [LEEDS, *[("committee", c) for c in committees]]:
        table = compare_long(values, registry, "ward24", wards, {}, indicators, comp_level, comp_code)
        assert len(table) == len(wards) * len(indicators)
        for got in table.itertuples():
            row = by_key.get(("ward24", got.area_code, got.indicator_id))
            comp = by_key.get((comp_level, comp_code, got.indicator_id))
            expected = _independent_call(row or {"value": None, "lower_ci": None, "upper_ci": None}, comp,
                                         registry.get(got.indicator_id).polarity)
            assert got.call == expected, (comp_code, got.area_code, got.indicator_id)
            tallies[expected] = tallies.get(expected, 0) + 1
    # the real data exercise every branch of the rule
    assert {"better", "worse", "similar", "not compared"} <= set(tallies), tallies
    assert all(c == "not compared" for c in compare_long(values, registry, "ward24", wards, {}, without_ci, *LEEDS)["call"])
