"""components.charts.vega_spec: the same spec Streamlit's st.altair_chart would send, built once."""
import altair as alt
import pandas as pd
import pyarrow as pa
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from components.charts import vega_spec


def _rows(dataset) -> list[dict]:
    return pa.ipc.open_stream(dataset).read_all().to_pandas().to_dict("records")


def test_spec_matches_streamlits_conversion_apart_from_the_dataset_names():
    frame = pd.DataFrame({"area": ["Fake A", "Fake B"], "value": [1.5, None]})
    chart = (alt.Chart(frame).mark_bar().encode(x="area:N", y="value:Q")
             + alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule().encode(y="y:Q")).properties(height=200)
    ours, theirs = vega_spec(chart), _convert_altair_to_vega_lite_spec(chart)
    assert "config" not in ours                                # no 300 px default view, as in Streamlit's
    assert {k for k in ours if k != "datasets"} == {k for k in theirs if k != "datasets"}
    assert ours["height"] == theirs["height"] == 200
    assert sorted(len(_rows(d)) for d in ours["datasets"].values()) == [1, 2]
    bars = next(_rows(d) for d in ours["datasets"].values() if len(_rows(d)) == 2)
    assert bars[0] == {"area": "Fake A", "value": 1.5} and bars[1]["area"] == "Fake B" and pd.isna(bars[1]["value"])


def test_drawing_leaves_the_shared_spec_unchanged():
    from streamlit.testing.v1 import AppTest

    def page():
        import altair as alt
        import pandas as pd
        import streamlit as st

        from components.charts import show_spec, vega_spec
        spec = vega_spec(alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q"))
        before = repr(spec)
        show_spec(spec, width="stretch")
        show_spec(spec, width="stretch")
        st.session_state["unchanged"] = repr(spec) == before

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) == 2
    assert at.session_state["unchanged"]
