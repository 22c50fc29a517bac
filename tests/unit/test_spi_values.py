"""The SPI build family, the matrix pivot, the scorecard and the official-file check, on tiny fake data."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from data.settings import DataError
from data.registry import Indicator
from metrics import spi_values
from metrics.spi_framework import parse_framework
from metrics.spi_inputs import indicator_matrix, latest_period
from metrics.spi_values import (compare_official, derive, index_gaps, parse_output, peer_count, scorecard,
                                spi_for_level, validate_official_scores)

# Two measured components, each a single indicator, so scores are hand-computable:
# component "a" = x (utopia 100, dystopia 0); component "b" = 100 * (10 - y) / 10 (lower is better).
FAKE_FRAMEWORK = """
name: Fake index
dimensions:
  - id: d1
    name: D one
    components:
      - {id: a, name: A, indicators: [{id: x, direction: higher_is_better, utopia: 100, dystopia: 0, reason: "fake"}]}
      - {id: m1, name: M1, missing: "fake gap"}
      - {id: m2, name: M2, missing: "fake gap"}
      - {id: m3, name: M3, missing: "fake gap"}
  - id: d2
    name: D two
    components:
      - {id: b, name: B, indicators: [{id: y, direction: lower_is_better, utopia: 0, dystopia: 10, reason: "fake"}]}
      - {id: m4, name: M4, missing: "fake gap"}
      - {id: m5, name: M5, missing: "fake gap"}
      - {id: m6, name: M6, missing: "fake gap"}
  - id: d3
    name: D three
    components:
      - {id: m7, name: M7, missing: "fake gap"}
      - {id: m8, name: M8, missing: "fake gap"}
      - {id: m9, name: M9, missing: "fake gap"}
      - {id: m10, name: M10, missing: "fake gap"}
