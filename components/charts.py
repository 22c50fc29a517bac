"""Altair charts as finished Vega-Lite specs, built once per view and shared by every session.

``st.altair_chart`` converts and schema-validates the whole chart on every rerun (20-100 ms a chart,
bench/pages.py --profile), although a chart depends only on its inputs. Pages build the chart inside a
cached function, keep ``vega_spec(chart)`` and draw it with ``show_spec``: a rerun then costs a lookup.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

_DEFAULT_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def _arrow_bytes(rows: list[dict]) -> bytes:
    """Rows as Arrow IPC stream bytes, the form Streamlit sends a chart's datasets in."""
    table = pa.Table.from_pandas(pd.DataFrame.from_records(rows))
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def vega_spec(chart: Any) -> dict:
    """The chart's Vega-Lite spec, as ``st.altair_chart`` would send it, without schema validation.

    Datasets are converted to Arrow once here (Streamlit would convert them on every draw). Altair's
    default theme adds a 300-pixel view size that Streamlit leaves out (it converts with the "none"
    theme), so it is removed; a chart's own sizes stay. Treat the result as read-only: it is shared.
    """
    spec = chart.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for name, value in _DEFAULT_VIEW.items():
        if view.get(name) == value:
            del view[name]
    if "view" in spec.get("config", {}) and not view:
        del spec["config"]["view"]
    if "config" in spec and not spec["config"]:
        del spec["config"]
    if "datasets" in spec:
        spec["datasets"] = {name: _arrow_bytes(rows) if isinstance(rows, list) else rows
                            for name, rows in spec["datasets"].items()}
    return spec


def show_spec(spec: dict, **kwargs):
    """Draw a spec from ``vega_spec`` (keyword arguments as ``st.vega_lite_chart``: width, key, alt...).

    Streamlit copies the top level of the spec before it moves the datasets out, so the shared dict is
    never changed."""
    return st.vega_lite_chart(spec, **kwargs)


def table_arrow(frame: pd.DataFrame) -> pa.Table:
    """A table converted once for ``st.dataframe`` (which converts a DataFrame again on every draw), for a shared
    cache: the columns as they are, no index (pages draw tables with ``hide_index=True``)."""
    return pa.Table.from_pandas(frame, preserve_index=False)
