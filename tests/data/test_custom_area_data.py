"""Custom areas against the real store (issue 19.6): a ward's own LSOAs, taken as a custom area, give the
ward's published figures for every indicator the registry combines; and an area across wards is
recomputed here with plain pandas from the store's LSOA rows and area table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.registry import load_registry
from data.store import read_areas, read_values
from metrics.custom_area import aggregate_custom

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def store(processed_store):
    return read_values(processed_store), read_areas(processed_store, "lsoa21"), load_registry()


@pytest.mark.parametrize("ward_name", ["Gipton & Harehills", "Otley & Yeadon"])
def test_a_wards_lsoas_reproduce_its_published_figures(store, ward_name):
    values, lsoas, registry = store
    members = lsoas[lsoas["ward24_name"] == ward_name]
    ward_code = members["ward24_code"].iloc[0]
    figures, not_given = aggregate_custom(values, registry, members)
    published = values[(values["area_level"] == "ward24") & (values["area_code"] == ward_code)]
    published = published.astype({"indicator_id": str, "period": str}).set_index(["indicator_id", "period"])
    mine = figures.set_index(["indicator_id", "period"])
    assert len(mine) > 60
    compared = 0
    for key, row in mine.iterrows():
        theirs = published.loc[key]
        for column in ("value", "lower_ci", "upper_ci", "numerator", "denominator"):
            a, b = row[column], theirs[column]
            if column != "value" and pd.isna(a) and pd.isna(b):
                continue
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (key, column)
        compared += 1
    assert compared == len(mine)
    # every indicator the store has for wards is either given here or said not to be, with a reason
    given = set(figures["indicator_id"]) | set(not_given["indicator_id"])
    assert given == set(registry.ids)
    assert not_given["reason"].str.len().gt(20).all()


def test_an_area_across_wards_recomputed_with_plain_pandas(store):
    values, lsoas, registry = store
    lsoas = pd.DataFrame(lsoas.drop(columns="geometry"))
    chosen = lsoas.sort_values("code").groupby("ward24_code").head(1).head(5)       # one LSOA from each of 5 wards
    figures, _ = aggregate_custom(values, registry, chosen)
    got = figures.set_index(["indicator_id", "period"])["value"]
    lsoa = values[values["area_level"] == "lsoa21"].astype({"indicator_id": str, "period": str})
    lsoa = lsoa[lsoa["area_code"].isin(chosen["code"])].merge(chosen[["code", "population", "households"]],
                                                              left_on="area_code", right_on="code")

    def rows(indicator, period):
        return lsoa[(lsoa["indicator_id"] == indicator) & (lsoa["period"] == period)]

    imd = rows("imd_imd_score", "2025")
    assert got[("imd_imd_score", "2025")] == pytest.approx(np.average(imd["value"], weights=imd["population"]))
    fuel = rows("fuel_poverty", "2020")
    assert got[("fuel_poverty", "2020")] == pytest.approx(100 * fuel["numerator"].sum() / fuel["denominator"].sum())
    people = rows("iod_income_deprived_people", "2025")
    assert got[("iod_income_deprived_people", "2025")] == pytest.approx(people["value"].sum())
    assert got[("population", "2021")] == chosen["population"].sum()
    decile = rows("imd_imd_decile", "2025")
    share = 100 * decile.loc[decile["value"] == 1, "population"].sum() / decile["population"].sum()
    assert got[("imd_imd_pct_most_deprived", "2025")] == pytest.approx(share)
    households = [i.id for i in registry.indicators if i.aggregation.weight == "households"]
    hh = rows(households[0], registry.get(households[0]).latest.period)
    assert got[(households[0], registry.get(households[0]).latest.period)] == pytest.approx(
        np.average(hh["value"], weights=hh["households"]))
