"""Similar wards on the real store, recomputed independently (plain pandas/numpy) for one ward."""
import numpy as np
import pandas as pd
import pytest

from data.store import read_areas, read_values
from metrics.similar_areas import load_config, similar_areas

pytestmark = pytest.mark.data
WARD = "Gipton & Harehills"


def test_top_five_for_a_real_ward_match_an_independent_computation(processed_store):
    values, wards = read_values(processed_store), read_areas(processed_store, "ward24")
    names = dict(zip(wards["code"].astype(str), wards["name"].astype(str)))
    code = str(wards.set_index("name").loc[WARD, "code"])
    config = load_config()

    # Independent: one column per listed (indicator, period), z-scores by hand, distances by broadcasting.
    columns = {}
    for listed in config.indicators:
        rows = values[(values["area_level"] == "ward24") & (values["indicator_id"] == listed.id)
                      & (values["period"] == listed.period)]
        columns[listed.id] = rows.set_index("area_code")["value"].astype(float)
    table = pd.DataFrame(columns).loc[sorted(names)]
    assert table.notna().all().all(), "every Leeds ward has every listed indicator (the scaling rule is unused)"
    assert len(table) == 33
    z = (table - table.mean()) / np.sqrt(((table - table.mean()) ** 2).mean())
    gaps = np.sqrt(((z.to_numpy() - z.loc[code].to_numpy()) ** 2).sum(axis=1))
    expected = (pd.DataFrame({"name": [names[c] for c in z.index], "distance": gaps}, index=z.index)
                .drop(index=code).sort_values(["distance", "name"]).head(5))

    got = similar_areas(values, config, code, names)
    assert got["name"].tolist() == expected["name"].tolist()
    assert got["distance"].to_numpy() == pytest.approx(expected["distance"].to_numpy())
    assert (got["shared"] == len(config.indicators)).all()
    assert WARD not in got["name"].tolist()