"""


def _long(level: str, rows: dict[str, dict[str, float]], period: str = "2025") -> pd.DataFrame:
    return pd.DataFrame([{"area_level": level, "area_code": code, "indicator_id": ind, "period": period, "value": v}
                         for code, values in rows.items() for ind, v in values.items()])


LSOA = {"L1": {"x": 20.0, "y": 8.0}, "L2": {"x": 40.0, "y": 4.0}, "L3": {"x": 90.0, "y": 1.0}}
WARD = {"W1": {"x": 30.0, "y": 5.0}, "W2": {"x": 60.0, "y": 2.0}, "W3": {"x": 50.0, "y": 9.0}}
VALUES = pd.concat([_long("lsoa21", LSOA), _long("ward24", WARD)], ignore_index=True)


@pytest.fixture()
def fake_framework(tmp_path, monkeypatch):
    path = tmp_path / "spi.yaml"
    path.write_text(FAKE_FRAMEWORK, encoding="utf-8")
    monkeypatch.setattr(spi_values, "FRAMEWORK_PATH", path)
    return parse_framework(FAKE_FRAMEWORK)


def _indicator(id_: str, output: str, levels=("lsoa21", "ward24")) -> Indicator:
    return Indicator.model_validate({
        "id": id_, "label": id_, "short_label": id_, "unit": "score 0-100", "format": "{:.1f}",
        "polarity": "higher_is_better", "pillars": [], "theme": "t", "native_level": "lsoa21",
        "editions": [{"period": "2025", "source": "imd2025_lsoa21", "value": {"derived": "spi", "output": output}}],
        "aggregation": {"rule": "none", "reason": "fake"}, "definition": "d", "caveat": "c",
        "derived_levels": list(levels)})


def _context(levels=("lsoa21", "ward24")):
    codes = {"lsoa21": list(LSOA), "ward24": list(WARD)}
    return SimpleNamespace(registry=None, areas={lv: pd.DataFrame({"code": codes[lv]}) for lv in levels})


def test_latest_period_prefers_registry_order_then_text_order():
    assert latest_period(["2019", "2025"]) == "2025"
    assert latest_period(["2016-20", "2019"]) == "2019"
    assert latest_period(["2019", "2025"], order=["2019", "2025"]) == "2019"
    with pytest.raises(ValueError):
        latest_period([])


def test_indicator_matrix_takes_latest_period_and_keeps_missing_areas():
    values = pd.concat([_long("lsoa21", {"A": {"x": 1.0}, "B": {"x": 2.0}}, "2019"),
                        _long("lsoa21", {"A": {"x": 5.0}}, "2025")], ignore_index=True)
    out = indicator_matrix(values, "lsoa21", ["x"], area_codes=["A", "B", "C"])
    assert out.periods == {"x": "2025"}
    assert out.matrix.loc["A", "x"] == 5.0
    assert np.isnan(out.matrix.loc["B", "x"]) and np.isnan(out.matrix.loc["C", "x"])
    forced = indicator_matrix(values, "lsoa21", ["x"], periods={"x": "2019"})
    assert forced.matrix["x"].tolist() == [1.0, 2.0]


def test_indicator_matrix_refuses_indicator_without_values():
    with pytest.raises(ValueError, match="no values at level ward24"):
        indicator_matrix(VALUES, "ward24", ["x", "nope"])


def test_parse_output_names(fake_framework):
    assert parse_output("index", fake_framework) == ("index", None)
    assert parse_output("dimension:d2", fake_framework) == ("dimension", "d2")
    assert parse_output("component:a", fake_framework) == ("component", "a")
    for bad in ("component:zz", "dim:d1", "indexx"):
        with pytest.raises(ValueError, match="Unknown SPI output"):
            parse_output(bad, fake_framework)


def test_derive_scores_each_level_from_its_own_values(fake_framework):
    indicators = [_indicator("spi_index", "index"), _indicator("spi_comp_a", "component:a"),
                  _indicator("spi_dim_d2", "dimension:d2")]
    out = derive(VALUES, indicators, _context())
    table = out.set_index(["area_level", "indicator_id", "area_code"])["value"]
    # single-indicator components reduce to the raw value placed between the anchors
    assert table[("ward24", "spi_comp_a", "W2")] == pytest.approx(60.0)
    assert table[("ward24", "spi_dim_d2", "W1")] == pytest.approx(50.0)
    assert table[("lsoa21", "spi_comp_a", "L3")] == pytest.approx(90.0)
    # index = mean of the two measured dimensions (d3 has none), from ward values, not LSOA averages
    assert table[("ward24", "spi_index", "W3")] == pytest.approx((50.0 + 10.0) / 2)
    assert table[("lsoa21", "spi_index", "L1")] == pytest.approx((20.0 + 20.0) / 2)
    assert set(out["period"]) == {"2025"}
    assert len(out) == 3 * 2 * 3


def test_derive_only_writes_the_levels_asked_for(fake_framework):
    out = derive(VALUES, [_indicator("spi_index", "index", levels=("ward24",))], _context())
    assert set(out["area_level"]) == {"ward24"}


def test_derive_reports_unknown_output_and_missing_level(fake_framework):
    with pytest.raises(DataError, match="Unknown SPI output"):
        derive(VALUES, [_indicator("spi_x", "component:nope")], _context())
    with pytest.raises(DataError, match="no areas"):
        derive(VALUES, [_indicator("spi_index", "index", levels=("msoa",))], _context())


def test_derive_skips_a_level_the_district_does_not_have(fake_framework):
    """Another district's build has an empty committee layer (committees are Leeds'): the family is still built for
    the levels it has, with the same scores, instead of failing on the empty level."""
    context = _context()
    context.areas["committee"] = pd.DataFrame({"code": pd.Series([], dtype=str)})
    asked = [_indicator("spi_index", "index", levels=("lsoa21", "ward24", "committee"))]
    out = derive(VALUES, asked, context)
    assert set(out["area_level"]) == {"lsoa21", "ward24"}
    pd.testing.assert_frame_equal(out, derive(VALUES, [_indicator("spi_index", "index")], _context()))


def test_area_missing_an_indicator_keeps_index_from_other_components_and_is_reported(fake_framework):
    values = VALUES[~((VALUES["area_code"] == "W1") & (VALUES["indicator_id"] == "y"))]
    run = spi_for_level(values, "ward24", fake_framework, ["W1", "W2", "W3"])
    assert np.isnan(run.result.components.loc["W1", "b"])
    assert run.result.index["W1"] == pytest.approx(30.0)   # only dimension d1 (component a = 30)
    gaps = index_gaps(run)
    assert gaps["area"].tolist() == ["W1"]
    assert gaps["status"].iloc[0] == "index from fewer components"
    assert "y" in gaps["reason"].iloc[0]


def test_too_few_areas_is_refused(fake_framework):
    with pytest.raises(ValueError, match="at least 3"):
        spi_for_level(VALUES, "ward24", fake_framework, ["W1", "W2"])


def test_peer_count_is_a_sixth_between_3_and_15():
    assert [peer_count(n) for n in (10, 33, 60, 488)] == [3, 5, 10, 15]


def test_scorecard_judges_against_income_peers():
    framework = parse_framework(FAKE_FRAMEWORK)
    rows = {f"A{i}": {"x": float(10 * i), "y": 5.0} for i in range(1, 8)}
    rows["A7"] = {"x": 95.0, "y": 9.5}    # far better on x, far worse on y
    run = spi_for_level(_long("ward24", rows), "ward24", framework)
    key = pd.Series({f"A{i}": float(i) for i in range(1, 8)})
    table, peers = scorecard(run, framework, "A7", key, {"x": 50.0, "y": 5.0})
    assert peers == ["A6", "A5", "A4"]
    verdict = table.set_index("item")["verdict"]
    assert verdict["a"] == "strength" and verdict["x"] == "strength"
    assert verdict["b"] == "weakness" and verdict["y"] == "weakness"   # y is lower-is-better
    assert verdict["m1"] == "not measured"
    leeds = table.set_index("item")["leeds_value"]
    assert leeds["x"] == 50.0
    assert leeds["a"] == pytest.approx(run.result.components["a"].median())
    assert table["kind"].tolist()[:4] == ["Index", "Dimension", "Dimension", "Dimension"]


def _official(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"ward24_code": ["W1", "W2", "W3", "W1"], "year": [2024, 2024, 2024, 2023],
                          "spi": [40.0, 70.0, 55.0, 10.0], "basic_human_needs": [50.0, 80.0, 60.0, 1.0],
                          "foundations_of_wellbeing": [45.0, 65.0, 50.0, 1.0], "opportunity": [30.0, 60.0, 55.0, 1.0]})
    return frame.assign(**changes)


def test_validate_official_keeps_latest_year_per_ward():
    clean = validate_official_scores(_official(), ["W1", "W2", "W3"])
    assert clean.loc["W1", "spi"] == 40.0 and clean.loc["W1", "year"] == 2024
    assert len(clean) == 3


@pytest.mark.parametrize("frame, message", [
    (_official().drop(columns="opportunity"), "lacks column"),
    (_official(ward24_code=["W1", "W2", "X9", "W1"]), "not Leeds 2024 wards"),
    (_official(spi=[40.0, 170.0, 55.0, 10.0]), "between 0 and 100"),
    (_official(spi=["40", "high", "55", "10"]), "not a number"),
    (_official(year=[2024, 2024, 2024, 2024]), "repeats a ward and year"),
    (_official(year=[2024, "x", 2024, 2023]), "whole number"),
])
def test_validate_official_rejects_bad_files(frame, message):
    with pytest.raises(ValueError, match=message):
        validate_official_scores(frame, ["W1", "W2", "W3"])


def test_compare_official_correlation():
    official = validate_official_scores(_official(), ["W1", "W2", "W3"])
    ours = pd.DataFrame({"spi": [41.0, 71.0, 56.0], "basic_human_needs": [80.0, 50.0, 70.0],
                         "foundations_of_wellbeing": [1.0, 2.0, 3.0], "opportunity": [np.nan, 1.0, 2.0]},
                        index=["W1", "W2", "W3"])
    table, corr = compare_official(official, ours)
    assert corr["spi"] == pytest.approx(1.0)
    assert corr["basic_human_needs"] == pytest.approx(-1.0)
    assert np.isnan(corr["opportunity"])          # only two wards with both values
    assert table.loc["W2", "spi_open"] == 71.0
