"""The explorer's CSV on the real store: recomputed from the raw Census TS038 file with plain pandas."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from data.settings import data_dir
from data.query import indicator_frame
from data.registry import load_registry
from data.store import read_areas, read_values
from geo.exports import csv_bytes
from metrics.tidy_export import ExportContext, tidy_table

pytestmark = pytest.mark.data


def test_ward_disability_csv_matches_the_census_rounded_as_displayed(processed_store):
    root = data_dir()
    lookup = pd.read_csv(root / "lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv", dtype=str)
    leeds = lookup.loc[lookup["lad24_code"] == "E08000035", ["lsoa21_code", "ward24_code"]]
    census = pd.read_csv(root / "census/census21_ts038_disability_lsoa21_ew.csv")
    wards = leeds.merge(census, on="lsoa21_code").groupby("ward24_code")[
        ["disabled_under_the_equality_act", "total_residents"]].sum()
    expected = (100 * wards["disabled_under_the_equality_act"] / wards["total_residents"]).round(1)

    indicator = load_registry().get("census_disabled")
    values = read_values(processed_store)
    table = indicator_frame(values, read_areas(processed_store, "ward24"), indicator, "ward24", "2021")
    leeds_value = float(values[(values["indicator_id"] == indicator.id) & (values["area_level"] == "lad")]["value"].iloc[0])
    context = ExportContext("Wards (2024)", ("Leeds", "E08000035"), ("England", "E92000001"), leeds_value, None,
                            "Source: ONS.", "OGL v3.0")
    data = csv_bytes(tidy_table(table, indicator, "2021", context))
    assert data[:3] == b"\xef\xbb\xbf" and data[3:15] == b"Indicator ID"
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").set_index("Area Code")
    got = back.loc[expected.index, "Value"]
    assert (got == expected).all()
    assert (back.loc[expected.index, "Count"] == wards["disabled_under_the_equality_act"]).all()
    assert (back.loc[expected.index, "Denominator"] == wards["total_residents"]).all()
    assert back.loc["E08000035", "Value"] == round(100 * wards.iloc[:, 0].sum() / wards.iloc[:, 1].sum(), 1)
    assert set(back["Rank order"].dropna()) == {"1 = highest"}       # neutral: a need, not a failure
