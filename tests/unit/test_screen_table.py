"""The explorer's on-screen table as compact Arrow (issue 20: <= 20 KB per indicator change on a map): numbers as
printed, small integer and dictionary types, and the same rows and columns as the table it comes from."""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes

from components.indicator_map import display_decimals, screen_arrow


def _fake(n: int = 400) -> pd.DataFrame:
    """Obviously fake rows shaped like the explorer's table (Area, Code, value, rank, class, CI)."""
    rng = np.random.default_rng(7)
    value = rng.uniform(0, 60, n)
    return pd.DataFrame({
        "Area": [f"Fake {i:03d}A (Fake ward {i % 30})" for i in range(n)],
        "Code": [f"X{i:08d}" for i in range(n)],
        "Share": value,
        "Rank (1 = worst)": pd.array(np.arange(1, n + 1), dtype="Int64"),
        "Class": [f"Class {i % 5 + 1} ({i % 5 * 12:.1f} to {i % 5 * 12 + 12:.1f})" for i in range(n)],
        "Lower 95% CI": value - rng.uniform(0, 3, n),
        "Upper 95% CI": value + rng.uniform(0, 3, n),
    })


@pytest.mark.parametrize("fmt, places", [("{:.1f}", 1), ("{:,.0f}", 0), ("{:+.2f}", 2), ("{:.0f}", 0), ("{}", 0)])
def test_decimal_places_of_a_registry_format(fmt, places):
    assert display_decimals(fmt) == places


def test_numbers_are_the_numbers_as_printed_and_nothing_is_lost():
    table = _fake()
    table.loc[3, "Share"] = np.nan
    table.loc[4, "Share"] = 2.675            # binary 2.67499..: printed "2.67" at 2 places, numpy's round gives 2.68
    out = screen_arrow(table, 2).to_pandas()
    assert list(out.columns) == list(table.columns) and len(out) == len(table)
    assert out["Area"].tolist() == table["Area"].tolist() and out["Code"].tolist() == table["Code"].tolist()
    printed = table["Share"].map(lambda v: "nan" if pd.isna(v) else f"{v:.2f}")
    assert out["Share"].map(lambda v: "nan" if pd.isna(v) else f"{v:.2f}").tolist() == printed.tolist()
    assert out.loc[4, "Share"] == 2.67 and pd.isna(out.loc[3, "Share"])
    assert out["Rank (1 = worst)"].tolist() == table["Rank (1 = worst)"].tolist()
    assert out["Class"].astype(str).tolist() == table["Class"].tolist()
    assert table.loc[0, "Share"] != round(table.loc[0, "Share"], 2)        # the input (the download's) is untouched


def test_types_are_compact_and_the_bytes_shrink():
    table = _fake()
    arrow = screen_arrow(table, 1)
    types = dict(zip(arrow.schema.names, arrow.schema.types))
    assert types["Rank (1 = worst)"] == pa.int16() and pa.types.is_dictionary(types["Class"])

    def wire(t: pa.Table) -> int:
        deflate = zlib.compressobj(6, zlib.DEFLATED, -12, 5)
        return len(deflate.compress(convert_arrow_table_to_arrow_bytes(t)) + deflate.flush(zlib.Z_SYNC_FLUSH))
    assert wire(arrow) < 0.7 * wire(pa.Table.from_pandas(table, preserve_index=False))


def test_large_whole_numbers_and_a_leeds_row_keep_their_values():
    table = pd.DataFrame({"Area": ["Fake city", "Fake 1"], "Count": pd.array([None, 70_000], dtype="Int64"),
                          "Price": [250_000.0, 1_234_567.0]})
    out = screen_arrow(table, 0).to_pandas()
    assert pd.isna(out.loc[0, "Count"]) and out.loc[1, "Count"] == 70_000        # too big for 16 bits: kept as is
    assert out["Price"].tolist() == [250_000.0, 1_234_567.0]
