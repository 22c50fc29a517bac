"""Unit tests for metrics.tidy_export on tiny fake rows: Fingertips columns, rounding as displayed, notes."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from data.registry import load_registry
from geo.exports import csv_bytes
from metrics.tidy_export import TIDY_COLUMNS, ExportContext, decimals, tidy_columns, tidy_table

REGISTRY = load_registry()
CONTEXT = ExportContext(area_type="Wards (2024)", leeds=("Leeds", "E08000035"), england=("England", "E92000001"),
                        leeds_value=20.123456, england_value=None, source="Source: fake.", licence="OGL v3.0")
ROWS = pd.DataFrame({"code": ["X1", "X2", "X3"], "display_name": ["Fakeham", "Testby", "Mock"],
                     "committee_code": ["c1", "c1", "c2"], "committee_name": ["One", "One", "Two"],
                     "value": [41.436272388255574, np.nan, 10.04], "lower_ci": [39.0, np.nan, 9.0],
                     "upper_ci": [43.0, np.nan, 11.0], "numerator": [414.4, np.nan, 100.0],
                     "denominator": [1000.0, np.nan, 996.0], "coverage": [1.0, np.nan, 0.9487],
                     "rank": pd.array([1, pd.NA, 2], dtype="Int64")})


def test_decimals_follow_the_registry_format():
    assert (decimals("{:.1f}"), decimals("{:,.0f}"), decimals("{:.2f}"), decimals("{}")) == (1, 0, 2, None)


def test_tidy_rows_are_rounded_compared_and_annotated():
    fuel = REGISTRY.get("fuel_poverty")          # % with one decimal, lower is better, 2020 on 2011 LSOAs
    period = fuel.latest.period
    out = tidy_table(ROWS, fuel, period, CONTEXT)
    assert list(out.columns) == TIDY_COLUMNS
    assert out["Value"].tolist()[:1] == [41.4] and out.loc[2, "Value"] == 10.0
    assert out.loc[0, "Compared to Leeds value"] == "Worse 95%" and out.loc[2, "Compared to Leeds value"] == "Better 95%"
    assert out.loc[1, "Compared to Leeds value"] == "Not compared"
    assert out.loc[2, "Value note"].startswith("Partial: the smaller areas with a value hold 94.8% of residents")
    assert "converted from 2011 LSOAs" in out.loc[0, "Time period"]
    assert out["Area Name"].tolist()[-1] == "Leeds" and out["Comparator value"].iloc[0] == 20.1
    assert out.loc[0, "Parent Name"] == "One" and out.loc[0, "Caveat"] == fuel.caveat
    back = pd.read_csv(io.BytesIO(csv_bytes(out)), encoding="utf-8-sig")
    assert back.columns[0] == "Indicator ID" and back.loc[0, "Value"] == 41.4
    assert "41.436" not in csv_bytes(out).decode("utf-8-sig")


def test_another_home_district_names_itself_in_the_rows_and_columns():
    """Built for another district (BCA_DISTRICT), the comparator row and the comparison columns are that district's:
    a Manchester figure is never labelled Leeds."""
    fuel = REGISTRY.get("fuel_poverty")
    context = ExportContext(area_type="Wards (2024)", leeds=("Manchester", "E08000003"), england=("England", "E92000001"),
                            leeds_value=20.1, england_value=None, source="Source: fake.", licence="OGL v3.0")
    out = tidy_table(ROWS, fuel, fuel.latest.period, context)
    assert list(out.columns) == tidy_columns("Manchester") and not [c for c in out.columns if "Leeds" in c]
    assert out.loc[0, "Compared to Manchester value"] == "Worse 95%" and out.loc[0, "Rank in Manchester"] == 1
    assert out.iloc[-1][["Area Code", "Area Name", "Value"]].tolist() == ["E08000003", "Manchester", 20.1]
